"""``cloudfn parity NODE_DIR PY_DIR --events FILE.jsonl``: does the port do what the original did?"""

from __future__ import annotations

import argparse
import asyncio
import sys

from ..parity.options import EVENT_TIMEOUT_S, PARITY_TRANSPORTS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "node_dir", metavar="NODE_DIR", help="the Node function (index.js, node_modules, config.json)"
    )
    parser.add_argument("py_dir", metavar="PY_DIR", help="its Python port (index.py, config.json)")
    parser.add_argument(
        "--events",
        required=True,
        metavar="FILE.jsonl",
        help='one JSON object per line: {"name", "event", "wxContext", "setup"}',
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=EVENT_TIMEOUT_S,
        help=f"seconds per event and side (default {EVENT_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--project",
        metavar="DIR",
        help="a cloudfunctions/ folder whose functions the compared ones call with callFunction",
    )
    parser.add_argument(
        "--import",
        dest="import_dir",
        metavar="DATA_DIR",
        help="a data folder (database/, storage/, emulator.json; docs/data.md) every event starts from",
    )
    parser.add_argument(
        "--transport",
        choices=PARITY_TRANSPORTS,
        default="https",
        help="how the Python port reaches the emulator (default https)",
    )


def run(args: argparse.Namespace) -> int:
    from ..parity import ParityError, format_table, run_parity

    try:
        report = asyncio.run(
            run_parity(
                args.node_dir,
                args.py_dir,
                args.events,
                event_timeout=args.timeout,
                transport=args.transport,
                project=args.project,
                import_dir=args.import_dir,
            )
        )
    except ParityError as exc:
        print(f"cloudfn parity: {exc}", file=sys.stderr)
        return 2
    print(format_table(report))
    return 0 if report.ok else 1
