"""Replacing a file atomically: a reader sees the old content or the new, never half of either."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: str | os.PathLike[str], data: bytes, *, temp_prefix: str = ".cloudfn-") -> None:
    """Write ``data`` to a temp file beside ``path`` (mode 0600, as mkstemp makes it), then rename it over.

    The folder is created if missing; on any failure the temp file is removed.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=temp_prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except BaseException:
        os.unlink(temp)
        raise
