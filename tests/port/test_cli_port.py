"""`cloudfn port` as a user runs it: what it writes, what it says, and the parity command it prints."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from tests.support.corpus import CORPUS, node_copy
from tests.support.paths import ROOT


def cloudfn(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cloudfn", *args], capture_output=True, text=True, timeout=300, cwd=ROOT
    )


def test_port_then_the_printed_parity_command_proves_it(tmp_path: Path) -> None:
    node = node_copy("printer_bind", tmp_path / "printer_bind")
    out = tmp_path / "printer_bind_py"
    ported = cloudfn("port", str(node), "--out", str(out))
    assert ported.returncode == 0, ported.stdout + ported.stderr
    assert f"wrote {out / 'index.py'}" in ported.stdout
    assert (out / "config.json").read_bytes() == (CORPUS / "printer_bind" / "config.json").read_bytes()
    command = ported.stdout.strip().splitlines()[-1].strip()
    assert command == f"cloudfn parity {node} {out} --events {out / 'events.jsonl'}"
    # The skeleton has placeholders; prove the port on the corpus's own events.
    proof = cloudfn(*shlex.split(command)[1:-2], "--events", str(CORPUS / "printer_bind" / "events.jsonl"))
    assert proof.returncode == 0, proof.stdout + proof.stderr
    assert "4 events, 4 same, 0 different" in proof.stdout


def test_config_mistakes_and_todos_are_reported(tmp_path: Path) -> None:
    node = tmp_path / "f"
    node.mkdir()
    (node / "index.js").write_text(
        "const cloud = require('wx-server-sdk')\nconst got = require('got')\ncloud.init()\n"
        "exports.main = async (event) => cloud.openapi.security.msgSecCheck({ content: event.text })\n",
        encoding="utf-8",
    )
    (node / "config.json").write_text('{"permissions": {"openapi": ["openapi.security.msgSecCheck"]}}')
    completed = cloudfn("port", str(node))
    assert completed.returncode == 1
    assert (
        'config: config.json: permissions.openapi: "openapi.security.msgSecCheck" has the `openapi.` prefix '
        "the platform does not use, so security.msgSecCheck calls are refused (-604101). "
        'Fix: write "security.msgSecCheck"'
    ) in completed.stdout
    assert (
        "TODO(port): index.js line 2: require('got'): only wx-server-sdk and tcb-router are ported"
        in completed.stdout
    )
    assert (tmp_path / "f_py" / "index.py").is_file()  # the default --out: a sibling <name>_py


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    missing = cloudfn("port", str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert "index.js: no such file. Fix: pass the directory of a Node cloud function" in missing.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "index.js").write_text("exports.main = async () => {\n  return {a: }\n}\n", encoding="utf-8")
    completed = cloudfn("port", str(broken))
    assert completed.returncode == 2
    assert "not valid JavaScript (line 2" in completed.stderr and "Traceback" not in completed.stderr
