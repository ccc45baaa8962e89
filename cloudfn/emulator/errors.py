"""ApiError: a rule the emulated server enforces was broken (the models raise it, the channels word it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ApiError(Exception):
    """Answered as ``{"errcode", "errmsg"}`` (plus ``extra`` fields, e.g. addOrder's delivery_resultcode)."""

    def __init__(self, errcode: int, errmsg: str, *, extra: Mapping[str, Any] | None = None) -> None:
        super().__init__(errcode, errmsg)
        self.errcode = errcode
        self.errmsg = errmsg
        self.extra: Mapping[str, Any] = extra or {}
