"""`cloudfn parity --import`: every event, on both sides, starts from the data folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cloudfn.parity import ParityError, run_parity
from tests.support.data_folder import write_folder
from tests.support.database import NODE_EXAMPLE

MESSAGES = [
    '{"_id":"m1","author":"oA","text":"Hello world","tags":["greeting"],"likes":3,"approved":true,'
    '"createdAt":{"$date":"2026-11-01T08:00:00.000Z"},"meta":{"score":2}}',
    '{"_id":"m2","author":"oB","text":"hello again","tags":[],"likes":5,"approved":true,'
    '"createdAt":{"$date":"2026-11-02T08:00:00.000Z"}}',
    '{"_id":"m3","author":"oA","text":"Lunch?","tags":[],"likes":0,"approved":false,'
    '"createdAt":{"$date":"2026-11-03T08:00:00.000Z"}}',
]
CONTEXT = {"OPENID": "oA", "APPID": "wx0123456789abcdef"}


def events(path: Path, *cases: tuple[str, dict[str, object]]) -> Path:
    path.write_text(
        "".join(json.dumps({"name": n, "event": e, "wxContext": CONTEXT}) + "\n" for n, e in cases)
    )
    return path


@pytest.fixture(autouse=True)
def guestbook_node_modules() -> None:
    if shutil.which("node") is None or not (NODE_EXAMPLE / "node_modules" / "wx-server-sdk").is_dir():
        pytest.fail("node and examples/guestbook/node_modules are needed (npm ci in examples/guestbook)")


async def test_every_event_starts_from_the_imported_data(tmp_path: Path) -> None:
    data = write_folder(tmp_path / "data", {"messages": MESSAGES}, {"avatars/oA.png": b"\x89PNG..."})
    path = events(
        tmp_path / "events.jsonl",
        ("like m1", {"action": "like", "id": "m1"}),
        ("like m1 again", {"action": "like", "id": "m1"}),
        ("remove m2", {"action": "remove", "id": "m2"}),
        ("get m2", {"action": "get", "id": "m2"}),
        ("count approved", {"action": "count", "approved": True}),
    )
    report = await run_parity(NODE_EXAMPLE, NODE_EXAMPLE, path, transport="tcb", import_dir=data)
    assert [v.case.name for v in report.verdicts if not v.same] == []
    results = [json.loads(v.node) for v in report.verdicts]
    # The likes start at the imported 3 for both likes: the first one's write is not carried over.
    assert results[0]["likes"] == 4 and results[1]["likes"] == 4
    # m2 is back after the event that removed it.
    assert results[2]["stats"]["removed"] == 1
    assert results[3]["data"]["text"] == "hello again"
    assert results[4]["total"] == 2


async def test_a_port_that_writes_differently_is_caught_against_imported_data(tmp_path: Path) -> None:
    data = write_folder(tmp_path / "data", {"messages": MESSAGES}, {})
    port = tmp_path / "guestbook"
    port.mkdir()
    shutil.copy(NODE_EXAMPLE / "config.json", port / "config.json")
    source = (NODE_EXAMPLE / "index.py").read_text()
    changed = source.replace('"likedBy": _.push(openid)', '"likedBy": _.push(openid + "!")')
    assert changed != source
    (port / "index.py").write_text(changed)
    path = events(tmp_path / "events.jsonl", ("like m1", {"action": "like", "id": "m1"}))
    report = await run_parity(NODE_EXAMPLE, port, path, transport="tcb", import_dir=data)
    (verdict,) = report.verdicts
    assert [d.split(":")[0] for d in verdict.diffs] == ["database"]


async def test_bad_data_stops_parity_before_any_event(tmp_path: Path) -> None:
    data = write_folder(tmp_path / "data", {"messages": [MESSAGES[0], MESSAGES[0]]}, {})
    path = events(tmp_path / "events.jsonl", ("get", {"action": "get", "id": "m1"}))
    with pytest.raises(ParityError, match=r"--import .*database/messages.jsonl line 2: duplicate _id 'm1'"):
        await run_parity(NODE_EXAMPLE, NODE_EXAMPLE, path, import_dir=data)
