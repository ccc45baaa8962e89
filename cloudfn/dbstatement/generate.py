"""The neutral request -> a statement the HTTPS database API runs to the same effect.

The inverse of :func:`~cloudfn.dbstatement.parse_statement`: queries and
update data are written in the MongoDB form the SDK already encoded them to
(``{"n": {"$gt": 3}}``, ``{"$inc": {"n": 1}}``), which the SDK's encoders
pass through unchanged, so parsing the generated statement gives back the
very same request. Only what the encoders would rewrite is written as an SDK
call: dates (``new Date(ms)``) and GeoJSON shapes in query positions
(``new db.Geo.Point(lng, lat)``).
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


def query_source(query: Any) -> str:
    """An encoded query as a ``where()`` argument: geo shapes where the SDK flattens."""
    if not isinstance(query, dict):
        return js_source(query)
    parts = []
    for key, value in query.items():
        if key in ("$and", "$or", "$nor") and isinstance(value, list):
            text = "[" + ",".join(query_source(v) for v in value) + "]"
        else:
            text = _geo_source(value) or js_source(value)
        parts.append(f"{js_source(key)}:{text}")
    return "{" + ",".join(parts) + "}"


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
        data = js_source(decode(params.get("data"), "data"))
        if doc and params.get("upsert") is True and params.get("merge") is False:
            return f"{head}.doc({_doc_id(params)}).set({{data:{data}}})"
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


__all__ = ["PATHS", "decode", "generate_statement", "js_source"]
