"""Loading function directories: handlers, config.json, and every load error named precisely."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cloudfn.runtime.loader import FunctionLoadError, load_function
from tests.support.paths import SEED_DIR
from tests.support.runtime import write_function


def test_loads_the_example(tmp_path: Path) -> None:
    function = load_function(SEED_DIR)
    assert function.name == "update_printer"
    assert function.directory == SEED_DIR.resolve()
    assert function.config.permissions == {"logistics.updatePrinter", "logistics.getPrinter"}
    assert function.is_async and function.handler_name == "main"


def test_accepts_main_handler_and_plain_def(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "scf", "def main_handler(event, context):\n    return 1\n")
    function = load_function(directory)
    assert function.handler_name == "main_handler"
    assert not function.is_async


def test_missing_directory_names_it(tmp_path: Path) -> None:
    with pytest.raises(FunctionLoadError, match=r"nope: no such directory\. Fix: give the directory"):
        load_function(tmp_path / "nope")


def test_a_file_is_not_a_directory(tmp_path: Path) -> None:
    (tmp_path / "index.py").write_text("")
    with pytest.raises(FunctionLoadError, match="is a file, not a directory"):
        load_function(tmp_path / "index.py")


def test_a_function_without_config_json_loads_as_on_the_platform(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "f", "async def main(event, context):\n    return 1\n")
    (directory / "config.json").unlink()
    function = load_function(directory)
    assert not function.config.exists
    assert function.config.permissions == frozenset() and function.config.timeout is None
    assert function.runner_environ["CLOUDFN_CONFIG"] == f"missing:{directory / 'config.json'}"


def test_invalid_config_json_names_file_and_problem(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "f", "async def main(e, c):\n    return 1\n", '{"timeout": "soon"}')
    with pytest.raises(FunctionLoadError) as caught:
        load_function(directory)
    message = str(caught.value)
    assert str(directory / "config.json") in message
    assert "timeout" in message and "'soon' is not of type 'number'" in message


def test_config_json_that_is_not_json(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "f", "async def main(e, c):\n    return 1\n", '{"timeout": 3,}')
    with pytest.raises(FunctionLoadError, match=r"not valid JSON at line 1, column 15"):
        load_function(directory)


def test_missing_index_py(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "f", "")
    (directory / "index.py").unlink()
    with pytest.raises(FunctionLoadError, match=r"index\.py: no such file\. Fix: put the handler"):
        load_function(directory)


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "f", "import os\n\nasync def main(event, context)\n    return 1\n")
    with pytest.raises(FunctionLoadError) as caught:
        load_function(directory)
    assert f"{directory / 'index.py'}, line 3: SyntaxError" in str(caught.value)


def test_import_error_names_file_and_line(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "f", "import os\nimport no_such_module_xyz\n")
    with pytest.raises(FunctionLoadError) as caught:
        load_function(directory)
    message = str(caught.value)
    assert f"{directory / 'index.py'}, line 2: ModuleNotFoundError" in message
    assert "no_such_module_xyz" in message and "Fix: install the missing package" in message


def test_error_in_a_sibling_module_points_there(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "f", "import helper_mod_f1\n\nasync def main(e, c):\n    return 1\n")
    (directory / "helper_mod_f1.py").write_text("x = 1\ny = 1 / 0\n")
    with pytest.raises(FunctionLoadError) as caught:
        load_function(directory)
    assert f"{directory / 'helper_mod_f1.py'}, line 2: ZeroDivisionError" in str(caught.value)


def test_sibling_modules_import(tmp_path: Path) -> None:
    directory = write_function(
        tmp_path, "g", "from helper_mod_g1 import VALUE\n\ndef main(e, c):\n    return VALUE\n"
    )
    (directory / "helper_mod_g1.py").write_text("VALUE = 41 + 1\n")
    function = load_function(directory)
    assert function.handler({}, {}) == 42


def test_no_handler(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "f", "async def handler(event, context):\n    return 1\n")
    with pytest.raises(FunctionLoadError, match=r"no handler: neither main nor main_handler is defined"):
        load_function(directory)


def test_handler_that_is_not_callable(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "f", "main = 3\n")
    with pytest.raises(FunctionLoadError, match=r"main is a int, not a function"):
        load_function(directory)


def test_handler_with_the_wrong_signature(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "f", "async def main(event):\n    return 1\n")
    with pytest.raises(FunctionLoadError, match=r"main\(event\) cannot take \(event, context\)"):
        load_function(directory)


def test_env_variables_are_set_before_the_module_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLOUDFN_TEST_GREETING", raising=False)
    directory = write_function(
        tmp_path,
        "f",
        "import os\nAT_IMPORT = os.environ['CLOUDFN_TEST_GREETING']\n\n"
        "def main(e, c):\n    return AT_IMPORT\n",
        {"envVariables": {"CLOUDFN_TEST_GREETING": "hello"}},
    )
    try:
        function = load_function(directory)
        assert function.handler({}, {}) == "hello"
    finally:
        os.environ.pop("CLOUDFN_TEST_GREETING", None)


def test_top_level_init_takes_the_runner_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUDFN_BASE_URL", "http://configured.invalid")
    directory = write_function(
        tmp_path,
        "f",
        "import cloudfn\ncloud = cloudfn.init()\n\ndef main(e, c):\n    return 1\n",
        {"permissions": {"openapi": ["logistics.getPrinter"]}},
    )
    function = load_function(
        directory, runner_environ={"CLOUDFN_BASE_URL": "http://127.0.0.1:9", "CLOUDFN_APPID": "wxrunner"}
    )
    assert function.module is not None
    settings = function.module.cloud.settings
    assert settings.base_url == "http://127.0.0.1:9"  # the runner's, not the process environment's
    assert settings.appid == "wxrunner"
    assert settings.config is not None and settings.config.permissions == {"logistics.getPrinter"}


def test_a_cron_the_platform_refuses_is_a_load_error(tmp_path: Path) -> None:
    trigger = {"name": "nightly", "type": "timer", "config": "0 0 2 * * *"}
    directory = write_function(tmp_path, "f", "def main(e, c):\n    return 1\n", {"triggers": [trigger]})
    with pytest.raises(FunctionLoadError) as caught:
        load_function(directory)
    message = str(caught.value)
    assert message.startswith(f"{directory / 'config.json'}: triggers[0].config: cron '0 0 2 * * *'")
    assert "the platform needs 7" in message


def test_repr_never_shows_the_secret(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "f", "def main(e, c):\n    return 1\n")
    function = load_function(directory, runner_environ={"CLOUDFN_SECRET": "s3cr3t-value"})
    assert "s3cr3t-value" not in repr(function)


def test_sys_exit_at_import_is_a_load_error(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "f", "import sys\nsys.exit(3)\n")
    with pytest.raises(FunctionLoadError, match=r"index\.py, line 2: SystemExit: 3"):
        load_function(directory)
