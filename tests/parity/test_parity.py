"""`cloudfn parity`: the Node original (real node, its node_modules) beside its Python port."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cloudfn.parity import ParityError, format_table, mask_rid, run_parity
from tests.support.node import SEED_OPENID, node_function
from tests.support.paths import ROOT, SEED_DIR, SEED_EVENTS


def python_port(directory: Path, source: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "index.py").write_text(source, encoding="utf-8")
    shutil.copy(SEED_DIR / "config.json", directory / "config.json")
    return directory


def seed_port_variant(directory: Path, old: str, new: str) -> Path:
    source = (SEED_DIR / "index.py").read_text(encoding="utf-8")
    assert old in source
    return python_port(directory, source.replace(old, new))


def events(path: Path, *lines: object) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("transport", ["https", "tcb"])
async def test_the_seed_port_matches_its_original(transport: str) -> None:
    report = await run_parity(SEED_DIR, SEED_DIR, SEED_EVENTS, transport=transport)
    lines = [line for line in SEED_EVENTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(report.verdicts) == len(lines)
    assert report.ok, format_table(report)
    by_name = {v.case.name: v for v in report.verdicts}
    refused = by_name["call the config does not permit"]
    assert (
        refused.node == refused.python == '{"errCode":-604101,"errMsg":"system error: error code: -604101"}'
    )


def parity_cli_on_the_seed(env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``cloudfn parity`` on the seed, as a user runs it."""
    command = [sys.executable, "-m", "cloudfn", "parity", str(SEED_DIR), str(SEED_DIR)]
    return subprocess.run(
        [*command, "--events", str(SEED_EVENTS)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )


def test_cli_on_the_seed_exits_zero() -> None:
    completed = parity_cli_on_the_seed()
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "0 different" in completed.stdout
    assert "getPrinter after binds" in completed.stdout


async def test_a_different_result_is_reported(tmp_path: Path) -> None:
    port = seed_port_variant(tmp_path / "port", "return err", "return {'errCode': err.errCode}")
    report = await run_parity(
        SEED_DIR, port, events(tmp_path / "e.jsonl", {"name": "bad", "event": {"updateType": "x"}})
    )
    assert not report.ok
    [verdict] = report.verdicts
    assert verdict.diffs[0].startswith('result: node {"errCode":9300517,"errMsg":')
    assert "DIFFERENT" in format_table(report)


async def test_key_order_counts(tmp_path: Path) -> None:
    port = seed_port_variant(
        tmp_path / "port",
        "return await cloud.openapi.logistics.updatePrinter(params)",
        "r = await cloud.openapi.logistics.updatePrinter(params)\n"
        "        return {'errCode': r['errCode'], 'errMsg': r['errMsg']}",
    )
    report = await run_parity(SEED_DIR, port, events(tmp_path / "e.jsonl", {"event": {}}))
    assert [d.split(":")[0] for d in report.verdicts[0].diffs] == ["result"]


async def test_different_side_effects_with_the_same_result_are_reported(tmp_path: Path) -> None:
    port = seed_port_variant(tmp_path / "port", '"tagidList": "123,456"', '"tagidList": "123"')
    report = await run_parity(SEED_DIR, port, events(tmp_path / "e.jsonl", {"name": "bind", "event": {}}))
    [verdict] = report.verdicts
    assert [d.split(":")[0] for d in verdict.diffs] == ["accepted", "state"]
    assert '"tagid_list":"123,456"' in verdict.diffs[0] and '"tagid_list":"123"' in verdict.diffs[0]


def test_only_the_rid_is_masked() -> None:
    a = '{"errCode":40097,"errMsg":"openapi.x:fail invalid args rid: local-0011aabb"}'
    b = '{"errCode":40097,"errMsg":"openapi.x:fail invalid args rid: 6a1b2c3d-11111111-22222222"}'
    assert mask_rid(a) == mask_rid(b)
    assert mask_rid(a) != mask_rid(a.replace("40097", "40098"))
    assert mask_rid(a) != mask_rid(a.replace("invalid args", "invalid arg"))


THROWS_OR_HANGS = """
exports.main = async (event) => {
  if (event.boom) throw new Error('boom at ' + event.boom)
  if (event.hang) await new Promise(() => {})
  return { ok: 1, got: event }
}
"""
PLAIN_PORT = (
    "import asyncio\n\nasync def main(event, context):\n"
    "    if event.get('pyhang'):\n        await asyncio.sleep(60)\n"
    "    if event.get('pyboom'):\n        raise ValueError('py boom')\n"
    "    return {'ok': 1, 'got': event}\n"
)


async def test_a_node_throw_or_hang_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    node = node_function(tmp_path / "node", THROWS_OR_HANGS)
    port = python_port(tmp_path / "py", PLAIN_PORT)
    path = events(
        tmp_path / "e.jsonl",
        {"name": "throws", "event": {"boom": 1}},
        {"name": "hangs", "event": {"hang": True}},
        {"name": "port hangs", "event": {"pyhang": True}},
        {"name": "port throws", "event": {"pyboom": True}},
        {"name": "fine", "event": {"x": "中"}},
    )
    report = await run_parity(node, port, path, event_timeout=1.0)
    throws, hangs, port_hangs, port_throws, fine = report.verdicts
    assert throws.node == "<threw: Error: boom at 1>" and not throws.same
    assert hangs.node.startswith("<timeout:") and not hangs.same
    assert port_hangs.python == "<timeout>" and not port_hangs.same
    assert port_throws.python == "<threw: ValueError: py boom>" and not port_throws.same
    assert fine.same and fine.node == '{"ok":1,"got":{"x":"中"}}'


async def test_the_wx_context_reaches_both_sides(tmp_path: Path) -> None:
    node = node_function(
        tmp_path / "node",
        "const cloud = require('wx-server-sdk')\nexports.main = async () => cloud.getWXContext()\n",
    )
    port = python_port(
        tmp_path / "py",
        "import cloudfn\n\nasync def main(event, context):\n    return cloudfn.getWXContext()\n",
    )
    path = events(
        tmp_path / "e.jsonl", {"event": {}, "wxContext": {"OPENID": "oA", "APPID": "wx1", "CLIENTIP": "7"}}
    )
    report = await run_parity(node, port, path)
    [verdict] = report.verdicts
    assert verdict.node == '{"OPENID":"oA","APPID":"wx1","CLIENTIP":7,"ENV":"cloudfn-parity"}'
    assert verdict.same, verdict.diffs


async def test_parity_leaves_the_process_environment_alone(tmp_path: Path) -> None:
    # The port sees the emulator through the invocation environment, never os.environ:
    # the process's own environment has no CLOUDFN_BASE_URL, on either side.
    node = node_function(
        tmp_path / "node",
        "exports.main = async () => ({ inProcessEnv: 'CLOUDFN_BASE_URL' in process.env })\n",
    )
    port = python_port(
        tmp_path / "py",
        "import os\n\nasync def main(event, context):\n"
        "    return {'inProcessEnv': 'CLOUDFN_BASE_URL' in os.environ}\n",
    )
    before = dict(os.environ)
    report = await run_parity(node, port, events(tmp_path / "e.jsonl", {"event": {}}))
    [verdict] = report.verdicts
    assert verdict.python == '{"inProcessEnv":false}' and verdict.same, verdict.diffs
    assert dict(os.environ) == before


UNCAUGHT = """
const cloud = require('wx-server-sdk')
cloud.init()
exports.main = async (event) => {
  if (event.missing) throw new Error(`missing ${event.missing}`)
  if (event.type) throw new TypeError('wrong type')
  if (event.denied) return cloud.openapi.logistics.getAllAccount({})
  return { ok: true }
}
"""
UNCAUGHT_PORT = (
    "import cloudfn\n\ncloud = cloudfn.init()\n\n\nasync def main(event, context):\n"
    "    if event.get('missing'):\n        raise cloudfn.Error(f\"missing {event['missing']}\")\n"
    "    if event.get('type'):\n        raise cloudfn.Error('wrong type')\n"
    "    if event.get('denied'):\n        return await cloud.openapi.logistics.getAllAccount({})\n"
    "    return {'ok': True}\n"
)


async def test_both_sides_throwing_the_same_error_agree(tmp_path: Path) -> None:
    node = node_function(tmp_path / "node", UNCAUGHT)
    port = python_port(tmp_path / "py", UNCAUGHT_PORT)
    path = events(
        tmp_path / "e.jsonl",
        {"name": "plain error", "event": {"missing": "id"}},
        {"name": "sdk error, uncaught", "event": {"denied": True}},
        {"name": "different error type", "event": {"type": 1}},
        {"name": "fine", "event": {}},
    )
    report = await run_parity(node, port, path)
    plain, sdk, other_type, fine = report.verdicts
    assert plain.node == plain.python == "<threw: Error: missing id>" and plain.same
    refusal = '<threw: {"errCode":-604101,"errMsg":"system error: error code: -604101"}>'
    assert sdk.node == sdk.python == refusal and sdk.same, sdk.diffs
    assert other_type.node == "<threw: TypeError: wrong type>"
    assert other_type.python == "<threw: Error: wrong type>" and not other_type.same
    assert fine.same
    assert "threw: Error: missing id" in format_table(report)


UNDEFINED_FIELDS = """
const cloud = require('wx-server-sdk')
cloud.init()
exports.main = async (event) => {
  const wx = cloud.getWXContext()
  const res = await cloud.openapi.logistics.updatePrinter({
    openid: wx.OPENID, updateType: event.type || 'bind', tagidList: event.tags,
  })
  return { openid: wx.OPENID, unionid: wx.UNIONID, note: event.note, half: 4 / 2, errMsg: res.errMsg }
}
"""
UNDEFINED_PORT = (
    "import cloudfn\n\ncloud = cloudfn.init()\n\n\nasync def main(event, context):\n"
    "    wx = cloudfn.getWXContext()\n"
    "    res = await cloud.openapi.logistics.updatePrinter(\n"
    "        {'openid': wx.get('OPENID'), 'updateType': event.get('type') or 'bind', 'tagidList': event.get('tags')}\n"
    "    )\n"
    "    return {'openid': wx.get('OPENID'), 'unionid': wx.get('UNIONID'), 'note': event.get('note'),\n"
    "            'half': 4 / 2, 'errMsg': res['errMsg']}\n"
)


async def test_missing_fields_stay_undefined_in_requests_and_results(tmp_path: Path) -> None:
    node = node_function(tmp_path / "node", UNDEFINED_FIELDS)
    port = python_port(tmp_path / "py", UNDEFINED_PORT)
    path = events(
        tmp_path / "e.jsonl",
        {"name": "no tags, no unionid", "event": {}, "wxContext": {"OPENID": SEED_OPENID}},
        {
            "name": "all there",
            "event": {"tags": "1", "note": None},
            "wxContext": {"OPENID": SEED_OPENID, "UNIONID": "u"},
        },
    )
    report = await run_parity(node, port, path)
    assert report.ok, format_table(report)
    missing, given = report.verdicts
    assert missing.python == (
        f'{{"openid":"{SEED_OPENID}","half":2,"errMsg":"openapi.logistics.updatePrinter:ok"}}'
    )
    assert '"unionid":"u","note":null' in given.python


# -- clear errors ---------------------------------------------------------------------------


async def test_event_line_that_is_not_json_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text('{"event": {}}\n\n{"event": {oops}\n', encoding="utf-8")
    with pytest.raises(ParityError, match=r"e\.jsonl:3: not valid JSON"):
        await run_parity(SEED_DIR, SEED_DIR, path)


async def test_event_without_event_key(tmp_path: Path) -> None:
    with pytest.raises(ParityError, match=r':1: has no "event"'):
        await run_parity(SEED_DIR, SEED_DIR, events(tmp_path / "e.jsonl", {"updateType": "bind"}))


async def test_missing_node_modules_says_npm_ci(tmp_path: Path) -> None:
    node = tmp_path / "node"
    node.mkdir()
    shutil.copy(SEED_DIR / "index.js", node / "index.js")
    shutil.copy(SEED_DIR / "config.json", node / "config.json")
    with pytest.raises(ParityError, match=r"node_modules: missing.*Fix: run `npm ci` in"):
        await run_parity(node, SEED_DIR, SEED_EVENTS)


async def test_node_function_without_exports_main(tmp_path: Path) -> None:
    node = node_function(tmp_path / "node", "exports.handler = async () => 1\n")
    with pytest.raises(ParityError, match=r"no exports\.main"):
        await run_parity(node, SEED_DIR, SEED_EVENTS)


def test_no_node_on_path_is_a_clear_error(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # an empty directory: no node there
    completed = parity_cli_on_the_seed(env)
    assert completed.returncode == 2
    assert "node: not found on PATH" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_the_emulator_clock_can_stand_still_for_both_sides() -> None:
    from cloudfn.emulator.state import Clock

    ticks = iter([100.0, 101.5, 103.0])
    clock = Clock(lambda: next(ticks))
    clock.freeze(50.25)
    clock.advance(1)
    assert clock() == clock() == 51.25  # no wall time read while frozen
    clock.freeze(None)
    assert clock() == 101.0
