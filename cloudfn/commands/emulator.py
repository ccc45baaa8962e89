"""``cloudfn emulator``: serve the WeChat API emulator."""

from __future__ import annotations

import argparse

from ..emulator.state import DEFAULT_APPID, DEFAULT_SECRET, SEED_OPENID, TOKEN_TTL_S, AppSeed


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
    from ..emulator.server import serve

    serve(parse_seeds(args.app, args.user), host=args.host, port=args.port, token_ttl=args.token_ttl)
    return 0
