"""Fixtures for the HTTPS database API: the real Node SDK as the oracle for statements."""

from __future__ import annotations

import pytest

from tests.support.database_https import NodeRequests, node_requests_with
from tests.support.node import ensure_node_modules


@pytest.fixture(scope="session")
def node_requests() -> NodeRequests:
    """Statements -> what wx-server-sdk 4.0.2 hands its transport for each ({action, params} or {error})."""
    return node_requests_with(ensure_node_modules())
