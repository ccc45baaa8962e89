"""The database actions of the Node SDK's ``/admin`` wire, answered on the emulator's models.

Entry point, shared by every channel that reaches the database::

    execute(state, env, action, params) -> dict

``state`` is the :class:`~cloudfn.emulator.state.EmulatorState` (its
``database`` and its clock), ``env`` the environment id, ``action`` the Node
SDK's action name (``database.getDocument``, ...) and ``params`` its
parameters exactly as the Node SDK sends them (``collectionName``, ``query``
as an extended-JSON string, ...; see docs/database.md). The answer is the
JSON body the platform replies with: ``{"requestId", "data": {...}}`` (or
``{"requestId", "transactionId"}``) on success, ``{"code", "message",
"requestId"}`` on failure. It never raises for bad input, and a failed
action changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import mongomock
from bson.errors import BSONError
from pymongo import ReturnDocument

from ...database.ejson import dumps as ejson_dumps
from ...database.ejson import loads as ejson_loads
from . import geo
from .models import DatabaseState, EnvDatabase, Transaction
from .mongomock_gaps import (
    EngineError,
    IndexedCollection,
    UnsupportedOperator,
    check_query,
    check_update,
    computed_sets,
    id_lookup,
    in_stored_order,
    rewrite_pipeline,
    split_update,
)

if TYPE_CHECKING:
    from ..state import EmulatorState

# The platform's largest page for server SDKs (the Node SDK clamps limit() to it too).
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
# The platform's collection name rule.
COLLECTION_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$")
SERVER_DATE = "$tcb_server_date"


def new_rid() -> str:
    """A request id shaped like the platform's."""
    raw = secrets.token_hex(12)
    return f"{raw[:8]}-{raw[8:16]}-{raw[16:]}"


class DatabaseError(Exception):
    """A refusal answered as the platform's ``{"code", "message"}``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def invalid(message: str) -> DatabaseError:
    return DatabaseError("INVALID_PARAM", message)


def failed(message: str) -> DatabaseError:
    return DatabaseError("DATABASE_REQUEST_FAILED", message)


@dataclass
class Call:
    """One action's surroundings: the environment's database, the clock, the open transaction."""

    state: DatabaseState
    database: EnvDatabase
    now: dt.datetime
    transaction: Transaction | None
    # This call's own undo log: a call that fails half way puts back what it wrote.
    undo: Transaction

    def remember(self, collection: str, ids: list[Any]) -> None:
        self.state.remember(self.transaction, collection, ids)
        self.state.remember(self.undo, collection, ids)


# -- parameters ---------------------------------------------------------------


def _collection_name(params: dict[str, Any]) -> str:
    name = params.get("collectionName")
    if not isinstance(name, str) or not name:
        raise invalid("collectionName: missing. Fix: name the collection, e.g. db.collection('messages')")
    if not COLLECTION_NAME.match(name):
        raise invalid(
            f"collectionName: {name!r} is not a valid collection name (letters, digits, '_' and '-', "
            "starting with a letter or digit, at most 64 characters). Fix: rename the collection"
        )
    return name


def _collection(call: Call, params: dict[str, Any]) -> tuple[str, IndexedCollection]:
    name = _collection_name(params)
    collection = call.database.get(name)
    if collection is None:
        raise DatabaseError(
            "DATABASE_COLLECTION_NOT_EXIST",
            f"[ResourceNotFound] Db or Table not exist: {name}. Fix: create the collection first "
            f"(db.createCollection('{name}'), the console, or seed it in the emulator)",
        )
    return name, collection


def _ejson(params: dict[str, Any], key: str, default: Any) -> Any:
    raw = params.get(key)
    if raw is None:
        return default
    if not isinstance(raw, str):
        return raw  # already decoded (a channel that parsed it itself)
    try:
        return ejson_loads(raw)
    except (ValueError, BSONError, TypeError) as exc:
        raise invalid(f"{key}: not valid extended JSON ({exc})") from None


def _object(params: dict[str, Any], key: str, default: dict[str, Any] | None = None) -> dict[str, Any]:
    value = _ejson(params, key, default if default is not None else {})
    if not isinstance(value, dict):
        raise invalid(f"{key}: must be an object, got {type(value).__name__}")
    return value


def _integer(params: dict[str, Any], key: str, default: int, low: int, high: int | None = None) -> int:
    value = params.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{key}: must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        limits = f"from {low} to {high}" if high is not None else f">= {low}"
        fix = "skip(n) with n >= 0" if key == "offset" else f"limit(n) with n {limits}"
        raise invalid(f"{key}: {value} is out of range ({limits}). Fix: use {fix}")
    return value


def _resolve_server_dates(value: Any, now: dt.datetime) -> Any:
    """``{"$tcb_server_date": {"offset": ms}}`` becomes the server's time plus the offset."""
    if isinstance(value, dict):
        if SERVER_DATE in value and len(value) == 1:
            spec = value[SERVER_DATE]
            offset = spec.get("offset", 0) if isinstance(spec, dict) else 0
            if isinstance(offset, bool) or not isinstance(offset, int | float):
                raise invalid(f"serverDate offset: must be a number of milliseconds, got {offset!r}")
            # Millisecond precision, as the platform stores dates.
            moment = now + dt.timedelta(milliseconds=offset)
            return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        return {k: _resolve_server_dates(v, now) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_server_dates(v, now) for v in value]
    return value


