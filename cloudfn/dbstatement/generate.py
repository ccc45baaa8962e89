"""The neutral request -> a statement the HTTPS database API runs to the same effect.

The inverse of :func:`~cloudfn.dbstatement.parse_statement`: parsing the
generated statement gives back the very same request. Conditions and update
data are written as the db.command calls that encode to them
(``{n: _.gt(3)}``, ``{data: {n: _.inc(1)}}``), special values as the SDK
calls that make them (``new Date(ms)``, ``db.serverDate()``, ``db.RegExp``,
``new db.Geo.Point``); what has no such form (several operators on one
field, ``$or`` inside a field, ...) is written in the MongoDB form the SDK
already encoded it to, which its encoders pass through unchanged.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .ejson import js_number_text
from .errors import StatementError
from .parse import normalise_number
from .values import JSDate

# Which HTTPS path serves which action.
PATHS = {
    "database.getDocument": "/tcb/databasequery",
    "database.calculateDocument": "/tcb/databasecount",
    "database.insertDocument": "/tcb/databaseadd",
    "database.modifyDocument": "/tcb/databaseupdate",
    "database.removeDocument": "/tcb/databasedelete",
    "database.aggregateDocuments": "/tcb/databaseaggregate",
}

_GEO_TYPES = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")


def decode(text: Any, what: str) -> Any:
    """An EJSON string of the request -> plain values (numbers as JavaScript has them, dates as ``JSDate``)."""
    if not isinstance(text, str):
        raise StatementError(f"params.{what} must be an EJSON string, got {type(text).__name__}")
    try:
        return _from_ejson(json.loads(text))
    except ValueError as exc:
        raise StatementError(f"params.{what} is not valid JSON: {exc}") from None


def _from_ejson(value: Any) -> Any:
    if isinstance(value, list):
        return [_from_ejson(v) for v in value]
    if not isinstance(value, dict):
        return (
            normalise_number(float(value))
            if isinstance(value, int | float) and not isinstance(value, bool)
            else value
        )
    if len(value) == 1:
        ((key, inner),) = value.items()
        if key in ("$numberInt", "$numberLong") and isinstance(inner, str):
            return normalise_number(float(int(inner)))
        if key == "$numberDouble" and isinstance(inner, str):
            return normalise_number(float(inner))
        if key == "$date":
            if isinstance(inner, dict) and isinstance(inner.get("$numberLong"), str):
                return JSDate(float(int(inner["$numberLong"])))
            if isinstance(inner, int | float) and not isinstance(inner, bool):
                return JSDate(float(inner))
    return {k: _from_ejson(v) for k, v in value.items()}


def js_source(value: Any) -> str:
    """A JavaScript literal for a decoded value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return "NaN"
        return js_number_text(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    if isinstance(value, JSDate):
        return f"new Date({js_number_text(int(value.ms))})"
    if isinstance(value, list):
        return "[" + ",".join(js_source(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{js_source(str(k))}:{js_source(v)}" for k, v in value.items()) + "}"
    raise StatementError(f"cannot write {type(value).__name__} into a statement")


def _geo_source(value: Any) -> str | None:
    """``new db.Geo.X(...)`` for a GeoJSON shape the SDK would otherwise flatten."""
    if not (
        isinstance(value, dict) and list(value) == ["type", "coordinates"] and value["type"] in _GEO_TYPES
    ):
        return None
    kind, coordinates = value["type"], value["coordinates"]

    def point(c: Any) -> str:
        if not (isinstance(c, list) and len(c) == 2):
            raise ValueError
        return f"new db.Geo.Point({js_source(c[0])},{js_source(c[1])})"

    def line(c: Any) -> str:
        return "new db.Geo.LineString([" + ",".join(point(p) for p in c) + "])"

    def polygon(c: Any) -> str:
        return "new db.Geo.Polygon([" + ",".join(line(p) for p in c) + "])"

    try:
        if kind == "Point":
            return point(coordinates)
        if kind == "LineString":
            return line(coordinates)
        if kind == "Polygon":
            return polygon(coordinates)
        if kind == "MultiPoint":
            return "new db.Geo.MultiPoint([" + ",".join(point(p) for p in coordinates) + "])"
        if kind == "MultiLineString":
            return "new db.Geo.MultiLineString([" + ",".join(line(p) for p in coordinates) + "])"
        return "new db.Geo.MultiPolygon([" + ",".join(polygon(p) for p in coordinates) + "])"
    except (ValueError, TypeError):
        return None


# Single-operator field conditions and the db.command call that encodes to each.
_QUERY_COMMANDS = {
    "$eq": "eq",
    "$ne": "neq",
    "$gt": "gt",
    "$gte": "gte",
    "$lt": "lt",
    "$lte": "lte",
    "$exists": "exists",
    "$size": "size",
    "$elemMatch": "elemMatch",
}
_LIST_COMMANDS = {"$in": "in", "$nin": "nin", "$all": "all"}
_FIELD_UPDATES = {
    "$inc": "inc",
    "$mul": "mul",
    "$max": "max",
    "$min": "min",
    "$rename": "rename",
    "$bit": "bit",
}
_ARRAY_UPDATES = {"$pull": "pull", "$pullAll": "pullAll", "$addToSet": "addToSet"}
_PUSH_OPTIONS = ("$each", "$position", "$sort", "$slice")


def _special_source(value: Any) -> str | None:
    """The SDK call for a value stored in a special form: server date, RegExp, GeoJSON shape."""
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if key == "$tcb_server_date" and isinstance(inner, dict) and list(inner) == ["offset"]:
            return f"db.serverDate({{offset:{js_source(inner['offset'])}}})"
        if (
            key == "$regularExpression"
            and isinstance(inner, dict)
            and list(inner) == ["pattern", "options"]
            and isinstance(inner["pattern"], str)
            and inner["pattern"]
            and isinstance(inner["options"], str)
        ):
            return (
                f"db.RegExp({{regexp:{js_source(inner['pattern'])},options:{js_source(inner['options'])}}})"
            )
    return _geo_source(value)


def _condition_source(value: Any) -> str:
    """A field's encoded condition: the db.command call encoding to it, else as it is written."""
    if isinstance(value, dict) and len(value) == 1:
        ((operator, argument),) = value.items()
        if operator in _QUERY_COMMANDS:
            return f"_.{_QUERY_COMMANDS[operator]}({js_source(argument)})"
        if operator in _LIST_COMMANDS and isinstance(argument, list):
            return f"_.{_LIST_COMMANDS[operator]}({js_source(argument)})"
        if operator == "$mod" and isinstance(argument, list) and len(argument) == 2:
            return f"_.mod({js_source(argument[0])},{js_source(argument[1])})"
    return _special_source(value) or js_source(value)


def query_source(query: Any) -> str:
    """An encoded query as a ``where()`` argument, in db.command calls where they encode to it."""
    if not isinstance(query, dict):
        return js_source(query)
    parts = []
    for key, value in query.items():
        # The SDK's encoder leaves $and/$or/... lists as they are: written as stored.
        text = js_source(value) if key.startswith("$") else _condition_source(value)
        parts.append(f"{js_source(key)}:{text}")
    return "{" + ",".join(parts) + "}"


def _update_field_source(operator: str, value: Any) -> str | None:
    """One ``{operator: {path: value}}`` entry as the db.command call encoding to it (None: none does)."""
    if operator == "$set":
        if isinstance(value, dict):
            return _special_source(value) or f"_.set({js_source(value)})"
        return js_source(value)
    if operator in _FIELD_UPDATES:
        return f"_.{_FIELD_UPDATES[operator]}({js_source(value)})"
    if operator in _ARRAY_UPDATES:
        return f"_.{_ARRAY_UPDATES[operator]}({js_source(value)})"
    if operator == "$unset" and value == "":
        return "_.remove()"
    if operator == "$pop" and value in (1, -1):
        return "_.pop()" if value == 1 else "_.shift()"
    if operator == "$push" and isinstance(value, dict) and isinstance(value.get("$each"), list):
        keys = list(value)
        if keys == ["$each"]:
            return f"_.push({js_source(value['$each'])})"
        if keys == ["$each", "$position"] and value["$position"] == 0:
            return f"_.unshift({js_source(value['$each'])})"
        if keys == [k for k in _PUSH_OPTIONS if k in value]:
            options = ",".join(f"{k[1:]}:{js_source(value[k])}" for k in keys)
            return f"_.push({{{options}}})"
    return None


def update_source(data: Any) -> str:
    """Encoded update data as ``update({data})`` takes it: ``{path: _.inc(1), other: value}``.

    Written as stored (``{"$inc": {...}}``, which the SDK passes through) when an
    entry has no db.command form or a path would be reordered by JavaScript.
    """
    if (
        not isinstance(data, dict)
        or not data
        or not all(isinstance(k, str) and k.startswith("$") for k in data)
    ):
        return js_source(data)
    parts = []
    for operator, fields in data.items():
        if not isinstance(fields, dict) or not fields:
            return js_source(data)
        for path, value in fields.items():
            text = _update_field_source(operator, value)
            if text is None or _array_index(path):
                return js_source(data)
            parts.append(f"{js_source(path)}:{text}")
    return "{" + ",".join(parts) + "}"


def _array_index(key: str) -> bool:
    return key.isdigit() and (key == "0" or not key.startswith("0")) and int(key) < 2**32 - 1


def _collection(params: dict[str, Any]) -> str:
    name = params.get("collectionName")
    if not isinstance(name, str) or not name:
        raise StatementError("params.collectionName must be a non-empty string")
    return f"db.collection({js_source(name)})"


def _doc_id(params: dict[str, Any]) -> str:
    query = decode(params.get("query"), "query")
    if not (isinstance(query, dict) and list(query) == ["_id"]):
        raise StatementError('a DOC request needs params.query {"_id": id}')
    return js_source(query["_id"])


def _where(params: dict[str, Any]) -> str:
    query = params.get("query")
    if query in (None, ""):
        return ""
    return f".where({query_source(decode(query, 'query'))})"


def _multi(params: dict[str, Any]) -> str:
    return ",multi:false" if params.get("multi") is False else ""


def generate_statement(action: str, params: dict[str, Any]) -> str:
    """The statement for ``(action, params)``; ``StatementError`` when the API has no statement for it."""
    if not isinstance(params, dict):
        raise StatementError("params must be an object")
    doc = params.get("queryType") == "DOC"
    head = _collection(params)
    if action == "database.getDocument":
        projection = ""
        if params.get("projection"):
            projection = f".field({js_source(decode(params['projection'], 'projection'))})"
        if doc:
            return f"{head}.doc({_doc_id(params)}){projection}.get()"
        text = head + _where(params)
        if params.get("order"):
            order = decode(params["order"], "order")
            if not isinstance(order, dict):
                raise StatementError("params.order must be an object of field: 1 | -1")
            for field_path, direction in order.items():
                text += f".orderBy({js_source(field_path)},{js_source('desc' if direction == -1 else 'asc')})"
        if params.get("offset"):
            text += f".skip({js_source(params['offset'])})"
        if params.get("limit"):
            text += f".limit({js_source(params['limit'])})"
        return text + projection + ".get()"
    if action == "database.calculateDocument":
        return head + _where(params) + ".count()"
    if action == "database.insertDocument":
        items = params.get("data")
        if not isinstance(items, list) or not items:
            raise StatementError("params.data must be a non-empty array of EJSON documents")
        documents = [js_source(decode(item, "data")) for item in items]
        data = documents[0] if len(documents) == 1 else "[" + ",".join(documents) + "]"
        return f"{head}.add({{data:{data}}})"
    if action == "database.modifyDocument":
        decoded = decode(params.get("data"), "data")
        if doc and params.get("upsert") is True and params.get("merge") is False:
            return f"{head}.doc({_doc_id(params)}).set({{data:{js_source(decoded)}}})"
        data = update_source(decoded)
        if doc:
            return f"{head}.doc({_doc_id(params)}).update({{data:{data}}})"
        return f"{head}{_where(params)}.update({{data:{data}{_multi(params)}}})"
    if action == "database.removeDocument":
        if doc:
            return f"{head}.doc({_doc_id(params)}).remove()"
        multi = "{multi:false}" if params.get("multi") is False else ""
        return f"{head}{_where(params)}.remove({multi})"
    if action == "database.aggregateDocuments":
        return (
            head + ".aggregate()" + "".join(_stage(stage) for stage in params.get("stages") or []) + ".end()"
        )
    raise StatementError(f"{action} has no statement in the HTTPS database API")


def _stage(stage: Any) -> str:
    if not isinstance(stage, dict) or not str(stage.get("stageKey", "")).startswith("$"):
        raise StatementError('params.stages items must be {"stageKey": "$name", "stageValue": "..."}')
    name = stage["stageKey"][1:]
    value = decode(stage.get("stageValue"), f"stages.{name}")
    if name == "match":
        return f".match({query_source(value)})"
    if name == "geoNear" and isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if key == "near" and _geo_source(item):
                text = _geo_source(item) or ""
            elif key == "query":
                text = query_source(item)
            else:
                text = js_source(item)
            parts.append(f"{js_source(key)}:{text}")
        return ".geoNear({" + ",".join(parts) + "})"
    return f".{name}({js_source(value)})"


__all__ = ["PATHS", "decode", "generate_statement", "js_source", "query_source", "update_source"]
