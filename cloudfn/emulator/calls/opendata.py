"""Open data behind cloudIDs: ``cloudbase.getOpenData`` and the Node SDK's ``cloud.getOpenData``.

A mini program gets a cloudID for a user's open data (``wx.getWeRunData``,
``wx.getShareInfo``...); a cloud function exchanges it for the data. Arrange
them with ``{"cloudbase": {"cloudIDs": {"<cloudID>": {...the data...}}}}``.
Each is answered as the pages show it: ``{"cloudID": id, "data": {...}}``,
as JSON text in ``json`` (``cloudbase.getOpenData``'s ``data_list`` items,
and the svrkit answer ``cloud.getOpenData`` decodes on the ``/admin`` wire).
A cloudID the app does not have is ``-601005 invalid cloudID``, the Node
SDK's code for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ApiError
from .records import records

if TYPE_CHECKING:
    from ..namespace import Handler
    from ..state import AppState

NAMESPACE = "cloudbase"
INVALID_CLOUD_ID = -601005


@dataclass
class OpenDataModel:
    data: dict[str, Any] = field(default_factory=dict)
    exchanged: list[str] = field(default_factory=list)

    def arrange(self, document: dict[str, Any]) -> None:
        cloud_ids = document.get("cloudIDs", {})
        if not isinstance(cloud_ids, dict):
            raise TypeError('cloudbase.cloudIDs: an object of cloudID -> data, e.g. {"id1": {"step": 1}}')
        self.data.update({str(k): v for k, v in cloud_ids.items()})

    def items(self, cloud_ids: list[str]) -> list[tuple[str, str]]:
        """(cloudID, the JSON text of its open data) for each; an unknown one refuses them all."""
        for cloud_id in cloud_ids:
            if cloud_id not in self.data:
                raise ApiError(INVALID_CLOUD_ID, f"invalid cloudID {cloud_id}")
        self.exchanged.extend(cloud_ids)
        return [
            (i, json.dumps({"cloudID": i, "data": self.data[i]}, ensure_ascii=False, separators=(",", ":")))
            for i in cloud_ids
        ]

    def snapshot(self) -> dict[str, Any]:
        return {NAMESPACE: {"cloudIDs": sorted(self.data), "exchanged": list(self.exchanged)}}


def model(app: AppState) -> OpenDataModel:
    return records(app, NAMESPACE, OpenDataModel, OpenDataModel)


def get_open_data(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    found = model(app).items([str(i) for i in body["cloudid_list"]])
    return {"data_list": [{"cloud_id": i, "json": text} for i, text in found]}


HANDLERS: dict[str, Handler] = {"cloudbase.getOpenData": get_open_data}
