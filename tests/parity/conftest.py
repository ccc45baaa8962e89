"""Fixtures for cloudfn parity's tests."""

from __future__ import annotations

import pytest

from tests.support.node import ensure_node_modules


@pytest.fixture(scope="package", autouse=True)
def seed_node_modules() -> None:
    """The seed's pinned wx-server-sdk, installed once (the Node side of every parity run)."""
    ensure_node_modules()
