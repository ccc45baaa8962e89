"""wxacode: mini program codes as real PNG images holding a QR code.

A real server draws WeChat's round "mini program code"; the emulator draws a
standard QR code (segno) that any reader decodes, at exactly the width asked,
so a function's image handling (upload, resize, compare) is exercised for real.
What the code holds, so a test can decode and check it:

- ``getUnlimited``: ``<page>?scene=<scene>`` (page defaults to the home page);
- ``get`` / ``createQRCode``: the ``path`` as given.

``is_hyaline`` gives a transparent background, ``line_color`` the dark colour.
The app's published pages are ``pages/index/index`` plus any arranged
(``{"wxacode": {"pages": [...]}}``); ``getUnlimited`` with ``check_path``
(default true) answers 41030 for a page not among them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import segno

from ..binary import Binary, png_bytes
from ..errors import ApiError
from .records import records

if TYPE_CHECKING:
    from ..namespace import Handler
    from ..state import AppState

NAMESPACE = "wxacode"
HOME_PAGE = "pages/index/index"
DEFAULT_WIDTH = 430
MIN_WIDTH, MAX_WIDTH = 280, 1280  # the pages' range; outside it the server clamps
QUIET_ZONE = 2  # modules of background around the code, so readers find its edges
CONTENT_TYPE = "image/png"


@dataclass
class WxacodeModel:
    """The app's published pages and the codes it has made."""

    pages: set[str] = field(default_factory=lambda: {HOME_PAGE})
    made: list[dict[str, Any]] = field(default_factory=list)

    def arrange(self, document: dict[str, Any]) -> None:
        for page in document.get("pages", []):
            self.pages.add(str(page).lstrip("/"))

    def snapshot(self) -> dict[str, Any]:
        return {NAMESPACE: {"pages": sorted(self.pages), "made": list(self.made)}}


def model(app: AppState) -> WxacodeModel:
    return records(app, NAMESPACE, WxacodeModel, WxacodeModel)


def _channel(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApiError(40097, "invalid args") from None
    return max(0, min(255, number))


def qr_png(
    content: str, *, width: int, color: tuple[int, int, int] = (0, 0, 0), hyaline: bool = False
) -> bytes:
    """A PNG ``width`` pixels square holding ``content`` as a QR code (nearest-neighbour scaled)."""
    matrix = segno.make(content, error="m", micro=False).matrix
    modules = len(matrix) + 2 * QUIET_ZONE
    dark = [*color, 255] if hyaline else list(color)
    light = [255, 255, 255, 0] if hyaline else [255, 255, 255]
    columns = [x * modules // width - QUIET_ZONE for x in range(width)]
    rows = []
    for y in range(width):
        my = y * modules // width - QUIET_ZONE
        line = matrix[my] if 0 <= my < len(matrix) else None
        row: list[int] = []
        for mx in columns:
            on = line is not None and 0 <= mx < len(line) and line[mx] & 1
            row.extend(dark if on else light)
        rows.append(row)
    return png_bytes(rows, width=width, height=width, alpha=hyaline)


def _draw(app: AppState, api: str, content: str, body: dict[str, Any]) -> Binary:
    width = max(MIN_WIDTH, min(MAX_WIDTH, int(body.get("width", DEFAULT_WIDTH))))
    line = body.get("line_color") or {}
    color = (_channel(line.get("r", 0)), _channel(line.get("g", 0)), _channel(line.get("b", 0)))
    if body.get("auto_color"):
        color = (0, 0, 0)  # the server picks a colour; black is what the emulator picks
    image = qr_png(content, width=width, color=color, hyaline=bool(body.get("is_hyaline", False)))
    model(app).made.append({"api": api, "content": content, "width": width})
    return Binary(CONTENT_TYPE, image)


def get_unlimited(app: AppState, body: dict[str, Any]) -> Binary:
    page = body.get("page") or HOME_PAGE
    if body.get("check_path", True) and page not in model(app).pages:
        raise ApiError(41030, "所传page页面不存在,或者小程序没有发布")
    return _draw(app, "wxacode.getUnlimited", f"{page}?scene={body['scene']}", body)


def get(app: AppState, body: dict[str, Any]) -> Binary:
    return _draw(app, "wxacode.get", body["path"], body)


def create_qr_code(app: AppState, body: dict[str, Any]) -> Binary:
    return _draw(app, "wxacode.createQRCode", body["path"], body)


HANDLERS: dict[str, Handler] = {
    "wxacode.getUnlimited": get_unlimited,
    "wxacode.get": get,
    "wxacode.createQRCode": create_qr_code,
}
