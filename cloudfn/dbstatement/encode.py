"""Queries and updates to MongoDB form, step for step as @cloudbase/database 1.4.3 encodes them.

A port of the SDK's ``serializer/`` (``datatype``, ``common``, ``query``,
``update``): nested objects are flattened to dotted paths, commands become
``$`` operators, special values become their stored form. Key order follows
the SDK's, so the EJSON strings come out identical to what Node sends.
"""

from __future__ import annotations

from typing import Any

from .errors import StatementError
from .values import (
    UNDEFINED,
    UNSET_FIELD,
    Internal,
    JSDate,
    JSRegExp,
    LogicCommand,
    Point,
    QueryCommand,
    UpdateCommand,
    is_object,
    js_keys,
    truthy,
)

# SDK operator names -> MongoDB operators (operator-map.ts)
_OPERATOR_NAMES = {"neq": "$ne", "remove": "$unset", "shift": "$pop", "unshift": "$push"}


def operator_to_string(operator: str) -> str:
    return _OPERATOR_NAMES.get(operator, "$" + operator)


def regexp_to_plain(value: JSRegExp) -> dict[str, Any]:
    return {"$regularExpression": {"pattern": value.source, "options": value.flags}}


def is_logic_command(value: Any) -> bool:
    return type(value) is LogicCommand


def is_query_command(value: Any) -> bool:
    return isinstance(value, QueryCommand)


def needs_conversion(value: Any) -> bool:
    """``isConversionRequired``: internal objects, dates and regexps."""
    return isinstance(value, Internal | JSDate | JSRegExp)


def serialize(value: Any) -> Any:
    """``serializer/datatype.serialize``: special values to their stored form, recursively."""
    if isinstance(value, QueryCommand):
        return value.to_json()
    if isinstance(value, LogicCommand | UpdateCommand):
        return value
    if isinstance(value, Internal):
        return value.to_plain()
    if isinstance(value, JSDate):
        return value
    if isinstance(value, JSRegExp):
        return regexp_to_plain(value)
    if isinstance(value, list):
        return [serialize(item) for item in value]
    if isinstance(value, dict):
        return {key: serialize(value[key]) for key in js_keys(value) if value[key] is not UNDEFINED}
    return value


def filter_undefined(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: filter_undefined(v) for k, v in value.items() if v is not UNDEFINED}
    return value


def _flatten(query: dict[str, Any]) -> dict[str, Any]:
    cloned = dict(query)
    for key in list(js_keys(query)):
        if key.startswith("$"):
            continue
        value = query[key]
        if value is UNDEFINED:
            del cloned[key]
            continue
        if not truthy(value):
            continue
        if isinstance(value, dict):  # class instances here are all SDK values, kept whole
            child = _flatten(value)
            cloned[key] = child
            kept_operator = False
            for child_key in list(js_keys(child)):
                if not child_key.startswith("$"):
                    cloned[f"{key}.{child_key}"] = child[child_key]
                    del child[child_key]
                else:
                    kept_operator = True
            if not kept_operator:
                del cloned[key]
    return cloned


def flatten_query_object(query: dict[str, Any]) -> dict[str, Any]:
    return _flatten(query)


def _merge_update(query: dict[str, Any], condition: dict[str, Any], key: str) -> None:
    """``common.mergeConditionAfterEncode`` (used by updates)."""
    if not truthy(condition.get(key, UNDEFINED)):
        query.pop(key, None)
    for ckey in js_keys(condition):
        current = query.get(ckey, UNDEFINED)
        if truthy(current):
            if isinstance(current, list):
                current.append(condition[ckey])
            elif is_object(current) and isinstance(current, dict) and is_object(condition[ckey]):
                current.update(condition[ckey])
            else:
                query[ckey] = condition[ckey]
        else:
            query[ckey] = condition[ckey]


