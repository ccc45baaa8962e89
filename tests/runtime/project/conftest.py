"""A served project over loopback: `cloudfn serve PROJECT --emulator` in its own process, real node."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.project import NODE_FUNCTIONS, PROJECT, Served, npm_ci, serve


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The example project, served once for the module's tests."""
    for directory in NODE_FUNCTIONS:
        npm_ci(directory)
    yield from serve(PROJECT, tmp_path_factory.mktemp("serve") / "serve.log")
