"""phonenumber.getPhoneNumber: a code arranged for a phone number answers it once.

Arrange with ``{"phonenumber": {"codes": {"<code>": "13800138000"}}}`` (or a
``{"phoneNumber", "purePhoneNumber", "countryCode"}`` object). An unknown or
used code answers 40029, as the page documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ApiError
from .records import records

if TYPE_CHECKING:
    from ..namespace import Handler
    from ..state import AppState

NAMESPACE = "phonenumber"
BAD_CODE = (40029, "invalid code")


@dataclass
class PhoneModel:
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def arrange(self, document: dict[str, Any]) -> None:
        for code, phone in document.get("codes", {}).items():
            if isinstance(phone, str):
                pure = phone.removeprefix("+86").strip()
                phone = {"phoneNumber": pure, "purePhoneNumber": pure, "countryCode": "86"}
            self.codes[str(code)] = dict(phone)
            self.used.discard(str(code))

    def snapshot(self) -> dict[str, Any]:
        return {NAMESPACE: {"codes": sorted(self.codes), "used": sorted(self.used)}}


def model(app: AppState) -> PhoneModel:
    return records(app, NAMESPACE, PhoneModel, PhoneModel)


def get_phone_number(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    book = model(app)
    code = body["code"]
    phone = book.codes.get(code)
    if phone is None or code in book.used:
        raise ApiError(*BAD_CODE)
    book.used.add(code)
    return {"phone_info": {**phone, "watermark": {"timestamp": int(app.clock()), "appid": app.appid}}}


HANDLERS: dict[str, Handler] = {"phonenumber.getPhoneNumber": get_phone_number}
