"""``JSON.stringify`` in Python: what a Node function's result looks like on the wire.

The platform hands a function's result to its caller as ``JSON.stringify``
writes it. A port's result is made the same here: ``undefined`` keys left
out (``null`` inside arrays), integral floats written as integers (``4 / 2``
is ``2`` in JavaScript), NaN and infinities as ``null``, dates as
``toISOString()``, a returned ``CloudSDKError`` as ``{"errCode", "errMsg"}``,
a plain ``Error`` as ``{}``, bytes as Node's ``Buffer.toJSON()``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from .errors import CloudSDKError, Error
from .jsvalues import Undefined


def left_out_of_objects(value: Any) -> bool:
    """Values JSON.stringify leaves out of an object (undefined, functions)."""
    return isinstance(value, Undefined) or (callable(value) and not isinstance(value, type))


def to_json_value(value: Any) -> Any:
    """A plain JSON value (dict, list, str, int, float, bool, None) as JSON.stringify would write it.

    The top-level ``undefined`` becomes ``None``: the platform gives the caller ``null``.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**63 else value
    if isinstance(value, Undefined):
        return None
    if isinstance(value, CloudSDKError):
        return value.to_json()
    if isinstance(value, Error):
        return {}
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return (
            datetime(value.year, value.month, value.day, tzinfo=UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z")
        )
    if isinstance(value, bytes | bytearray):
        return {"type": "Buffer", "data": list(value)}
    if isinstance(value, Mapping):
        return {str(key): to_json_value(item) for key, item in value.items() if not left_out_of_objects(item)}
    if isinstance(value, list | tuple):
        return [None if left_out_of_objects(item) else to_json_value(item) for item in value]
    if isinstance(value, set | frozenset):
        return {}  # a Set has no enumerable own properties
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return to_json_value(to_json())
    raise TypeError(f"a {type(value).__name__} is not JSON serialisable")


def drop_undefined(value: Any) -> Any:
    """A request body as the Node SDK sends it: ``undefined`` keys gone (``null`` in arrays).

    Only ``undefined`` is touched (``None`` is JavaScript's ``null`` and is
    sent); everything else, bytes included, is left for the pipeline.
    """
    if isinstance(value, Mapping):
        return {key: drop_undefined(item) for key, item in value.items() if not isinstance(item, Undefined)}
    if isinstance(value, list | tuple):
        return [None if isinstance(item, Undefined) else drop_undefined(item) for item in value]
    return value


def stringify(value: Any) -> str:
    """``JSON.stringify(value)``: compact, non-ASCII kept."""
    return json.dumps(to_json_value(value), ensure_ascii=False, separators=(",", ":"))
