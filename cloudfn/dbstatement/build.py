"""The statement's objects (collection, query, document, aggregate) and the request each ends in.

Each method mirrors wx-server-sdk 4.0.2 over @cloudbase/database 1.4.3: the
same checks (with the same messages where the SDK has one) and, at the end,
the same ``(action, params)`` the SDK hands its transport for the ``/admin``
channel. Builders are immutable: every call returns a new one.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any

from . import ejson
from .encode import encode_query, encode_update, serialize
from .errors import StatementError
from .values import UNDEFINED, Point, UpdateCommand, is_object, js_keys, js_type, truthy

MAX_LIMIT = 1000
# The HTTPS API's documented default page size (the Node SDK's own default is 100).
HTTPS_DEFAULT_LIMIT = 10


@dataclass(frozen=True)
class Request:
    """A statement's outcome: the neutral request and which API call made it."""

    action: str
    params: dict[str, Any]
    api: str  # the SDK's name for the call: "collection.get", "document.set", ...


def _require_object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StatementError(f"{what} must be an object, got {js_type(value)}")
    return value


def _data_option(options: Any, api: str, *, allow_array: bool = False) -> Any:
    if not isinstance(options, dict) or "data" not in options:
        raise StatementError(
            f"{api}() takes {{data: ...}}, e.g. {api.split('.')[-1]}({{data: {{done: true}}}})"
        )
    data = options["data"]
    if allow_array and isinstance(data, list):
        return data
    if not isinstance(data, dict) and not is_object(data):
        raise StatementError(f"options.data of {api}() must be an object, got {js_type(data)}")
    return data


def _not_empty(data: Any) -> None:
    if isinstance(data, dict) and not any(data[k] is not UNDEFINED for k in data):
        raise StatementError("options.data must not be empty")


def _integer(name: str, value: Any) -> int:
    if not isinstance(value, int | float) or isinstance(value, bool) or not float(value).is_integer():
        raise StatementError(f"{name}must be integer: {name} takes a whole number such as 10, got {value!r}")
    return int(value)


def _projection(projection: Any) -> dict[str, Any]:
    """``Query#field``: booleans and numbers to 1/0, objects kept, anything else dropped."""
    if not isinstance(projection, dict):
        return {}
    result: dict[str, Any] = {}
    for key in js_keys(projection):
        value = projection[key]
        if isinstance(value, bool):
            result[key] = 1 if value else 0
        elif isinstance(value, int | float):
            result[key] = 1 if value > 0 else 0
        elif value is None or is_object(value) or js_type(value) in ("array", "date", "regexp"):
            result[key] = value
    return result


