"""What an emulator route learned about a request, kept on it for the request log."""

from __future__ import annotations

from aiohttp import web

BODY = web.RequestKey("cloudfn_body", bytes)
API = web.RequestKey("cloudfn_api", str)
APPID = web.RequestKey("cloudfn_appid", str)
