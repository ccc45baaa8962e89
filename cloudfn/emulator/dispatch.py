"""Answering one API call from a parsed body: the part every channel shares.

The HTTPS routes, and any other channel that reaches an API (the Node SDK's
``/admin`` wire, Cloud Run), end here, so the same body gets the same answer
and the same state change whichever way it came.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..api.registry import ApiSpec
from ..api.validation import find_violation
from . import logistics
from .state import ApiError, AppState, new_rid

Handler = Callable[[AppState, dict[str, Any]], dict[str, Any]]

# One table per namespace module, merged: adding an API is a schema file plus a handler.
HANDLERS: Mapping[str, Handler] = {**logistics.HANDLERS}


def error_answer(errcode: int, errmsg: str) -> dict[str, Any]:
    """An error as the real server words it, request id appended."""
    return {"errcode": errcode, "errmsg": f"{errmsg} rid: {new_rid()}"}


def answer(spec: ApiSpec, app: AppState, body: Any) -> dict[str, Any]:
    """The JSON answer to ``body`` for ``spec``'s API, applying its effects to ``app``."""
    violation = find_violation(spec, body)
    if violation is not None:
        return error_answer(violation.errcode, violation.errmsg)
    handler = HANDLERS.get(spec.name)
    if handler is None:
        return error_answer(48001, "api unauthorized")
    try:
        result = handler(app, body)
    except ApiError as exc:
        # Some errors carry more fields (addOrder's delivery_resultcode/msg).
        return {**error_answer(exc.errcode, exc.errmsg), **getattr(exc, "extra", {})}
    return {"errcode": 0, "errmsg": "ok", **result}
