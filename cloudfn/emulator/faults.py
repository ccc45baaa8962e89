"""Fault injection: make the emulator fail the way real networks and servers do, on purpose.

A :class:`FaultPlan` holds rules. Each rule names an API (``logistics.updatePrinter``,
``stable_token``/``token`` for the token endpoints, a path, or ``*``), a kind,
and when it fires: scripted (skip ``after`` matching requests, then fire on
the next ``times``) and/or by ``probability`` drawn from a seeded RNG, so a
run with the same seed and the same requests fails the same way.

Kinds: ``errcode`` (answer ``{"errcode": N}``, default -1; 45009/45011 are the
quota errors), ``http`` (HTTP 500/502 with an HTML body, as a gateway
answers), ``reset`` (TCP reset before any answer), ``latency`` (wait N
seconds, then answer normally), ``expire_token`` / ``invalidate_token``
(end the calling app's tokens, then answer normally: 42001 / 40001).

Faults that answer instead of the API (errcode, http, reset) fire before the
handler runs, so the emulator's state never changes for a faulted request.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("errcode", "http", "reset", "latency", "expire_token", "invalidate_token")
DEFAULT_VALUES: dict[str, float | None] = {
    "errcode": -1,
    "http": 500,
    "reset": None,
    "latency": 1.0,
    "expire_token": None,
    "invalidate_token": None,
}
ERRMSGS = {
    -1: "system error",
    45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit mustslower retry next minute",
}
TOKEN_ENDPOINTS = {"/cgi-bin/token": "token", "/cgi-bin/stable_token": "stable_token"}
CONTROL = "/__emulator__/faults"
CLI_SYNTAX = "API:KIND[=VALUE][,times=N][,after=N][,probability=P]"


class FaultSpecError(ValueError):
    """A fault rule the emulator cannot apply; the message names the field and the fix."""


@dataclass
class FaultRule:
    api: str
    kind: str
    value: float | None = None
    times: int | None = None  # None: no limit
    after: int = 0
    probability: float = 1.0
    seen: int = 0
    fired: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise FaultSpecError(f"kind: {self.kind!r} is not a fault kind. Fix: one of {', '.join(KINDS)}")
        if not self.api:
            raise FaultSpecError("api: missing. Fix: an API name (logistics.updatePrinter), a path, or *")
        if self.value is None:
            self.value = DEFAULT_VALUES[self.kind]
        if self.kind == "http" and not (isinstance(self.value, int | float) and 500 <= self.value <= 599):
            raise FaultSpecError(f"value: http faults take a 5xx status, got {self.value!r}. Fix: http=502")
        if self.kind == "errcode" and not (isinstance(self.value, int | float) and int(self.value) != 0):
            raise FaultSpecError(f"value: errcode faults take a non-zero errcode, got {self.value!r}")
        if self.kind == "latency" and not (isinstance(self.value, int | float) and 0 <= self.value <= 600):
            raise FaultSpecError(
                f"value: latency is seconds in [0, 600], got {self.value!r}. Fix: latency=0.5"
            )
        if self.times is not None and (not isinstance(self.times, int) or self.times < 0):
            raise FaultSpecError(f"times: an integer >= 0, got {self.times!r}")
        if not isinstance(self.after, int) or self.after < 0:
            raise FaultSpecError(f"after: an integer >= 0, got {self.after!r}")
        if not isinstance(self.probability, int | float) or not 0 <= self.probability <= 1:
            raise FaultSpecError(f"probability: a number in [0, 1], got {self.probability!r}")

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> FaultRule:
        known = {"api", "kind", "value", "times", "after", "probability"}
        unknown = set(document) - known - {"seen", "fired"}  # counters, as snapshot() shows them
        if unknown:
            raise FaultSpecError(
                f"{sorted(unknown)[0]}: not a fault field. Fix: use only {', '.join(sorted(known))}"
            )
        return cls(**{k: document[k] for k in known if k in document})

    def matches(self, name: str | None, path: str) -> bool:
        return self.api in ("*", path) or (name is not None and self.api == name)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_fault(text: str) -> FaultRule:
    """The CLI form, e.g. ``logistics.updatePrinter:errcode=-1,times=2`` or ``*:http=502,probability=0.1``."""
    api, sep, rest = text.partition(":")
    if not sep or not rest:
        raise FaultSpecError(
            f"--fault {text!r}: expected {CLI_SYNTAX}, e.g. logistics.updatePrinter:errcode=-1"
        )
    head, *options = rest.split(",")
    kind, _, raw_value = head.partition("=")
    fields: dict[str, Any] = {"api": api, "kind": kind.strip()}
    try:
        if raw_value:
            fields["value"] = float(raw_value) if kind == "latency" else int(raw_value)
        for option in options:
            name, eq, raw = option.partition("=")
            name = name.strip()
            if not eq or name not in ("times", "after", "probability"):
                raise FaultSpecError(f"--fault {text!r}: {option!r} is not times=, after= or probability=")
            fields[name] = float(raw) if name == "probability" else int(raw)
    except ValueError:
        raise FaultSpecError(f"--fault {text!r}: a value is not a number; expected {CLI_SYNTAX}") from None
    return FaultRule(**fields)


class FaultPlan:
    """The rules in force; ``reset()`` goes back to the rules given at start (e.g. by the CLI)."""

    def __init__(self, rules: Iterable[FaultRule] = (), *, seed: int = 0) -> None:
        self._initial = [FaultRule(**{**r.to_dict(), "seen": 0, "fired": 0}) for r in rules]
        self._initial_seed = seed
        self.rules: list[FaultRule] = []
        self.seed = seed
        self.rng = random.Random(seed)
        self.reset()

    def reset(self) -> None:
        self.rules = [FaultRule(**r.to_dict()) for r in self._initial]
        self.reseed(self._initial_seed)

    def reseed(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)

    def add(self, rule: FaultRule) -> None:
        self.rules.append(rule)

    def inject(self, api: str, kind: str, value: float | None = None, **when: Any) -> FaultRule:
        """Add a rule in one line: ``inject("logistics.updatePrinter", "errcode", -1, times=2)``."""
        rule = FaultRule(api=api, kind=kind, value=value, **when)
        self.add(rule)
        return rule

    def clear(self) -> None:
        self.rules = []

    def pick(self, name: str | None, path: str) -> list[FaultRule]:
        """The rules that fire for this request: any latency rules, then at most one other."""
        fired: list[FaultRule] = []
        answered = False
        for rule in self.rules:
            if not rule.matches(name, path):
                continue
            rule.seen += 1
            if rule.seen <= rule.after or (rule.times is not None and rule.fired >= rule.times):
                continue
            if answered and rule.kind != "latency":
                continue
            # Draw only for probabilistic rules, so scripted rules leave the sequence alone.
            if rule.probability < 1 and self.rng.random() >= rule.probability:
                continue
            rule.fired += 1
            fired.append(rule)
            answered = answered or rule.kind != "latency"
        return fired

    def snapshot(self) -> dict[str, Any]:
        return {"seed": self.seed, "rules": [r.to_dict() for r in self.rules]}


Handler = Callable[[Any], Awaitable[Any]]


def install(app: Any, state_key: Any, names: Mapping[str, str]) -> None:
    """Add the fault middleware to the emulator app; ``names`` maps a path to its API name."""
    from aiohttp import web

    from .dispatch import error_answer

    def api_name(path: str) -> str | None:
        if path in TOKEN_ENDPOINTS:
            return TOKEN_ENDPOINTS[path]
        return names.get(path)

    def record(request: web.Request, rule: FaultRule, status: int, payload: dict[str, Any]) -> None:
        state = request.app[state_key]
        state.requests.append(
            {
                "seq": len(state.requests) + 1,
                "time": state.clock(),
                "method": request.method,
                "path": request.path,
                "query": {k: "***" if "token" in k or k == "secret" else v for k, v in request.query.items()},
                "api": api_name(request.path),
                "appid": None,
                "body": None,
                "status": status,
                "errcode": payload.get("errcode", 0),
                "response": payload,
                "fault": rule.kind,
            }
        )

    @web.middleware
    async def inject_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
        state = request.app[state_key]
        path = request.path
        if path.startswith("/__emulator__"):
            return await handler(request)  # type: ignore[no-any-return]
        for rule in state.faults.pick(api_name(path), path):
            if rule.kind == "latency":
                # The request arrives, then the server is slow: read the body first so
                # the handler still acts if the client gives up meanwhile (as a real
                # server would), which is why timeouts are never retried.
                await request.read()
                await asyncio.sleep(float(rule.value))
            elif rule.kind in ("expire_token", "invalidate_token"):
                # The caller's app when its token is known, else every app.
                presented = request.query.get("access_token") or request.query.get("cloudbase_access_token")
                token = state.tokens.get(presented or "")
                appid = token.appid if token is not None else None
                if rule.kind == "expire_token":
                    state.expire_tokens(appid)
                else:
                    state.invalidate_tokens(appid)
            elif rule.kind == "errcode":
                errcode = int(rule.value)
                payload = error_answer(errcode, ERRMSGS.get(errcode, "fault injected"))
                record(request, rule, 200, payload)
                return web.json_response(payload)
            elif rule.kind == "http":
                status = int(rule.value)
                record(request, rule, status, {})
                return web.Response(
                    status=status,
                    text=f"<html><body><h1>{status}</h1>injected by the cloudfn emulator</body></html>",
                    content_type="text/html",
                )
            elif rule.kind == "reset":
                record(request, rule, 0, {})
                _reset(request)
                raise asyncio.CancelledError  # nothing more to send on a reset connection
        return await handler(request)  # type: ignore[no-any-return]

    app.middlewares.append(inject_faults)

    async def view(request: web.Request) -> web.Response:
        return web.json_response(request.app[state_key].faults.snapshot())

    async def add(request: web.Request) -> web.Response:
        """``{"rules": [{"api": ..., "kind": ..., ...}], "seed": 7}``; either key may be omitted."""
        try:
            document = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="body must be a JSON object") from None
        if not isinstance(document, dict):
            raise web.HTTPBadRequest(text="body must be a JSON object")
        plan: FaultPlan = request.app[state_key].faults
        rules = document.get("rules", [])
        if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
            raise web.HTTPBadRequest(
                text='rules: a list of objects. Fix: {"rules": [{"api": "*", "kind": "errcode"}]}'
            )
        try:
            parsed = [FaultRule.from_dict(r) for r in rules]
        except (FaultSpecError, TypeError) as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        if "seed" in document:
            if not isinstance(document["seed"], int):
                raise web.HTTPBadRequest(text="seed: an integer")
            plan.reseed(document["seed"])
        for rule in parsed:
            plan.add(rule)
        return web.json_response(plan.snapshot())

    async def clear(request: web.Request) -> web.Response:
        request.app[state_key].faults.clear()
        return web.json_response({"ok": True})

    app.router.add_get(f"{CONTROL}", view)
    app.router.add_post(f"{CONTROL}", add)
    app.router.add_delete(f"{CONTROL}", clear)


def _reset(request: Any) -> None:
    """Close the connection with a TCP RST (SO_LINGER 0), as a crashed peer or middlebox does."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


__all__ = ["CLI_SYNTAX", "KINDS", "FaultPlan", "FaultRule", "FaultSpecError", "install", "parse_fault"]
