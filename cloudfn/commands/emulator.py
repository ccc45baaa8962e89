"""``cloudfn emulator``: serve the WeChat API emulator."""

from __future__ import annotations

import argparse
import os
import secrets

from ..emulator.data_folder import DEFAULT_ENV, DataFolderError, keep_database, load_kept_database
from ..emulator.faults.cli import CLI_SYNTAX, parse_fault
from ..emulator.faults.rules import FaultPlan, FaultSpecError
from ..emulator.state import (
    DEFAULT_APPID,
    DEFAULT_SECRET,
    REQUEST_LOG_SIZE,
    SEED_OPENID,
    TOKEN_TTL_S,
    AppSeed,
    EmulatorState,
)
from ..listen import is_loopback
from .exposure import warn_if_exposed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    parser.add_argument(
        "--app",
        action="append",
        default=[],
        metavar="APPID:SECRET",
        help=f"an app the emulator knows (repeatable; default {DEFAULT_APPID}:{DEFAULT_SECRET})",
    )
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="[APPID:]OPENID",
        help=f"a known user openid, for every app or for one (repeatable; default {SEED_OPENID})",
    )
    parser.add_argument(
        "--token-ttl", type=float, default=TOKEN_TTL_S, help="access token lifetime in seconds (default 7200)"
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="RULE",
        help=(
            f"inject a fault (repeatable): {CLI_SYNTAX}; KIND is errcode (default -1; 45009, 45011...), "
            "http (500/502), reset, latency (seconds), expire_token or invalidate_token; API is an API "
            "name, token, stable_token, a path or *. E.g. logistics.updatePrinter:errcode=-1,times=2 or "
            "'*:http=502,probability=0.1'. Also settable at runtime: POST /__emulator__/faults"
        ),
    )
    parser.add_argument(
        "--fault-seed", type=int, default=0, help="seed for probabilistic faults (same seed, same faults)"
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
        "--control-token",
        metavar="TOKEN",
        help=(
            "require 'Authorization: Bearer TOKEN' on the control API (/__emulator__/...); one is "
            "generated and printed when --host is not a loopback address"
        ),
    )
    parser.add_argument(
        "--data-dir",
        "--data",
        dest="data_dir",
        metavar="DIR",
        help=(
            "the emulator's own directory: cloud storage is kept there on disk (DIR/storage/<env>/<path>) "
            "and the database is written there at exit and read back at start "
            "(DIR/database/<env>/<collection>.jsonl), so both last across restarts; it is also the only "
            "directory the control API writes files in (default: both in memory, control files in a "
            "temporary directory removed at exit)"
        ),
    )
    parser.add_argument(
        "--import",
        dest="import_dir",
        metavar="DIR",
        help=(
            "start from a data folder (database/<collection>.jsonl, storage/<cloud path>, emulator.json; "
            "see docs/data.md), in the environment --env; every reset goes back to it"
        ),
    )
    parser.add_argument(
        "--export-on-exit",
        nargs="?",
        const="",
        default=None,
        metavar="DIR",
        help="at exit, write the database and storage as a data folder to DIR (default: the --import DIR)",
    )
    parser.add_argument(
        "--env",
        default=DEFAULT_ENV,
        help=f"the environment --import loads into and --export-on-exit writes (default {DEFAULT_ENV})",
    )
    parser.add_argument(
        "--request-log-size",
        type=int,
        default=REQUEST_LOG_SIZE,
        metavar="N",
        help=f"answered requests kept in the request log, newest first out last (default {REQUEST_LOG_SIZE})",
    )
    parser.add_argument(
        "--cloudrun-whitelist",
        default=None,
        metavar="API[,API...]",
        help=(
            "APIs the Cloud Run open-API channel (/__cloudrun__/...) may call; others answer 85107 "
            "(default: all)"
        ),
    )


