"""Seeded fuzzing of the emulator over HTTP: no request may be answered >= 500, none may poison the next.

Each request is drawn from a ``random.Random(seed)``: a random method; a path
among every spec path (the WeChat HTTPS channel and the Cloud Run channel),
the token endpoints, ``/admin``, every control route and junk; query junk
(valid and invalid access tokens, ``since=abc``, unicode, repeats); a body
that is valid for the API, or garbage, huge (up to ~1 MB), deep (up to 5,000
levels), unicode, lone surrogates, NaN/Infinity, invalid UTF-8, multipart
with good and bad boundaries, protobuf for ``/admin`` with hostile pairs;
content types and charsets good and bogus; a foreign Origin now and then.

After the run it checks that the emulator still answers a fixed sequence of
probes (a token, an API call, the request log, the state) with 200, so a
request that poisoned the state is caught too.

Usage: python bench/fuzz_emulator.py --requests 20000 --seed 1 [--url http://127.0.0.1:8080]
Without --url it starts an emulator in-process on a loopback port. Prints the
count of answers by status, the paths that answered >= 500 (with a sample
request each) and exits 1 if any did.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from cloudfn.api.registry import default_registry  # noqa: E402
from cloudfn.proto import CommApiData  # noqa: E402

METHODS = ["GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
CONTROL_PATHS = [
    "/__emulator__/requests",
    "/__emulator__/state",
    "/__emulator__/reset",
    "/__emulator__/clock",
    "/__emulator__/tokens/expire",
    "/__emulator__/tokens/invalidate",
    "/__emulator__/faults",
    "/__emulator__/cloudrun/whitelist",
    "/__emulator__/cloudrun/token",
    "/__emulator__/functions",
    "/__emulator__/nothing",
]
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=bogus",
    "application/json; charset=latin-1",
    "application/json; charset=utf-16",
    "application/json; charset=",
    'application/json; charset="utf-8"; boundary=x',
    "text/plain",
    "text/plain; charset=bogus",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=zzz",
    "application/octet-stream",
    "image/png",
    ";;;",
    "",
]
WEIRD_STRINGS = [
    "",
    " ",
    "\x00",
    "😀" * 10,
    "中文",
    "\u202e",
    "a" * 5000,
    "../../etc/passwd",
    "%00",
    "null",
    "NaN",
    "-1",
    "1e999",
    "\\ud800",
]


@dataclass
class Context:
    """What the fuzzer knows of the emulator: a valid token, the seed app, the API paths."""

    appid: str
    secret: str
    token: str
    api_paths: list[tuple[str, str, dict[str, Any]]]  # (name, path, example body)
    scratch: Path
    sent: Counter[str] = field(default_factory=Counter)


@dataclass
class FuzzRequest:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes | None

    def describe(self) -> str:
        body = (self.body or b"")[:120]
        return f"{self.method} {self.path} query={self.query[:4]} headers={self.headers} body={body!r}"


def deep_json(rng: random.Random, depth: int) -> str:
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    return opener * depth + rng.choice(["1", '"x"', "null", "{}", "[]"]) + closer * depth


def random_json_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(10 if depth < 4 else 6)
    if kind == 0:
        return rng.choice(WEIRD_STRINGS)
    if kind == 1:
        return rng.choice([0, -1, 1, 2**31, 2**63, -(2**64), 10**30, 1.5, -0.0, 1e308])
    if kind == 2:
        return rng.choice([True, False, None])
    if kind == 3:
        return "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(1, 40)))
    if kind in (4, 5):
        return rng.choice(["oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw", "bind", "unbind", "wrong", "SF", "123", "1,2"])
    if kind in (6, 7):
        return [random_json_value(rng, depth + 1) for _ in range(rng.randrange(0, 4))]
    return {
        rng.choice(["a", "openid", "update_type", "secret", "x", "appid", ""]): random_json_value(
            rng, depth + 1
        )
        for _ in range(rng.randrange(0, 4))
    }


def json_text_body(rng: random.Random, example: dict[str, Any]) -> bytes:
    """A JSON (or almost JSON) text: the API's example, mutated, or something hostile."""
    kind = rng.randrange(16)
    if kind <= 3:
        body = dict(example)
        for _ in range(rng.randrange(0, 3)):
            key = rng.choice([*body.keys(), "extra", "secret", "appid"]) if body else "x"
            body[key] = random_json_value(rng)
        return json.dumps(body, ensure_ascii=rng.random() < 0.5).encode()
    if kind == 4:
        return deep_json(rng, rng.choice([50, 200, 999, 1001, 3000, 5000])).encode()
    if kind == 5:
        return b'{"a": NaN, "b": Infinity, "c": -Infinity, "advance": NaN, "value": Infinity}'
    if kind == 6:
        return rng.choice(
            [b'{"x": "\\ud800"}', b'{"\\udfff": 1}', b'["\\ud800\\ud800"]', b'{"s": "\\u0000"}']
        )
    if kind == 7:
        return b"\xff\xfe\x00garbage" + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
    if kind == 8:
        return json.dumps({"pad": "x" * rng.choice([1000, 100_000, 900_000, 1_100_000])}).encode()
    if kind == 9:
        return rng.choice([b"", b" ", b"null", b"[]", b"1", b'"s"', b"true", b"{", b"}", b"{}" * 3])
    if kind == 10:
        return json.dumps(random_json_value(rng)).encode()
    if kind == 11:
        return json.dumps({"since": "abc", "advance": rng.choice([-1, "1", None, 1e308, [1]])}).encode()
    if kind == 12:
        return json.dumps(
            {
                "grant_type": "client_credential",
                "appid": rng.choice(["wx", ["x"], {"a": 1}, 5, None, "中"]),
                "secret": rng.choice(["s", 5, ["x"], "é", None, "\u0000"]),
                "force_refresh": rng.choice([1, "x"]),
            }
        ).encode()
    if kind == 13:
        return ("{" + ",".join(f'"k{i}": {i}' for i in range(rng.randrange(1, 5000))) + "}").encode()
    if kind == 14:
        return json.dumps({"token": rng.choice(["wrong", "é", "\u0000", 5, ["x"]]), "openid": "o"}).encode(
            "utf-8"
        )
    return json.dumps(example).encode("utf-16" if rng.random() < 0.5 else "latin-1", errors="replace")


