"""Answering one API call from a parsed body: the part every channel shares.

The HTTPS routes, and any other channel that reaches an API (the Node SDK's
``/admin`` wire, Cloud Run), end here, so the same body gets the same answer
and the same state change whichever way it came.
"""

from __future__ import annotations

from typing import Any

from ..api.registry import ApiSpec
from ..api.validation import find_violation
from .errors import ApiError
from .http import error_answer
from .namespaces import HANDLERS
from .state import AppState


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
        return {**error_answer(exc.errcode, exc.errmsg), **exc.extra}
    return {"errcode": 0, "errmsg": "ok", **result}


__all__ = ["answer"]
