"""cloudfn.router: tcb-router's model (1.1.2), case by case as its source behaves.

The Node package itself runs beside the port in the parity test at the end.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest

from cloudfn.parity import run_parity
from cloudfn.router import TcbRouter

from .support.paths import ROOT

EXAMPLE = ROOT / "examples" / "printer_router"


def recorder(trail: list[str], name: str, *, call_next: bool = True, body: Any = None) -> Any:
    async def middleware(ctx: Any, next: Any) -> None:
        trail.append(f"{name}>")
        if body is not None:
            ctx.body = body
        if call_next:
            await next()
        trail.append(f"<{name}")

    return middleware


async def test_wildcard_middlewares_run_first_then_the_route_in_order() -> None:
    trail: list[str] = []
    app = TcbRouter({"event": {"$url": "user"}})
    app.router("user", recorder(trail, "u1"), recorder(trail, "u2", body={"code": 0}))
    app.use(recorder(trail, "all"))  # added last, still runs first: * middlewares head the queue
    app.router("timer", recorder(trail, "t"))

    assert await app.serve() == {"code": 0}
    assert trail == ["all>", "u1>", "u2>", "<u2", "<u1", "<all"]


async def test_a_list_of_paths_installs_the_middleware_on_each() -> None:
    for url in ("user", "timer"):
        trail: list[str] = []
        app = TcbRouter(event={"$url": url})
        app.router(["user", "timer"], recorder(trail, "both"))
        app.router(url, recorder(trail, "own", body=url))
        assert await app.serve() == url
        assert trail == ["both>", "own>", "<own", "<both"]


async def test_a_middleware_that_does_not_call_next_ends_the_chain() -> None:
    trail: list[str] = []
    app = TcbRouter({"event": {"$url": "a"}})
    app.router("a", recorder(trail, "stop", call_next=False, body="early"), recorder(trail, "never"))
    assert await app.serve() == "early"
    assert trail == ["stop>", "<stop"]


async def test_no_matching_route_and_no_wildcard_gives_none_without_running_anything() -> None:
    trail: list[str] = []
    app = TcbRouter({"event": {"$url": "missing"}})
    app.router("other", recorder(trail, "other", body="x"))
    assert await app.serve() is None
    assert trail == []


async def test_an_unknown_route_runs_only_the_wildcard_middlewares() -> None:
    trail: list[str] = []
    app = TcbRouter({"event": {"$url": "missing"}})
    app.use(recorder(trail, "all", body="from *"))
    app.router("other", recorder(trail, "other"))
    assert await app.serve() == "from *"
    assert trail == ["all>", "<all"]


async def test_a_missing_url_is_the_route_named_undefined_as_in_node() -> None:
    app = TcbRouter({"event": {}})
    app.router("undefined", recorder([], "u", body="matched"))
    assert await app.serve() == "matched"
    null_app = TcbRouter({"event": {"$url": None}})
    null_app.router("null", recorder([], "n", body="null route"))
    assert await null_app.serve() == "null route"


async def test_route_names_compare_as_javascript_property_names() -> None:
    app = TcbRouter({"event": {"$url": 1}})
    app.router("1", recorder([], "one", body="number 1 is key '1'"))
    assert await app.serve() == "number 1 is key '1'"


async def test_use_with_a_path_and_sync_middlewares() -> None:
    app = TcbRouter({"event": {"$url": "x", "n": 2}})

    def double(ctx: Any, next: Any) -> Any:
        ctx.data = {"n": ctx._req.event["n"] * 2}
        return next()  # a plain function returning next()'s awaitable, as `return next()` in Node

    def answer(ctx: Any, next: Any) -> None:
        ctx.body = ctx.data

    app.use("x", double)
    app.router("x", answer)
    assert await app.serve() == {"n": 4}
    assert app._req.url == "x" and app._req["event"]["n"] == 2


async def test_unset_context_attributes_read_as_none_like_undefined() -> None:
    app = TcbRouter({"event": {"$url": "a"}})
    seen: list[Any] = []

    async def look(ctx: Any, next: Any) -> None:
        seen.append((ctx.data, ctx.body))

    app.router("a", look)
    assert await app.serve() is None
    assert seen == [(None, None)]


async def test_a_non_function_handler_is_not_installed_nor_the_ones_after_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    trail: list[str] = []
    app = TcbRouter({"event": {"$url": "a"}})
    app.router("a", recorder(trail, "first"), "not a function", recorder(trail, "after"))
    app.use("nor this")
    assert await app.serve() is None
    assert trail == ["first>", "<first"]
    assert caplog.text.count("Handler should be a function") == 2


async def test_an_error_in_a_middleware_propagates_out_of_serve() -> None:
    app = TcbRouter({"event": {"$url": "a"}})

    async def boom(ctx: Any, next: Any) -> None:
        raise ValueError("bad input")

    app.use(recorder([], "all"))
    app.router("a", boom)
    with pytest.raises(ValueError, match="bad input"):
        await app.serve()


async def test_calling_next_twice_is_an_error() -> None:
    app = TcbRouter({"event": {"$url": "a"}})

    async def twice(ctx: Any, next: Any) -> None:
        await next()
        await next()

    app.router("a", twice, recorder([], "end"))
    with pytest.raises(RuntimeError, match=r"next\(\) called multiple times"):
        await app.serve()


async def test_the_tcb_router_example_matches_its_node_original() -> None:
    if not (EXAMPLE / "node_modules" / "tcb-router").is_dir():
        npm = shutil.which("npm")
        assert npm is not None, "npm is needed to install the example's Node dependencies"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=EXAMPLE, check=True, timeout=300)
    report = await run_parity(EXAMPLE, EXAMPLE, EXAMPLE / "events.jsonl")
    assert [v.case.name for v in report.verdicts if not v.same] == []
    by_name = {v.case.name: v for v in report.verdicts}
    assert by_name["bind (middlewares: all, tags, bind)"].node == (
        '{"code":0,"result":{"errMsg":"openapi.logistics.updatePrinter:ok","errCode":0},'
        '"trail":["all","tags","bind"]}'
    )
    assert by_name["unknown route (only the * middleware runs)"].python == '{"trail":["all"]}'
