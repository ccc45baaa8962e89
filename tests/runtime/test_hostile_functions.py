"""A runner that survives its functions: `cloudfn serve` and `cloudfn invoke` against hostile handlers.

Every failure is a JSON answer (serve) or a one-line error (invoke), the
server stays up, stdout stays the result alone, bodies are bounded in size
and time, and neither a blocking handler nor a hanging import keeps a
process alive past its timeout.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.paths import ROOT as REPO
from tests.support.runtime import ServeProcess, clean_environ, run_cli, serving, write_function

HOSTILE = """
import asyncio
import math

CIRCULAR = {"name": "loop"}
CIRCULAR["self"] = CIRCULAR


def deep(levels):
    value = "leaf"
    for _ in range(levels):
        value = {"a": value}
    return value


async def main(event, context):
    action = event.get("action")
    if action == "interrupt":
        raise KeyboardInterrupt("stop everything")
    if action == "cancel":
        raise asyncio.CancelledError("not a real cancellation")
    if action == "exit":
        raise SystemExit(3)
    if action == "circular":
        return CIRCULAR
    if action == "circular_list":
        items = []
        items.append(items)
        return items
    if action == "deep":
        return deep(5000)
    if action == "nan":
        return {"nan": math.nan, "inf": [math.inf, -math.inf], "fine": 1.5}
    if action == "object":
        return {"x": object()}
    return {"echo": event}
"""

BLOCKING = """
import time


def main(event, context):
    if event.get("action") == "interrupt":
        raise KeyboardInterrupt("from a thread")
    if event.get("action") == "block":
        time.sleep(event["seconds"])
    return {"done": event.get("action")}
