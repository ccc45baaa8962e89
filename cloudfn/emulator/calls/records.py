"""Where a namespace keeps one app's records: ``app.models`` (made at each reset, or on first use)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from ..state import AppState

Model = TypeVar("Model")


def records(app: AppState, namespace: str, make: Callable[[], Model], kind: type[Model]) -> Model:
    """The app's ``namespace`` model, created by ``make`` if the app has none yet."""
    found = app.models.get(namespace)
    if isinstance(found, kind):
        return found
    made = make()
    app.models[namespace] = made  # type: ignore[assignment]  # every model has snapshot()
    return made