@dataclass(frozen=True)
class Query:
    """``db.collection(name)`` and every ``where/orderBy/limit/skip/field`` after it."""

    collection: str
    filters: str = ""  # the encoded where(), as the SDK keeps it
    order: dict[str, int] | None = None
    limit_value: int | None = None
    offset: int | None = None
    projection: dict[str, Any] | None = None
    is_collection: bool = True

    def where(self, condition: Any = UNDEFINED) -> Query:
        if js_type(condition) != "object":
            raise StatementError(
                f"查询参数必须为对象: where() takes an object such as {{done: true}}, got {js_type(condition)}"
            )
        if isinstance(condition, dict) and condition and all(v is UNDEFINED for v in condition.values()):
            raise StatementError(
                "查询参数对象值不能均为undefined: where() needs at least one defined field value"
            )
        return replace(self, filters=ejson.stringify(encode_query(condition)), is_collection=False)

    def orderBy(self, field_path: Any = UNDEFINED, direction: Any = UNDEFINED) -> Query:
        if (
            not isinstance(field_path, str)
            or not field_path
            or not (field_path[0].isascii() and (field_path[0].isalnum() or field_path[0] in "-_."))
        ):
            raise StatementError(
                f"orderBy(): invalid field path {field_path!r}: a field name such as 'createdAt'"
            )
        if direction not in ("asc", "desc"):
            raise StatementError(
                f"排序字符不合法: orderBy() direction must be 'asc' or 'desc', got {direction!r}"
            )
        order = {**(self.order or {}), field_path: -1 if direction == "desc" else 1}
        return replace(self, order=order, is_collection=False)

    def limit(self, value: Any = UNDEFINED) -> Query:
        return replace(self, limit_value=_integer("limit", value), is_collection=False)

    def skip(self, value: Any = UNDEFINED) -> Query:
        return replace(self, offset=_integer("offset", value), is_collection=False)

    def field(self, projection: Any = UNDEFINED) -> Query:
        return replace(self, projection=_projection(projection), is_collection=False)

    def get(self, options: Any = UNDEFINED) -> Request:
        params: dict[str, Any] = {"collectionName": self.collection, "queryType": "WHERE"}
        if self.filters:
            params["query"] = self.filters
        if self.order:
            params["order"] = ejson.stringify(self.order)
        if self.offset:
            params["offset"] = self.offset
        limit = self.limit_value
        params["limit"] = (limit if limit < MAX_LIMIT else MAX_LIMIT) if limit else HTTPS_DEFAULT_LIMIT
        if self.projection:
            params["projection"] = ejson.stringify(self.projection)
        return Request("database.getDocument", params, "collection.get")

    def count(self, options: Any = UNDEFINED) -> Request:
        params: dict[str, Any] = {"collectionName": self.collection, "queryType": "WHERE"}
        if self.filters:
            params["query"] = self.filters
        return Request("database.calculateDocument", params, "collection.count")

    def update(self, options: Any = UNDEFINED) -> Request:
        data = _data_option(options, "collection.update")
        _not_empty(data)
        if isinstance(data, dict) and "_id" in data:
            raise StatementError("不能更新_id的值: data must not set _id; remove it from data")
        multi = not (isinstance(options, dict) and options.get("multi") is False)
        params: dict[str, Any] = {
            "collectionName": self.collection,
            "queryType": "WHERE",
            "multi": multi,
            "merge": True,
            "upsert": False,
            "data": ejson.stringify(encode_update(data)),
        }
        if self.filters:
            params["query"] = self.filters
        return Request("database.modifyDocument", params, "collection.update")

    def remove(self, options: Any = UNDEFINED) -> Request:
        multi = not (isinstance(options, dict) and options.get("multi") is False)
        params = {
            "collectionName": self.collection,
            "query": self.filters,
            "queryType": "WHERE",
            "multi": multi,
        }
        return Request("database.removeDocument", params, "collection.remove")

    # -- the collection only --------------------------------------------------------

    def _collection_only(self, name: str) -> None:
        if not self.is_collection:
            raise StatementError(
                f".{name}() is called on db.collection(...) itself, not after where/orderBy/..."
            )

    def doc(self, doc_id: Any = UNDEFINED) -> Document:
        self._collection_only("doc")
        if not isinstance(doc_id, str | int | float) or isinstance(doc_id, bool):
            raise StatementError(
                f"docId必须为字符串或数字: doc(id) takes a string or number id, got {js_type(doc_id)}"
            )
        return Document(self.collection, doc_id)

    def add(self, options: Any = UNDEFINED) -> Request:
        self._collection_only("add")
        data = _data_option(options, "collection.add", allow_array=True)
        items = data if isinstance(data, list) else [data]
        documents = [ejson.stringify(serialize(item)) for item in items]
        return Request(
            "database.insertDocument",
            {"collectionName": self.collection, "data": documents},
            "collection.add",
        )

    def aggregate(self) -> Aggregate:
        self._collection_only("aggregate")
        return Aggregate(self.collection)


