"""What an emulator route learned about a request, kept on it for the request log."""

from __future__ import annotations

from typing import Any

from aiohttp import web

BODY = web.RequestKey("cloudfn_body", bytes)
API = web.RequestKey("cloudfn_api", str)
APPID = web.RequestKey("cloudfn_appid", str)
REPLY: web.RequestKey[Any] = web.RequestKey("cloudfn_reply", object)  # a dispatch.Reply
