"""Upload tickets and temporary download links, each expiring on the emulator's clock.

``getUploadMetadata`` hands out a ticket (the ``token`` the uploader must send back) for one
environment and path; a temporary URL carries a ``sign`` for one file. Both are random and
known only to this emulator, so a URL cannot be forged or pointed at another file.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from ...storage.limits import DEFAULT_MAX_AGE_S

UPLOAD_TICKET_TTL_S = 900  # the object store's upload signatures last 15 minutes


@dataclass(frozen=True)
class Grant:
    env: str
    path: str
    expires_at: float


@dataclass
class Links:
    clock: Callable[[], float] = field(repr=False, default=lambda: 0.0)
    uploads: dict[str, Grant] = field(default_factory=dict)
    downloads: dict[str, Grant] = field(default_factory=dict)

    def _issue(self, table: dict[str, Grant], env: str, path: str, ttl: float) -> tuple[str, Grant]:
        now = self.clock()
        for key in [k for k, g in table.items() if g.expires_at <= now]:
            del table[key]  # keep the tables as small as the live links
        token = secrets.token_hex(16)
        grant = table[token] = Grant(env, path, now + ttl)
        return token, grant

    def upload_ticket(self, env: str, path: str) -> tuple[str, Grant]:
        return self._issue(self.uploads, env, path, UPLOAD_TICKET_TTL_S)

    def download_sign(self, env: str, path: str, max_age: float) -> tuple[str, Grant]:
        return self._issue(self.downloads, env, path, max_age)

    def check(self, table: dict[str, Grant], token: str | None, env: str, path: str) -> str | None:
        """Why ``token`` does not allow ``env``/``path`` now (a COS-style reason), or None."""
        grant = table.get(token or "")
        if grant is None or (grant.env, grant.path) != (env, path):
            return "The request signature we calculated does not match the signature you provided"
        if grant.expires_at <= self.clock():
            return "Request has expired"
        return None

    def clear(self) -> None:
        self.uploads.clear()
        self.downloads.clear()


__all__ = ["DEFAULT_MAX_AGE_S", "UPLOAD_TICKET_TTL_S", "Grant", "Links"]
