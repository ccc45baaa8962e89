"""Collections, queries and documents: ``db.collection(name).where(...).get()`` and friends.

Each method builds the Node SDK's parameters for one ``/admin`` database
action (``database.getDocument``, ...) and turns the answer into what
wx-server-sdk returns (``{"data": [...], "errMsg": "collection.get:ok"}``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..jsvalues import js_type
from . import errors
from .command import LogicCommand, UpdateCommand
from .serializer import UnstorableValue, encode_query, encode_update, serialize, to_ejson

if TYPE_CHECKING:
    from .aggregate import Aggregate
    from .database import Database

MAX_LIMIT = 1000  # the Node SDK clamps limit() to the server's maximum
DEFAULT_LIMIT = 100
_FIELD_PATH = re.compile(r"^[a-zA-Z0-9\-_.]")


def _options(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Any:
    """Node's ``f({data: ...})`` or Python's ``f(data=...)``."""
    if args:
        if len(args) != 1:
            raise TypeError("pass one options object, e.g. ({'data': {...}}), or keywords like data=...")
        if kwargs:
            if not isinstance(args[0], Mapping):
                return args[0]
            return {**args[0], **kwargs}
        return args[0]
    return dict(kwargs)


def _data(api: str, options: Any) -> Any:
    """wx-server-sdk's assertType(options, {data: 'object'}) and assertObjectNotEmpty."""
    data = options.get("data") if isinstance(options, Mapping) else None
    if not isinstance(options, Mapping) or not isinstance(data, Mapping):
        found = js_type(data) if isinstance(options, Mapping) else js_type(options)
        name = "parameter.data" if isinstance(options, Mapping) else "parameter"
        raise errors.local(
            f"{name} should be object instead of {found if found != 'null' else 'undefined'};",
            detail=f"{api}: data must be a dict. Fix: e.g. {api.split('.')[-1]}({{'data': {{'field': 'value'}}}})",
        )
    if not data:
        raise errors.local(
            "options.data must not be empty",
            detail=f"{api}: data is empty. Fix: give at least one field",
        )
    return data


def _encode(api: str, encoder: Any, value: Any, path: str) -> str:
    try:
        return to_ejson(encoder(value), path)
    except UnstorableValue as exc:
        raise errors.coded(api, -501007, f"{exc.path} cannot be stored", detail=str(exc)) from None
    except (OverflowError, ValueError) as exc:
        raise errors.plain(api, str(exc), detail=f"{path}: {exc}") from None


