"""``cloudfn invoke DIR``: run a function once, print its result as the platform returns it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from ..runtime.loader import DEFAULT_LOAD_TIMEOUT_S


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "directory",
        metavar="DIR",
        help="a function's directory (index.py or index.js, config.json if any), or a project's "
        "(a folder of function folders, with --function)",
    )
    parser.add_argument(
        "--import",
        dest="import_dir",
        metavar="DATA_DIR",
        help="start the embedded emulator from a data folder (database/, storage/, emulator.json; docs/data.md)",
    )
    parser.add_argument("--function", metavar="NAME", help="the function of the project DIR to run")
    parser.add_argument(
        "--event",
        default="{}",
        metavar="JSON|@FILE",
        help="the event: a JSON object, @path to read it from a file, or @- for stdin (default {})",
    )
    parser.add_argument("--openid", help="the caller's OPENID (default: the emulator's seed user)")
    parser.add_argument("--appid", help="the caller's APPID (default: the configured or emulator AppID)")
    parser.add_argument("--unionid", help="the caller's UNIONID (default: none)")
    parser.add_argument(
        "--source",
        default="wx_client",
        help="SOURCE in getWXContext() (default wx_client, as in local debugging)",
    )
    parser.add_argument(
        "--timeout", type=float, help="seconds before the invocation fails (default: config.json's, else 3)"
    )
    parser.add_argument(
        "--load-timeout",
        type=float,
        default=DEFAULT_LOAD_TIMEOUT_S,
        help=f"seconds the module's top-level code may take to load (default {DEFAULT_LOAD_TIMEOUT_S:g})",
    )


def read_event(value: str) -> dict[str, Any]:
    """``--event`` as a JSON object; raises SystemExit naming the problem and the fix."""
    where = "--event"
    text = value
    if value.startswith("@"):
        source = value[1:]
        where = f"--event {value}"
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise SystemExit(
                f"{where}: cannot read the file ({exc.strerror}). Fix: give an existing JSON file"
            ) from None
    try:
        event = json.loads(text)
    except ValueError as exc:
        raise SystemExit(
            f'{where}: not valid JSON ({exc}). Fix: e.g. --event \'{{"updateType": "unbind"}}\''
        ) from None
    if not isinstance(event, dict):
        raise SystemExit(
            f"{where}: must be a JSON object, got {type(event).__name__}. Fix: e.g. --event '{{}}'"
        )
    return event


async def _invoke(args: argparse.Namespace, event: dict[str, Any]) -> int:
    # What the function prints (at import, in the handler, from a thread still
    # running after its timeout) is its log: stdout is kept for the result alone.
    result_stream = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):
        return await _invoke_quietly(args, event, result_stream)


async def _invoke_quietly(args: argparse.Namespace, event: dict[str, Any], result_stream: TextIO) -> int:
    from ..emulator.data_folder import DataFolderError
    from ..emulator.state import SEED_OPENID
    from ..runtime.backend import configured, start_embedded_emulator
    from ..runtime.project import Project, ProjectError

    async with contextlib.AsyncExitStack() as stack:
        runner_environ: dict[str, str] = {}
        default_openid = None
        emulator = None
        if args.import_dir is not None and configured():
            print(
                "cloudfn invoke: --import loads data into the embedded emulator, but CLOUDFN_BASE_URL "
                "(or CLOUDFN_APPID/SECRET) sends cloud calls elsewhere. Fix: unset them, or import "
                "into that emulator (POST /__emulator__/import)",
                file=sys.stderr,
            )
            return 2
        if not configured():
            try:
                emulator, runner_environ = await start_embedded_emulator(stack, args.import_dir)
            except DataFolderError as exc:
                print(f"cloudfn invoke: --import {args.import_dir}: {exc}", file=sys.stderr)
                return 2
            default_openid = SEED_OPENID
        try:
            project = await Project.open(
                args.directory,
                emulator=emulator,
                runner_environ=runner_environ,
                only=args.function,
                load_timeout=args.load_timeout,
            )
        except ProjectError as exc:
            print(f"cloudfn invoke: {exc}", file=sys.stderr)
            return 2
        stack.push_async_callback(project.close)
        if args.function is None and not project.single:
            names = ", ".join(project.functions)
            print(
                f"cloudfn invoke: {args.directory} is a project ({names}). "
                f"Fix: add --function NAME, or give {args.directory}/NAME",
                file=sys.stderr,
            )
            return 2
        [name] = project.functions
        wx_context = {
            "OPENID": args.openid or default_openid,
            "APPID": args.appid or runner_environ.get("CLOUDFN_APPID") or os.environ.get("CLOUDFN_APPID"),
            "UNIONID": args.unionid,
            "SOURCE": args.source,
            "ENV": os.environ.get("TCB_ENV") or "local",
        }
        result = await project.invoke(name, event, wx_context=wx_context, timeout=args.timeout)
    if result.result is not None or result.ok:
        print(json.dumps(result.result, ensure_ascii=False), file=result_stream, flush=True)
    if result.ok:
        return 0
    if result.error_kind == "raised" and result.traceback:
        print(result.traceback, file=sys.stderr, end="")
    print(
        f"cloudfn invoke: {name} failed (request {result.request_id}): {result.error}",
        file=sys.stderr,
    )
    return 1


def run(args: argparse.Namespace) -> int:
    from ..runtime.threads import exit_leaving_stuck_threads

    event = read_event(args.event)
    # A plain def handler past its timeout, or a hung import, must not keep the process alive.
    return exit_leaving_stuck_threads(asyncio.run(_invoke(args, event)))
