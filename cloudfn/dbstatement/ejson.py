"""Canonical MongoDB extended JSON exactly as the Node SDK writes it (bson 4, ``relaxed: false``).

The ``/admin`` requests carry queries and documents as EJSON strings made by
``EJSON.stringify(value, {relaxed: false})`` after undefined values are
dropped. A JavaScript number has no int/float split: integers in int32 range
are ``$numberInt``, other integers up to 2**63 ``$numberLong``, the rest
``$numberDouble``, each spelt as JavaScript's ``Number#toString`` spells it.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .errors import StatementError
from .values import UNDEFINED, Internal, JSDate, JSRegExp, js_keys

_INT32 = 2**31
_INT64_MAX_AS_DOUBLE = float(2**63)  # bson compares against Math.pow(2, 63) - 1, which rounds to 2**63


def js_number_text(value: float | int) -> str:
    """``String(value)`` in JavaScript (ECMAScript Number::toString, radix 10)."""
    if isinstance(value, int):
        if abs(value) <= 2**53:
            return str(value)
        value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr gives the shortest digits that round-trip, as JavaScript picks them.
    shortest = repr(abs(value))
    if "e" in shortest:
        mantissa, _, exponent = shortest.partition("e")
    else:
        mantissa, exponent = _scientific(shortest)
    digits = mantissa.replace(".", "").lstrip("0") or "0"
    digits = digits.rstrip("0") or "0"
    point = int(exponent) + 1  # position of the decimal point after the first digit
    k = len(digits)
    if k <= point <= 21:
        return sign + digits + "0" * (point - k)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * (-point) + digits
    exp = point - 1
    exp_text = f"e+{exp}" if exp >= 0 else f"e-{-exp}"
    if k == 1:
        return sign + digits + exp_text
    return sign + digits[0] + "." + digits[1:] + exp_text


def _scientific(plain: str) -> tuple[str, str]:
    """'123.45' -> ('1.2345', '2'); '0.00012' -> ('1.2', '-4')."""
    whole, _, fraction = plain.partition(".")
    whole = whole.lstrip("0")
    if whole:
        return whole[0] + "." + whole[1:] + fraction, str(len(whole) - 1)
    stripped = fraction.lstrip("0")
    zeros = len(fraction) - len(stripped)
    return stripped[0] + "." + stripped[1:], str(-(zeros + 1))


def number_to_ejson(value: float | int) -> dict[str, str]:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return {"$numberDouble": js_number_text(value)}
    if isinstance(value, int) or value.is_integer():
        if -_INT32 <= value < _INT32:
            return {"$numberInt": js_number_text(int(value))}
        if -_INT64_MAX_AS_DOUBLE <= float(value) <= _INT64_MAX_AS_DOUBLE:
            return {"$numberLong": js_number_text(float(value) if abs(value) > 2**53 else int(value))}
    return {"$numberDouble": js_number_text(value)}


def to_canonical(value: Any) -> Any:
    """The JSON-ready canonical EJSON form of a serialised value."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return number_to_ejson(value)
    if isinstance(value, list):
        return [None if item is UNDEFINED else to_canonical(item) for item in value]
    if isinstance(value, dict):
        return {key: to_canonical(value[key]) for key in js_keys(value) if value[key] is not UNDEFINED}
    if isinstance(value, JSDate):
        if math.isnan(value.ms):
            raise StatementError("Invalid Date cannot be stored: give new Date() a valid date")
        return {"$date": {"$numberLong": js_number_text(int(value.ms))}}
    if isinstance(value, JSRegExp):
        if any(flag not in "imxlsu" for flag in value.flags):
            raise StatementError(
                f"regular expression flag(s) {value.flags!r} not supported here: use i, m, s or u"
            )
        return {"$regularExpression": {"pattern": value.source, "options": "".join(sorted(value.flags))}}
    if isinstance(value, Internal):
        raise StatementError(
            f"{type(value).__name__} is not allowed at this place of the statement: "
            "use it as a field value of where/update/add data"
        )
    raise StatementError(f"value {value!r} cannot be stored")


def stringify(value: Any) -> str:
    """``EJSON.stringify(value, {relaxed: false})`` as the Node SDK's ``stringifyByEJSON``."""
    return json.dumps(to_canonical(value), ensure_ascii=False, separators=(",", ":"))


__all__ = ["js_number_text", "stringify", "to_canonical"]
