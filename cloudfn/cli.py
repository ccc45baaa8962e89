"""``cloudfn`` command line: one module per command under :mod:`cloudfn.commands`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

# Each module defines add_arguments(parser) and run(args) -> int exit status.
COMMANDS = {
    "emulator": "run the local WeChat API emulator until SIGINT/SIGTERM",
    "parity": "run a Node cloud function and its Python port on the same events and compare",
    "invoke": "run a cloud function once and print its result",
    "serve": "serve a cloud function over HTTP (and run its timer trigger)",
    "check": "check a function directory: config.json, permissions, cron, handler",
    "port": "translate a Node cloud function (index.js) into a Python port (index.py)",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that command's options are loaded.

    A command module may import heavy things for its defaults, and a short
    ``cloudfn invoke`` should not pay for every other command's.
    """
    parser = argparse.ArgumentParser(
        prog="cloudfn", description="WeChat cloud functions in Python, with a local WeChat API emulator."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, summary in COMMANDS.items():
        command = sub.add_parser(name, help=summary, description=summary)
        if only is None or name == only:
            import_module(f"cloudfn.commands.{name}").add_arguments(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    chosen = next((w for w in words if not w.startswith("-")), None)
    args = build_parser(only=chosen if chosen in COMMANDS else None).parse_args(words)
    module = import_module(f"cloudfn.commands.{args.command}")
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 1
