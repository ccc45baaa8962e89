"""Key-case conversion, exactly as wx-server-sdk's ``utils.convertCase`` does it.

Only keys change, never values. Objects are converted recursively, objects
inside arrays too, arrays inside arrays recurse. The Node code rebuilds an
object by assigning each converted key and deleting the old one, so a key
whose spelling changes moves to the end of the object while unchanged keys
keep their place; results are compared key order included, so we do the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

_UPPER = re.compile(r"[A-Z]")
_UNDERSCORE_LOWER = re.compile(r"_[a-z]")


# Keys repeat from call to call (the same API fields), so each spelling is converted once.
@lru_cache(maxsize=4096)
def camel_to_snake(name: str) -> str:
    """``updateType`` -> ``update_type``; an upper-case first letter is only lowered."""
    return _UPPER.sub(lambda m: ("_" if m.start() else "") + m.group().lower(), name)


@lru_cache(maxsize=4096)
def snake_to_camel(name: str) -> str:
    """``tagid_list`` -> ``tagidList``; ``_`` before anything but a-z stays."""
    return _UNDERSCORE_LOWER.sub(lambda m: m.group()[1].upper(), name)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _convert(value: Any, convert_key: Callable[[str], str]) -> Any:
    if isinstance(value, dict):
        # Mirror the Node loop on a copy of the object: `for (key in data)`
        # skips keys deleted meanwhile and reads the current value; a new key
        # is appended, an existing one is overwritten in place.
        out: dict[str, Any] = dict(value)
        for key in list(out):
            if key not in out:
                continue
            item = out[key]
            if type(item) not in _SCALARS:  # most values are scalars: no call for them
                item = _convert(item, convert_key)
            new_key = convert_key(key) if isinstance(key, str) else key
            out[new_key] = item
            if new_key != key:
                del out[key]
        return out
    if isinstance(value, list | tuple):
        return [_convert(item, convert_key) for item in value]
    return value


def to_snake_keys(value: Any) -> Any:
    """Request direction: camelCase keys to snake_case, recursively."""
    return _convert(value, camel_to_snake)


def to_camel_keys(value: Any) -> Any:
    """Response direction: snake_case keys to camelCase, recursively."""
    return _convert(value, snake_to_camel)
