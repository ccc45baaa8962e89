"""WeChat's HTTPS database API on the emulator: ``/tcb/database*`` answered from its database.

Part of the WeChat HTTPS channel (:mod:`.wechat` mounts these routes).

A statement path (``databasequery``, ``databasecount``, ``databaseadd``,
``databaseupdate``, ``databasedelete``, ``databaseaggregate``) parses the
body's ``query`` with :func:`cloudfn.dbstatement.parse_statement` (a real
JavaScript parser; only the ``db`` subset is evaluated), runs the resulting
Node SDK action on the same executor the ``/admin`` channel uses, and answers
in the documented format. The collection paths (``databasecollectionadd``,
``databasecollectiondelete``, ``databasecollectionget``) take
``collection_name`` / ``limit`` / ``offset`` instead of a statement.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from ..database import ejson
from ..dbstatement import ParsedStatement, StatementError, parse_statement
from ..dbstatement import https_api as wire
from .database import execute
from .errors import ApiError
from .http import APPID, STATE, Answer, Route, answering, error_answer, read_json_object
from .state import AppState, EmulatorState

log = logging.getLogger("cloudfn.emulator")

# How a request names the app it acts for (the channel's access-token check).
Authenticate = Callable[[EmulatorState, Mapping[str, str]], AppState]


def ok(**fields: Any) -> dict[str, Any]:
    return {"errcode": 0, "errmsg": "ok", **fields}


def _refused(answer: dict[str, Any]) -> dict[str, Any]:
    refusal = wire.https_error(answer)
    return error_answer(refusal["errcode"], refusal["errmsg"])


def _count(state: EmulatorState, env: str, params: dict[str, Any]) -> int | None:
    """How many documents a request's query matches (None when the executor refuses it)."""
    count_params = {"collectionName": params["collectionName"], "queryType": "WHERE"}
    if params.get("query"):
        count_params["query"] = params["query"]
    answer = execute(state, env, "database.calculateDocument", count_params)
    if "code" in answer:
        return None
    return int(answer["data"]["total"])


def run_statement(state: EmulatorState, env: str, parsed: ParsedStatement) -> dict[str, Any]:
    """One parsed statement, executed and answered as its HTTPS path documents."""
    action, params = parsed.action, parsed.params
    matched = None
    if action == "database.modifyDocument":
        # Counted before the update changes what the query matches.
        matched = _count(state, env, params)
        if matched is not None and not params.get("multi", False):
            matched = min(matched, 1)
    answer = execute(state, env, action, params)
    if "code" in answer:
        return _refused(answer)
    data = answer.get("data") or {}
    if action == "database.getDocument":
        documents = list(data.get("list") or [])
        if params.get("queryType") == "DOC":
            pager = {"Offset": 0, "Limit": 1, "Total": len(documents)}
        else:
            offset, limit = params.get("offset", 0), params["limit"]
            if 0 < len(documents) < limit or (not documents and not offset):
                total = offset + len(documents)  # a short page is the last one: no second scan
            else:
                total = _count(state, env, params) or 0
            pager = {"Offset": offset, "Limit": limit, "Total": total}
        return ok(pager=pager, data=documents)
    if action == "database.calculateDocument":
        return ok(count=data.get("total", 0))
    if action == "database.insertDocument":
        return ok(id_list=list(data.get("insertedIds") or []))
    if action == "database.modifyDocument":
        upserted = data.get("upsert_id")
        return ok(
            matched=0 if upserted is not None else matched or 0,
            modified=data.get("updated", 0),
            id="" if upserted is None else upserted,
        )
    if action == "database.removeDocument":
        return ok(deleted=data.get("deleted", 0))
    return ok(data=list(data.get("list") or []))


