"""The events file of ``cloudfn parity``: one JSON object per line.

``{"name": "bind", "event": {...}, "wxContext": {"OPENID": "..."}, "setup": [...]}``:
``event`` is what ``main`` receives (required); ``name`` labels the row;
``wxContext`` is what ``getWXContext()`` returns (``OPENID``, ``APPID``, ...);
``setup`` lists API calls applied to the emulator after its reset and before
the event (``{"api": "logistics.updatePrinter", "body": {wire body}}``), so an
event can start from a state other than the seed's; ``database`` seeds the
function's database before the event (``{"<collection>": [document, ...]}``,
documents in MongoDB extended JSON such as ``{"$date": "2026-11-01T08:00:00.000Z"}``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .node import ParityError

_KNOWN_KEYS = {"name", "event", "wxContext", "setup", "database"}


@dataclass(frozen=True)
class SetupCall:
    api: str
    body: dict[str, Any]


@dataclass(frozen=True)
class EventCase:
    line: int
    name: str
    event: Any
    wx_context: dict[str, Any]
    setup: tuple[SetupCall, ...] = ()
    # collection -> documents (extended JSON objects), loaded before the event
    database: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _fail(where: str, problem: str) -> ParityError:
    example = '{"name": "bind", "event": {"updateType": "bind"}}'
    return ParityError(f"{where}: {problem}. Fix: write one JSON object per line, e.g. {example}")


def _setup(where: str, value: Any) -> tuple[SetupCall, ...]:
    if not isinstance(value, list):
        raise _fail(where, 'setup must be a list of {"api": ..., "body": {...}}')
    calls = []
    for i, item in enumerate(value):
        if not (
            isinstance(item, dict)
            and isinstance(item.get("api"), str)
            and isinstance(item.get("body", {}), dict)
        ):
            raise _fail(where, f'setup[{i}] must be {{"api": "<namespace>.<method>", "body": {{...}}}}')
        calls.append(SetupCall(item["api"], dict(item.get("body", {}))))
    return tuple(calls)


def _database(where: str, value: Any) -> dict[str, list[dict[str, Any]]]:
    example = '{"messages": [{"_id": "m1", "text": "hi"}]}'
    if not isinstance(value, dict):
        raise _fail(where, f"database must be an object of collection -> documents, e.g. {example}")
    for name, documents in value.items():
        if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
            raise _fail(where, f"database.{name} must be a list of documents (objects), e.g. {example}")
    return value


def load_events(path: str | Path) -> list[EventCase]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParityError(f"{path}: no such file. Fix: pass --events with a .jsonl file of events") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ParityError(f"{path}: cannot be read ({exc}). Fix: make it a UTF-8 text file") from None
    cases: list[EventCase] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            document = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _fail(where, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(document, dict):
            raise _fail(where, f"must be a JSON object, got {type(document).__name__}")
        if "event" not in document:
            raise _fail(where, 'has no "event" (the object main(event, context) receives)')
        unknown = sorted(set(document) - _KNOWN_KEYS)
        if unknown:
            raise _fail(
                where, f"unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_KNOWN_KEYS))})"
            )
        wx_context = document.get("wxContext", {})
        if not isinstance(wx_context, dict):
            raise _fail(where, 'wxContext must be an object like {"OPENID": "o...", "APPID": "wx..."}')
        name = document.get("name", f"line {number}")
        cases.append(
            EventCase(
                number,
                str(name),
                document["event"],
                wx_context,
                _setup(where, document.get("setup", [])),
                _database(where, document.get("database", {})),
            )
        )
    if not cases:
        raise ParityError(f"{path}: no events. Fix: add one JSON object per line")
    return cases
