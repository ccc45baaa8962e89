"""urlscheme / urllink: generated links kept per app, queryable, expiring on the emulator clock.

A link is ``weixin://dl/business/?t=<ticket>`` (scheme) or
``https://wxaurl.cn/<ticket>`` (URL Link). ``expire_type`` 0 expires at
``expire_time`` (a Unix time), 1 after ``expire_interval`` days (the server's
default expiry for links without one is 30 days, which is what is kept here).
Querying an expired or unknown link answers the documented success shape with
no info, as the page lists no error for it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ApiError
from .records import records

if TYPE_CHECKING:
    from ..namespace import Handler
    from ..state import AppState

NAMESPACE = "links"
DAY_S = 86400
DEFAULT_DAYS = 30
MAX_DAYS = 30


@dataclass
class Link:
    kind: str  # "scheme" | "urllink"
    url: str
    path: str
    query: str
    env_version: str
    create_time: int
    expire_time: int

    def info(self) -> dict[str, Any]:
        return {
            "appid": "",  # filled with the app's id by the handler
            "path": self.path,
            "query": self.query,
            "create_time": self.create_time,
            "expire_time": self.expire_time,
            "env_version": self.env_version,
        }


@dataclass
class LinksModel:
    links: dict[str, Link] = field(default_factory=dict)

    def snapshot(self) -> dict[str, Any]:
        return {
            NAMESPACE: {"links": [{"kind": k.kind, "url": k.url, **k.info()} for k in self.links.values()]}
        }


def model(app: AppState) -> LinksModel:
    return records(app, NAMESPACE, LinksModel, LinksModel)


def _expiry(now: int, body: dict[str, Any]) -> int:
    if body.get("expire_type", 0) == 1:
        days = int(body.get("expire_interval", DEFAULT_DAYS))
        if not 1 <= days <= MAX_DAYS:
            raise ApiError(85401, "参数expire_time填写错误,时间间隔大于1分钟且小于1年")
        return now + days * DAY_S
    if "expire_time" in body:
        at = int(body["expire_time"])
        if not now + 60 < at <= now + MAX_DAYS * DAY_S:
            raise ApiError(85401, "参数expire_time填写错误,时间间隔大于1分钟且小于1年")
        return at
    return now + DEFAULT_DAYS * DAY_S


def _generate(app: AppState, kind: str, target: dict[str, Any], body: dict[str, Any]) -> Link:
    now = int(app.clock())
    ticket = secrets.token_urlsafe(9)
    url = f"weixin://dl/business/?t={ticket}" if kind == "scheme" else f"https://wxaurl.cn/{ticket}"
    link = Link(
        kind=kind,
        url=url,
        path=str(target.get("path", "")),
        query=str(target.get("query", "")),
        env_version=str(target.get("env_version", "release")),
        create_time=now,
        expire_time=_expiry(now, body),
    )
    model(app).links[url] = link
    return link


def _lookup(app: AppState, url: str) -> dict[str, Any] | None:
    link = model(app).links.get(url.split("&cq=")[0].split("?cq=")[0])
    if link is None or link.expire_time <= app.clock():
        return None
    return {**link.info(), "appid": app.appid}


def scheme_generate(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    return {"openlink": _generate(app, "scheme", body.get("jump_wxa") or {}, body).url}


def scheme_query(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    if body.get("query_type", 0) == 1:
        return {"quota_info": {"remain_visit_quota": 5000000}}
    info = _lookup(app, str(body.get("scheme", "")))
    return {"scheme_info": info} if info else {}


def link_generate(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    return {"url_link": _generate(app, "urllink", body, body).url}


def link_query(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    if body.get("query_type", 0) == 1:
        return {"quota_info": {"remain_visit_quota": 5000000}}
    info = _lookup(app, str(body["url_link"]))
    return {"url_link_info": info} if info else {}


HANDLERS: dict[str, Handler] = {
    "urlscheme.generate": scheme_generate,
    "urlscheme.query": scheme_query,
    "urllink.generate": link_generate,
    "urllink.query": link_query,
}