def multipart_body(rng: random.Random, ctx: Context) -> tuple[bytes, str]:
    """A multipart form for /admin: sometimes a good CommApiData, sometimes anything but."""
    boundary = rng.choice(["b0undary", "x" * 70, "", "a b", "é"])
    name, _, example = rng.choice(ctx.api_paths)
    data = CommApiData(apiType=rng.choice([0, 0, 0, 1, 2]))
    pairs = dict(example)
    kind = rng.randrange(6)
    if kind == 0:
        pairs["deep"] = json.loads(deep_json(rng, 200))
    for key, value in pairs.items():
        pair = data.openapiData.pairs.add()
        pair.key = key
        pair.value = json.dumps(value).encode()
    if kind == 1:
        pair = data.openapiData.pairs.add()
        pair.key = "deep"
        pair.value = deep_json(rng, rng.choice([999, 1000, 3000])).encode()
    if kind == 2:
        pair = data.openapiData.pairs.add()
        pair.key = "bad"
        pair.value = rng.choice([b"NaN", b'"\\ud800"', b"\xff", b"{"])
    fields = {
        "action": rng.choice(["wx.openApi", "wx.openApi", "nope", "", "database.queryDocument"]).encode(),
        "apiName": rng.choice([name, name, "x.y", "", "中"]).encode(),
        "requestData": data.SerializeToString() if rng.random() < 0.8 else b"\xff\x00garbage",
    }
    parts = []
    for key, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode() + value + b"\r\n"
        )
    body = b"".join(parts) + (f"--{boundary}--\r\n".encode() if rng.random() < 0.9 else b"")
    content_type = rng.choice(
        [
            f"multipart/form-data; boundary={boundary}",
            "multipart/form-data",
            "multipart/form-data; boundary=other",
        ]
    )
    return body, content_type


def query_junk(rng: random.Random, ctx: Context) -> list[tuple[str, str]]:
    query: list[tuple[str, str]] = []
    if rng.random() < 0.7:
        query.append(("access_token", ctx.token if rng.random() < 0.8 else rng.choice(WEIRD_STRINGS)))
    for _ in range(rng.randrange(0, 3)):
        key = rng.choice(
            ["since", "appid", "secret", "grant_type", "env", "seqId", "x", "中", "access_token"]
        )
        value = rng.choice([*WEIRD_STRINGS, "abc", "-5", "99999999999999999999", ctx.appid, ctx.secret])
        query.append((key, value))
    return query


