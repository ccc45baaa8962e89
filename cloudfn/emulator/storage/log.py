"""Storage requests of the emulator's own channels (``/tcb/*``, the object store) in the request log.

Entries carry ``action`` (the API or object operation) and no ``api``: storage is compared by
the files it leaves (parity's list of accepted API calls leaves these out). ``/admin``'s JSON
actions are logged by the ``/admin`` channel itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from ..http import record


def log_storage(
    request: web.Request,
    operation: str,
    body: Any,
    status: int,
    response: Mapping[str, Any] | None,
    errcode: int = 0,
) -> None:
    record(
        request, status=status, response=dict(response or {}), body=body, action=operation, errcode=errcode
    )