@dataclass(frozen=True)
class Document:
    """``db.collection(name).doc(id)``."""

    collection: str
    doc_id: Any
    projection: dict[str, Any] | None = None

    def _query(self) -> str:
        return ejson.stringify({"_id": self.doc_id})

    def field(self, projection: Any = UNDEFINED) -> Document:
        return replace(self, projection=_projection(projection))

    def get(self, options: Any = UNDEFINED) -> Request:
        params: dict[str, Any] = {
            "collectionName": self.collection,
            "query": self._query(),
            "queryType": "DOC",
            "multi": False,
        }
        if self.projection:
            params["projection"] = ejson.stringify(self.projection)
        return Request("database.getDocument", params, "document.get")

    def set(self, options: Any = UNDEFINED) -> Request:
        data = _data_option(options, "document.set")
        _not_empty(data)
        if not truthy(self.doc_id):
            raise StatementError("docId不能为空: doc(id) needs a non-empty id")
        if isinstance(data, dict) and "_id" in data:
            raise StatementError("不能更新_id的值: data must not set _id; remove it from data")
        if _has_update_command(data):
            raise StatementError(
                "update operator complicit: set() takes plain data, use update() for _.inc and co"
            )
        params = {
            "collectionName": self.collection,
            "queryType": "DOC",
            "data": ejson.stringify(serialize(data)),
            "multi": False,
            "merge": False,
            "upsert": True,
            "query": self._query(),
        }
        return Request("database.modifyDocument", params, "document.set")

    def update(self, options: Any = UNDEFINED) -> Request:
        data = _data_option(options, "document.update")
        _not_empty(data)
        if isinstance(data, dict) and "_id" in data:
            raise StatementError("不能更新_id的值: data must not set _id; remove it from data")
        params = {
            "collectionName": self.collection,
            "data": ejson.stringify(encode_update(data)),
            "query": self._query(),
            "queryType": "DOC",
            "multi": False,
            "merge": True,
            "upsert": False,
        }
        return Request("database.modifyDocument", params, "document.update")

    def remove(self, options: Any = UNDEFINED) -> Request:
        params = {
            "collectionName": self.collection,
            "query": self._query(),
            "queryType": "DOC",
            "multi": False,
        }
        return Request("database.removeDocument", params, "document.remove")


def _has_update_command(value: Any) -> bool:
    if isinstance(value, dict):
        return any(isinstance(v, UpdateCommand) or _has_update_command(v) for v in value.values())
    return False


def json_stringify(value: Any) -> str:
    """``JSON.stringify`` for the plain values an aggregation stage can take."""
    return json.dumps(_plain_json(value), ensure_ascii=False, separators=(",", ":"))


def _plain_json(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None
        return int(value) if float(value).is_integer() and abs(value) < 2**53 else value
    if isinstance(value, list):
        return [None if v is UNDEFINED else _plain_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_json(value[k]) for k in js_keys(value) if value[k] is not UNDEFINED}
    raise StatementError(f"{js_type(value)} is not allowed as this aggregation stage's argument")


# Stages wx-server-sdk exposes that @cloudbase/database has no method for.
UNSUPPORTED_STAGES = ("collStats", "facet", "graphLookup", "indexStats", "out", "redact")
STAGES = (
    "addFields",
    "bucket",
    "bucketAuto",
    "count",
    "geoNear",
    "group",
    "limit",
    "lookup",
    "match",
    "project",
    "replaceRoot",
    "sample",
    "skip",
    "sort",
    "sortByCount",
    "unwind",
)


@dataclass(frozen=True)
class Aggregate:
    """``collection.aggregate()`` and its stages; ``end()`` sends it.

    Without a collection it is ``$.pipeline()`` (a ``lookup`` sub-pipeline),
    finished by ``done()`` instead.
    """

    collection: str | None
    stages: tuple[dict[str, str], ...] = field(default=())

    def stage(self, name: str, param: Any) -> Aggregate:
        if name == "match":
            param = encode_query(param)
        elif name == "geoNear" and isinstance(param, dict):
            param = dict(param)
            if truthy(param.get("query", UNDEFINED)):
                param["query"] = encode_query(param["query"])
            near = param.get("near", UNDEFINED)
            if truthy(near):
                source = near if isinstance(near, dict) else vars(near) if isinstance(near, Point) else {}
                longitude = source.get("longitude", UNDEFINED)
                latitude = source.get("latitude", UNDEFINED)
                param["near"] = Point(longitude, latitude).to_plain()
        value = ejson.stringify(param) if js_type(param) == "object" else json_stringify(param)
        return replace(self, stages=(*self.stages, {"stageKey": "$" + name, "stageValue": value}))

    def end(self) -> Request:
        if self.collection is None:
            raise StatementError("Aggregation pipeline cannot send request: $.pipeline() ends with done()")
        params = {"collectionName": self.collection, "stages": [dict(s) for s in self.stages]}
        return Request("database.aggregateDocuments", params, "collection.aggregate")

    def done(self) -> list[dict[str, Any]]:
        return [{s["stageKey"]: json.loads(s["stageValue"])} for s in self.stages]


__all__ = [
    "HTTPS_DEFAULT_LIMIT",
    "MAX_LIMIT",
    "STAGES",
    "UNSUPPORTED_STAGES",
    "Aggregate",
    "Document",
    "Query",
    "Request",
]
