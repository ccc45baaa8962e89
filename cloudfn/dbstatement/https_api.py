"""The HTTPS database API's wire: paths, request bodies, and answers in both directions.

WeChat documents ``POST /tcb/database<op>?access_token=...`` with a JSON body
``{"env", "query"}`` (``{"env", "collection_name"}`` for collections) and
answers ``{"errcode", "errmsg", ...}`` with per-path fields: ``pager`` and
``data`` (documents as JSON strings) for a query, ``count``, ``id_list``,
``matched``/``modified``/``id``, ``deleted``. The cloud platform's ``/admin``
channel answers the same actions as ``{"requestId", "data": {...}}`` or
``{"code", "message"}``. This module maps one onto the other, so the client's
``https`` transport and the emulator's routes agree by construction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import INVALID_PARAMETER, StatementError
from .generate import generate_statement

# wx-server-sdk's TCB_ERR_CODE: the platform's code names and the errcode the HTTPS API answers.
TCB_ERR_CODE: dict[str, int] = {
    "SYS_ERR": -501001,
    "SERVER_TIMEOUT": -501002,
    "EXCEED_REQUEST_LIMIT": -501003,
    "EXCEED_CONCURRENT_REQUEST_LIMIT": -501004,
    "INVALIID_ENV": -501005,
    "INVALID_COMMON_PARAM": -501006,
    "INVALID_PARAM": -501007,
    "INVALID_REQUEST_SOURCE": -501008,
    "RESOURCE_NOT_INITIAL": -501009,
    "DATABASE_REQUEST_FAILED": -502001,
    "DATABASE_INVALID_OPERRATOR": -502002,
    "DATABASE_PERMISSION_DENIED": -502003,
    "DATABASE_COLLECTION_EXCEED_LIMIT": -502004,
    "DATABASE_COLLECTION_NOT_EXIST": -502005,
}
SYS_ERR = TCB_ERR_CODE["SYS_ERR"]
_CODE_NAMES = {number: name for name, number in TCB_ERR_CODE.items()}
# WeChat's own codes for a request the API refuses before the database sees it.
_WECHAT_CODE_NAMES = {INVALID_PARAMETER: "INVALID_PARAM", 40101: "INVALID_PARAM", 47001: "INVALID_PARAM"}

QUERY, COUNT, ADD, UPDATE, DELETE, AGGREGATE = (
    "/tcb/databasequery",
    "/tcb/databasecount",
    "/tcb/databaseadd",
    "/tcb/databaseupdate",
    "/tcb/databasedelete",
    "/tcb/databaseaggregate",
)
COLLECTION_ADD, COLLECTION_DELETE, COLLECTION_GET = (
    "/tcb/databasecollectionadd",
    "/tcb/databasecollectiondelete",
    "/tcb/databasecollectionget",
)
# The action each statement path runs (the statement must end in one of these).
STATEMENT_PATHS: dict[str, str] = {
    QUERY: "database.getDocument",
    COUNT: "database.calculateDocument",
    ADD: "database.insertDocument",
    UPDATE: "database.modifyDocument",
    DELETE: "database.removeDocument",
    AGGREGATE: "database.aggregateDocuments",
}
ACTION_PATHS = {action: path for path, action in STATEMENT_PATHS.items()}
# WeChat appends the request id to an error's errmsg; the platform keeps it apart.
_RID = re.compile(r"\s*rid: ([0-9a-f]+(?:-[0-9a-f]+)*)\s*$")


@dataclass(frozen=True)
class HttpsCall:
    """One HTTPS API request: path and JSON body (the access token goes in the URL)."""

    path: str
    body: dict[str, Any]

    @property
    def api(self) -> str:
        return "tcb." + self.path.rsplit("/", 1)[-1]


def serves(action: str, params: Mapping[str, Any]) -> bool:
    """Has the HTTPS database API a path for this request (transactions have none)?"""
    return (action in ACTION_PATHS or action == "database.addCollection") and not params.get("transactionId")


def https_call(action: str, params: Mapping[str, Any], env: str) -> HttpsCall:
    """The HTTPS request doing what ``(action, params)`` does on ``/admin``."""
    if params.get("transactionId"):
        raise StatementError(
            f"{action}: the HTTPS database API has no transactions. Fix: run transactions with transport='tcb'"
        )
    if action == "database.addCollection":
        return HttpsCall(COLLECTION_ADD, {"env": env, "collection_name": params.get("collectionName")})
    path = ACTION_PATHS.get(action)
    if path is None:
        raise StatementError(f"{action} has no HTTPS database API. Fix: use transport='tcb' for it")
    return HttpsCall(path, {"env": env, "query": generate_statement(action, dict(params))})


def platform_answer(action: str, answer: Mapping[str, Any]) -> dict[str, Any]:
    """An HTTPS API answer as the ``/admin`` channel would have answered ``action``."""
    errcode = answer.get("errcode", 0)
    request_id = str(answer.get("request_id") or answer.get("requestId") or "")
    if errcode:
        code = _CODE_NAMES.get(errcode) or _WECHAT_CODE_NAMES.get(errcode) or "SYS_ERR"
        message = str(answer.get("errmsg", ""))
        rid = _RID.search(message)
        if rid:
            message, request_id = message[: rid.start()], request_id or rid.group(1)
        return {"code": code, "message": message, "requestId": request_id}
    data: dict[str, Any]
    extra: dict[str, Any] = {}
    if action == "database.getDocument":
        data = {"list": list(answer.get("data") or [])}
        pager = answer.get("pager") or {}
        extra = {"total": pager.get("Total"), "limit": pager.get("Limit"), "offset": pager.get("Offset")}
    elif action == "database.calculateDocument":
        data = {"total": answer.get("count", 0)}
    elif action == "database.insertDocument":
        data = {"insertedIds": list(answer.get("id_list") or [])}
    elif action == "database.modifyDocument":
        data = {"updated": answer.get("modified", 0)}
        if answer.get("id"):
            data["upsert_id"] = answer["id"]
    elif action == "database.removeDocument":
        data = {"deleted": answer.get("deleted", 0)}
    elif action == "database.aggregateDocuments":
        data = {"list": list(answer.get("data") or [])}
    else:
        data = {}
    return {"requestId": request_id, "data": data, **{k: v for k, v in extra.items() if v is not None}}


def https_error(answer: Mapping[str, Any]) -> dict[str, Any]:
    """A platform refusal ``{"code", "message"}`` as the HTTPS API answers it."""
    code = TCB_ERR_CODE.get(str(answer.get("code")), SYS_ERR)
    return {"errcode": code, "errmsg": str(answer.get("message", ""))}


__all__ = [
    "ACTION_PATHS",
    "STATEMENT_PATHS",
    "TCB_ERR_CODE",
    "HttpsCall",
    "https_call",
    "https_error",
    "platform_answer",
    "serves",
]