def control_body(rng: random.Random, ctx: Context, path: str) -> bytes:
    kind = rng.randrange(8)
    if kind == 0:
        return json.dumps({"advance": rng.choice([1, 0, -1, 1e308, "1", None])}).encode()
    if kind == 1:
        return b'{"advance": NaN}' if rng.random() < 0.5 else b'{"advance": Infinity}'
    if kind == 2:
        fault = {
            "api": rng.choice(["logistics.getPrinter", "*", "", 5]),
            "kind": rng.choice(["errcode", "latency", "http", "drop", "bogus"]),
            "value": rng.choice([40001, 0.01, 500, "x", None]),
            "times": rng.choice([1, 0, -1, "x"]),
        }
        return json.dumps(fault).encode()
    if kind == 3:
        return rng.choice([b'{"value": Infinity, "kind": "latency", "api": "*"}', b'{"value": NaN}'])
    if kind == 4:
        target = rng.choice(
            [
                str(ctx.scratch / f"tok{rng.randrange(100)}"),
                str(ctx.scratch),
                str(ctx.scratch / "sub" / "dir" / "tok"),
                5,
                ["x"],
                "",
            ]
        )
        return json.dumps({"path": target, "appid": rng.choice([ctx.appid, None, "wxnope", 5])}).encode()
    if kind == 5:
        return json.dumps({"apis": rng.choice([["logistics.getPrinter"], None, "x", [1], {}])}).encode()
    if kind == 6:
        return json.dumps(
            {
                "name": rng.choice(["f", "", 5]),
                "permissions": rng.choice([["x"], "x", None]),
                "appid": rng.choice([None, ctx.appid, ["x"], "wxnope"]),
            }
        ).encode()
    return json_text_body(rng, {})


def generate(rng: random.Random, ctx: Context) -> FuzzRequest:
    method = rng.choice(METHODS)
    target = rng.randrange(20)
    headers: dict[str, str] = {}
    if target <= 8:
        _name, path, example = rng.choice(ctx.api_paths)
        if target <= 2:
            path = "/__cloudrun__" + path
        body: bytes | None = json_text_body(rng, example)
    elif target <= 10:
        path = rng.choice(["/cgi-bin/token", "/cgi-bin/stable_token"])
        body = json_text_body(
            rng, {"grant_type": "client_credential", "appid": ctx.appid, "secret": ctx.secret}
        )
    elif target <= 13:
        path = "/admin"
        body, headers["Content-Type"] = multipart_body(rng, ctx)
        method = "POST" if rng.random() < 0.9 else method
    elif target <= 18:
        path = rng.choice(CONTROL_PATHS)
        if path == "/__emulator__/reset" and rng.random() < 0.8:
            path = "/__emulator__/state"  # resets are rare, so state builds up between them
        body = control_body(rng, ctx, path)
    else:
        path = rng.choice(["/", "/cgi-bin/", "/%ff", "/admin/x", "/__cloudrun__/", "/中文", "/" + "a" * 3000])
        body = json_text_body(rng, {})
    if "Content-Type" not in headers:
        headers["Content-Type"] = rng.choice(CONTENT_TYPES)
    if rng.random() < 0.15:
        headers["Origin"] = rng.choice(["https://evil.example", "http://127.0.0.1:3000", "null"])
    if rng.random() < 0.1:
        headers["Authorization"] = rng.choice(["TC3-HMAC-SHA256 Credential=AKIDnope/x", "junk", ""])
    if rng.random() < 0.1:
        body = None
    if method in ("GET", "HEAD") and rng.random() < 0.7:
        body = None
    return FuzzRequest(method, path, query_junk(rng, ctx), headers, body)


def requests_for(seed: int, count: int, ctx: Context) -> Iterator[FuzzRequest]:
    rng = random.Random(seed)
    for _ in range(count):
        yield generate(rng, ctx)


async def fetch_token(session: aiohttp.ClientSession, base_url: str, appid: str, secret: str) -> str:
    async with session.post(
        f"{base_url}/cgi-bin/stable_token",
        json={"grant_type": "client_credential", "appid": appid, "secret": secret},
    ) as response:
        return str((await response.json())["access_token"])


def api_examples() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for spec in default_registry():
        example = spec.request_schema.get("x-example")
        if not isinstance(example, dict):
            example = {
                key: prop.get("x-example", "x")
                for key, prop in spec.request_schema.get("properties", {}).items()
                if isinstance(prop, dict)
            }
        out.append((spec.name, spec.path, example))
    return out