def parse_seeds(apps: list[str], users: list[str]) -> list[AppSeed]:
    """``--app``/``--user`` values to app seeds; raises SystemExit with the fix on bad input."""
    pairs: list[tuple[str, str]] = []
    for value in apps or [f"{DEFAULT_APPID}:{DEFAULT_SECRET}"]:
        appid, sep, secret = value.partition(":")
        if not sep or not appid or not secret:
            raise SystemExit(
                f"--app {value!r}: expected APPID:SECRET, e.g. --app wx0123456789abcdef:mysecret"
            )
        pairs.append((appid, secret))
    known = {appid for appid, _ in pairs}
    common: list[str] = []
    per_app: dict[str, list[str]] = {}
    for value in users or [SEED_OPENID]:
        appid, sep, openid = value.rpartition(":")
        if sep and appid not in known:
            raise SystemExit(
                f"--user {value!r}: app {appid} is not given with --app; add --app {appid}:SECRET"
            )
        if not openid:
            raise SystemExit(f"--user {value!r}: expected OPENID or APPID:OPENID")
        (per_app.setdefault(appid, []) if sep else common).append(openid)
    return [AppSeed(a, s, tuple(common + per_app.get(a, []))) for a, s in pairs]


def run(args: argparse.Namespace) -> int:
    from ..api.registry import registry_with, user_spec_dirs
    from ..emulator.server import serve
    from ..errors import ConfigError

    try:
        registry = registry_with([*user_spec_dirs(os.environ), *args.specs])
    except ConfigError as exc:
        raise SystemExit(f"--specs: {exc}") from None
    seeds = parse_seeds(args.app, args.user)
    try:
        rules = [parse_fault(text) for text in args.fault]
    except FaultSpecError as exc:
        raise SystemExit(str(exc)) from None
    whitelist = (
        None
        if args.cloudrun_whitelist is None
        else [a.strip() for a in args.cloudrun_whitelist.split(",") if a.strip()]
    )
    if args.request_log_size < 1:
        raise SystemExit("--request-log-size: must be at least 1, e.g. --request-log-size 10000")
    control_token = args.control_token
    if control_token is None and not is_loopback(args.host):
        control_token = secrets.token_urlsafe(24)
        print(
            f"cloudfn emulator: control token (generated): {control_token}\n"
            f"  send 'Authorization: Bearer {control_token}' with every /__emulator__/ request",
            flush=True,
        )
    warn_if_exposed(
        "cloudfn emulator",
        args.host,
        "anyone who can reach the port can call the emulated WeChat APIs and /admin with the seeded "
        "AppIDs and AppSecrets (--app, or the documented defaults), and read and change the emulator's state; the "
        "control API (/__emulator__/) needs the control token",
    )
    state = EmulatorState(
        seeds,
        token_ttl=args.token_ttl,
        faults=FaultPlan(rules, seed=args.fault_seed),
        cloudrun_whitelist=whitelist,
        request_log_size=args.request_log_size,
        control_token=control_token,
        data_dir=args.data_dir,
    )
    export_to = args.export_on_exit or args.import_dir if args.export_on_exit is not None else None
    if args.export_on_exit == "" and args.import_dir is None:
        raise SystemExit(
            "--export-on-exit: no folder given and no --import DIR to default to. "
            "Fix: --export-on-exit DIR, e.g. --export-on-exit saved/"
        )
    if args.data_dir is not None:
        try:
            kept = load_kept_database(state, args.data_dir)
        except DataFolderError as exc:
            raise SystemExit(f"cloudfn emulator: --data {args.data_dir}: {exc}") from None
        if kept:
            print(f"cloudfn emulator: {kept} documents kept from {args.data_dir}", flush=True)
    if args.import_dir is not None:
        try:
            snapshot = state.import_data(args.import_dir, args.env)
        except DataFolderError as exc:
            raise SystemExit(f"cloudfn emulator: --import {args.import_dir}: {exc}") from None
        print(
            f"cloudfn emulator: imported {snapshot.documents} documents and {len(snapshot.files)} files "
            f"into env {args.env}",
            flush=True,
        )
    try:
        serve(seeds, host=args.host, port=args.port, token_ttl=args.token_ttl, state=state, registry=registry)
    finally:
        if args.data_dir is not None:
            keep_database(state, args.data_dir)
        if export_to is not None:
            counts = state.export_data(export_to, args.env)
            print(
                f"cloudfn emulator: exported {counts['documents']} documents and {counts['files']} files "
                f"to {export_to}",
                flush=True,
            )
    return 0
