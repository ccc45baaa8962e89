"""What an emulated namespace module provides: its API handlers, its per-app model, its /admin actions.

A namespace module (``cloudfn/emulator/<namespace>/``) builds one
:class:`Namespace` and the table in :mod:`.namespaces` lists it. The module
keeps moto's split: ``models.py`` is plain Python state that raises
:class:`~.errors.ApiError` for broken rules; ``responses.py`` turns a checked
wire body into calls on the model and returns the answer's fields.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from aiohttp import web

    from .binary import Binary
    from .state import AppState, EmulatorState


class AppModel(Protocol):
    """One app's records of a namespace; its snapshot's keys join the app's ``/__emulator__/state``."""

    def snapshot(self) -> Mapping[str, Any]: ...


# (the calling app, a body that passed the API's request schema) -> the answer's fields
# (errcode/errmsg are added by the dispatcher), or bytes (an image) as a Binary;
# raise ApiError for a rule beyond the schema.
Handler = Callable[["AppState", dict[str, Any]], "dict[str, Any] | Binary"]


@dataclass(frozen=True)
class AdminCall:
    """One ``POST /admin`` request, its multipart form (or JSON body) read: what an /admin action gets."""

    request: web.Request
    state: EmulatorState
    action: str
    form: Mapping[str, bytes]
    function: str | None  # the registered function that signed the request, if any
    permissions: frozenset[str] | None  # its config.json permissions (None: not checked)
    appid: str | None  # the app the function is registered for, if any
    # A JSON action's body (the SDK sends functions.invokeFunction as JSON, not a form).
    params: Mapping[str, Any] = field(default_factory=dict)
    secret_id: str | None = None  # the SecretId that signed the request


# An /admin action (``wx.openApi``, ``database.queryDocument``, ...): the call in, the answer out.
AdminAction = Callable[[AdminCall], Awaitable["web.Response"]]


@dataclass(frozen=True)
class Namespace:
    """One emulated namespace: ``schemas/<name>/*.json`` served by ``handlers``."""

    name: str
    # API name (``logistics.updatePrinter``) -> handler; an API without one answers 48001.
    handlers: Mapping[str, Handler]
    # Made for each app when the emulator starts or resets (None: the namespace keeps no records).
    model: Callable[[AppState], AppModel] | None = None
    # /admin ``action`` -> action, for namespaces the Node SDK reaches over /admin directly.
    admin_actions: Mapping[str, AdminAction] = field(default_factory=dict)
