"""`cloudfn parity` on the guestbook: results and the database after each event, Node beside Python."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cloudfn.parity.runner import run_parity
from tests.support.database import NODE_EXAMPLE


@pytest.mark.parametrize("transport", ["https", "tcb"])
async def test_guestbook_port_matches_the_node_original(transport: str) -> None:
    report = await run_parity(NODE_EXAMPLE, NODE_EXAMPLE, NODE_EXAMPLE / "events.jsonl", transport=transport)
    assert len(report.verdicts) == 20
    assert [v.case.name for v in report.verdicts if not v.same] == []


async def test_a_port_that_writes_differently_is_caught(tmp_path: Path) -> None:
    port = tmp_path / "guestbook"
    port.mkdir()
    shutil.copy(NODE_EXAMPLE / "config.json", port / "config.json")
    source = (NODE_EXAMPLE / "index.py").read_text()
    # Same answer, different data: only the database comparison can see it.
    changed = source.replace('"likedBy": _.push(openid)', '"likedBy": _.push(openid + "!")')
    assert changed != source
    (port / "index.py").write_text(changed)
    events = tmp_path / "events.jsonl"
    events.write_text(
        next(line for line in (NODE_EXAMPLE / "events.jsonl").read_text().splitlines() if '"like"' in line)
        + "\n"
    )
    report = await run_parity(NODE_EXAMPLE, port, events, transport="tcb")
    (verdict,) = report.verdicts
    assert not verdict.same
    assert [d.split(":")[0] for d in verdict.diffs] == ["database"]
    assert '"likedBy":["oA"]' in verdict.diffs[0] and '"likedBy":["oA!"]' in verdict.diffs[0]
