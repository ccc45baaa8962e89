"""Answering one API call from a parsed body: the part every channel shares.

The HTTPS routes, and any other channel that reaches an API (the Node SDK's
``/admin`` wire, Cloud Run), end here, so the same body gets the same answer
and the same state change whichever way it came.

A body that passes the API's checks is answered, in this order, by a stub the
user registered (as ``respx``/``responses`` users expect), by the namespace's
stateful handler, or by the page's example answer. :class:`Reply` says which,
and the channels write that into the request log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..api.registry import ApiSpec
from ..api.validation import find_violation
from .binary import Binary, placeholder
from .errors import ApiError
from .http import error_answer
from .namespaces import HANDLERS
from .state import AppState

# Where an answer came from, as the request log records it.
FROM_STATE = "state"
FROM_EXAMPLE = "example"
FROM_STUB = "stub"
REFUSED = "refused"  # the body broke a rule: the server's error answer


@dataclass(frozen=True)
class Reply:
    """An API's answer: the JSON payload (for bytes, the log's ``{"errcode": 0}``) and its origin."""

    payload: dict[str, Any]
    source: str
    binary: Binary | None = None


def _ok(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {"errcode": 0, "errmsg": "ok", **fields}


def _from_result(result: dict[str, Any] | Binary, source: str) -> Reply:
    if isinstance(result, Binary):
        return Reply({"errcode": 0, "errmsg": "ok", "contentType": result.content_type}, source, result)
    return Reply(_ok(result), source)


def example_answer(spec: ApiSpec) -> dict[str, Any] | Binary:
    """The page's example response (bytes for an API whose success is an image or a file)."""
    if spec.binary is not None:
        return placeholder(spec.binary)
    example = dict(spec.example or {})
    example.pop("errcode", None)
    example.pop("errmsg", None)
    return example


def _stubbed(stub: Any, body: dict[str, Any]) -> dict[str, Any] | Binary:
    answer = stub(body) if callable(stub) else stub
    if isinstance(answer, Binary):
        return answer
    if not isinstance(answer, Mapping):
        raise TypeError(f"a stub answers a JSON object or Binary, got {type(answer).__name__}")
    return dict(answer)


def reply(spec: ApiSpec, app: AppState, body: Any, stubs: Mapping[str, Any] | None = None) -> Reply:
    """The answer to ``body`` for ``spec``'s API, applying its effects to ``app``."""
    violation = find_violation(spec, body)
    if violation is not None:
        return Reply(error_answer(violation.errcode, violation.errmsg), REFUSED)
    stub = (stubs or {}).get(spec.name)
    if stub is not None:
        result = _stubbed(stub, body)
        if isinstance(result, dict) and result.get("errcode"):
            # A stubbed error is answered as the server words errors (rid appended).
            errmsg = str(result.get("errmsg", spec.errors.get(int(result["errcode"]), "error")))
            return Reply({**result, **error_answer(int(result["errcode"]), errmsg)}, FROM_STUB)
        return _from_result(result, FROM_STUB)
    handler = HANDLERS.get(spec.name)
    if handler is None:
        return _from_result(example_answer(spec), FROM_EXAMPLE)
    try:
        result = handler(app, body)
    except ApiError as exc:
        # Some errors carry more fields (addOrder's delivery_resultcode/msg).
        return Reply({**error_answer(exc.errcode, exc.errmsg), **exc.extra}, FROM_STATE)
    return _from_result(result, FROM_STATE)


def answer(spec: ApiSpec, app: AppState, body: Any) -> dict[str, Any]:
    """The JSON answer to ``body`` (no stubs; bytes answered by their log payload)."""
    return reply(spec, app, body).payload


__all__ = ["FROM_EXAMPLE", "FROM_STATE", "FROM_STUB", "REFUSED", "Reply", "answer", "example_answer", "reply"]
