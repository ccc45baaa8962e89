"""``cloudfn serve DIR``: serve one function over HTTP (and run its timer trigger)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..runtime.http_trigger import BODY_TIMEOUT_S, MAX_EVENT_BYTES
    from ..runtime.loader import DEFAULT_LOAD_TIMEOUT_S

    parser.add_argument(
        "directory",
        metavar="DIR",
        help="a function's directory (index.py or index.js, config.json if any), or a project's "
        "(a folder of function folders, each served at POST /<name>)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 in a container)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", "8080")),
        help="port (default $PORT, else 8080; 0 = any)",
    )
    parser.add_argument(
        "--timeout", type=float, help="seconds per invocation (default: config.json's, else 3)"
    )
    parser.add_argument(
        "--max-event-bytes",
        type=int,
        default=MAX_EVENT_BYTES,
        help=f"largest event accepted (default {MAX_EVENT_BYTES})",
    )
    parser.add_argument(
        "--body-timeout",
        type=float,
        default=BODY_TIMEOUT_S,
        help=f"seconds a request body may take to arrive (default {BODY_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--load-timeout",
        type=float,
        default=DEFAULT_LOAD_TIMEOUT_S,
        help=f"seconds the module's top-level code may take to load (default {DEFAULT_LOAD_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--timezone", default="UTC+8", help="time zone of the timer cron (default UTC+8, the platform's)"
    )
    parser.add_argument("--no-timers", action="store_true", help="do not run config.json's timer trigger")
    parser.add_argument(
        "--emulator",
        action="store_true",
        help="send cloud calls to an embedded emulator "
        "(default: CLOUDFN_BASE_URL/CLOUDFN_APPID/CLOUDFN_SECRET)",
    )
    parser.add_argument(
        "--import",
        dest="import_dir",
        metavar="DATA_DIR",
        help="start the embedded emulator from a data folder (database/, storage/, emulator.json; "
        "docs/data.md); implies --emulator",
    )
    parser.add_argument("--debug", action="store_true", help="tracebacks in error answers, debug logging")


async def _serve(args: argparse.Namespace) -> int:
    from ..emulator.data_folder import DataFolderError
    from ..runtime.backend import configured, start_embedded_emulator
    from ..runtime.cron import CronError, parse_timezone
    from ..runtime.http_trigger import ServeOptions, serve_project
    from ..runtime.project import Project, ProjectError
    from .exposure import warn_if_exposed

    try:
        tz = parse_timezone(args.timezone)
    except ValueError as exc:
        print(f"cloudfn serve: --timezone: {exc}", file=sys.stderr)
        return 2
    async with contextlib.AsyncExitStack() as stack:
        runner_environ: dict[str, str] = {}
        emulator = None
        if args.emulator or args.import_dir is not None:
            try:
                emulator, runner_environ = await start_embedded_emulator(stack, args.import_dir)
            except DataFolderError as exc:
                print(f"cloudfn serve: --import {args.import_dir}: {exc}", file=sys.stderr)
                return 2
            print(
                f"cloudfn serve: cloud calls go to an embedded emulator at {emulator.base_url}",
                file=sys.stderr,
            )
        elif not configured():
            print(
                "cloudfn serve: warning: CLOUDFN_APPID/CLOUDFN_SECRET are not set, so cloud calls will "
                "fail. Fix: set them (and CLOUDFN_BASE_URL for an emulator), or pass --emulator",
                file=sys.stderr,
            )
        try:
            project = await Project.open(
                args.directory,
                emulator=emulator,
                runner_environ=runner_environ,
                load_timeout=args.load_timeout,
            )
        except ProjectError as exc:
            print(f"cloudfn serve: {exc}", file=sys.stderr)
            return 2
        stack.push_async_callback(project.close)
        options = ServeOptions(
            max_event_bytes=args.max_event_bytes,
            body_timeout=args.body_timeout,
            timeout=args.timeout,
            debug=args.debug,
            timers=not args.no_timers,
            tz=tz,
        )
        warn_if_exposed(
            "cloudfn serve",
            args.host,
            f"anyone who can reach the port can invoke {', '.join(project.functions)} with any event and choose "
            "its WX context (OPENID, APPID, UNIONID...) through x-wx-* headers; only the Cloud Run "
            "gateway should be able to",
        )
        try:
            await serve_project(
                project,
                host=args.host,
                port=args.port,
                options=options,
                announce=lambda line: print(line, flush=True),
            )
        except CronError as exc:
            print(f"cloudfn serve: {args.directory}: triggers: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(
                f"cloudfn serve: cannot listen on {args.host}:{args.port} ({exc.strerror}). "
                "Fix: pick another --port",
                file=sys.stderr,
            )
            return 2
    return 0


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from ..runtime.threads import exit_leaving_stuck_threads

    return exit_leaving_stuck_threads(asyncio.run(_serve(args)))
