"""Queries, updates and values to the Node SDK's wire form (a port of @cloudbase/database's serializers).

The algorithms are the Node SDK's, step for step, so a query built in Python
sends the same extended JSON the Node SDK sends (nested objects flattened to
dotted paths, chained commands to ``$and``, update values to ``$set``, ...).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from bson.int64 import Int64
from bson.regex import Regex

from ..jsvalues import Undefined
from . import ejson
from .types import Point, RegExp, ServerDate, _Shape


class UnstorableValue(TypeError):
    """A value the database cannot hold (a set, an arbitrary object, ...), with where it is."""

    def __init__(self, path: str, value: Any) -> None:
        kind = type(value).__name__
        super().__init__(
            f"{path}: a {kind} cannot be stored in the database. Fix: use dicts, lists, str, int, "
            "float, bool, None, datetime, db.serverDate(), db.RegExp() or db.Geo values"
        )
        self.path = path


def _kind(value: Any) -> str | None:
    """A db.command's kind ("logic", "query", "update"), like the Node SDK's _internalType."""
    kind = getattr(type(value), "KIND", None)
    return kind if isinstance(kind, str) else None


def _is_query(value: Any) -> bool:
    return _kind(value) == "query"


def _is_logic(value: Any) -> bool:
    """A logic command, or a query command (which is one too)."""
    return _kind(value) in ("logic", "query")


def _is_update(value: Any) -> bool:
    return _kind(value) == "update"


def is_internal(value: Any) -> bool:
    return _kind(value) is not None or isinstance(value, ServerDate | RegExp | Point | _Shape)


def _is_regexp(value: Any) -> bool:
    return isinstance(value, re.Pattern)


def conversion_required(value: Any) -> bool:
    return is_internal(value) or isinstance(value, dt.datetime) or _is_regexp(value)


def _is_object(value: Any) -> bool:
    """Node's getType(value) === 'object': plain objects and class instances, not arrays or dates."""
    return isinstance(value, dict | ServerDate | RegExp) or _kind(value) is not None


def _truthy(value: Any) -> bool:
    """JavaScript truthiness: {} and [] are true; 0, '', null, false and NaN are not."""
    if value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def _regexp(pattern: re.Pattern[str]) -> dict[str, Any]:
    flags = ""
    if pattern.flags & re.IGNORECASE:
        flags += "i"
    if pattern.flags & re.MULTILINE:
        flags += "m"
    if pattern.flags & re.DOTALL:
        flags += "s"
    return {"$regularExpression": {"pattern": pattern.pattern, "options": flags}}


