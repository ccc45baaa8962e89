"""The event fields a function reads, and an ``events.jsonl`` skeleton made from them.

Recorded while translating: ``event.x``, ``event['x']``, ``const {x} = event``,
nested reads (``event.form.name``), what each is compared with
(``event.action === 'list'``) and how it is used (``.length``, ``.map``, a
number). A field compared with literals (an ``action``, tcb-router's
``$url``) gives one event per value, so every branch gets a line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class EventField:
    values: list[Any] = field(default_factory=list)
    hint: str | None = None  # "str" | "num" | "bool" | "list" | "dict"
    children: dict[str, EventField] = field(default_factory=dict)

    def child(self, name: str) -> EventField:
        return self.children.setdefault(name, EventField())

    def add_value(self, value: Any) -> None:
        if value not in self.values:
            self.values.append(value)

    def placeholder(self, name: str) -> Any:
        if self.children:
            return {key: sub.placeholder(key) for key, sub in self.children.items()}
        if self.values:
            return self.values[0]
        return {"num": 1, "bool": True, "list": [], "dict": {}}.get(self.hint or "", f"<{name}>")


@dataclass
class EventFields:
    root: EventField = field(default_factory=EventField)

    def read(self, path: list[str]) -> EventField:
        node = self.root
        for name in path:
            node = node.child(name)
        return node

    @property
    def names(self) -> list[str]:
        return list(self.root.children)

    def skeleton(self) -> list[dict[str, Any]]:
        """Lines for events.jsonl: one per literal a field is compared with, then an empty event."""
        fields = self.root.children
        full = {name: f.placeholder(name) for name, f in fields.items()}
        lines: list[dict[str, Any]] = []
        branching = [(name, f) for name, f in fields.items() if len(f.values) > 0 and not f.children]
        if branching:
            name, chooser = max(branching, key=lambda item: len(item[1].values))
            for value in chooser.values:
                lines.append({"name": f"{name} = {value}", "event": {**full, name: value}})
        elif full:
            lines.append({"name": "every field the code reads", "event": full})
        lines.append({"name": "empty event", "event": {}})
        return lines

    def render(self) -> str:
        return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in self.skeleton())
