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

This module is the rule model (plain Python); :mod:`.cli` reads the
``--fault`` form, :mod:`.middleware` applies the rules to the API channels and
:mod:`.control` serves ``/__emulator__/faults``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
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
        if not self.api or not isinstance(self.api, str):
            raise FaultSpecError("api: missing. Fix: an API name (logistics.updatePrinter), a path, or *")
        if self.value is None:
            self.value = DEFAULT_VALUES[self.kind]
        if self.kind == "http" and not (isinstance(self.value, int | float) and 500 <= self.value <= 599):
            raise FaultSpecError(f"value: http faults take a 5xx status, got {self.value!r}. Fix: http=502")
        if self.kind == "errcode" and not (
            isinstance(self.value, int | float) and -(2**31) <= self.value < 2**31 and int(self.value) != 0
        ):
            raise FaultSpecError(
                f"value: errcode faults take a non-zero 32-bit errcode, got {self.value!r}. Fix: errcode=-1"
            )
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


__all__ = ["KINDS", "FaultPlan", "FaultRule", "FaultSpecError"]