class QueryEncoder:
    """``serializer/query.QueryEncoder``."""

    def encode_query(self, query: Any, key: Any = None) -> Any:
        if needs_conversion(query):
            if is_logic_command(query):
                return self.encode_logic(query)
            if is_query_command(query):
                return self.encode_comparison(query)
            if isinstance(query, JSRegExp):
                return {_key(key): regexp_to_plain(query)}
            if isinstance(query, JSDate):
                return {_key(key): query}
            return {_key(key): self.encode_object(query)}
        if isinstance(query, dict):
            return self.encode_object(query)
        return query

    def encode_logic(self, query: LogicCommand) -> dict[str, Any]:
        op = operator_to_string(query.operator)
        operands = query.operands if isinstance(query.operands, list) else [query.operands]
        if query.operator in ("and", "or", "nor"):
            return {op: [self.encode_query(operand, query.field_name) for operand in operands]}
        if query.operator == "not":
            expression = operands[0] if operands else UNDEFINED
            if isinstance(expression, JSRegExp):
                return {query.field_name: {op: regexp_to_plain(expression)}}
            encoded = self.encode_query(expression)
            inner = encoded.get(query.field_name, UNDEFINED) if isinstance(encoded, dict) else UNDEFINED
            return {query.field_name: {op: inner}}
        if len(operands) == 1:
            return {op: self.encode_query(operands[0])}
        return {op: [self.encode_query(operand) for operand in operands]}

    def encode_comparison(self, query: LogicCommand) -> dict[str, Any]:
        if query.field_name == UNSET_FIELD:
            raise StatementError(
                f"_.{query.operator}(...) needs a field: write it as a field value, e.g. {{n: _.{query.operator}(...)}}"
            )
        op = operator_to_string(query.operator)
        field = query.field_name
        operands = query.operands
        first = operands[0] if isinstance(operands, list) and operands else UNDEFINED
        if query.operator in ("in", "nin", "all"):
            return {field: {op: serialize(operands)}}
        if query.operator == "geoNear":
            options = _options(first, "geoNear")
            return {
                field: {
                    "$nearSphere": {
                        "$geometry": _geometry(options, "geoNear"),
                        "$maxDistance": options.get("maxDistance", UNDEFINED),
                        "$minDistance": options.get("minDistance", UNDEFINED),
                    }
                }
            }
        if query.operator == "geoWithin":
            options = _options(first, "geoWithin")
            center = options.get("centerSphere", UNDEFINED)
            if truthy(center):
                _check_center_sphere(center)
                if isinstance(center[0], Point):
                    return {
                        field: {
                            "$geoWithin": {"$centerSphere": [center[0].to_plain()["coordinates"], center[1]]}
                        }
                    }
                return {field: {"$geoWithin": {"$centerSphere": center}}}
            return {field: {"$geoWithin": {"$geometry": _geometry(options, "geoWithin")}}}
        if query.operator == "geoIntersects":
            options = _options(first, "geoIntersects")
            return {field: {"$geoIntersects": {"$geometry": _geometry(options, "geoIntersects")}}}
        return {field: {op: serialize(first)}}

    def encode_object(self, query: dict[str, Any]) -> dict[str, Any]:
        flattened = flatten_query_object(query)
        for key in list(js_keys(flattened)):
            if key not in flattened:
                continue
            value = flattened[key]
            if is_logic_command(value) or is_query_command(value):
                named = value.with_field(key)
                flattened[key] = named
                condition = (
                    self.encode_logic(named) if is_logic_command(named) else self.encode_comparison(named)
                )
                self._merge(flattened, condition, key)
            elif needs_conversion(value):
                flattened[key] = serialize(value)
        return flattened

    @staticmethod
    def _merge(query: dict[str, Any], condition: dict[str, Any], key: str) -> None:
        """``QueryEncoder.mergeConditionAfterEncode``."""
        if not truthy(condition.get(key, UNDEFINED)):
            query.pop(key, None)
        for ckey in js_keys(condition):
            current = query.get(ckey, UNDEFINED)
            if truthy(current):
                if isinstance(current, list):
                    query[ckey] = current + list(condition[ckey])
                elif is_object(current) and is_object(condition[ckey]):
                    query.update(condition)
                else:
                    query[ckey] = condition[ckey]
            else:
                query[ckey] = condition[ckey]


def _key(key: Any) -> str:
    return "undefined" if key is None or key is UNDEFINED else str(key)


def _options(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StatementError(f"_.{name}() takes an options object, e.g. _.{name}({{geometry: ...}})")
    return value


def _geometry(options: dict[str, Any], name: str) -> Any:
    geometry = options.get("geometry", UNDEFINED)
    if not isinstance(geometry, Internal):
        raise StatementError(f"_.{name}(): geometry must be a db.Geo shape, e.g. new db.Geo.Point(113, 23)")
    return geometry.to_plain()


def _check_center_sphere(center: Any) -> None:
    ok = isinstance(center, list) and len(center) == 2 and isinstance(center[1], int | float)
    if ok and not isinstance(center[0], Point):
        ok = isinstance(center[0], list) and len(center[0]) == 2
    if not ok:
        raise StatementError(
            "centersPhere结构不合法: centerSphere is [new db.Geo.Point(lng, lat), radius] or [[lng, lat], radius]"
        )


def encode_query(query: Any) -> Any:
    return QueryEncoder().encode_query(query)


class UpdateEncoder:
    """``serializer/update.UpdateSerializer``."""

    def encode_update(self, query: Any) -> Any:
        if isinstance(query, UpdateCommand):
            return self.encode_command(query)
        if isinstance(query, dict):
            return self.encode_object(query)
        return query

    def encode_command(self, command: UpdateCommand) -> dict[str, Any]:
        if command.field_name == UNSET_FIELD:
            raise StatementError(
                f"_.{command.operator}(...) needs a field: write it as a field value, e.g. {{n: _.{command.operator}(...)}}"
            )
        op = operator_to_string(command.operator)
        field = command.field_name
        operands = command.operands
        if command.operator == "push":
            modifiers = (
                {"$each": [serialize(item) for item in operands]} if isinstance(operands, list) else operands
            )
            return {op: {field: modifiers}}
        if command.operator == "unshift":
            return {op: {field: {"$each": [serialize(item) for item in operands], "$position": 0}}}
        if command.operator == "pop":
            return {op: {field: 1}}
        if command.operator == "shift":
            return {op: {field: -1}}
        if command.operator in ("pull", "pullAll", "addToSet"):
            return {op: {field: serialize(operands)}}
        if command.operator == "remove":
            return {op: {field: ""}}
        first = operands[0] if isinstance(operands, list) and operands else UNDEFINED
        return {op: {field: first}}

    def encode_object(self, query: dict[str, Any]) -> dict[str, Any]:
        flattened = flatten_query_object(query)
        for key in list(js_keys(flattened)):
            if key.startswith("$") or key not in flattened:
                continue
            value = flattened[key]
            if isinstance(value, UpdateCommand):
                named = value.with_field(key)
                flattened[key] = named
                _merge_update(flattened, self.encode_command(named), key)
            else:
                value = serialize(value)
                flattened[key] = value
                _merge_update(flattened, self.encode_command(UpdateCommand("set", [value], key)), key)
        return flattened


def encode_update(data: Any) -> Any:
    return UpdateEncoder().encode_update(data)


__all__ = ["encode_query", "encode_update", "filter_undefined", "serialize"]
