"""customerServiceMessage and uniformMessage: messages recorded, temporary media kept.

``uploadTempMedia`` keeps the file and answers its ``media_id``;
``getTempMedia`` answers the same bytes (40007 for an unknown id).
Everything sent is recorded for inspection (``/__emulator__/state``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..binary import Binary
from ..errors import ApiError
from .records import records

if TYPE_CHECKING:
    from ..namespace import Handler
    from ..state import AppState

NAMESPACE = "messages"


@dataclass
class MessagesModel:
    media: dict[str, Binary] = field(default_factory=dict)
    sent: list[dict[str, Any]] = field(default_factory=list)

    def snapshot(self) -> dict[str, Any]:
        return {
            NAMESPACE: {
                "media": {
                    i: {"contentType": b.content_type, "bytes": len(b.data)} for i, b in self.media.items()
                },
                "sent": list(self.sent),
            }
        }


def model(app: AppState) -> MessagesModel:
    return records(app, NAMESPACE, MessagesModel, MessagesModel)


def customer_send(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    app.require_user(body["touser"])
    model(app).sent.append({"api": "customerServiceMessage.send", **body})
    return {}


def set_typing(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    app.require_user(body["touser"])
    model(app).sent.append({"api": "customerServiceMessage.setTyping", **body})
    return {}


def upload_temp_media(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    media = body["media"]
    media_id = secrets.token_urlsafe(48)
    content_type = str(media.get("contentType") or media.get("content_type"))
    model(app).media[media_id] = Binary(content_type, bytes(media["value"]))
    return {"type": body["type"], "media_id": media_id, "created_at": int(app.clock())}


def get_temp_media(app: AppState, body: dict[str, Any]) -> Binary:
    found = model(app).media.get(body["media_id"])
    if found is None:
        raise ApiError(40007, "invalid media_id")
    return found


def uniform_send(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    app.require_user(body["touser"])
    model(app).sent.append({"api": "uniformMessage.send", **body})
    return {}


HANDLERS: dict[str, Handler] = {
    "customerServiceMessage.send": customer_send,
    "customerServiceMessage.setTyping": set_typing,
    "customerServiceMessage.uploadTempMedia": upload_temp_media,
    "customerServiceMessage.getTempMedia": get_temp_media,
    "uniformMessage.send": uniform_send,
}
