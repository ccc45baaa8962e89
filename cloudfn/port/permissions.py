"""config.json carried over: its ``permissions.openapi`` checked against the calls the code makes.

The file is copied unchanged (the port must be refused where the original is),
and each mistake is reported with its exact fix: an ``openapi.`` prefix, a
wrong case, a call the list lacks, an entry no call uses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def permission_problems(
    config: dict[str, Any] | None, apis: set[str], where: str = "config.json"
) -> list[str]:
    """Human-readable problems, each with its fix; empty when the list matches the calls."""
    problems: list[str] = []
    if config is None:
        if apis:
            listed = ", ".join(f'"{api}"' for api in sorted(apis))
            problems.append(
                f"{where}: missing, so the platform refuses every cloud call ({', '.join(sorted(apis))}: -604101). "
                f'Fix: add config.json with {{"permissions": {{"openapi": [{listed}]}}}}'
            )
        return problems
    permissions = config.get("permissions", {})
    listed = permissions.get("openapi", []) if isinstance(permissions, dict) else []
    if not isinstance(listed, list):
        return [f'{where}: permissions.openapi must be a list of API names like ["subscribeMessage.send"]']
    by_folded = {api.lower(): api for api in apis}
    covered: set[str] = set()
    for entry in listed:
        if not isinstance(entry, str):
            problems.append(f"{where}: permissions.openapi: {entry!r} is not a string. Fix: remove it")
            continue
        if entry in apis:
            covered.add(entry)
            continue
        fixed = entry[len("openapi.") :] if entry.startswith("openapi.") else entry
        match = by_folded.get(fixed.lower())
        if match is not None:
            covered.add(match)
            if entry.startswith("openapi."):
                reason = "has the `openapi.` prefix the platform does not use"
            else:
                reason = "has the wrong case (names are case-sensitive)"
            problems.append(
                f'{where}: permissions.openapi: "{entry}" {reason}, so {match} calls are refused (-604101). '
                f'Fix: write "{match}"'
            )
        elif entry.startswith("openapi."):
            problems.append(
                f'{where}: permissions.openapi: "{entry}" has the `openapi.` prefix the platform does not use. '
                f'Fix: write "{fixed}"'
            )
        else:
            problems.append(
                f'{where}: permissions.openapi: "{entry}" is not called by index.js (harmless; remove it if unused)'
            )
    for api in sorted(apis - covered):
        problems.append(
            f"{where}: permissions.openapi does not list {api}, which index.js calls: the platform refuses it (-604101). "
            f'Fix: add "{api}"'
        )
    return problems


def read_config(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    loaded = json.loads(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else None
