"""`cloudfn check`: config.json, unknown permissions with the nearest name, cron, handler."""

from __future__ import annotations

from pathlib import Path

from tests.support.paths import SEED_DIR
from tests.support.runtime import run_cli, write_function

OK_HANDLER = "async def main(event, context):\n    return 1\n"


def test_the_example_is_ok() -> None:
    done = run_cli("check", str(SEED_DIR))
    assert done.returncode == 0, done.stdout
    assert done.stdout.rstrip().endswith(f"{SEED_DIR}: ok")


def test_unknown_permission_suggests_the_closest(tmp_path: Path) -> None:
    directory = write_function(
        tmp_path, "typo", OK_HANDLER, {"permissions": {"openapi": ["logistics.updatePrinters", "foo.barBaz"]}}
    )
    done = run_cli("check", str(directory))
    assert done.returncode == 1
    assert "logistics.updatePrinters is not an API cloudfn knows" in done.stdout
    assert "did you mean logistics.updatePrinter?" in done.stdout
    assert (
        "foo.barBaz is not an API cloudfn knows" in done.stdout
        and "write SPECS/foo/barBaz.json in a folder of your own" in done.stdout
    )


def test_cron_is_checked_and_next_times_shown(tmp_path: Path) -> None:
    good = write_function(
        tmp_path,
        "good",
        OK_HANDLER,
        {"triggers": [{"name": "daily", "type": "timer", "config": "0 0 2 * * * *"}]},
    )
    bad = write_function(
        tmp_path,
        "bad",
        OK_HANDLER,
        {"triggers": [{"name": "daily", "type": "timer", "config": "0 0 2 * * *"}]},
    )
    ok = run_cli("check", str(good))
    assert ok.returncode == 0 and "trigger daily: '0 0 2 * * * *' next at" in ok.stdout
    assert "T02:00:00+08:00" in ok.stdout
    utc = run_cli("check", str(good), "--timezone", "UTC")
    assert "T02:00:00+00:00" in utc.stdout
    refused = run_cli("check", str(bad))
    assert refused.returncode == 1
    assert "triggers[daily]: cron '0 0 2 * * *': has 6 field(s), the platform needs 7" in refused.stdout


def test_invalid_config_and_handler_problems(tmp_path: Path) -> None:
    directory = write_function(
        tmp_path, "both", "def handler(event, context):\n    pass\n", '{"timeout": -1}'
    )
    done = run_cli("check", str(directory))
    assert done.returncode == 1
    assert f"{directory / 'config.json'}: timeout" in done.stdout
    assert "no handler: neither main nor main_handler" in done.stdout
    syntax = write_function(tmp_path, "syntax", "x = (\n")
    assert f"{syntax / 'index.py'}, line 1: SyntaxError" in run_cli("check", str(syntax)).stdout


def test_missing_directory(tmp_path: Path) -> None:
    done = run_cli("check", str(tmp_path / "absent"))
    assert done.returncode == 1 and "no such directory" in done.stdout
