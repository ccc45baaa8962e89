"""No false success: an HTTP error status is a failure whatever its content type, and a cut-short
answer from a server that was reached is not reported as "could not reach"."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

import cloudfn
from cloudfn import CloudSDKError

SEED_OPENID = "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw"
APPID = "wxfalse0success00"


async def _start(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


def _token_route(app: web.Application) -> None:
    async def token(request: web.Request) -> web.Response:
        return web.json_response({"access_token": "T" * 20, "expires_in": 7200})

    app.router.add_post("/cgi-bin/stable_token", token)


Answer = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _answers(status: int, content_type: str, body: bytes) -> Answer:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, body=body, headers={"Content-Type": content_type})

    return handler


# (case, status, content type, body): every one an HTTP error that must not be a success
ERROR_ANSWERS = [
    ("404-text-plain", 404, "text/plain; charset=utf-8", b"404: Not Found"),
    ("404-json-no-errcode", 404, "application/json", b'{"detail": "not here"}'),
    ("403-json-errcode-0", 403, "application/json", b'{"errcode": 0, "errmsg": "ok"}'),
    ("500-json-list", 500, "application/json", b"[1, 2]"),
    ("502-html", 502, "text/html", b"<html>Bad Gateway</html>"),
    ("503-empty", 503, "text/plain", b""),
    ("400-octets", 400, "application/octet-stream", b"\x00\x01"),
]


@pytest.fixture
async def no_route_server() -> AsyncIterator[str]:
    """A server that hands out tokens and has no route for any API: aiohttp's own 404."""
    app = web.Application()
    _token_route(app)
    runner, url = await _start(app)
    yield url
    await runner.cleanup()


@pytest.mark.parametrize("transport", ["https", "cloudrun"])
async def test_a_server_without_the_route_is_not_success(no_route_server: str, transport: str) -> None:
    async with cloudfn.init(
        base_url=no_route_server, appid=APPID, secret="s" * 32, transport=transport, validate=False
    ) as cloud:
        with pytest.raises(CloudSDKError) as caught:
            await cloud.openapi.logistics.getAllDelivery({})
    err = caught.value
    assert err.errCode != 0
    assert "HTTP 404" in err.errMsg
    assert err.detail and "404: Not Found" in err.detail and "base_url" in err.detail, err.detail
    assert "Fix:" in err.detail


@pytest.mark.parametrize(
    ("status", "content_type", "body"), [c[1:] for c in ERROR_ANSWERS], ids=[c[0] for c in ERROR_ANSWERS]
)
async def test_http_error_status_is_never_success(status: int, content_type: str, body: bytes) -> None:
    app = web.Application()
    _token_route(app)
    app.router.add_post("/cgi-bin/express/business/printer/update", _answers(status, content_type, body))
    runner, url = await _start(app)
    try:
        async with cloudfn.init(
            base_url=url, appid=APPID, secret="s" * 32, retry={"attempts": 1}, validate=False
        ) as cloud:
            with pytest.raises(CloudSDKError) as caught:
                await cloud.openapi.logistics.updatePrinter({"openid": SEED_OPENID, "updateType": "bind"})
    finally:
        await runner.cleanup()
    assert caught.value.errCode != 0
    assert f"HTTP {status}" in caught.value.errMsg, caught.value.errMsg
    assert caught.value.detail and "Fix:" in caught.value.detail


async def _truncating_server(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, head_only: bool
) -> None:
    # Read the request head (and whatever body came with it), then answer with
    # fewer bytes than the Content-Length promised and close.
    await reader.readuntil(b"\r\n\r\n")
    await asyncio.sleep(0.01)
    if head_only:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n")
    else:
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
            b'{"errcode": 0, "errmsg": "ok", "access_token": "T'
        )
    await writer.drain()
    writer.close()


@pytest.mark.parametrize("head_only", [False, True])
@pytest.mark.parametrize("transport", ["https", "cloudrun"])
async def test_a_truncated_answer_is_not_could_not_reach(head_only: bool, transport: str) -> None:
    server = await asyncio.start_server(
        lambda r, w: _truncating_server(r, w, head_only=head_only), "127.0.0.1", 0
    )
    port = server.sockets[0].getsockname()[1]
    try:
        async with cloudfn.init(
            base_url=f"http://127.0.0.1:{port}",
            appid=APPID,
            secret="s" * 32,
            transport=transport,
            retry={"attempts": 1},
            validate=False,
        ) as cloud:
            with pytest.raises(CloudSDKError) as caught:
                await cloud.openapi.logistics.updatePrinter({"openid": SEED_OPENID, "updateType": "bind"})
    finally:
        server.close()
        await server.wait_closed()
    detail = caught.value.detail or ""
    assert "could not reach" not in detail, detail
    assert "cut short" in detail, detail
    assert "Fix:" in detail
    assert "T" * 5 not in str(caught.value)
