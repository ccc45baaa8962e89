"""Fixtures for the HTTPS database API: the real Node SDK as the oracle for statements."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.parity_helpers import ensure_node_modules

ORACLE = Path(__file__).resolve().parent / "node_statements.js"

NodeRequests = Callable[[list[str]], list[dict[str, Any]]]


@pytest.fixture(scope="session")
def node_requests() -> NodeRequests:
    """Statements -> what wx-server-sdk 4.0.2 hands its transport for each ({action, params} or {error})."""
    modules = ensure_node_modules()

    def run(statements: list[str]) -> list[dict[str, Any]]:
        done = subprocess.run(
            ["node", str(ORACLE), str(modules)],
            input=json.dumps(statements),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        answers: list[dict[str, Any]] = json.loads(done.stdout)
        return answers

    return run
