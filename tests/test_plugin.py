"""The pytest plugin, used the way users use it: from a test project in a temporary directory."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from tests.support.paths import ROOT, SEED_DIR
from tests.support.runtime import clean_environ

README = ROOT / "README.md"


def _readme_block(marker: str, language: str) -> str:
    """The fenced block right after ``marker`` in the README (so the documentation is what is tested)."""
    text = README.read_text(encoding="utf-8")
    tagged = f"<!-- {marker} -->"
    assert tagged in text
    match = re.match(rf"\s*```{language}\n(.*?)```", text[text.index(tagged) + len(tagged) :], re.DOTALL)
    assert match is not None, f"no ```{language} block right after {tagged}"
    return match.group(1)


def _documented_test() -> str:
    return _readme_block("the plugin's tests run this very block", "python")


def _project(root: Path, test_source: str, functions: Path | None = None) -> Path:
    """A user's project made of what the README shows: its pytest configuration, the example, the test."""
    if functions is not None:
        shutil.copytree(functions, root / "functions")
    shutil.copytree(
        SEED_DIR, root / "examples" / "update_printer", ignore=shutil.ignore_patterns("node_modules", "*.log")
    )
    (root / "tests").mkdir()
    (root / "tests" / "test_update_printer.py").write_text(test_source, encoding="utf-8")
    configuration = _readme_block("the plugin's tests use this very configuration", "toml")
    (root / "pyproject.toml").write_text(configuration, encoding="utf-8")
    return root


def _pytest(root: Path) -> subprocess.CompletedProcess[str]:
    # -W error: a deprecation warning in the user's run (an unset pytest-asyncio option) fails it.
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        capture_output=True,
        text=True,
        env=clean_environ(),
        timeout=120,
    )


def test_plugin_is_registered_with_pytest11() -> None:
    registered = {e.name: e.value for e in entry_points(group="pytest11")}
    assert registered.get("cloudfn") == "cloudfn.pytest_plugin"


def test_the_documented_test_passes_in_a_user_project(tmp_path: Path) -> None:
    done = _pytest(_project(tmp_path, _documented_test()))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 passed" in done.stdout
    assert "warning" not in done.stdout.lower(), done.stdout


def test_the_documented_test_file_alone_passes_without_configuration(tmp_path: Path) -> None:
    """A user who copies only the test file (no pytest configuration) still gets a passing async test."""
    root = _project(tmp_path, _documented_test())
    (root / "pyproject.toml").unlink()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        capture_output=True,
        text=True,
        env=clean_environ(),
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 passed" in done.stdout


def test_a_failing_user_test_is_reported(tmp_path: Path) -> None:
    source = (
        "from pathlib import Path\n"
        "FUNCTION = Path(__file__).parent.parent / 'examples' / 'update_printer'\n\n"
        "def test_wrong_expectation(invoke):\n"
        "    assert invoke(FUNCTION, {}).result['errCode'] == 1\n\n"
        "def test_leaves_state_behind(invoke):\n"
        "    invoke(FUNCTION, {})\n\n"
        "def test_sees_it_reset(wx_emulator):\n"
        "    assert wx_emulator.requests() == []\n"
    )
    done = _pytest(_project(tmp_path, source))
    assert done.returncode == 1
    assert "1 failed, 2 passed" in done.stdout
    assert "test_wrong_expectation" in done.stdout


def test_env_variables_last_only_for_the_test(tmp_path: Path) -> None:
    function_dir = tmp_path / "functions" / "greeter"
    function_dir.mkdir(parents=True)
    (function_dir / "index.py").write_text(
        "import os\n\ndef main(event, context):\n    return os.environ['GREETING']\n", encoding="utf-8"
    )
    (function_dir / "config.json").write_text('{"envVariables": {"GREETING": "hello"}}', encoding="utf-8")
    source = (
        "import os\nfrom pathlib import Path\n"
        "FUNCTION = Path(__file__).parent.parent / 'functions' / 'greeter'\n\n"
        "def test_a_sees_it(invoke):\n"
        "    assert invoke(FUNCTION).result == 'hello'\n\n"
        "def test_b_does_not(invoke):\n"
        "    assert 'GREETING' not in os.environ\n"
    )
    done = _pytest(_project(tmp_path / "project", source, functions=tmp_path / "functions"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_cloudfn_specs_reaches_the_fixtures(tmp_path: Path) -> None:
    specs = tmp_path / "my-specs" / "demo"
    specs.mkdir(parents=True)
    spec = {
        "api": "demo.echo",
        "method": "POST",
        "path": "/wxa/demo/echo",
        "request": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
        "response": {"type": "object"},
        "example": {"errcode": 0, "errmsg": "ok", "echoed": "hello"},
    }
    (specs / "echo.json").write_text(json.dumps(spec), encoding="utf-8")
    source = (
        "def test_a_users_api(cloud, wx_emulator):\n"
        "    assert cloud.sync.openapi.demo.echo({'text': 'hi'})['echoed'] == 'hello'\n"
        "    assert [e['api'] for e in wx_emulator.requests() if e.get('api')] == ['demo.echo']\n"
    )
    root = _project(tmp_path / "project", source)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        capture_output=True,
        text=True,
        env=clean_environ(CLOUDFN_SPECS=str(tmp_path / "my-specs")),
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
