"""The fault middleware: applies the FaultPlan's rules to the requests of an API channel.

Each API channel (WeChat HTTPS, Cloud Run, ``/admin``) puts it in its own
middlewares; the control API has none, so faults can never lock it out. The
API a request is for is its route's name (``logistics.updatePrinter``,
``token``, ``stable_token``), as the channel named it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct

from aiohttp import web
from aiohttp.typedefs import Handler

from ..http import STATE, error_answer, json_response, record
from .rules import FaultRule

ERRMSGS = {
    -1: "system error",
    45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit mustslower retry next minute",
}


def _record(request: web.Request, rule: FaultRule, status: int, payload: dict[str, object]) -> None:
    record(request, status=status, response=payload, api=request.match_info.route.name, fault=rule.kind)


@web.middleware
async def inject_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    state = request.config_dict[STATE]
    for rule in state.faults.pick(request.match_info.route.name, request.path):
        if rule.kind == "latency":
            # The request arrives, then the server is slow: read the body first so
            # the handler still acts if the client gives up meanwhile (as a real
            # server would), which is why timeouts are never retried.
            await request.read()
            await asyncio.sleep(float(rule.value or 0))
        elif rule.kind in ("expire_token", "invalidate_token"):
            # The caller's app when its token is known, else every app.
            presented = request.query.get("access_token") or request.query.get("cloudbase_access_token")
            token = state.tokens.get(presented or "")
            appid = token.appid if token is not None else None
            if rule.kind == "expire_token":
                state.expire_tokens(appid)
            else:
                state.invalidate_tokens(appid)
        elif rule.kind == "errcode":
            errcode = int(rule.value or -1)
            payload = error_answer(errcode, ERRMSGS.get(errcode, "fault injected"))
            _record(request, rule, 200, payload)
            return json_response(payload)
        elif rule.kind == "http":
            status = int(rule.value or 500)
            _record(request, rule, status, {})
            return web.Response(
                status=status,
                text=f"<html><body><h1>{status}</h1>injected by the cloudfn emulator</body></html>",
                content_type="text/html",
            )
        elif rule.kind == "reset":
            _record(request, rule, 0, {})
            _reset(request)
            raise asyncio.CancelledError  # nothing more to send on a reset connection
    return await handler(request)


def _reset(request: web.Request) -> None:
    """Close the connection with a TCP RST (SO_LINGER 0), as a crashed peer or middlebox does."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


__all__ = ["inject_faults"]
