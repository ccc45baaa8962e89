"""The one error a statement can raise, shaped as the HTTPS API's answer."""

from __future__ import annotations

# The documented "invalid request parameter" code of every /tcb/database* API.
INVALID_PARAMETER = 40097


class StatementError(Exception):
    """A statement the HTTPS database API refuses: ``errcode`` and ``errmsg`` as answered."""

    def __init__(self, errmsg: str, errcode: int = INVALID_PARAMETER) -> None:
        super().__init__(errmsg)
        self.errcode = errcode
        self.errmsg = errmsg
