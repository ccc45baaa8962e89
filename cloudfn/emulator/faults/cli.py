"""``cloudfn emulator --fault API:KIND[=VALUE][,times=N][,after=N][,probability=P]``."""

from __future__ import annotations

from typing import Any

from .rules import FaultRule, FaultSpecError

CLI_SYNTAX = "API:KIND[=VALUE][,times=N][,after=N][,probability=P]"


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


__all__ = ["CLI_SYNTAX", "parse_fault"]
