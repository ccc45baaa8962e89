"""``cloudfn port``: a Node cloud function translated to a Python port.

``translate(source)`` turns ``index.js`` into ``index.py`` text by walking
tree-sitter's syntax tree (never by pattern-matching the source);
``port_function(node_dir, out_dir)`` writes the port beside its config.json
and an ``events.jsonl`` skeleton, and says how to prove it with
``cloudfn parity``.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .events import EventFields
from .output import format_python
from .parse import PortError, parse_js, syntax_problems
from .permissions import permission_problems, read_config
from .statements import Todo, Translator


@dataclass
class Translation:
    code: str
    todos: list[Todo]
    apis: set[str]
    features: set[str]
    events: EventFields
    has_handler: bool


def translate(source: str, *, name: str = "index.js", formatted: bool = True) -> Translation:
    tree = parse_js(source)
    problems = syntax_problems(tree)
    if problems:
        listed = "; ".join(str(p) for p in problems[:3])
        raise PortError(
            f"{name}: not valid JavaScript ({listed}). Fix: make `node --check {name}` pass first"
        )
    translator = Translator(source)
    body = translator.program(tree.root_node)
    if not translator.handler_found:
        translator.todos.append(Todo(1, "no exports.main: the platform has no handler to call", ""))
    header = [f'"""Ported from {name} by `cloudfn port`."""', ""]
    imports = translator.imports.render()
    lines = [*header, *imports, "", "", *body] if imports else [*header, *body]
    code = "\n".join(lines).rstrip() + "\n"
    if formatted:
        code = format_python(code)
    return Translation(
        code,
        translator.todos,
        translator.apis,
        translator.features,
        translator.events,
        translator.handler_found,
    )


@dataclass
class PortReport:
    out_dir: Path
    translation: Translation
    config_problems: list[str] = field(default_factory=list)
    wrote: list[Path] = field(default_factory=list)

    @property
    def parity_command(self) -> str:
        return ""


def port_function(
    node_dir: str | Path, out_dir: str | Path | None = None, *, formatted: bool = True
) -> PortReport:
    node_path = Path(node_dir)
    entry = node_path / "index.js"
    if not entry.is_file():
        raise PortError(
            f"{entry}: no such file. Fix: pass the directory of a Node cloud function (its index.js)"
        )
    out = Path(out_dir) if out_dir is not None else node_path.parent / f"{node_path.name}_py"
    if out.resolve() == node_path.resolve():
        raise PortError(f"--out {out}: is the Node function's own directory. Fix: choose another directory")
    try:
        source = entry.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PortError(f"{entry}: not UTF-8 text. Fix: save it as UTF-8") from None
    translation = translate(source, formatted=formatted)
    out.mkdir(parents=True, exist_ok=True)
    report = PortReport(out, translation)
    (out / "index.py").write_text(translation.code, encoding="utf-8")
    report.wrote.append(out / "index.py")
    config_path = node_path / "config.json"
    try:
        config = read_config(config_path)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PortError(f"{config_path}: not valid JSON ({exc}). Fix: correct it") from None
    report.config_problems = permission_problems(config, translation.apis)
    if config is not None:
        shutil.copyfile(config_path, out / "config.json")
        report.wrote.append(out / "config.json")
    events = out / "events.jsonl"
    if not events.exists():
        events.write_text(translation.events.render(), encoding="utf-8")
        report.wrote.append(events)
    return report


__all__ = ["PortError", "PortReport", "Translation", "port_function", "translate"]
