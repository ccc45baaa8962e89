"""subscribeMessage: the app's templates, users' subscriptions, and every message sent.

The public template library is the pages' own examples (title 99 "付款成功通知"
and its keyword); more come through arrangement. ``send`` answers 43101 unless
the user holds a subscription for the template (granted through arrangement:
``{"subscribeMessage": {"subscriptions": [{"openid", "templateId", "count"?}]}}``;
a one-off template's subscription is used up by one message, as the user's
tap allows one message), and 47003 when ``data`` lacks a keyword of the
template or names one it does not have.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ApiError
from .records import records

if TYPE_CHECKING:
    from ..namespace import Handler
    from ..state import AppState

NAMESPACE = "subscribeMessage"
ONE_OFF, LONG_TERM = 2, 3  # template types as the pages number them
MAX_TEMPLATES = 25

# The public library, from the pages' examples: category, title, its keywords.
CATEGORIES = [{"id": 616, "name": "公交"}]
TITLES = {
    "99": {"tid": 99, "title": "付款成功通知", "type": ONE_OFF, "categoryId": "616"},
    "401": {"tid": 401, "title": "报名结果通知", "type": ONE_OFF, "categoryId": "616"},
}
KEYWORDS = {
    "99": [
        {"kid": 1, "name": "物品名称", "example": "名称", "rule": "thing"},
        {"kid": 2, "name": "付款金额", "example": "100元", "rule": "amount"},
        {"kid": 3, "name": "付款时间", "example": "2019年10月1日", "rule": "time"},
    ],
    "401": [
        {"kid": 1, "name": "会议时间", "example": "2016年8月8日", "rule": "date"},
        {"kid": 2, "name": "会议地点", "example": "TIT会议室", "rule": "thing"},
        {"kid": 3, "name": "报名结果", "example": "报名成功", "rule": "phrase"},
    ],
}
_PLACEHOLDER = re.compile(r"\{\{(\w+)\.DATA\}\}")


@dataclass
class Template:
    pri_tmpl_id: str
    title: str
    content: str  # "会议时间:{{date1.DATA}}\n..." as getTemplateList shows it
    example: str
    type: int = ONE_OFF

    @property
    def keywords(self) -> list[str]:
        return _PLACEHOLDER.findall(self.content)

    def view(self) -> dict[str, Any]:
        return {
            "priTmplId": self.pri_tmpl_id,
            "title": self.title,
            "content": self.content,
            "example": self.example,
            "type": self.type,
        }


@dataclass
class SubscribeModel:
    templates: dict[str, Template] = field(default_factory=dict)
    # (openid, template id) -> messages the user still accepts
    subscriptions: dict[tuple[str, str], int] = field(default_factory=dict)
    sent: list[dict[str, Any]] = field(default_factory=list)

    def add_template(self, tid: str, kids: list[int], scene: str = "") -> Template:
        if tid not in TITLES:
            raise ApiError(200014, "模版 tid 参数错误")
        by_kid = {k["kid"]: k for k in KEYWORDS[tid]}
        if len(set(kids)) != len(kids) or any(k not in by_kid for k in kids):
            raise ApiError(200020, "关键词列表 kidList 参数错误")
        if len(self.templates) >= MAX_TEMPLATES:
            raise ApiError(200012, "个人模版数已达上限,上限25个")
        chosen = [by_kid[k] for k in kids]
        names = [f"{k['rule']}{k['kid']}" for k in chosen]
        template = Template(
            pri_tmpl_id=secrets.token_urlsafe(32)[:43],
            title=str(TITLES[tid]["title"]),
            content="".join(f"{k['name']}:{{{{{n}.DATA}}}}\n" for k, n in zip(chosen, names, strict=True)),
            example="".join(f"{k['name']}:{k['example']}\n" for k in chosen),
            type=int(TITLES[tid]["type"]),  # type: ignore[call-overload]
        )
        self.templates[template.pri_tmpl_id] = template
        return template

    def subscribe(self, openid: str, template_id: str, count: int = 1) -> None:
        key = (openid, template_id)
        self.subscriptions[key] = self.subscriptions.get(key, 0) + count

    def arrange(self, document: dict[str, Any]) -> None:
        for item in document.get("templates", []):
            template = Template(
                pri_tmpl_id=item["priTmplId"],
                title=item.get("title", "订阅消息"),
                content=item["content"],
                example=item.get("example", ""),
                type=int(item.get("type", ONE_OFF)),
            )
            self.templates[template.pri_tmpl_id] = template
        for item in document.get("subscriptions", []):
            self.subscribe(item["openid"], item["templateId"], int(item.get("count", 1)))

    def snapshot(self) -> dict[str, Any]:
        return {
            NAMESPACE: {
                "templates": [t.view() for t in self.templates.values()],
                "subscriptions": [
                    {"openid": o, "templateId": t, "count": n}
                    for (o, t), n in self.subscriptions.items()
                    if n
                ],
                "sent": list(self.sent),
            }
        }


def model(app: AppState) -> SubscribeModel:
    return records(app, NAMESPACE, SubscribeModel, SubscribeModel)


def send(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    openid, template_id = body["touser"], body["template_id"]
    app.require_user(openid)
    book = model(app)
    template = book.templates.get(template_id)
    if template is None:
        raise ApiError(40037, "invalid template_id")
    key = (openid, template_id)
    if book.subscriptions.get(key, 0) <= 0:
        raise ApiError(43101, "user refuse to accept the msg")
    wanted, given = set(template.keywords), set(body["data"])
    if given != wanted:
        missing, unknown = sorted(wanted - given), sorted(given - wanted)
        what = f"missing {','.join(missing)}" if missing else f"unknown {','.join(unknown)}"
        raise ApiError(47003, f"argument invalid! data.{what}")
    if template.type == ONE_OFF:
        book.subscriptions[key] -= 1
    book.sent.append(
        {
            "touser": openid,
            "template_id": template_id,
            **{k: body[k] for k in ("page", "data", "miniprogram_state", "lang") if k in body},
        }
    )
    return {}


def add_template(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    template = model(app).add_template(body["tid"], list(body["kidList"]), body.get("sceneDesc", ""))
    return {"priTmplId": template.pri_tmpl_id}


def delete_template(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    # The page documents no error for an id the app does not have: nothing changes.
    model(app).templates.pop(body["priTmplId"], None)
    return {}


def get_template_list(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    return {"data": [t.view() for t in model(app).templates.values()]}


def get_category(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    return {"data": list(CATEGORIES)}


def get_pub_template_title_list(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    ids = {i for i in str(body["ids"]).split(",") if i}
    found = [t for t in TITLES.values() if t["categoryId"] in ids]
    start, limit = int(body["start"]), int(body["limit"])
    return {"count": len(found), "data": found[start : start + limit]}


def get_pub_template_key_words(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    return {"data": list(KEYWORDS.get(str(body["tid"]), []))}


HANDLERS: dict[str, Handler] = {
    "subscribeMessage.send": send,
    "subscribeMessage.addTemplate": add_template,
    "subscribeMessage.deleteTemplate": delete_template,
    "subscribeMessage.getTemplateList": get_template_list,
    "subscribeMessage.getCategory": get_category,
    "subscribeMessage.getPubTemplateTitleList": get_pub_template_title_list,
    "subscribeMessage.getPubTemplateKeyWordsById": get_pub_template_key_words,
}