class Query:
    """A query on a collection: ``where``, ``orderBy``, ``skip``, ``limit``, ``field``, then an action."""

    def __init__(
        self,
        db: Database,
        name: str,
        filters: str | None = None,
        options: dict[str, Any] | None = None,
        transaction_id: str | None = None,
    ) -> None:
        self._db = db
        self._name = name
        self._filters = filters
        self._options: dict[str, Any] = options or {}
        self._transaction_id = transaction_id

    def _copy(self, filters: str | None = None, **options: Any) -> Query:
        return Query(
            self._db,
            self._name,
            self._filters if filters is None else filters,
            {**self._options, **options},
            self._transaction_id,
        )

    # -- building --------------------------------------------------------------

    def where(self, query: Mapping[str, Any] | LogicCommand) -> Query:
        if not isinstance(query, Mapping | LogicCommand):
            raise errors.local(
                "查询参数必须为对象",
                detail="where: the condition must be a dict or a db.command logic. Fix: e.g. where({'author': 'ann'})",
            )
        condition = dict(query) if isinstance(query, Mapping) else query
        return self._copy(filters=_encode("collection.get", encode_query, condition, "where"))

    def orderBy(self, field_path: str, direction: str = "asc") -> Query:
        if not isinstance(field_path, str) or not _FIELD_PATH.match(field_path):
            raise errors.local(
                "", detail=f"orderBy: {field_path!r} is not a field path. Fix: e.g. 'createdAt'"
            )
        if direction not in ("asc", "desc"):
            raise errors.local(
                "排序字符不合法", detail=f"orderBy: direction {direction!r}. Fix: use 'asc' or 'desc'"
            )
        order = dict(self._options.get("order") or {})
        order[field_path] = -1 if direction == "desc" else 1
        return self._copy(order=order)

    order_by = orderBy

    def limit(self, limit: int) -> Query:
        _integer("limit", limit)
        return self._copy(limit=limit)

    def skip(self, offset: int) -> Query:
        _integer("offset", offset)
        return self._copy(offset=offset)

    def field(self, projection: Mapping[str, Any]) -> Query:
        return self._copy(projection=_projection(projection))

    # -- actions ---------------------------------------------------------------

    async def get(self) -> dict[str, Any]:
        api = "collection.get"
        params: dict[str, Any] = {"collectionName": self._name, "queryType": "WHERE"}
        if self._transaction_id:
            params["transactionId"] = self._transaction_id
        if self._filters:
            params["query"] = self._filters
        order = self._options.get("order")
        if order:
            params["order"] = to_ejson(order)
        offset = self._options.get("offset")
        if offset:
            params["offset"] = offset
        limit = self._options.get("limit")
        params["limit"] = (limit if limit < MAX_LIMIT else MAX_LIMIT) if limit else DEFAULT_LIMIT
        projection = self._options.get("projection")
        if projection is not None:
            params["projection"] = to_ejson(projection)
        answer = await self._db._send(api, "database.getDocument", params)
        return {"data": self._db._documents(answer["data"]["list"]), "errMsg": f"{api}:ok"}

    async def count(self) -> dict[str, Any]:
        api = "collection.count"
        params: dict[str, Any] = {"collectionName": self._name, "queryType": "WHERE"}
        if self._filters:
            params["query"] = self._filters
        answer = await self._db._send(api, "database.calculateDocument", params)
        return {"total": answer["data"]["total"], "errMsg": f"{api}:ok"}

    async def update(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        api = "collection.update"
        options = _options(args, kwargs)
        data = _data(api, options)
        if "_id" in data:
            raise errors.coded(api, -501007, "不能更新_id的值", detail="update: data has _id. Fix: remove it")
        multi = options.get("multi") is not False
        params: dict[str, Any] = {
            "collectionName": self._name,
            "queryType": "WHERE",
            "multi": multi,
            "merge": True,
            "upsert": False,
            "data": _encode(api, encode_update, dict(data), "data"),
        }
        if self._filters:
            params["query"] = self._filters
        answer = await self._db._send(api, "database.modifyDocument", params)
        return {"stats": {"updated": answer["data"].get("updated") or 0}, "errMsg": f"{api}:ok"}

    async def remove(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        api = "collection.remove"
        options = _options(args, kwargs) or {}
        multi = not (isinstance(options, Mapping) and options.get("multi") is False)
        params: dict[str, Any] = {"collectionName": self._name}
        if self._filters:
            params["query"] = self._filters
        params.update(queryType="WHERE", multi=multi)
        answer = await self._db._send(api, "database.removeDocument", params)
        return {"stats": {"removed": answer["data"].get("deleted")}, "errMsg": f"{api}:ok"}


def _integer(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.local(
            f"{name} must be integer",
            detail=f"{'skip' if name == 'offset' else name}: got {value!r}. Fix: pass an int",
        )


def _projection(projection: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(projection, Mapping):
        raise errors.local(
            "parameter object of function field must be provided",
            detail="field: pass a dict like {'title': True}",
        )
    out: dict[str, Any] = {}
    for key, value in projection.items():
        if isinstance(value, bool):
            out[key] = 1 if value else 0
        elif isinstance(value, int | float):
            out[key] = 1 if value > 0 else 0
        elif isinstance(value, Mapping | list):
            out[key] = value
    return out


class CollectionReference(Query):
    """``db.collection(name)``: a query on the whole collection, plus ``add``, ``doc``, ``aggregate``."""

    @property
    def name(self) -> str:
        return self._name

    collectionName = name

    def doc(self, doc_id: str | int) -> DocumentReference:
        if isinstance(doc_id, bool) or not isinstance(doc_id, str | int | float):
            raise errors.local(
                "docId必须为字符串或数字", detail=f"doc: id {doc_id!r}. Fix: pass the document's _id (str)"
            )
        return DocumentReference(self._db, self._name, doc_id, {}, self._transaction_id)

    async def add(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        api = "collection.add"
        options = _options(args, kwargs)
        raw = options.get("data") if isinstance(options, Mapping) else None
        many = isinstance(raw, list | tuple)
        items: list[Any] = list(raw) if isinstance(raw, list | tuple) else [raw]
        if not many and not isinstance(raw, Mapping):
            raise errors.plain(
                api,
                "Cannot convert undefined or null to object" if raw is None else "data must be an object",
                detail="add: pass {'data': {...}} (one document) or {'data': [{...}, ...]}",
            )
        data = [
            _encode(api, serialize, item, f"data[{i}]" if many else "data") for i, item in enumerate(items)
        ]
        params: dict[str, Any] = {"collectionName": self._name, "data": data}
        if self._transaction_id:
            params["transactionId"] = self._transaction_id
        answer = await self._db._send(api, "database.insertDocument", params)
        ids = answer["data"]["insertedIds"]
        if many:
            return {"_ids": ids, "errMsg": f"{api}:ok"}
        return {"_id": ids[0], "errMsg": f"{api}:ok"}

    def aggregate(self) -> Aggregate:
        from .aggregate import Aggregate

        return Aggregate(self._db, self._name, [])


class DocumentReference:
    """``collection.doc(id)``: ``get``, ``set``, ``update``, ``remove`` one document."""

    def __init__(
        self,
        db: Database,
        name: str,
        doc_id: str | int | float,
        options: dict[str, Any],
        transaction_id: str | None,
    ) -> None:
        self._db = db
        self._name = name
        self.id = doc_id
        self._options = options
        self._transaction_id = transaction_id

    @property
    def _id(self) -> str | int | float:
        return self.id

    def _base(self) -> dict[str, Any]:
        params: dict[str, Any] = {"collectionName": self._name}
        return params

    def _id_query(self) -> str:
        return to_ejson({"_id": self.id})

    def field(self, projection: Mapping[str, Any]) -> DocumentReference:
        if projection is None:
            raise errors.local("parameter object of function field must be provided")
        options = {**self._options, "projection": _projection(projection)}
        return DocumentReference(self._db, self._name, self.id, options, self._transaction_id)

    async def get(self) -> dict[str, Any]:
        api = "document.get"
        params = self._base()
        params["query"] = self._id_query()
        if self._transaction_id:
            params["transactionId"] = self._transaction_id
        params.update(queryType="DOC", multi=False)
        projection = self._options.get("projection")
        if projection is not None:
            params["projection"] = to_ejson(projection)
        answer = await self._db._send(api, "database.getDocument", params)
        documents = self._db._documents(answer["data"]["list"])
        if not documents:
            if self._db.throw_on_not_found:
                raise errors.plain(
                    api,
                    f"document with _id {_js_string(self.id)} does not exist",
                    detail="document.get: no such document. Fix: check the id, or "
                    "cloud.database(throwOnNotFound=False) to get data None instead",
                )
            return {"data": None, "errMsg": f"{api}:ok"}
        return {"data": documents[0], "errMsg": f"{api}:ok"}

    async def set(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        api = "document.set"
        options = _options(args, kwargs)
        data = _data(api, options)
        if not self.id:
            raise errors.coded(api, -501007, "docId不能为空", detail="set: the document id is empty")
        if "_id" in data:
            raise errors.coded(api, -501007, "不能更新_id的值", detail="set: data has _id. Fix: remove it")
        if _has_update_command(data):
            raise errors.coded(
                api,
                -502001,
                "update operator complicit",
                detail="set: data holds db.command update operators. Fix: use update() for operators",
            )
        params = self._base()
        params["queryType"] = "DOC"
        params["data"] = _encode(api, serialize, dict(data), "data")
        if self._transaction_id:
            params["transactionId"] = self._transaction_id
        params.update(multi=False, merge=False, upsert=True, query=self._id_query())
        answer = await self._db._send(api, "database.modifyDocument", params)
        result = answer["data"]
        created = 1 if result.get("upsert_id") and not self._transaction_id else 0
        return {
            "_id": self.id,
            "errMsg": f"{api}:ok",
            "stats": {"updated": result.get("updated"), "created": created},
        }

    async def update(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        api = "document.update"
        data = _data(api, _options(args, kwargs))
        if "_id" in data:
            raise errors.coded(api, -501007, "不能更新_id的值", detail="update: data has _id. Fix: remove it")
        params = self._base()
        if self._transaction_id:
            params["transactionId"] = self._transaction_id
        params["data"] = _encode(api, encode_update, dict(data), "data")
        params.update(query=self._id_query(), queryType="DOC", multi=False, merge=True, upsert=False)
        answer = await self._db._send(api, "database.modifyDocument", params)
        return {"stats": {"updated": answer["data"].get("updated")}, "errMsg": f"{api}:ok"}

    async def remove(self) -> dict[str, Any]:
        api = "document.remove"
        params = self._base()
        if self._transaction_id:
            params["transactionId"] = self._transaction_id
        params.update(query=self._id_query(), queryType="DOC", multi=False)
        answer = await self._db._send(api, "database.removeDocument", params)
        return {"stats": {"removed": answer["data"].get("deleted") or 0}, "errMsg": f"{api}:ok"}

    delete = remove


def _has_update_command(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(isinstance(v, UpdateCommand) or _has_update_command(v) for v in value.values())
    return False


def _js_string(value: Any) -> str:
    """String(value) as JavaScript writes it (1.0 is "1")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
