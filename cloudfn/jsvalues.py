"""JavaScript's ``undefined`` in Python, for ports that must behave like their Node originals.

In Node a missing field is ``undefined``: it is falsy, ``JSON.stringify``
drops it from objects, and the SDK leaves it out of a request. ``None`` is
JavaScript's ``null``: it is sent and returned. A port keeps the two apart
with :data:`undefined` and :class:`JSObject`:

- ``JSObject`` is a dict whose missing keys read as ``undefined``
  (``event.get("openid")``, ``event["openid"]``, ``event.openid``);
- ``undefined`` is falsy, equal only to itself, and dropped where Node drops
  it (:func:`cloudfn.jsjson.to_json_value`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final


class Undefined:
    """The one ``undefined``: falsy, equal only to itself, never serialised."""

    _instance: Undefined | None = None

    def __new__(cls) -> Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "undefined"

    def __str__(self) -> str:
        return "undefined"

    def __reduce__(self) -> str:
        return "undefined"


undefined: Final = Undefined()


def js_type(value: Any) -> str:
    """``Object.prototype.toString``'s name (lowercased) for a value a port passes, as the SDK's checks word it."""
    if isinstance(value, Undefined):
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    return "object"


class JSObject(dict[str, Any]):
    """A dict read the way JavaScript reads an object: a missing key is ``undefined``.

    ``obj.get("k")`` and ``obj["k"]`` give ``undefined`` for a key that is not
    there (``obj.get("k", default)`` still gives the default), and keys that
    are not dict methods read as attributes too (``event.openid``).
    """

    def __missing__(self, key: str) -> Any:
        return undefined

    def get(self, key: str, default: Any = undefined) -> Any:
        return super().get(key, default)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def __repr__(self) -> str:
        return f"JSObject({dict.__repr__(self)})"


def js_object(value: Any) -> Any:
    """``value`` with every mapping inside it (lists included) made a :class:`JSObject`."""
    if isinstance(value, Mapping):
        return JSObject({key: js_object(item) for key, item in value.items()})
    if isinstance(value, list):
        return [js_object(item) for item in value]
    return value