def _check_fields(value: Any, path: str = "") -> None:
    """Stored documents: no ``$`` field names, no empty ones, no dots (MongoDB's storage rules)."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if not isinstance(key, str) or not key:
                raise invalid(f"data: empty field name at {path or 'the top level'}. Fix: name every field")
            if key.startswith("$"):
                raise invalid(
                    f"data.{where}: field names cannot start with '$'. Fix: rename the field "
                    "(or, in an update, use db.command operators rather than '$' keys)"
                )
            if "." in key:
                raise invalid(f"data.{where}: field names cannot contain '.'. Fix: nest objects instead")
            _check_fields(item, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_fields(item, f"{path}[{i}]")


def _check_path(path: str, where: str) -> None:
    if not path or any(not part for part in path.split(".")):
        raise invalid(f"{where}: field path {path!r} has an empty segment. Fix: write paths like 'a.b.c'")
    if any(part.startswith("$") for part in path.split(".")):
        raise invalid(f"{where}: field path {path!r} has a segment starting with '$'. Fix: rename the field")


def _query(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    query: dict[str, Any] = _resolve_server_dates(_object(params, "query"), call.now)
    rest, _ = geo.split(query)  # top-level geo conditions are evaluated by geo.py
    check_query(rest)
    return query


def _transaction(state: DatabaseState, params: dict[str, Any]) -> Transaction | None:
    transaction_id = params.get("transactionId")
    if not transaction_id:
        return None
    transaction = state.transactions.get(str(transaction_id))
    if transaction is None:
        raise DatabaseError(
            "DATABASE_TRANSACTION_FAIL",
            f"transactionId: {transaction_id} is not an open transaction (committed, aborted or unknown). "
            "Fix: run the operation inside db.runTransaction() or a live startTransaction()",
        )
    return transaction


def _matched_ids(collection: IndexedCollection, query: dict[str, Any], multi: bool) -> list[Any]:
    pinned, doc_id = id_lookup(query)
    if pinned and len(query) == 1:  # doc(id): the _id index answers, no cursor
        return [doc_id] if doc_id in collection.documents else []
    rest, conditions = geo.split(query)
    if conditions:
        ids = [d["_id"] for d in geo.select(collection.find(rest), conditions)]
        return ids if multi else ids[:1]
    cursor = collection.find(query, {"_id": 1})
    if not multi:
        cursor = cursor.limit(1)
    return [d["_id"] for d in cursor]


# -- actions ------------------------------------------------------------------


def add_collection(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name = _collection_name(params)
    if call.database.exists(name):
        raise DatabaseError(
            "DATABASE_COLLECTION_ALREADY_EXIST",
            f"[ResourceInUse] Table exist: {name}. Fix: the collection is there already; use it",
        )
    call.database.create(name)
    return {}


def insert_document(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name, collection = _collection(call, params)
    raw = params.get("data")
    if not isinstance(raw, list) or not raw:
        raise invalid("data: must be a non-empty list of documents. Fix: add({data: {...}})")
    documents = []
    for i, item in enumerate(raw):
        document = _ejson({"data": item}, "data", None)
        if not isinstance(document, dict):
            raise invalid(f"data[{i}]: a document must be an object, got {type(document).__name__}")
        document = _resolve_server_dates(document, call.now)
        _check_fields(document)
        if "_id" not in document:
            # The server's id comes first, as MongoDB stores it.
            document = {"_id": call.state.new_id(collection.documents), **document}
        doc_id = document["_id"]
        if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or doc_id == "":
            raise invalid(f"data[{i}]._id: must be a non-empty string or a number, got {doc_id!r}")
        documents.append(document)
    ids = [d["_id"] for d in documents]
    store = collection.documents
    seen: set[Any] = set()
    for doc_id in ids:
        if doc_id in store or doc_id in seen:
            raise failed(
                f"E11000 duplicate key error collection: {name} index: _id_ dup key: {{ _id: {doc_id!r} }}. "
                "Fix: use another _id, or doc(id).set() to replace the document"
            )
        seen.add(doc_id)
    call.remember(name, ids)
    collection.insert_many(documents)
    return {"data": {"insertedIds": ids}}


def get_document(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    _, collection = _collection(call, params)
    query = _query(call, params)
    order = _object(params, "order")
    offset = _integer(params, "offset", 0, 0)
    limit = _integer(params, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT)
    projection = _object(params, "projection") or None
    for key, direction in order.items():
        _check_path(key, "orderBy")
        if direction not in (1, -1):
            raise invalid(f"order.{key}: direction must be 'asc' or 'desc'")
    documents = collection.documents
    rest, conditions = geo.split(query)
    if conditions:
        # Geo conditions select (and $nearSphere orders) here; orderBy, if any, then sorts.
        ids = [d["_id"] for d in geo.select(collection.find(rest), conditions)]
        cursor = collection.find({"_id": {"$in": ids}}, projection)
        if order:
            cursor = cursor.sort(list(order.items()))
            rows = list(cursor)[offset : offset + limit]
        else:
            by_id = {d["_id"]: d for d in cursor}
            rows = [by_id[i] for i in ids][offset : offset + limit]
    else:
        cursor = collection.find(query, projection)
        if order:
            cursor = cursor.sort(list(order.items()))
        rows = list(cursor.skip(offset).limit(limit))
    rows = [in_stored_order(d, documents.get(d.get("_id"))) if projection else d for d in rows]
    return {"data": {"list": [ejson_dumps(d) for d in rows]}, "limit": limit, "offset": offset}


def modify_document(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name, collection = _collection(call, params)
    query = _query(call, params)
    data = _resolve_server_dates(_object(params, "data"), call.now)
    multi = bool(params.get("multi", False))
    merge = params.get("merge", True) is not False
    upsert = bool(params.get("upsert", False))
    if not data:
        raise invalid("data: the update is empty. Fix: give at least one field to change")
    if not merge:  # doc(id).set(): the document is replaced (or created)
        _check_fields(data)
        data.pop("_id", None)
        ids = _matched_ids(collection, query, False)
        if not ids and isinstance(query.get("_id"), str | int):
            ids = [query["_id"]]
        call.remember(name, ids)
        result = collection.replace_one(query, data, upsert=upsert)
        answer: dict[str, Any] = {"updated": result.modified_count}
        if result.upserted_id is not None:
            answer["upsert_id"] = result.upserted_id
        return {"data": answer}
    update = _operators(data)
    native, extra = split_update(update)
    ids = _matched_ids(collection, query, multi)
    for doc_id in ids:
        check_update(collection.documents[doc_id], native)
    call.remember(name, ids)
    updated = 0
    if extra:
        # $mul/$bit are computed per document, then everything is one update per document.
        for doc_id in ids:
            document = collection.documents[doc_id]
            sets = {**native.get("$set", {}), **computed_sets(document, extra)}
            combined = {**native, "$set": sets}
            updated += collection.update_one({"_id": doc_id}, combined).modified_count
    elif ids:
        target = {"_id": {"$in": ids}} if multi else {"_id": ids[0]}
        updated = collection.update_many(target, native).modified_count
    return {"data": {"updated": updated}}


def _operators(data: dict[str, Any]) -> dict[str, Any]:
    """The update as MongoDB operators; plain fields (the Node SDK's raw mode) become ``$set``."""
    update: dict[str, Any] = {}
    for key, value in data.items():
        if key.startswith("$"):
            if not isinstance(value, dict) or not value:
                raise invalid(
                    f"data.{key}: an update operator takes an object of field paths. Fix: e.g. {{{key}: {{'a.b': 1}}}}"
                )
            for path in value:
                _check_path(path, f"data.{key}")
            update.setdefault(key, {}).update(value)
        else:
            _check_path(key, "data")
            _check_fields(value, key)
            update.setdefault("$set", {})[key] = value
    return update


def modify_and_return(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name, collection = _collection(call, params)
    query = _query(call, params)
    data = _resolve_server_dates(_object(params, "data"), call.now)
    if not data:
        raise invalid("data: the update is empty. Fix: give at least one field to change")
    update = _operators(data)
    native, extra = split_update(update)
    ids = _matched_ids(collection, query, False)
    call.remember(name, ids)
    if not ids:
        return {"data": {"updated": 0, "doc": None}}
    if extra:
        document = collection.documents[ids[0]]
        native = {**native, "$set": {**native.get("$set", {}), **computed_sets(document, extra)}}
    before = ejson_dumps(collection.documents[ids[0]])
    after = collection.find_one_and_update({"_id": ids[0]}, native, return_document=ReturnDocument.AFTER)
    text = ejson_dumps(after)
    return {"data": {"updated": int(text != before), "doc": text}}


def remove_document(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name, collection = _collection(call, params)
    query = _query(call, params)
    multi = bool(params.get("multi", False))
    ids = _matched_ids(collection, query, multi)
    call.remember(name, ids)
    if not ids:
        return {"data": {"deleted": 0}}
    deleted = collection.delete_many({"_id": {"$in": ids}}).deleted_count
    return {"data": {"deleted": deleted}}


def calculate_document(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    _, collection = _collection(call, params)
    rest, conditions = geo.split(_query(call, params))
    if conditions:
        return {"data": {"total": len(geo.select(collection.find(rest), conditions))}}
    return {"data": {"total": collection.count_documents(rest)}}


def aggregate_documents(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    _, collection = _collection(call, params)
    stages = params.get("stages")
    if not isinstance(stages, list):
        raise invalid(
            "stages: must be a list of {stageKey, stageValue}. Fix: build it with aggregate()...end()"
        )
    pipeline = []
    for i, stage in enumerate(stages):
        if not isinstance(stage, dict) or not isinstance(stage.get("stageKey"), str):
            raise invalid(f"stages[{i}]: must be {{stageKey: '$group', stageValue: '<extended JSON>'}}")
        key = stage["stageKey"]
        value = _resolve_server_dates(_ejson(stage, "stageValue", None), call.now)
        pipeline.append({key: value})
    rows = collection.aggregate(rewrite_pipeline(pipeline))
    return {"data": {"list": [ejson_dumps(row) for row in rows]}}


def start_transaction(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    return {"transactionId": call.state.begin(call.database.name).id}


def _open(call: Call) -> Transaction:
    if call.transaction is None:
        raise invalid(
            "transactionId: missing. Fix: commit or abort the transaction startTransaction() returned"
        )
    return call.transaction


def commit_transaction(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    call.state.commit(_open(call))
    return {}


def abort_transaction(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    call.state.abort(_open(call))
    return {}


ACTIONS: dict[str, Callable[[Call, dict[str, Any]], dict[str, Any]]] = {
    "database.addCollection": add_collection,
    "database.insertDocument": insert_document,
    "database.getDocument": get_document,
    "database.modifyDocument": modify_document,
    "database.modifyAndReturnDoc": modify_and_return,
    "database.removeDocument": remove_document,
    "database.calculateDocument": calculate_document,
    "database.aggregateDocuments": aggregate_documents,
    "database.startTransaction": start_transaction,
    "database.commitTransaction": commit_transaction,
    "database.abortTransaction": abort_transaction,
}

# Failures of the engine on bad input (a wrong operator argument, ...): the platform's
# DATABASE_REQUEST_FAILED with the engine's own words.
_ENGINE_ERRORS = (
    mongomock.OperationFailure,
    EngineError,
    UnsupportedOperator,
    NotImplementedError,
    ValueError,
    TypeError,
    KeyError,
    BSONError,
)


def execute(state: EmulatorState, env: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
    """Answer one database action (see the module docstring); never raises for bad input."""
    request_id = new_rid()
    handler = ACTIONS.get(action)
    if handler is None:
        return {
            "code": "INVALID_PARAM",
            "message": f"action: {action!r} is not a database action (known: {', '.join(sorted(ACTIONS))})",
            "requestId": request_id,
        }
    databases = state.database
    undo = Transaction(id="", env=env)
    try:
        call = Call(
            state=databases,
            database=databases.env(env),
            now=dt.datetime.fromtimestamp(state.clock(), dt.UTC),
            transaction=_transaction(databases, params),
            undo=undo,
        )
        if call.transaction is not None and call.transaction.env != env:
            raise invalid(f"transactionId: the transaction belongs to env {call.transaction.env}, not {env}")
        answer = handler(call, params)
    except DatabaseError as exc:
        databases.restore(undo)
        return {"code": exc.code, "message": exc.message, "requestId": request_id}
    except _ENGINE_ERRORS as exc:
        databases.restore(undo)
        message = str(exc.args[0]) if exc.args else type(exc).__name__
        if isinstance(exc, KeyError):
            # mongomock's expression evaluator fails on a missing field where MongoDB reads null.
            message = (
                f"the local engine cannot evaluate this on a document without the field {message}; "
                "the platform reads a missing field as null. Fix: give every document the field"
            )
        return {"code": "DATABASE_REQUEST_FAILED", "message": message, "requestId": request_id}
    return {"requestId": request_id, **answer}


__all__ = ["ACTIONS", "DatabaseError", "execute"]
