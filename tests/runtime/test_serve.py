"""`cloudfn serve` over real sockets: WX context per request, timeouts, errors, limits, SIGTERM, timers."""

from __future__ import annotations

import asyncio
import json
import random
import signal
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from cloudfn.emulator.state import SEED_OPENID
from cloudfn.runtime.http_trigger import wx_context_from_headers
from tests.support.runtime import ServeProcess, run_cli, serving, write_function

SERVED = """
import asyncio
import cloudfn

cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})


async def main(event, context):
    action = event.get("action")
    if action == "whoami":
        first = cloudfn.getWXContext()
        await asyncio.sleep(event.get("pause", 0))
        return {"first": first, "then": cloudfn.getWXContext(), "request_id": context["request_id"]}
    if action == "hang":
        await asyncio.sleep(3600)
    if action == "raise":
        raise ValueError("printer on fire")
    if action == "raise_sdk":
        await cloud.openapi.logistics.updatePrinter({"openid": "nobody", "updateType": "sideways"})
    if action == "bind":
        openid = cloudfn.getWXContext()["OPENID"]
        await cloud.openapi.logistics.updatePrinter(
            {"openid": openid, "updateType": "bind", "tagidList": "9"}
        )
        return await cloud.openapi.logistics.getPrinter({})
    if action == "nap":
        await asyncio.sleep(event["seconds"])
        return "rested"
    return {"echo": event}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    root = tmp_path_factory.mktemp("serve")
    directory = write_function(
        root,
        "served",
        SERVED,
        {"permissions": {"openapi": ["logistics.updatePrinter", "logistics.getPrinter"]}, "timeout": 1.5},
    )
    with serving(directory, "--emulator", "--max-event-bytes", "4096") as process:
        yield process


async def post(session: aiohttp.ClientSession, url: str, event: object, **headers: str) -> tuple[int, dict]:
    async with session.post(url + "/", json=event, headers=headers) as response:
        return response.status, await response.json()


async def test_health(server: ServeProcess) -> None:
    async with aiohttp.ClientSession() as session, session.get(server.url + "/healthz") as response:
        assert response.status == 200
        assert (await response.json())["function"] == "served"


async def test_event_in_result_out(server: ServeProcess) -> None:
    async with aiohttp.ClientSession() as session:
        status, body = await post(session, server.url, {"hello": "世界"})
        async with session.post(server.url + "/", data=b"") as response:
            empty = await response.json()
    assert status == 200 and body == {"echo": {"hello": "世界"}}
    assert empty == {"echo": {}}


async def test_cloud_calls_use_the_callers_openid(server: ServeProcess) -> None:
    async with aiohttp.ClientSession() as session:
        status, body = await post(session, server.url, {"action": "bind"}, **{"x-wx-openid": SEED_OPENID})
    assert status == 200
    assert body["openid"] == [SEED_OPENID] and body["tagidList"] == ["9"]
    assert body["errMsg"] == "openapi.logistics.getPrinter:ok"


async def test_concurrent_requests_each_see_only_their_own_wx_context(server: ServeProcess) -> None:
    rng = random.Random(7)
    users = [f"o-user-{i:02d}" for i in range(32)]

    async def call(session: aiohttp.ClientSession, user: str) -> dict:
        status, body = await post(
            session,
            server.url,
            {"action": "whoami", "pause": rng.random() / 10},
            **{
                "x-wx-openid": user,
                "x-wx-appid": "wxapp",
                "x-wx-source": "wx_client",
                "x-forwarded-for": "10.1.2.3",
            },
        )
        assert status == 200
        return body

    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(call(session, user) for user in users))
    for user, body in zip(users, bodies, strict=True):
        expected = {"OPENID": user, "APPID": "wxapp", "CLIENTIP": "10.1.2.3", "SOURCE": "wx_client"}
        assert body["first"] == expected and body["then"] == expected
    assert len({body["request_id"] for body in bodies}) == 32


async def test_hanging_handler_times_out_while_others_are_served(server: ServeProcess) -> None:
    async with aiohttp.ClientSession() as session:
        hanging = asyncio.create_task(post(session, server.url, {"action": "hang"}))
        await asyncio.sleep(0.1)
        quick = [await post(session, server.url, {"n": i}) for i in range(10)]
        assert not hanging.done()  # the others were answered while it hangs
        status, body = await hanging
        after, _ = await post(session, server.url, {"n": "after"})
    assert [s for s, _ in quick] == [200] * 10
    assert status == 504
    assert body["errorMessage"].startswith("Invoking task timed out after 1.5 seconds")
    assert body["errorType"] == "TimeoutError" and body["requestId"]
    assert after == 200


async def test_raising_handler_is_a_500_without_traceback(server: ServeProcess) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            server.url + "/", json={"action": "raise"}, headers={"x-request-id": "req-raise-1"}
        ) as response,
    ):
        body = await response.json()
        assert response.status == 500
        assert response.headers["x-request-id"] == "req-raise-1"
    assert body["errorMessage"] == "ValueError: printer on fire"
    assert body["errorType"] == "ValueError" and body["requestId"] == "req-raise-1"
    assert "stackTrace" not in body and "Traceback" not in json.dumps(body)


async def test_raised_sdk_error_keeps_errcode_and_errmsg(server: ServeProcess) -> None:
    async with aiohttp.ClientSession() as session:
        status, body = await post(session, server.url, {"action": "raise_sdk"})
    assert status == 500 and body["errorType"] == "CloudSDKError"
    assert body["errCode"] == body["errorCode"] == 9300517  # refused locally, as the server would
    assert body["errMsg"].startswith("openapi.logistics.updatePrinter:fail ")
    assert body["errorMessage"] == f"errCode: 9300517  | errMsg: {body['errMsg']}"  # the Node message
    assert "nothing was sent" not in json.dumps(body)  # cloudfn's developer detail stays in the log


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        (b"{not json", 400, "event: not valid JSON"),
        (b"[1, 2]", 400, "event: must be a JSON object, got list"),
        (b"\xff\xfe", 400, "event: not valid JSON"),
        (b'{"pad": "' + b"x" * 5000 + b'"}', 413, "event: larger than 4096 bytes"),
    ],
    ids=["not-json", "not-object", "not-utf8", "too-large"],
)
async def test_bad_events_are_refused(
    server: ServeProcess, payload: bytes, status: int, message: str
) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            server.url + "/", data=payload, headers={"Content-Type": "application/json"}
        ) as response,
    ):
        body = await response.json()
        assert response.status == status
    assert body["errorMessage"].startswith(message) and "Fix:" in body["errorMessage"]
    assert body["requestId"]


def test_headers_to_wx_context() -> None:
    headers = {
        "X-WX-OPENID": "o1",
        "x-wx-from-appid": "wxfrom",
        "x-wx-cloudbase-access-token": "secret-token",
        "X-Forwarded-For": "2001:db8::1, 10.0.0.1",
        "Content-Type": "application/json",
    }
    assert wx_context_from_headers(headers) == {
        "OPENID": "o1",
        "FROM_APPID": "wxfrom",
        "CLIENTIPV6": "2001:db8::1",
    }


async def test_debug_shows_the_stack_trace(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "debugged", "def main(event, context):\n    raise KeyError('tag')\n")
    with serving(directory, "--debug") as process:
        async with aiohttp.ClientSession() as session:
            status, body = await post(session, process.url, {})
    assert status == 500
    assert "index.py" in body["stackTrace"] and "KeyError: 'tag'" in body["stackTrace"]


async def test_sigterm_lets_in_flight_invocations_finish(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "graceful", SERVED, {"timeout": 10})
    with serving(directory) as process:
        async with aiohttp.ClientSession() as session:
            in_flight = asyncio.create_task(post(session, process.url, {"action": "nap", "seconds": 1.0}))
            await asyncio.sleep(0.3)
            process.process.send_signal(signal.SIGTERM)
            status, body = await in_flight
        exit_code = await asyncio.to_thread(process.process.wait, 15)
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.ClientConnectionError):
                await post(session, process.url, {})
    assert (status, body) == (200, "rested")
    assert exit_code == 0


async def test_timer_trigger_runs_while_serving(tmp_path: Path) -> None:
    fired = tmp_path / "fired.jsonl"
    source = f"""