def serialize(value: Any, path: str = "data") -> Any:
    """The Node SDK's serialize(): internal types to their wire objects, recursively."""
    if isinstance(value, ServerDate | RegExp):
        return value.parse()
    if isinstance(value, Point | _Shape):
        return value.toJSON()
    if _is_query(value):
        return value.toJSON()
    if _kind(value) is not None:
        return value
    if isinstance(value, dt.datetime):
        return value
    if _is_regexp(value):
        return _regexp(value)
    if isinstance(value, list | tuple):
        return [serialize(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: serialize(item, f"{path}.{key}") for key, item in value.items()}
    return value


def _flatten(query: dict[str, Any], preserve: Callable[[Any], bool]) -> dict[str, Any]:
    cloned = dict(query)
    for key, value in query.items():
        if key.startswith("$"):
            continue
        if not _truthy(value):
            continue
        if _is_object(value) and not preserve(value):
            child = _flatten(value, preserve)
            cloned[key] = child
            has_key_not_combined = False
            for child_key in list(child):
                if not child_key.startswith("$"):
                    cloned[f"{key}.{child_key}"] = child[child_key]
                    del child[child_key]
                else:
                    has_key_not_combined = True
            if not has_key_not_combined:
                del cloned[key]
    return cloned


def flatten_query_object(query: dict[str, Any]) -> dict[str, Any]:
    return _flatten(query, conversion_required)


def _operator(name: str) -> str:
    return {"neq": "$ne", "remove": "$unset", "shift": "$pop", "unshift": "$push"}.get(name, "$" + name)


# -- queries -------------------------------------------------------------------


def encode_query(query: Any, key: str | None = None) -> Any:
    if conversion_required(query):
        if _is_query(query):
            return _encode_comparison(query)
        if _is_logic(query):
            return _encode_logic(query)
        if _is_regexp(query):
            return {key: _regexp(query)}
        if isinstance(query, dt.datetime):
            return {key: query}
        return {key: serialize(query)}
    if isinstance(query, dict):
        return _encode_query_object(query)
    return query


def _encode_logic(query: Any) -> dict[str, Any]:
    op = _operator(query.operator)
    if query.operator in ("nor", "and", "or"):
        return {op: [encode_query(o, query.field_name) for o in query.operands]}
    if query.operator == "not":
        expression = query.operands[0]
        if _is_regexp(expression):
            return {query.field_name: {op: _regexp(expression)}}
        return {query.field_name: {op: encode_query(expression)[query.field_name]}}
    if len(query.operands) == 1:
        return {op: encode_query(query.operands[0])}
    return {op: [encode_query(o) for o in query.operands]}


def _encode_comparison(query: Any) -> dict[str, Any]:
    if not query.field_name:
        raise ValueError("Cannot encode a comparison command with unset field name")
    op = _operator(query.operator)
    field = query.field_name
    if query.operator in ("in", "nin", "all"):
        return {field: {op: serialize(list(query.operands))}}
    if query.operator == "geoNear":
        options = query.operands[0]
        near: dict[str, Any] = {"$geometry": serialize(options.get("geometry"))}
        for option in ("maxDistance", "minDistance"):
            if options.get(option) is not None:
                near["$" + option] = options[option]
        return {field: {"$nearSphere": near}}
    if query.operator == "geoWithin":
        options = query.operands[0]
        if options.get("centerSphere") is not None:
            center, radius = options["centerSphere"]
            if isinstance(center, Point):
                center = list(center["coordinates"])
            return {field: {"$geoWithin": {"$centerSphere": [center, radius]}}}
        return {field: {"$geoWithin": {"$geometry": serialize(options.get("geometry"))}}}
    if query.operator == "geoIntersects":
        return {field: {"$geoIntersects": {"$geometry": serialize(query.operands[0].get("geometry"))}}}
    return {field: {op: serialize(query.operands[0])}}


def _merge_query(query: dict[str, Any], condition: dict[str, Any], key: str) -> None:
    if not _truthy(condition.get(key)):
        query.pop(key, None)
    for condition_key, value in condition.items():
        current = query.get(condition_key)
        if _truthy(current):
            if isinstance(current, list):
                query[condition_key] = current + value
            elif _is_object(current) and _is_object(value):
                query.update(condition)
            else:
                query[condition_key] = value
        else:
            query[condition_key] = value


def _encode_query_object(query: dict[str, Any]) -> dict[str, Any]:
    flattened = flatten_query_object(query)
    for key in list(flattened):
        if key not in flattened:
            continue
        value = flattened[key]
        if _is_query(value):
            command = value.set_field_name(key)
            flattened[key] = command
            _merge_query(flattened, _encode_comparison(command), key)
        elif _is_logic(value):
            logic = value.set_field_name(key)
            flattened[key] = logic
            _merge_query(flattened, _encode_logic(logic), key)
        elif conversion_required(value):
            flattened[key] = serialize(value)
    return flattened


# -- updates -------------------------------------------------------------------


def _merge_update(query: dict[str, Any], condition: dict[str, Any], key: str) -> None:
    if not _truthy(condition.get(key)):
        query.pop(key, None)
    for condition_key, value in condition.items():
        current = query.get(condition_key)
        if _truthy(current):
            if isinstance(current, list):
                current.append(value)
            elif isinstance(current, dict) and isinstance(value, dict):
                current.update(value)
            else:
                query[condition_key] = value
        else:
            query[condition_key] = value


def _encode_update_command(command: Any) -> dict[str, Any]:
    if not command.field_name:
        raise ValueError("Cannot encode a comparison command with unset field name")
    op = _operator(command.operator)
    field = command.field_name
    operator = command.operator
    if operator == "push":
        if isinstance(command.operands, list):
            return {op: {field: {"$each": [serialize(v) for v in command.operands]}}}
        return {op: {field: command.operands}}
    if operator == "unshift":
        return {op: {field: {"$each": [serialize(v) for v in command.operands], "$position": 0}}}
    if operator == "pop":
        return {op: {field: 1}}
    if operator == "shift":
        return {op: {field: -1}}
    if operator in ("pull", "pullAll", "addToSet"):
        return {op: {field: serialize(command.operands)}}
    if operator == "remove":
        return {op: {field: ""}}
    return {op: {field: command.operands[0]}}


def encode_update(data: Any) -> Any:
    if _is_update(data):
        return _encode_update_command(data)
    if not isinstance(data, dict):
        return data
    flattened = flatten_query_object(data)
    for key in list(flattened):
        if key.startswith("$") or key not in flattened:
            continue
        value = flattened[key]
        if _is_update(value):
            command = value.set_field_name(key)
            flattened[key] = command
            _merge_update(flattened, _encode_update_command(command), key)
        else:
            value = serialize(value)
            flattened[key] = value
            _merge_update(flattened, {"$set": {key: value}}, key)
    return flattened


# -- extended JSON ------------------------------------------------------------


def _wire(value: Any, path: str) -> Any:
    """Every value as bson can encode it; anything unstorable is refused with its path.

    ``undefined`` goes as JSON.stringify (the Node SDK's EJSON) sends it: left out of
    objects, ``null`` in arrays.
    """
    if isinstance(value, dict):
        return {str(k): _wire(v, f"{path}.{k}") for k, v in value.items() if not isinstance(v, Undefined)}
    if isinstance(value, list | tuple):
        return [None if isinstance(v, Undefined) else _wire(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if value is None or isinstance(value, str | bool | float | dt.datetime | Regex | bytes):
        return value
    if isinstance(value, int):
        # A JavaScript number: int32, else int64 (the Node SDK's EJSON does the same).
        return value if -(2**31) <= value < 2**31 else Int64(value)
    if _kind(value) in ("logic", "update"):
        raise UnstorableValue(path, value)  # a command where a value belongs
    if is_internal(value):
        return _wire(serialize(value), path)
    raise UnstorableValue(path, value)


def to_ejson(value: Any, path: str = "data") -> str:
    """The Node SDK's stringifyByEJSON (canonical extended JSON)."""
    return ejson.dumps(_wire(value, path))
