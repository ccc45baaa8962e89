"""The HTTPS transport against a misbehaving WeChat: odd bodies, slow answers, no server."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

import cloudfn
from cloudfn import CloudSDKError
from cloudfn.emulator.server import RunningEmulator

TOKEN = "T" * 100

Answer = Callable[[web.Request], web.StreamResponse]


@pytest.fixture
async def fake_wechat() -> AsyncIterator[tuple[str, list[Answer]]]:
    """A loopback server that issues tokens and answers getPrinter with whatever the test queues."""
    answers: list[Answer] = []

    async def token(request: web.Request) -> web.Response:
        return web.json_response({"access_token": TOKEN, "expires_in": 7200})

    async def api(request: web.Request) -> web.StreamResponse:
        # The last queued answer repeats, so a retried call meets it again.
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        result = answer(request)
        if asyncio.iscoroutine(result):
            result = await result
        return result

    app = web.Application()
    app.router.add_post("/cgi-bin/stable_token", token)
    app.router.add_get("/cgi-bin/express/business/printer/getall", api)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/"), answers
    finally:
        await server.close()


def body(text: str | bytes, content_type: str, status: int = 200) -> Answer:
    raw = text.encode() if isinstance(text, str) else text
    return lambda request: web.Response(body=raw, status=status, headers={"Content-Type": content_type})


async def get_printer(base_url: str, **init: object) -> dict:
    async with cloudfn.init(base_url=base_url, appid="wx1", secret="s3cret-value", **init) as cloud:  # type: ignore[arg-type]
        return await cloud.openapi.logistics.getPrinter()


async def test_text_plain_json_is_read_as_json(fake_wechat) -> None:
    url, answers = fake_wechat
    answers.append(body('{"errcode":0,"errmsg":"ok","count":0,"openid":[]}', "text/plain"))

    assert await get_printer(url) == {
        "count": 0,
        "openid": [],
        "errMsg": "openapi.logistics.getPrinter:ok",
        "errCode": 0,
    }


async def test_text_plain_that_is_not_json_becomes_result(fake_wechat) -> None:
    url, answers = fake_wechat
    answers.append(body("hello", "text/plain; charset=utf-8"))

    assert await get_printer(url) == {
        "result": "hello",
        "errMsg": "openapi.logistics.getPrinter:ok",
        "errCode": 0,
    }


async def test_json_content_type_with_invalid_body_is_a_system_error(fake_wechat) -> None:
    url, answers = fake_wechat
    answers.append(body("<html>oops</html>", "application/json"))

    with pytest.raises(CloudSDKError) as info:
        await get_printer(url)
    assert info.value.to_json() == {
        "errCode": -601001,
        "errMsg": "openapi.logistics.getPrinter:fail wechat server internal error, "
        "response body is invalid json: <html>oops</html>",
    }


async def test_binary_body_becomes_content_type_and_buffer(fake_wechat) -> None:
    url, answers = fake_wechat
    answers.append(body(b"\x89PNG\r\n", " image/png "))

    result = await get_printer(url)
    assert result == {
        "contentType": "image/png",
        "buffer": b"\x89PNG\r\n",
        "errMsg": "openapi.logistics.getPrinter:ok",
        "errCode": 0,
    }


async def test_large_integers_keep_their_precision(fake_wechat) -> None:
    url, answers = fake_wechat
    answers.append(body('{"errcode":0,"errmsg":"ok","order_id":12345678901234567890123}', "application/json"))

    assert (await get_printer(url))["orderId"] == 12345678901234567890123


async def test_nested_keys_are_converted_like_the_node_sdk(fake_wechat) -> None:
    url, answers = fake_wechat
    answers.append(
        body(
            '{"errcode":0,"errmsg":"ok","path_item_list":[{"action_time":1,"action_msg":"x"}],'
            '"grid":[[{"a_b":1}]],"plain_list":["snake_case_value"]}',
            "application/json",
        )
    )

    result = await get_printer(url)
    assert result["pathItemList"] == [{"actionTime": 1, "actionMsg": "x"}]
    assert result["grid"] == [[{"aB": 1}]]
    assert result["plainList"] == ["snake_case_value"]  # values never change


async def test_convert_case_false_leaves_keys_alone(fake_wechat) -> None:
    url, answers = fake_wechat
    answers.append(body('{"errcode":0,"errmsg":"ok","tagid_list":["1"]}', "application/json"))

    async with cloudfn.init(base_url=url, appid="wx1", secret="s") as cloud:
        raw = cloud.openapi(convertCase=False)
        result = await raw.logistics.getPrinter()
    assert result == {"tagid_list": ["1"], "errMsg": "openapi.logistics.getPrinter:ok", "errCode": 0}


async def test_http_error_without_json_is_a_clear_error(fake_wechat) -> None:
    url, answers = fake_wechat
    answers.append(body("<html>Bad Gateway</html>", "text/html", status=502))

    with pytest.raises(CloudSDKError) as info:
        await get_printer(url)
    assert info.value.errCode == -601001
    assert "HTTP 502" in info.value.errMsg


async def test_slow_server_times_out_with_the_sdk_code(fake_wechat) -> None:
    url, answers = fake_wechat
    release = asyncio.Event()

    async def never(request: web.Request) -> web.Response:
        await release.wait()
        return web.json_response({"errcode": 0})

    answers.append(never)
    try:
        with pytest.raises(CloudSDKError) as info:
            await get_printer(url, timeout=0.2)
    finally:
        release.set()
    assert info.value.errCode == -604102
    assert info.value.errMsg.startswith("openapi.logistics.getPrinter:fail call open API timeout")


async def test_no_server_is_a_network_error_without_the_token() -> None:
    with socket.socket() as sock:  # a port that is certainly closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    with pytest.raises(CloudSDKError) as info:
        await get_printer(f"http://127.0.0.1:{port}")
    assert info.value.errCode == -601003
    assert info.value.errMsg.startswith("openapi.logistics.getPrinter:fail network error")
    assert info.value.__cause__ is None and info.value.__suppress_context__


async def test_no_secret_or_token_in_logs_errors_or_reprs(
    emulator: RunningEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = emulator.secret
    texts: list[str] = []
    async with cloudfn.init(base_url=emulator.base_url, appid=emulator.appid, secret=secret) as cloud:
        texts += [repr(cloud), repr(cloud.transport), repr(cloud.settings), repr(cloud.transport.provider())]
        await cloud.openapi.logistics.getPrinter()
        emulator.state.invalidate_tokens()
        await cloud.openapi.logistics.getPrinter()  # refresh-and-retry path
        with pytest.raises(CloudSDKError) as info:
            await cloud.openapi.logistics.updatePrinter(openid="oUnknown", updateType="bind")
        texts += [str(info.value), repr(info.value)]
    tokens = [t for t in emulator.state.tokens]  # every token the emulator issued
    assert tokens
    texts += [record.getMessage() for record in caplog.records]
    texts += [repr(r) for r in emulator.state.requests]
    joined = "\n".join(texts)
    assert any(r.levelno == logging.DEBUG for r in caplog.records)  # DEBUG was really captured
    assert secret not in joined
    for token in tokens:
        assert token not in joined


def test_one_cloud_serves_successive_event_loops(caplog: pytest.LogCaptureFixture) -> None:
    """Ported code makes its Cloud at import time; scripts and per-test loops then use it from many loops."""
    import threading

    from cloudfn.emulator.server import run_emulator

    started = threading.Event()
    stop: list[asyncio.Event] = []
    loops: list[asyncio.AbstractEventLoop] = []
    running: list[RunningEmulator] = []

    def serve() -> None:
        async def main() -> None:
            async with run_emulator() as emulator:
                running.append(emulator)
                stop.append(asyncio.Event())
                loops.append(asyncio.get_running_loop())
                started.set()
                await stop[0].wait()

        asyncio.run(main())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(10)
    emulator = running[0]
    cloud = cloudfn.init(base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret)

    async def burst() -> list[int]:
        results = await asyncio.gather(*(cloud.openapi.logistics.getPrinter({}) for _ in range(5)))
        return [r["errCode"] for r in results]

    try:
        for _ in range(3):  # three loops in turn, each closed after its run
            assert asyncio.run(burst()) == [0] * 5
        asyncio.run(cloud.close())
    finally:
        loops[0].call_soon_threadsafe(stop[0].set)
        thread.join(10)
    assert emulator.state.token_requests == 1  # the token outlived the loops too
    assert not [r for r in caplog.records if "Unclosed" in r.getMessage()]


async def test_a_refresh_that_returns_the_rejected_token_is_not_resent(fake_wechat) -> None:
    # The fake's token endpoint always hands out the same token, as stable_token
    # does while it still considers the token valid.
    url, answers = fake_wechat
    seen: list[str] = []

    def rejected(request: web.Request) -> web.Response:
        seen.append(request.query["access_token"])
        return web.json_response({"errcode": 40001, "errmsg": "invalid credential rid: 1-2-3"})

    answers.append(rejected)
    with pytest.raises(CloudSDKError) as info:
        await get_printer(url)
    assert info.value.errCode == 40001
    assert seen == [TOKEN]  # sent once: resending the same token could not help
