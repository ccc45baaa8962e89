"""The cloud-call namespaces the emulator keeps state for, beyond logistics.

Each module holds a model (plain Python, per app) and its handlers;
:data:`HANDLERS` merges them and :func:`arrange` applies an arrangement
document (the control API's ``POST /__emulator__/arrange``, the pytest
fixture's ``arrange()``, an example's ``emulator.json``) to one app::

    {"subscribeMessage": {"templates": [...], "subscriptions": [...]},
     "security": {"riskyWords": [...], "riskyImages": [...]},
     "wxacode": {"pages": [...]},
     "phonenumber": {"codes": {...}}}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..state import AppState
from . import links, messages, phone, security, subscribe, wxacode

HANDLERS: Mapping[str, Callable[[AppState, dict[str, Any]], Any]] = {
    **subscribe.HANDLERS,
    **security.HANDLERS,
    **wxacode.HANDLERS,
    **links.HANDLERS,
    **phone.HANDLERS,
    **messages.HANDLERS,
}

# Arrangement section -> the app's model that takes it.
ARRANGERS: Mapping[str, Callable[[AppState], Any]] = {
    "subscribeMessage": subscribe.model,
    "security": security.model,
    "wxacode": wxacode.model,
    "phonenumber": phone.model,
}


def arrange(app: AppState, document: Mapping[str, Any]) -> None:
    """Apply an arrangement to ``app``; an unknown section is an error naming the known ones."""
    unknown = sorted(set(document) - set(ARRANGERS))
    if unknown:
        raise ValueError(
            f"{', '.join(unknown)}: not an arrangeable namespace. Fix: use {', '.join(sorted(ARRANGERS))}"
        )
    for section, value in document.items():
        if not isinstance(value, Mapping):
            raise ValueError(f"{section}: must be a JSON object")
        ARRANGERS[section](app).arrange(dict(value))
