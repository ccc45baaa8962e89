"""Where a namespace keeps one app's records: made on first use, gone at reset (the app is remade)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..state import AppState

Model = TypeVar("Model")


def records(app: AppState, namespace: str, make: Callable[[], Model], kind: type[Model]) -> Model:
    """The app's ``namespace`` model, created by ``make`` on first use."""
    found = app.extra.get(namespace)
    if not isinstance(found, kind):
        found = app.extra[namespace] = make()
    return found
