"""The cloud-call namespaces the emulator keeps state for, beyond logistics.

Each module holds a model (plain Python, per app) and its handlers; the
:data:`NAMESPACES` here join the emulator's table (:mod:`..namespaces`), and
:func:`arrange` applies an arrangement document (the control API's
``POST /__emulator__/arrange``, the pytest fixture's ``arrange()``, an
example's ``emulator.json``) to one app::

    {"subscribeMessage": {"templates": [...], "subscriptions": [...]},
     "security": {"riskyWords": [...], "riskyImages": [...]},
     "wxacode": {"pages": [...]},
     "phonenumber": {"codes": {...}},
     "cloudbase": {"cloudIDs": {...}}}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..namespace import Namespace
from . import links, messages, opendata, phone, security, subscribe, wxacode

if TYPE_CHECKING:
    from ..state import AppState

NAMESPACES = (
    Namespace(subscribe.NAMESPACE, handlers=subscribe.HANDLERS, model=lambda app: subscribe.SubscribeModel()),
    Namespace(security.NAMESPACE, handlers=security.HANDLERS, model=lambda app: security.SecurityModel()),
    Namespace(wxacode.NAMESPACE, handlers=wxacode.HANDLERS, model=lambda app: wxacode.WxacodeModel()),
    Namespace(links.NAMESPACE, handlers=links.HANDLERS, model=lambda app: links.LinksModel()),
    Namespace(phone.NAMESPACE, handlers=phone.HANDLERS, model=lambda app: phone.PhoneModel()),
    Namespace(messages.NAMESPACE, handlers=messages.HANDLERS, model=lambda app: messages.MessagesModel()),
    # cloudbase.getOpenData's cloudIDs, also read by /admin's svrkit call (cloud.getOpenData).
    Namespace(opendata.NAMESPACE, handlers=opendata.HANDLERS, model=lambda app: opendata.OpenDataModel()),
)

# Arrangement section -> the app's model that takes it.
ARRANGERS: Mapping[str, Callable[[AppState], Any]] = {
    "subscribeMessage": subscribe.model,
    "security": security.model,
    "wxacode": wxacode.model,
    "phonenumber": phone.model,
    "cloudbase": opendata.model,
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
