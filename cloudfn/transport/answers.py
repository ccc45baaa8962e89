"""Recognising the few answers a transport acts on (a rejected token, system busy, off the whitelist).

Only such an answer is parsed here; every other is decoded once, by the call
pipeline. A byte scan runs first so an ordinary answer is not parsed twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection

from ..cloudrun_protocol import NOT_WHITELISTED
from ..tokens.provider import REJECTED_TOKEN_CODES
from .base import ApiResponse

SYSTEM_BUSY = -1


class ErrcodeMatcher:
    """Is an answer a JSON object whose errcode is one of ``codes``?"""

    def __init__(self, codes: Collection[int]) -> None:
        self.codes = frozenset(codes)
        alternatives = "|".join(re.escape(str(code)) for code in sorted(self.codes))
        # Finds ``"errcode": <one of codes>`` without parsing the body.
        self._hint = re.compile(rb'"errcode"\s*:\s*(?:' + alternatives.encode() + rb")(?![0-9])")

    def __call__(self, response: ApiResponse) -> bool:
        if not response.is_json or not self._hint.search(response.body):
            return False
        try:
            answer = json.loads(response.body)
        except ValueError:
            return False
        return isinstance(answer, dict) and answer.get("errcode") in self.codes


# The server refused the access token (40001/40014/42001): a refresh may help.
rejected_token = ErrcodeMatcher(REJECTED_TOKEN_CODES)
# errcode -1: the server was busy; worth a retry.
system_busy = ErrcodeMatcher((SYSTEM_BUSY,))
# The Cloud Run open-API service refused an API off its whitelist.
not_whitelisted = ErrcodeMatcher((NOT_WHITELISTED,))

__all__ = ["SYSTEM_BUSY", "ErrcodeMatcher", "not_whitelisted", "rejected_token", "system_busy"]
