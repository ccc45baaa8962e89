"""Every corpus function ports to Python that compiles; those whose features cloudfn has pass parity.

Parity runs per function when everything it needs is available (see
corpus_helpers.needs/available); the others are skipped with the missing
features named, and start running by themselves when those features land.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cloudfn.parity import format_table, run_parity
from cloudfn.port import port_function
from tests.support.corpus import (
    CORPUS,
    available,
    corpus_functions,
    ensure_corpus_modules,
    needs,
    node_copy,
    transport_for,
)

FUNCTIONS = corpus_functions()


def test_the_corpus_is_the_size_promised() -> None:
    assert len(FUNCTIONS) >= 40
    for name in FUNCTIONS:
        events = (CORPUS / name / "events.jsonl").read_text(encoding="utf-8").splitlines()
        assert events, f"{name}: events.jsonl is empty"
        assert all("event" in json.loads(line) for line in events if line.strip())


@pytest.mark.parametrize("name", FUNCTIONS)
def test_ports_without_todo_and_compiles(name: str, tmp_path: Path) -> None:
    report = port_function(CORPUS / name, tmp_path / name)
    source = (tmp_path / name / "index.py").read_text(encoding="utf-8")
    compile(source, f"{name}/index.py", "exec")
    assert report.translation.todos == [], [str(t) for t in report.translation.todos]
    assert report.translation.has_handler
    assert "async def main(event" in source
    assert (tmp_path / name / "config.json").is_file() == (CORPUS / name / "config.json").is_file()
    skeleton = (tmp_path / name / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(skeleton[-1]) == {"name": "empty event", "event": {}}


@pytest.mark.parametrize("name", FUNCTIONS)
async def test_port_matches_its_original(name: str, tmp_path: Path) -> None:
    ensure_corpus_modules()
    report = port_function(CORPUS / name, tmp_path / "py")
    missing = sorted(
        feature for feature in needs(name, report.translation.features) if not available(feature)
    )
    if missing:
        pytest.skip(f"cloudfn does not have yet: {', '.join(missing)}")
    node = node_copy(name, tmp_path / "node")
    transport = transport_for(report.translation.features)
    verdicts = await run_parity(node, tmp_path / "py", CORPUS / name / "events.jsonl", transport=transport)
    assert verdicts.ok, format_table(verdicts)