"""

MAX_EVENT = 4096


def strict_json(text: str | bytes) -> Any:
    """json.loads that refuses NaN/Infinity, which are not JSON."""

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    directory = write_function(tmp_path_factory.mktemp("hostile"), "hostile", HOSTILE, {"timeout": 2})
    with serving(directory, "--max-event-bytes", str(MAX_EVENT)) as process:
        yield process


@pytest.fixture(scope="module")
def blocking(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    directory = write_function(tmp_path_factory.mktemp("blocking"), "blocking", BLOCKING, {"timeout": 0.5})
    with serving(directory) as process:
        yield process


async def post(url: str, event: Any, headers: dict[str, str] | None = None) -> tuple[int, str, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url + "/", json=event, headers=headers) as response,
    ):
        body = await response.read()
        return response.status, response.content_type, strict_json(body)


async def assert_still_serving(server: ServeProcess) -> None:
    status, _, body = await post(server.url, {"action": "echo", "n": 1})
    assert status == 200 and body == {"echo": {"action": "echo", "n": 1}}
    assert server.process.poll() is None, server.stderr_text()


@pytest.mark.parametrize("action", ["interrupt", "cancel", "exit"])
async def test_base_exceptions_in_a_handler_are_json_errors(hostile: ServeProcess, action: str) -> None:
    status, content_type, body = await post(hostile.url, {"action": action})
    assert status == 500 and content_type == "application/json"
    assert body["errorCode"] == -504002
    assert body["errorType"] in ("KeyboardInterrupt", "CancelledError", "SystemExit")
    await assert_still_serving(hostile)


@pytest.mark.parametrize("action", ["circular", "circular_list", "deep", "object"])
async def test_unserialisable_results_are_json_errors(hostile: ServeProcess, action: str) -> None:
    status, content_type, body = await post(hostile.url, {"action": action})
    assert status == 500 and content_type == "application/json"
    assert "JSON cannot hold" in body["errorMessage"] and "Fix:" in body["errorMessage"]
    await assert_still_serving(hostile)


async def test_nan_and_infinity_become_null_as_json_stringify_writes_them(hostile: ServeProcess) -> None:
    status, _, body = await post(hostile.url, {"action": "nan"})
    assert status == 200
    assert body == {"nan": None, "inf": [None, None], "fine": 1.5}


@pytest.mark.parametrize("name", ["x-wx-1abc", "x-wx-", "x-wx-a.b", "X-WX-_", "x-wx-a:b"])
async def test_odd_wx_header_names_are_ignored(hostile: ServeProcess, name: str) -> None:
    with socket.create_connection(_address(hostile)) as conn:
        body = b'{"action": "echo"}'
        conn.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + name.encode()
            + b": v\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\nConnection: close\r\n\r\n"
            + body
        )
        answer = _read_all(conn)
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), answer[:300]
    assert strict_json(payload) == {"echo": {"action": "echo"}}


def _address(server: ServeProcess) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def _read_all(conn: socket.socket) -> bytes:
    """One HTTP answer: its head, then as many bytes as its Content-Length says (or up to the close)."""
    conn.settimeout(30)  # a guard against a hang, not a measurement
    data = b""
    while True:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if sep:
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            if length is not None and len(rest) >= int(length.group(1)):
                return data
        try:
            chunk = conn.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


def test_an_oversized_content_length_is_refused_before_the_body_is_read(hostile: ServeProcess) -> None:
    # Only the head and a few bytes are sent: the answer can only come if the
    # server refuses from Content-Length, without waiting for (and buffering) the body.
    with socket.create_connection(_address(hostile)) as conn:
        conn.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 10485760\r\n\r\n{"a": "'
        )
        answer = _read_all(conn)
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:300]
    assert "--max-event-bytes" in strict_json(payload)["errorMessage"]


def test_an_oversized_chunked_body_is_refused_while_it_streams(hostile: ServeProcess) -> None:
    chunk = b"x" * 1024
    with socket.create_connection(_address(hostile)) as conn:
        conn.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        # More than the limit, but no terminating chunk: only a streaming count can refuse it.
        for _ in range(MAX_EVENT // len(chunk) + 2):
            conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        answer = _read_all(conn)
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:300]
    assert "--max-event-bytes" in strict_json(payload)["errorMessage"]


def test_a_slow_body_times_out(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "hostile", HOSTILE, {"timeout": 2})
    with (
        serving(directory, "--body-timeout", "0.5") as server,
        socket.create_connection(_address(server)) as conn,
    ):
        conn.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        answer = _read_all(conn)  # the rest never comes
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), answer[:300]
    assert "--body-timeout" in strict_json(payload)["errorMessage"]


async def test_the_server_is_fine_after_all_of_it(hostile: ServeProcess) -> None:
    await assert_still_serving(hostile)
    assert "Traceback" not in hostile.stderr_text().split("cloudfn serve failed to answer")[0]


async def test_keyboard_interrupt_in_a_def_handler(blocking: ServeProcess) -> None:
    status, _, body = await post(blocking.url, {"action": "interrupt"})
    assert status == 500 and body["errorType"] == "KeyboardInterrupt"
    status, _, body = await post(blocking.url, {"action": "fine"})
    assert status == 200 and body == {"done": "fine"}


async def test_a_blocking_def_handler_times_out_and_the_server_goes_on(blocking: ServeProcess) -> None:
    status, _, body = await post(blocking.url, {"action": "block", "seconds": 3600})
    assert status == 504 and "timed out" in body["errorMessage"]
    status, _, body = await post(blocking.url, {"action": "fine"})
    assert status == 200


def test_serve_exits_on_sigterm_with_a_handler_still_blocking(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "stuck", BLOCKING, {"timeout": 0.3})
    with serving(directory) as server:
        host, port = _address(server)
        with socket.create_connection((host, port)) as conn:
            body = b'{"action": "block", "seconds": 3600}'
            conn.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            assert b" 504 " in conn.recv(65536)
    # serving() sends SIGTERM and waits (up to 20 s) for the exit: the stuck thread must not hold it.
    assert server.process.returncode == 0, server.stderr_text()


# ---- invoke ----


def invoke(directory: Path, *args: str, event: Any = None) -> subprocess.CompletedProcess[str]:
    extra = ["--event", json.dumps(event)] if event is not None else []
    return subprocess.run(
        [sys.executable, "-m", "cloudfn", "invoke", str(directory), *extra, *args],
        capture_output=True,
        text=True,
        env=clean_environ(),
        timeout=60,  # a guard against a hang: a blocked process is a failure, not a slow pass
        cwd=REPO,
    )


@pytest.mark.parametrize("action", ["interrupt", "cancel"])
def test_invoke_reports_base_exceptions(tmp_path: Path, action: str) -> None:
    directory = write_function(tmp_path, "hostile", HOSTILE, {"timeout": 2})
    done = invoke(directory, event={"action": action})
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("cloudfn invoke: hostile failed"), done.stderr


@pytest.mark.parametrize("action", ["circular", "deep"])
def test_invoke_reports_unserialisable_results_in_one_line(tmp_path: Path, action: str) -> None:
    directory = write_function(tmp_path, "hostile", HOSTILE, {"timeout": 2})
    done = invoke(directory, event={"action": action})
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "JSON cannot hold" in lines[0], done.stderr[:2000]


def test_invoke_prints_valid_json_for_nan(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "hostile", HOSTILE, {"timeout": 2})
    done = invoke(directory, event={"action": "nan"})
    assert done.returncode == 0, done.stderr
    assert strict_json(done.stdout) == {"nan": None, "inf": [None, None], "fine": 1.5}


def test_print_at_import_is_not_on_stdout(tmp_path: Path) -> None:
    source = "print('hello from import')\n\nasync def main(event, context):\n    return {'ok': 1}\n"
    directory = write_function(tmp_path, "chatty", source, {"timeout": 2})
    done = invoke(directory)
    assert done.returncode == 0, done.stderr
    assert strict_json(done.stdout) == {"ok": 1}
    assert "hello from import" in done.stderr


def test_invoke_ends_at_the_timeout_of_a_blocking_def_handler(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "blocking", BLOCKING, {"timeout": 0.5})
    done = invoke(directory, event={"action": "block", "seconds": 3600})
    assert done.returncode == 1
    assert "timed out after 0.5 seconds" in done.stderr


SLOW_IMPORT = "import time\ntime.sleep(3600)\n\nasync def main(event, context):\n    return 1\n"


def test_invoke_has_a_load_timeout(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "slow", SLOW_IMPORT, {"timeout": 1})
    done = invoke(directory, "--load-timeout", "0.5")
    assert done.returncode == 2
    line = done.stderr.strip().splitlines()[-1]
    assert "did not finish within 0.5 seconds" in line and "--load-timeout" in line, done.stderr


def test_serve_has_a_load_timeout(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "slow", SLOW_IMPORT, {"timeout": 1})
    done = run_cli("serve", str(directory), "--port", "0", "--load-timeout", "0.5")
    assert done.returncode == 2
    assert "did not finish within 0.5 seconds" in done.stderr
    assert done.stdout == ""


KEYBOARD_AT_IMPORT = "raise KeyboardInterrupt('at import')\n\nasync def main(event, context):\n    return 1\n"


def test_keyboard_interrupt_at_import_is_a_load_error(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "kbd", KEYBOARD_AT_IMPORT, {"timeout": 1})
    done = invoke(directory)
    assert done.returncode == 2
    assert "KeyboardInterrupt" in done.stderr and "index.py, line 1" in done.stderr


def test_serve_warns_when_it_listens_beyond_loopback(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "open", HOSTILE, {"timeout": 1})
    with serving(directory, "--host", "0.0.0.0") as server:
        pass
    warning = server.stderr_text()
    assert "warning: listening on 0.0.0.0" in warning and "x-wx-" in warning, warning
    with serving(directory, "--host", "127.0.0.1") as server:
        pass
    assert "warning: listening" not in server.stderr_text()
