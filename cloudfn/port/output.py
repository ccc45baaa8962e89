"""The Python text: imports gathered while translating, then ``ruff format`` when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field

INDENT = "    "

# Import lines in the order a person (and isort) would write them: standard library, then cloudfn.
_STDLIB_ORDER = [
    "import asyncio",
    "import base64",
    "import json",
    "import math",
    "import os",
    "import random",
    "import re",
    "import sys",
    "import time",
    "from datetime import datetime, timezone",
    "from functools import cmp_to_key",
    "from functools import reduce",
    "from typing import Any",
]


@dataclass
class Imports:
    lines: set[str] = field(default_factory=set)

    def need(self, line: str) -> None:
        self.lines.add(line)

    def render(self) -> list[str]:
        stdlib = [line for line in _STDLIB_ORDER if line in self.lines]
        functools = sorted(
            name
            for line in stdlib
            if line.startswith("from functools import ")
            for name in line.split("import ")[1].split(", ")
        )
        stdlib = [line for line in stdlib if not line.startswith("from functools")]
        if functools:
            at = next((i for i, line in enumerate(stdlib) if line.startswith("from typing")), len(stdlib))
            stdlib.insert(at, f"from functools import {', '.join(functools)}")
        plain = sorted(line for line in stdlib if line.startswith("import "))
        froms = sorted(line for line in stdlib if line.startswith("from "))
        ours = sorted(
            (line for line in self.lines if line not in _STDLIB_ORDER),
            key=lambda line: (line.startswith("from "), line),
        )
        blocks = [block for block in (plain + froms, ours) if block]
        out: list[str] = []
        for block in blocks:
            if out:
                out.append("")
            out.extend(block)
        return out


def indent(lines: list[str], levels: int = 1) -> list[str]:
    pad = INDENT * levels
    return [pad + line if line else line for line in lines]


def ruff_command() -> list[str] | None:
    """How to run ruff here: its own binary (the wheel ships one), else none."""
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-not-found,import-untyped,unused-ignore]

        return [str(find_ruff_bin())]
    except Exception:
        found = shutil.which("ruff")
        return [found] if found else None


def format_python(source: str, *, line_length: int = 110) -> str:
    """``ruff format`` the source when ruff is installed; otherwise it is returned as written.

    The translator already writes tidy code (4-space indents, one statement a
    line, double quotes); ruff only rewraps long lines.
    """
    command = ruff_command()
    if command is None:
        return source
    completed = subprocess.run(
        [*command, "format", "--quiet", f"--line-length={line_length}", "--stdin-filename=index.py", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        print(
            f"cloudfn port: ruff format failed, output left unformatted: {completed.stderr}", file=sys.stderr
        )
        return source
    return completed.stdout
