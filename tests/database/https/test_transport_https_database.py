"""cloud.database() through the https transport gives what it gives through tcb.

One scenario runs twice against the emulator -- once over the platform's
``/admin`` channel (``transport="tcb"``), once over WeChat's HTTPS database
API (the default ``https`` transport) -- and must return the same results,
raise the same errors and leave the same documents behind.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

import cloudfn
from cloudfn.cloud import Cloud
from cloudfn.dbstatement import generate_statement, parse_statement
from cloudfn.dbstatement.ejson import number_to_ejson
from cloudfn.dbstatement.https_api import ACTION_PATHS
from cloudfn.emulator.server import RunningEmulator
from cloudfn.errors import CloudSDKError
from tests.support.database_https import tcb_environment

GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")


def mask(value: Any) -> Any:
    """Generated ids differ from run to run, and the HTTPS API answers no request id: compare by kind."""
    if isinstance(value, dict):
        return {k: "<request id>" if k == "requestId" else mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    if isinstance(value, str) and GENERATED_ID.match(value):
        return "<generated id>"
    return value


async def scenario(cloud: Cloud) -> list[Any]:
    db = cloud.database()
    _ = db.command
    todos = db.collection("todos")
    outcomes: list[Any] = []

    async def record(step: Callable[[], Any]) -> None:
        try:
            outcomes.append(mask(await step()))
        except CloudSDKError as error:
            outcomes.append(("error", error.errCode, re.sub(r"rid: \S+", "", error.errMsg)))

    await record(lambda: db.createCollection("todos"))
    await record(lambda: todos.add({"data": {"_id": "a", "n": 1, "tags": ["x", "y"], "done": False}}))
    await record(
        lambda: todos.add(
            {
                "data": {
                    "n": 5,
                    "when": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
                    "done": True,
                    "v": 2.5,
                }
            }
        )
    )
    await record(
        lambda: todos.add({"data": {"_id": "c", "n": 9, "nested": {"k": "v"}, "loc": db.Geo.Point(113, 23)}})
    )
    await record(lambda: todos.where({"n": _.gt(1)}).orderBy("n", "desc").get())
    await record(lambda: todos.where({"n": _.in_([1, 9])}).field({"n": True}).orderBy("n", "asc").get())
    await record(
        lambda: (
            todos.where(_.or_([{"done": True}, {"n": _.lte(1)}])).orderBy("n", "asc").skip(1).limit(1).get()
        )
    )
    await record(lambda: todos.where({"n": _.gt(8).or_(_.lt(2))}).orderBy("n", "asc").get())
    await record(lambda: todos.where({"tags": db.RegExp({"regexp": "^X", "options": "i"})}).get())
    await record(lambda: todos.where({"nested": {"k": "v"}}).count())
    await record(
        lambda: todos.where(
            {"loc": _.geoNear({"geometry": db.Geo.Point(113.001, 23), "maxDistance": 5000})}
        ).get()
    )
    await record(lambda: todos.count())
    await record(lambda: todos.doc("a").get())
    await record(lambda: todos.doc("a").update({"data": {"n": _.inc(10), "tags": _.push("z"), "done": True}}))
    await record(lambda: todos.doc("a").get())
    await record(lambda: todos.where({"done": True}).update({"data": {"flag": "on", "n": _.mul(2)}}))
    await record(lambda: todos.doc("d").set({"data": {"fresh": True}}))
    await record(lambda: todos.doc("d").set({"data": {"fresh": False}}))
    await record(lambda: todos.doc("zz").remove())
    await record(
        lambda: (
            todos.aggregate()
            .match({"n": _.gte(0)})
            .group({"_id": "$done", "total": _.aggregate.sum("$n"), "count": _.aggregate.sum(1)})
            .sort({"_id": 1})
            .end()
        )
    )
    await record(lambda: todos.where({"flag": "on"}).remove())
    await record(lambda: todos.orderBy("_id", "asc").get())
    await record(lambda: db.collection("missing").get())
    await record(lambda: db.collection("missing").doc("x").get())
    await record(lambda: db.createCollection("todos"))
    await record(lambda: todos.doc("c").update({"data": {"n": _.inc("x")}}))
    return outcomes


@pytest.mark.parametrize("env", ["env-a"])
async def test_https_gives_what_tcb_gives(
    emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch, env: str
) -> None:
    for name, value in tcb_environment(emulator).items():
        monkeypatch.setenv(name, value)
    async with cloudfn.init(transport="tcb", env=env + "-tcb") as over_tcb:
        expected = await scenario(over_tcb)
    async with cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, env=env + "-https"
    ) as over_https:
        got = await scenario(over_https)
    for step, (want, have) in enumerate(zip(expected, got, strict=True)):
        assert have == want, f"step {step}"
    dumps = emulator.state.database.dump()
    assert mask(dumps[env + "-https"]) == mask(dumps[env + "-tcb"])
    https_paths = {r.path for r in emulator.state.requests if r.path.startswith("/tcb/")}
    assert https_paths == {
        "/tcb/databasecollectionadd",
        "/tcb/databaseadd",
        "/tcb/databasequery",
        "/tcb/databasecount",
        "/tcb/databaseupdate",
        "/tcb/databasedelete",
        "/tcb/databaseaggregate",
    }


async def test_transactions_against_wechat_are_refused_before_sending() -> None:
    # WeChat's HTTPS database API has no transactions: nothing is sent, not even for a token.
    async with cloudfn.init(appid="wx0123456789abcdef", secret="not-used", env="prod-1") as cloud:
        with pytest.raises(CloudSDKError) as caught:
            await cloud.database().startTransaction()
        assert "transport='tcb'" in (caught.value.detail or caught.value.errMsg)


async def test_against_the_emulator_transactions_use_its_admin_channel_with_a_warning(
    emulator: RunningEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    async with cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, env="env-t"
    ) as cloud:
        db = cloud.database()
        await db.createCollection("accounts")
        await db.collection("accounts").add({"data": {"_id": "a", "n": 1}})

        async def move(transaction: Any) -> str:
            await transaction.collection("accounts").doc("a").update({"data": {"n": 2}})
            return "moved"

        assert await db.runTransaction(move) == "moved"
        assert (await db.collection("accounts").doc("a").get())["data"]["n"] == 2
    assert "in production, use transport='tcb'" in caplog.text
    paths = [r.path for r in emulator.state.requests]
    assert "/tcb/databaseadd" in paths and "/admin" in paths


async def test_without_an_env_the_https_database_says_how_to_set_it() -> None:
    # WeChat itself (no emulator to fall back on): refused before any request, token included.
    async with cloudfn.init(appid="wx0123456789abcdef", secret="not-used") as cloud:
        with pytest.raises(CloudSDKError) as caught:
            await cloud.database().collection("x").get()
        assert "env" in (caught.value.detail or "") and "TCB_ENV" in (caught.value.detail or "")


class Recording:
    """The Cloud's own transport, with every database action it is handed kept aside."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def database(
        self, action: str, params: dict[str, Any], *, env: str | None = None
    ) -> dict[str, Any]:
        self.calls.append((action, params))
        answer: dict[str, Any] = await self.inner.database(action, params, env=env)
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_every_request_the_python_client_builds_survives_generate_then_parse(
    emulator: RunningEmulator,
) -> None:
    async with cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, env="env-r"
    ) as cloud:
        recording = Recording(cloud.transport)
        cloud.transport = recording
        await scenario(cloud)
        db = cloud.database()
        await db.collection("todos").add(
            {
                "data": {
                    "f": 2.0,
                    "big": 2**40,
                    "neg": -0.5,
                    "s": '中文 \u2028 "q"',
                    "n": None,
                    "d": db.serverDate(),
                }
            }
        )
    statements = [(a, p) for a, p in recording.calls if a in ACTION_PATHS]
    assert len(statements) > 20
    for action, params in statements:
        parsed = parse_statement(generate_statement(action, params))
        assert (parsed.action, parsed.params) == (action, as_javascript_numbers(params))
    # The one difference, by nature of a JavaScript statement: Python's 2.0 is JavaScript's 2.
    assert '"f":{"$numberDouble":"2.0"}' in statements[-1][1]["data"][0]
    assert '"f":{"$numberInt":"2"}' in as_javascript_numbers(statements[-1][1])["data"][0]


def as_javascript_numbers(params: dict[str, Any]) -> dict[str, Any]:
    """A request as JavaScript would write it: whole doubles become integers (2.0 is 2)."""

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            if list(value) == ["$numberDouble"] and float(value["$numberDouble"]).is_integer():
                return number_to_ejson(float(value["$numberDouble"]))
            return {k: walk(v) for k, v in value.items()}
        return value

    def rewrite(text: Any) -> Any:
        if not isinstance(text, str) or not text.startswith(("{", "[")):
            return text
        return json.dumps(walk(json.loads(text)), ensure_ascii=False, separators=(",", ":"))

    return {
        k: [rewrite(v) for v in value] if k == "data" and isinstance(value, list) else rewrite(value)
        for k, value in params.items()
    }
