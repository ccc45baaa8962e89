"""Storage requests in the emulator's request log.

Entries carry ``storage`` (the operation) and no ``api``: storage is not a WeChat API call,
so parity's list of accepted API calls leaves them out and compares the files instead.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..state import EmulatorState

_SECRET_QUERY = ("access_token", "cloudbase_access_token", "sign")
# Body fields that are credentials of the Node SDK's channel, left out of the log.
_SECRET_FIELDS = ("wxCloudApiToken", "wxCloudbaseAccesstoken", "tcb_sessionToken", "crossAuthorizationToken")


def log_storage(
    state: EmulatorState,
    request: web.Request,
    operation: str,
    body: Any,
    status: int,
    response: Any,
    errcode: Any = 0,
) -> None:
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in _SECRET_FIELDS}
    state.requests.append(
        {
            "seq": len(state.requests) + 1,
            "time": state.clock(),
            "method": request.method,
            "path": request.path,
            "query": {k: ("***" if k in _SECRET_QUERY else v) for k, v in request.query.items()},
            "api": None,
            "storage": operation,
            "appid": None,
            "body": body,
            "status": status,
            "errcode": errcode,
            "response": response,
        }
    )
