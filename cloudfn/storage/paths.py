"""The rule for a cloud path (the ``cloudPath`` of ``uploadFile``), shared by client and emulator.

The platform's documentation allows, in a cloud path, ``0-9 a-z A-Z``, ``/``, ``! - _ . * ' ( )``
and non-ASCII text such as Chinese; ``/`` separates folders. On top of that a path must not be
empty, start with ``/``, hold an empty, ``.`` or ``..`` segment (a file could escape its folder),
or be longer than the object store's 850 bytes.
"""

from __future__ import annotations

import re

MAX_PATH_BYTES = 850
_ALLOWED_ASCII = re.compile(r"[0-9A-Za-z/!\-_.*'()]")


def path_violation(path: object) -> str | None:
    """Why ``path`` is not a usable cloud path (the rule broken and the fix), or None."""
    if not isinstance(path, str):
        return f"cloudPath must be a string, got {type(path).__name__}. Fix: e.g. 'images/a.png'"
    if not path:
        return "cloudPath is empty. Fix: give the file's path in storage, e.g. 'images/a.png'"
    if path.startswith("/"):
        return f"cloudPath {path!r} starts with '/'. Fix: drop the leading '/', e.g. 'images/a.png'"
    for segment in path.split("/"):
        if segment in ("", ".", ".."):
            shown = segment or "an empty segment ('//' or a trailing '/')"
            return f"cloudPath {path!r} holds {shown!r} as a folder or file name. Fix: name each folder, e.g. 'images/a.png'"
    for char in path:
        if ord(char) < 128 and not _ALLOWED_ASCII.fullmatch(char):
            return (
                f"cloudPath {path!r} holds {char!r}, which a cloud path may not contain. Fix: use only "
                "0-9 a-z A-Z / ! - _ . * ' ( ) and non-ASCII text"
            )
        if ord(char) >= 128 and not char.isprintable():
            return f"cloudPath {path!r} holds the control character {char!r}. Fix: remove it"
    if len(path.encode()) > MAX_PATH_BYTES:
        return f"cloudPath is {len(path.encode())} bytes long, more than {MAX_PATH_BYTES}. Fix: shorten it"
    return None


__all__ = ["MAX_PATH_BYTES", "path_violation"]