import json
import cloudfn

def main(event, context):
    with open({str(fired)!r}, "a") as log:
        log.write(json.dumps({{"event": event, "wx": cloudfn.getWXContext()}}) + "\\n")
    return "ok"
"""
    directory = write_function(
        tmp_path,
        "ticking",
        source,
        {"triggers": [{"name": "every-second", "type": "timer", "config": "* * * * * * *"}]},
    )
    with serving(directory) as process:
        async with aiohttp.ClientSession() as session:
            status, _ = await post(session, process.url, {"by": "http"})
        for _ in range(50):  # up to 10 s: the trigger fires every second
            if sum(1 for line in _lines(fired) if line["event"].get("Type")) >= 2:
                break
            await asyncio.sleep(0.2)
    assert status == 200
    timer_runs = [line for line in _lines(fired) if line["event"].get("Type") == "Timer"]
    assert len(timer_runs) >= 2
    first = timer_runs[0]
    assert set(first["event"]) == {"Type", "TriggerName", "Time", "Message"}
    assert first["event"]["TriggerName"] == "every-second" and first["event"]["Message"] == ""
    assert first["event"]["Time"].endswith("Z")
    assert first["wx"]["SOURCE"] == "wx_trigger"


def _lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_serve_refuses_what_it_cannot_run(tmp_path: Path) -> None:
    missing = run_cli("serve", str(tmp_path / "absent"), "--port", "0")
    assert missing.returncode == 2 and "no such directory" in missing.stderr
    directory = write_function(tmp_path, "fine", "def main(e, c):\n    return 1\n")
    bad_zone = run_cli("serve", str(directory), "--port", "0", "--timezone", "Mars/Base")
    assert bad_zone.returncode == 2 and "--timezone: timezone 'Mars/Base'" in bad_zone.stderr


async def test_without_credentials_serve_warns_and_calls_fail_clearly(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "uncredentialed", SERVED)
    with serving(directory) as process:
        async with aiohttp.ClientSession() as session:
            status, body = await post(
                session, process.url, {"action": "bind"}, **{"x-wx-openid": SEED_OPENID}
            )
        log = process.stderr_text()
    assert "warning: CLOUDFN_APPID/CLOUDFN_SECRET are not set" in log and "--emulator" in log
    assert status == 500 and body["errCode"] == -601002  # system args error, nothing sent


async def test_no_timers_and_env_header(tmp_path: Path) -> None:
    fired = tmp_path / "fired.txt"
    source = (
        "import cloudfn\n\n"
        "def main(event, context):\n"
        f"    open({str(fired)!r}, 'a').write('x')\n"
        "    return [cloudfn.getWXContext().get('ENV'), context['namespace']]\n"
    )
    trigger = {"name": "tick", "type": "timer", "config": "* * * * * * *"}
    directory = write_function(tmp_path, "quiet", source, {"triggers": [trigger]})
    with serving(directory, "--no-timers") as process:
        async with aiohttp.ClientSession() as session:
            status, body = await post(session, process.url, {}, **{"x-wx-env": "prod-7"})
            await asyncio.sleep(1.5)  # a timer would have fired at least once by now
    assert (status, body) == (200, ["prod-7", "prod-7"])
    assert fired.read_text() == "x"  # only the HTTP invocation ran
