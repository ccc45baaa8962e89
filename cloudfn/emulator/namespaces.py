"""THE table of emulated namespaces: adding one is a spec folder plus one module plus one line here.

Shape: ``NAMESPACES`` maps a namespace's name (its folder under ``schemas/``)
to the :class:`~.namespace.Namespace` its module exports::

    # cloudfn/emulator/storage/__init__.py
    STORAGE = Namespace(
        "storage",
        handlers={"storage.uploadFile": responses.upload_file, ...},  # API name -> handler
        model=lambda app: StorageModel(app.clock),                    # per-app records (or None)
        admin_actions={"storage.getUploadMetadata": ...},             # /admin action -> coroutine
    )

then one line below: ``STORAGE.name: STORAGE``. From the table the emulator
derives everything else: the HTTPS and Cloud Run routes (one per spec that
has a handler), the per-app records made at each reset and shown by
``/__emulator__/state``, and the ``/admin`` actions besides ``wx.openApi``.
"""

from __future__ import annotations

from collections.abc import Mapping

from .calls import NAMESPACES as CALL_NAMESPACES
from .logistics import LOGISTICS
from .namespace import AdminAction, Handler, Namespace

NAMESPACES: Mapping[str, Namespace] = {
    LOGISTICS.name: LOGISTICS,
    **{namespace.name: namespace for namespace in CALL_NAMESPACES},
}

# Every API handler of every namespace, by API name.
HANDLERS: Mapping[str, Handler] = {name: h for ns in NAMESPACES.values() for name, h in ns.handlers.items()}

# The /admin actions the namespaces add (wx.openApi is the admin channel's own).
ADMIN_ACTIONS: Mapping[str, AdminAction] = {
    action: run for ns in NAMESPACES.values() for action, run in ns.admin_actions.items()
}

__all__ = ["ADMIN_ACTIONS", "HANDLERS", "NAMESPACES"]
