"""Naming a place in a JSON document the way error messages do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def field_path(path: Sequence[Any]) -> str:
    """``["cargo", "detail_list", 0, "name"]`` -> ``cargo.detail_list[0].name``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(body)"