def _unicode(value: str, key: str) -> str:
    """A text field that can be stored and answered (no unpaired surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(40097, f"invalid {key}: not valid Unicode (an unpaired surrogate)") from None
    return value


def _body_env(body: dict[str, Any]) -> str:
    env = body.get("env")
    if not isinstance(env, str) or not env:
        raise ApiError(40101, "missing env: the body needs env, the cloud environment id")
    return _unicode(env, "env")


# The request log's api stays None for these paths, as for /admin's database actions:
# they are not open-API calls, and parity compares the database itself instead.


def statement_route(path: str, authenticate: Authenticate) -> Route:
    expected = wire.STATEMENT_PATHS[path]

    async def route(request: web.Request) -> Answer:
        state = request.config_dict[STATE]
        if request.method != "POST":
            return error_answer(43002, "require POST method"), 200
        try:
            app = authenticate(state, request.query)
            request[APPID] = app.appid
            body = await read_json_object(request)
            env = _body_env(body)
            if "query" not in body:
                raise ApiError(
                    40101, "missing query: the body needs query, a statement such as db.collection('x').get()"
                )
        except ApiError as exc:
            return error_answer(exc.errcode, exc.errmsg), 200
        try:
            parsed = parse_statement(body["query"])
        except StatementError as exc:
            return error_answer(exc.errcode, f"invalid query: {exc.errmsg}"), 200
        except Exception:  # a parser bug must not become a 500 nor break the next request
            log.exception("statement evaluation failed: %.200s", body["query"])
            return error_answer(-1, "system error"), 200
        if parsed.action != expected:
            right = wire.ACTION_PATHS[parsed.action]
            return error_answer(
                40097,
                f"invalid query: the statement ends in {parsed.api}(), which {right} serves, not {path}. "
                f"Fix: post it to {right}",
            ), 200
        return run_statement(state, env, parsed), 200

    return route


def _collection_name(body: dict[str, Any]) -> str:
    name = body.get("collection_name")
    if not isinstance(name, str) or not name:
        raise ApiError(
            40101, "missing collection_name: the body needs collection_name, the collection's name"
        )
    return _unicode(name, "collection_name")


async def collection_add(request: web.Request, state: EmulatorState, body: dict[str, Any]) -> dict[str, Any]:
    env, name = _body_env(body), _collection_name(body)
    answer = execute(state, env, "database.addCollection", {"collectionName": name})
    return _refused(answer) if "code" in answer else ok()


async def collection_delete(
    request: web.Request, state: EmulatorState, body: dict[str, Any]
) -> dict[str, Any]:
    env, name = _body_env(body), _collection_name(body)
    database = state.database.env(env)
    if not database.exists(name):
        return _refused(
            {
                "code": "DATABASE_COLLECTION_NOT_EXIST",
                "message": f"[ResourceNotFound] Db or Table not exist: {name}. Fix: check the collection name",
            }
        )
    database.drop(name)
    return ok()


def _non_negative(body: dict[str, Any], key: str, default: int) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ApiError(40097, f"invalid {key}: {key} must be a whole number >= 0, got {value!r}")
    return value


async def collection_get(request: web.Request, state: EmulatorState, body: dict[str, Any]) -> dict[str, Any]:
    env = _body_env(body)
    limit = _non_negative(body, "limit", 10)
    offset = _non_negative(body, "offset", 0)
    database = state.database.env(env)
    names = list(database.collections)
    collections = []
    for name in names[offset : offset + limit]:
        documents = database.documents(name)
        collections.append(
            {
                "name": name,
                "count": len(documents),
                "size": sum(len(ejson.dumps(d).encode()) for d in documents),
                # Only the _id index exists here; its size is not modelled.
                "index_count": 1,
                "index_size": 0,
            }
        )
    return ok(collections=collections, pager={"Offset": offset, "Limit": limit, "Total": len(names)})


CollectionHandler = Callable[[web.Request, EmulatorState, dict[str, Any]], Awaitable[dict[str, Any]]]


def collection_route(handler: CollectionHandler, authenticate: Authenticate) -> Route:
    async def route(request: web.Request) -> Answer:
        state = request.config_dict[STATE]
        if request.method != "POST":
            return error_answer(43002, "require POST method"), 200
        try:
            app = authenticate(state, request.query)
            request[APPID] = app.appid
            body = await read_json_object(request)
            return await handler(request, state, body), 200
        except ApiError as exc:
            return error_answer(exc.errcode, exc.errmsg), 200

    return route


def add_routes(channel: web.Application, authenticate: Authenticate) -> None:
    """Route the HTTPS database paths on ``channel`` (named by path, for the fault middleware)."""
    for path in wire.STATEMENT_PATHS:
        name = "tcb." + path.rsplit("/", 1)[-1]
        channel.router.add_route("*", path, answering(statement_route(path, authenticate)), name=name)
    for path, handler in (
        (wire.COLLECTION_ADD, collection_add),
        (wire.COLLECTION_DELETE, collection_delete),
        (wire.COLLECTION_GET, collection_get),
    ):
        name = "tcb." + path.rsplit("/", 1)[-1]
        channel.router.add_route("*", path, answering(collection_route(handler, authenticate)), name=name)


__all__ = ["add_routes", "run_statement"]
