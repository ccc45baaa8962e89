"""``cloudfn check DIR``: check a function directory without running it."""

from __future__ import annotations

import argparse
import ast
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..api.registry import Registry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "directory", metavar="DIR", help="the function directory (index.py or index.js, config.json if any)"
    )
    parser.add_argument(
        "--specs",
        action="append",
        default=[],
        metavar="DIR",
        help=(
            "a folder of your own API specs, <namespace>/<method>.json in the shipped format "
            "(repeatable; also CLOUDFN_SPECS); yours win over shipped ones of the same name"
        ),
    )
    parser.add_argument(
        "--timezone", default="UTC+8", help="time zone of the timer cron (default UTC+8, the platform's)"
    )


NO_CONFIG_NOTE = (
    "config.json: none ({path}). The function runs as on the platform without one: timeout 3s, "
    "no envVariables, no timer trigger, and every cloud call (cloud.openapi...) is refused with "
    "-604101. Fix, if it makes cloud calls: create config.json listing them, e.g. "
    '{{"permissions": {{"openapi": ["logistics.updatePrinter"]}}}}'
)


def check_node_handler(directory: Path) -> list[str]:
    """Problems with a Node function found without running it: node_modules and exports.main."""
    from ..runtime.node import NodeSetupError, check_node_dir

    problems: list[str] = []
    try:
        check_node_dir(directory)
    except NodeSetupError as exc:
        problems.append(str(exc))
    source = (directory / "index.js").read_text(encoding="utf-8", errors="replace")
    if "exports.main" not in source and "module.exports" not in source:
        problems.append(
            f"{directory / 'index.js'}: no exports.main. "
            "Fix: export it, e.g. `exports.main = async (event, context) => { ... }`"
        )
    return problems


def check_handler(entry: Path) -> list[str]:
    """Problems with index.py found by reading it (it is not executed)."""
    from ..runtime.loader import HANDLER_NAMES

    if not entry.is_file():
        return [
            f"{entry}: no such file. "
            "Fix: put the handler in index.py, e.g. `async def main(event, context): ...`"
        ]
    try:
        tree = ast.parse(entry.read_text(encoding="utf-8"), filename=str(entry))
    except SyntaxError as exc:
        return [f"{entry}, line {exc.lineno}: SyntaxError: {exc.msg}. Fix: correct the syntax there"]
    defined = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            defined.update(t.id for t in node.targets if isinstance(t, ast.Name))
    if not defined & set(HANDLER_NAMES):
        return [
            f"{entry}: no handler: neither {' nor '.join(HANDLER_NAMES)} is defined at top level. "
            "Fix: define `async def main(event, context):`"
        ]
    return []


def permission_problem(name: str, registry: Registry) -> str:
    """Why ``name`` in permissions.openapi is no API cloudfn knows, and the exact fix.

    The common mistakes in real configs: the ``openapi.`` prefix of the call
    (``openapi.wxacode.getUnlimited``; the list names the API alone), and a
    namespace or method spelt in the wrong case (``SubscribeMessage.send``).
    """
    from ..api.registry import where_to_add

    failing = f"{name} is not an API cloudfn knows (calls to it fail with -604100)"
    if name.startswith("openapi."):
        bare = name.removeprefix("openapi.")
        if bare in registry:
            return f'{failing}; the list names APIs without the "openapi." prefix. Fix: write "{bare}"'
    by_case = {known.lower(): known for known in registry.names()}
    right = by_case.get(name.removeprefix("openapi.").lower())
    if right is not None:
        return f'{failing}; names are case-sensitive. Fix: write "{right}"'
    nearest = registry.closest(name)
    if nearest:
        return f'{failing}; did you mean {nearest}? Fix: write "{nearest}"'
    return f"{failing}. {where_to_add(name, registry)}"


def run(args: argparse.Namespace) -> int:
    from ..api.registry import registry_with, spec_file_problems, user_spec_dirs
    from ..config import FunctionConfig
    from ..errors import ConfigError
    from ..runtime.cron import CronError, parse_cron, parse_timezone

    directory = Path(args.directory)
    problems: list[str] = []
    notes: list[str] = []
    if not directory.is_dir():
        print(
            f"error: {directory}: no such directory. Fix: give the directory holding index.py and config.json"
        )
        return 1
    try:
        tz = parse_timezone(args.timezone)
    except ValueError as exc:
        print(f"error: --timezone: {exc}")
        return 1
    config_path = directory / "config.json"
    config: FunctionConfig | None = None
    if not config_path.exists():
        notes.append(NO_CONFIG_NOTE.format(path=config_path))
    else:
        try:
            config = FunctionConfig.load(config_path)
        except ConfigError as exc:
            problems.append(str(exc))
    if config is not None:
        try:
            registry = registry_with([*user_spec_dirs(os.environ), *args.specs])
        except ConfigError as exc:
            print(f"error: --specs: {exc}")
            return 1
        for folder in registry.user_roots:
            spec_problems = spec_file_problems(folder)
            problems += spec_problems
            if spec_problems:
                registry = registry_with([])  # permissions are checked against the shipped specs alone
        for name in sorted(config.permissions):
            if name not in registry:
                problems.append(f"{config_path}: permissions.openapi: {permission_problem(name, registry)}")
        notes.append(f"permissions: {', '.join(sorted(config.permissions)) or 'none'}")
        notes.append(
            f"timeout: {config.timeout:g}s" if config.timeout else "timeout: 3s (the platform default)"
        )
        for trigger in config.triggers:
            try:
                schedule = parse_cron(trigger.cron, tz)
            except CronError as exc:
                problems.append(f"{config_path}: triggers[{trigger.name}]: {exc}")
                continue
            upcoming = schedule.upcoming(datetime.now(UTC), 3)
            times = ", ".join(t.isoformat() for t in upcoming) or "never (no fire time left)"
            notes.append(f"trigger {trigger.name}: {trigger.cron!r} next at {times}")
    if not (directory / "index.py").exists() and (directory / "index.js").exists():
        problems += check_node_handler(directory)
        notes.append("language: node (index.js, run unmodified under node)")
    else:
        problems += check_handler(directory / "index.py")
    for problem in problems:
        print(f"error: {problem}")
    if problems:
        print(f"{directory}: {len(problems)} problem(s)")
        return 1
    for note in notes:
        print(f"  {note}")
    print(f"{directory}: ok")
    return 0
