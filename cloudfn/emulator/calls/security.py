"""security: content checks driven by a list of risky words and risky image digests.

Arrange with ``{"security": {"riskyWords": [{"word": "...", "label": 20006}...
or plain strings], "riskyImages": ["<sha256 hex of the file>", ...]}}``. A text
is risky when it contains a risky word (in content, title, nickname or
signature); an image when its bytes' SHA-256 is listed. Version 1.0 answers
87014 for risky content; 2.0 always answers 0 with ``result``/``detail``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ApiError
from .records import records

if TYPE_CHECKING:
    from ..namespace import Handler
    from ..state import AppState

NAMESPACE = "security"
NORMAL = 100
DEFAULT_LABEL = 20006  # 违法犯罪, the label a word arranged without one reports
RISKY = (87014, "risky content")


@dataclass
class SecurityModel:
    risky_words: dict[str, int] = field(default_factory=dict)  # word -> label
    risky_images: set[str] = field(default_factory=set)  # sha256 hex
    checks: list[dict[str, Any]] = field(default_factory=list)

    def arrange(self, document: dict[str, Any]) -> None:
        for item in document.get("riskyWords", []):
            if isinstance(item, str):
                self.risky_words[item] = DEFAULT_LABEL
            else:
                self.risky_words[str(item["word"])] = int(item.get("label", DEFAULT_LABEL))
        self.risky_images.update(str(d).lower() for d in document.get("riskyImages", []))

    def word_in(self, text: str) -> tuple[str, int] | None:
        for word, label in self.risky_words.items():
            if word and word in text:
                return word, label
        return None

    def snapshot(self) -> dict[str, Any]:
        return {
            NAMESPACE: {
                "riskyWords": [{"word": w, "label": lab} for w, lab in self.risky_words.items()],
                "riskyImages": sorted(self.risky_images),
                "checks": list(self.checks),
            }
        }


def model(app: AppState) -> SecurityModel:
    return records(app, NAMESPACE, SecurityModel, SecurityModel)


def msg_sec_check(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    book = model(app)
    texts = [str(body.get(k, "")) for k in ("content", "title", "nickname", "signature")]
    found = next((hit for text in texts if (hit := book.word_in(text))), None)
    version = body.get("version", 1)
    book.checks.append({"api": "security.msgSecCheck", "version": version, "risky": found is not None})
    if version != 2:
        if found is not None:
            raise ApiError(*RISKY)
        return {}
    app.require_user(body["openid"])
    suggest, label = ("risky", found[1]) if found else ("pass", NORMAL)
    detail: dict[str, Any] = {"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label}
    if found:
        detail.update(prob=90, keyword=found[0])
    keyword = {"strategy": "keyword", "errcode": 0, "suggest": suggest, "label": label}
    if found:
        keyword["level"] = 20
        keyword["keyword"] = found[0]
    return {
        "result": {"suggest": suggest, "label": label},
        "detail": [detail, keyword],
        "trace_id": "-".join(secrets.token_hex(4) for _ in range(3)),
    }


def img_sec_check(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    digest = hashlib.sha256(bytes(body["media"]["value"])).hexdigest()
    book = model(app)
    risky = digest in book.risky_images
    book.checks.append({"api": "security.imgSecCheck", "sha256": digest, "risky": risky})
    if risky:
        raise ApiError(*RISKY)
    return {}


HANDLERS: dict[str, Handler] = {
    "security.msgSecCheck": msg_sec_check,
    "security.imgSecCheck": img_sec_check,
}
