"""The test suite's own rules: folders mirror the package, helpers live in tests/support.

Each test folder has its conftest.py; nothing imports from a conftest (pytest
loads them, helpers are a normal package); the conftests never redefine a
fixture of the pytest plugin, so a test asking for ``cloud`` gets what users get.
"""

from __future__ import annotations

import ast
from pathlib import Path

import cloudfn.pytest_plugin

TESTS = Path(__file__).resolve().parent


def fixture_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if ast.unparse(target) in ("pytest.fixture", "fixture"):
                    names.add(node.name)
    return names


def test_every_test_folder_has_a_conftest() -> None:
    folders = {p.parent for p in TESTS.rglob("test_*.py")}
    assert all((folder / "conftest.py").is_file() for folder in folders), sorted(map(str, folders))


def test_nothing_imports_from_a_conftest() -> None:
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert "conftest" not in (node.module or ""), f"{path}: imports from a conftest"


def test_conftests_do_not_shadow_the_plugins_fixtures() -> None:
    plugin = fixture_names(Path(cloudfn.pytest_plugin.__file__))
    assert {"cloud", "wx_emulator", "invoke"} <= plugin
    for conftest in TESTS.rglob("conftest.py"):
        assert not fixture_names(conftest) & plugin, conftest
