"""A database function under the pytest fixture: cloudfn's `invoke` reaches the fixture emulator's database."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.database import NODE_EXAMPLE


def test_invoke_fixture_runs_a_database_function(invoke: Any) -> None:
    created = invoke(NODE_EXAMPLE, {"action": "createBoard", "name": "messages"})
    assert created.result["errMsg"] == "createCollection:ok"
    posted = invoke(NODE_EXAMPLE, {"action": "post", "text": "hi"}, openid="oTester")
    assert posted.error is None, posted.error
    assert posted.result["saved"]["author"] == "oTester"
    assert posted.result["saved"]["createdAt"].endswith("Z")  # a date, written as Node writes one
    searched = invoke(NODE_EXAMPLE, {"action": "search", "q": "^HI"})
    assert searched.result == {"found": [posted.result["added"]["_id"]], "total": 1}


def test_a_loop_bound_cloud_keeps_its_database_on_that_loop() -> None:
    # The pytest plugin's Cloud: an HTTPS transport bound to a background loop that also runs
    # the emulator. Its database (the emulator's /admin) answers from any loop and thread.
    from cloudfn.cloud import Cloud, Settings
    from cloudfn.emulator.server import run_emulator
    from cloudfn.redact import Secret
    from cloudfn.sync import BackgroundLoop, LoopBoundTransport
    from cloudfn.transport.https import HttpsTransport

    loop = BackgroundLoop("db-test")
    serving = run_emulator()
    emulator = loop.run(serving.__aenter__())
    try:
        settings = Settings(base_url=emulator.base_url, appid=emulator.appid, secret=Secret(emulator.secret))
        inner = HttpsTransport(appid=emulator.appid, secret=settings.secret, base_url=emulator.base_url)
        cloud = Cloud(settings, transport=LoopBoundTransport(inner, loop.loop))
        # Two async tests, each on its own (then closed) loop, as pytest-asyncio runs them.
        assert asyncio.run(cloud.database().createCollection("bound"))["errMsg"] == "createCollection:ok"
        assert asyncio.run(cloud.database().collection("bound").count())["total"] == 0
        db = cloud.sync.database()
        assert db.collection("bound").count() == {"total": 0, "errMsg": "collection.count:ok"}
        cloud.sync.close()
    finally:
        loop.run(serving.__aexit__(None, None, None))
        loop.stop()
