"""Fixtures for cloudfn port's tests."""

from __future__ import annotations

import pytest

from tests.support.corpus import ensure_corpus_modules


@pytest.fixture(scope="package", autouse=True)
def corpus_node_modules() -> None:
    """The corpus's pinned wx-server-sdk and tcb-router, installed once (parity's Node side)."""
    ensure_corpus_modules()
