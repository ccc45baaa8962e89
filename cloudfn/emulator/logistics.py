"""Emulated logistics (物流助手) APIs: behaviour on top of the state model.

Each handler gets the calling app and a body that already passed the API's
request schema; it returns the answer's fields (errcode/errmsg are added by
the dispatcher) or raises ApiError for a rule the server checks beyond the schema.
"""

from __future__ import annotations

from typing import Any

from .state import AppState, Printer


def update_printer(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    openid = body["openid"]
    app.require_user(openid)
    if body["update_type"] == "bind":
        tagids = [t for t in body.get("tagid_list", "").split(",") if t]
        app.printers[openid] = Printer(openid, tagids)
    else:
        # Unbinding an openid that is not bound succeeds and changes nothing:
        # the documented codes for this API name no error for it.
        app.printers.pop(openid, None)
    return {}


def get_printer(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    tagids: list[str] = []
    for printer in app.printers.values():
        tagids.extend(t for t in printer.tagids if t not in tagids)
    return {
        "count": len(app.printers),
        "openid": list(app.printers),
        "tagid_list": tagids,
    }


HANDLERS = {
    "logistics.updatePrinter": update_printer,
    "logistics.getPrinter": get_printer,
}