@dataclass
class FuzzReport:
    statuses: Counter[int]
    failures: dict[str, tuple[int, str]]  # path -> (status, a request that got it)
    errors: Counter[str]
    probes_ok: bool
    probe_detail: str
    seconds: float

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def probe(session: aiohttp.ClientSession, base_url: str, ctx: Context) -> tuple[bool, str]:
    """Requests any healthy emulator answers with 200: nothing the fuzz sent may have broken them."""
    try:
        token = await fetch_token(session, base_url, ctx.appid, ctx.secret)
    except (aiohttp.ClientError, KeyError, ValueError) as exc:
        return False, f"no token after the run: {type(exc).__name__}: {str(exc)[:200]}"
    checks = [
        ("GET", "/__emulator__/state", None),
        ("GET", "/__emulator__/requests?since=0", None),
        ("POST", f"/cgi-bin/express/business/delivery/getall?access_token={token}", {}),
        (
            "POST",
            "/cgi-bin/stable_token",
            {"grant_type": "client_credential", "appid": ctx.appid, "secret": ctx.secret},
        ),
    ]
    for method, path, body in checks:
        async with session.request(
            method, base_url + path, json=body, headers={"Content-Type": "application/json"}
        ) as response:
            text = await response.text(errors="replace")
            if response.status != 200:
                return False, f"{method} {path} -> {response.status} {text[:200]}"
            try:
                json.loads(text, parse_constant=_not_json)
            except ValueError as exc:
                return False, f"{method} {path} -> not strict JSON ({exc}): {text[:200]}"
    return True, "ok"


async def fuzz(
    base_url: str, count: int, seed: int, *, appid: str, secret: str, concurrency: int = 8
) -> FuzzReport:
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    failures: dict[str, tuple[int, str]] = {}
    started = time.perf_counter()
    timeout = aiohttp.ClientTimeout(total=60)
    with tempfile.TemporaryDirectory(prefix="cloudfn-fuzz-") as scratch:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            token = await fetch_token(session, base_url, appid, secret)
            ctx = Context(appid, secret, token, api_examples(), Path(scratch))
            queue: asyncio.Queue[FuzzRequest | None] = asyncio.Queue(maxsize=concurrency * 2)

            async def worker() -> None:
                while (item := await queue.get()) is not None:
                    try:
                        async with session.request(
                            item.method,
                            base_url + item.path,
                            params=item.query,
                            data=item.body,
                            headers=item.headers,
                            skip_auto_headers=["Content-Type"],
                        ) as response:
                            await response.read()
                            statuses[response.status] += 1
                            if response.status >= 500:
                                key = item.path.split("?")[0][:80]
                                failures.setdefault(key, (response.status, item.describe()))
                    except aiohttp.ClientResponseError as exc:
                        # An answer the client could not parse (e.g. aiohttp's own 400 for a request
                        # line too long, answered with a body to HEAD): counted by its status.
                        statuses[exc.status] += 1
                        if exc.status >= 500 or exc.status == 0:
                            failures.setdefault(item.path.split("?")[0][:80], (exc.status, item.describe()))
                    except (aiohttp.ClientError, TimeoutError) as exc:
                        errors[type(exc).__name__] += 1
                        failures.setdefault(f"{item.path[:80]} (no answer)", (0, item.describe()))

            workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
            for item in requests_for(seed, count, ctx):
                await queue.put(item)
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)
            ok, detail = await probe(session, base_url, ctx)
    return FuzzReport(statuses, failures, errors, ok, detail, time.perf_counter() - started)


async def run_embedded(count: int, seed: int, concurrency: int) -> FuzzReport:
    import logging

    from cloudfn.emulator.server import run_emulator

    # The answers are counted by status; aiohttp's traceback per 500 would only bury the summary.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    async with run_emulator() as emulator:
        return await fuzz(
            emulator.base_url,
            count,
            seed,
            appid=emulator.appid,
            secret=emulator.secret,
            concurrency=concurrency,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--url", help="a running emulator (default: start one in-process)")
    parser.add_argument("--appid", help="its AppID (with --url)")
    parser.add_argument("--secret", help="its AppSecret (with --url)")
    args = parser.parse_args()
    if args.url:
        report = asyncio.run(
            fuzz(
                args.url.rstrip("/"),
                args.requests,
                args.seed,
                appid=args.appid,
                secret=args.secret,
                concurrency=args.concurrency,
            )
        )
    else:
        report = asyncio.run(run_embedded(args.requests, args.seed, args.concurrency))
    print(f"{args.requests} requests, seed {args.seed}, {report.seconds:.1f} s")
    print("answers by status: " + ", ".join(f"{s}: {n}" for s, n in sorted(report.statuses.items())))
    if report.errors:
        print("no answer: " + ", ".join(f"{k}: {n}" for k, n in report.errors.items()))
    print(f">= 500: {report.server_errors}")
    for path, (status, sample) in sorted(report.failures.items()):
        print(f"  {status} {path}\n      e.g. {sample[:400]}")
    print(f"probes after the run: {report.probe_detail}")
    return 0 if report.server_errors == 0 and not report.errors and report.probes_ok else 1


if __name__ == "__main__":
    sys.exit(main())
