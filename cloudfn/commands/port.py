"""``cloudfn port NODE_DIR [--out DIR]``: translate a Node cloud function into a Python port."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("node_dir", metavar="NODE_DIR", help="the Node function (index.js, config.json)")
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="where to write index.py, config.json and events.jsonl (default: NODE_DIR's sibling <name>_py)",
    )
    parser.add_argument(
        "--no-format", action="store_true", help="do not run `ruff format` over the generated index.py"
    )


def run(args: argparse.Namespace) -> int:
    from ..port import PortError, port_function

    try:
        report = port_function(args.node_dir, args.out, formatted=not args.no_format)
    except PortError as exc:
        print(f"cloudfn port: {exc}", file=sys.stderr)
        return 2
    translation = report.translation
    for path in report.wrote:
        print(f"wrote {path}")
    for problem in report.config_problems:
        print(f"config: {problem}")
    for todo in translation.todos:
        print(f"TODO(port): {todo}")
    if translation.todos:
        print(
            f"{len(translation.todos)} statement(s) need a hand port: search index.py for TODO(port); "
            "each raises NotImplementedError until then"
        )
    node_dir, out = shlex.quote(str(Path(args.node_dir))), shlex.quote(str(report.out_dir))
    events = shlex.quote(str(report.out_dir / "events.jsonl"))
    print("prove it (after `npm ci` in the Node function, and filling in events.jsonl):")
    print(f"  cloudfn parity {node_dir} {out} --events {events}")
    return 1 if translation.todos else 0
