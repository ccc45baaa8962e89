"""The emulator's state model: plain Python, no HTTP (as moto keeps models apart from responses).

Apps with their users and secrets, access tokens with real lifetimes, each
app's records of every namespace in :mod:`.namespaces` (printers, orders, ...),
the functions registered for ``/admin``, and the request log. A controllable
clock lets tests make tokens expire without waiting.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .credentials import same_secret
from .data_folder import DEFAULT_ENV, DataSnapshot, check_env, export_folder, read_folder, restore
from .database.models import DatabaseState
from .errors import ApiError
from .faults.rules import FaultPlan
from .functions import FunctionRegistry, ProjectFunctions
from .namespaces import NAMESPACES
from .storage.links import Links
from .storage.models import FileStore
from .storage.operations import Storage

if TYPE_CHECKING:
    from .http import RequestLogEntry
    from .namespace import AppModel

DEFAULT_APPID = "wx0123456789abcdef"
DEFAULT_SECRET = "cloudfn-emulator-secret"  # a documented sandbox value, not a real AppSecret
SEED_OPENID = "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw"

TOKEN_TTL_S = 7200
OVERLAP_S = 300  # an old token stays valid this long after a new one is issued
FORCE_REFRESH_PER_DAY = 20
FORCE_REFRESH_SPACING_S = 30
WELL_FORMED_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{16,512}$")


@dataclass
class Token:
    value: str
    appid: str
    kind: str  # "classic" (/cgi-bin/token) or "stable" (/cgi-bin/stable_token)
    issued_at: float
    expires_at: float


@dataclass
class AppState:
    """One mini program: its credentials, known users and each namespace's records."""

    appid: str
    secret: str
    users: set[str] = field(default_factory=set)
    force_refreshes: list[float] = field(default_factory=list)
    # The emulator's controllable clock, for records that keep time (logistics paths, quotas).
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)
    # Namespace name -> this app's records of it (made by the namespace's model factory).
    models: dict[str, AppModel] = field(default_factory=dict)

    def require_user(self, openid: str) -> None:
        if openid not in self.users:
            raise ApiError(40003, "invalid openid")

    def snapshot(self) -> dict[str, Any]:
        view: dict[str, Any] = {"appid": self.appid, "users": sorted(self.users)}
        for model in self.models.values():
            view.update(model.snapshot())
        return view


def new_app(appid: str, secret: str, users: Iterable[str], clock: Callable[[], float]) -> AppState:
    """An app with an empty record of every emulated namespace."""
    app = AppState(appid=appid, secret=secret, users=set(users), clock=clock)
    for namespace in NAMESPACES.values():
        if namespace.model is not None:
            app.models[namespace.name] = namespace.model(app)
    return app


class Clock:
    """Wall time plus an offset tests can advance."""

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self._now = now
        self.offset = 0.0
        self._frozen: float | None = None

    def __call__(self) -> float:
        return (self._frozen if self._frozen is not None else self._now()) + self.offset

    def freeze(self, at: float | None) -> None:
        """Stand still at ``at`` (seconds since the epoch), or run again with None.

        Parity freezes it for each event, so both sides stamp records
        (``create_time``, ...) with the same instant.
        """
        self._frozen = at

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class AppSeed:
    appid: str
    secret: str
    users: tuple[str, ...] = ()


# How many answered requests the log keeps (each entry holds at most 4 KiB of body).
REQUEST_LOG_SIZE = 10_000


class EmulatorState:
    """Everything the emulator knows; reset() returns it to the seeded start."""

    def __init__(
        self,
        apps: Iterable[AppSeed] = (),
        *,
        token_ttl: float = TOKEN_TTL_S,
        clock: Clock | None = None,
        faults: FaultPlan | None = None,
        cloudrun_whitelist: Iterable[str] | None = None,
        request_log_size: int = REQUEST_LOG_SIZE,
        control_token: str | None = None,
        data_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        seeds = list(apps) or [AppSeed(DEFAULT_APPID, DEFAULT_SECRET, (SEED_OPENID,))]
        self.seeds = seeds
        self.token_ttl = token_ttl
        self.clock = clock or Clock()
        self.apps: dict[str, AppState] = {}
        self.tokens: dict[str, Token] = {}
        # Deployment settings, kept by reset(): the token the control API asks for
        # (None: none), and the only directory it writes files in (a temporary
        # one, made on first use, when not given).
        self.control_token = control_token
        self._data_dir = Path(data_dir).resolve() if data_dir is not None else None
        self._owns_data_dir = False
        # A ring: the newest ``request_log_size`` entries; reset() empties it.
        self.requests: deque[RequestLogEntry] = deque(maxlen=request_log_size)
        self.request_seq = 0  # the seq of the last entry; keeps counting past the ring's end
        self.token_requests = 0
        # API name -> a stub answer (JSON object, Binary, or a callable of the body): see dispatch.
        self.stubs: dict[str, Any] = {}
        self.faults = faults or FaultPlan()
        # Deployment, not world state: reset() keeps the registered functions.
        self.functions = FunctionRegistry()
        # The functions a runner attached, so callFunction reaches them (also deployment).
        self.project = ProjectFunctions()
        # Per-environment databases (the Node SDK's cloud.database()), see database/models.py.
        self.database = DatabaseState()
        # A data folder imported (its checked snapshot and environment): reset() starts from it.
        self.imported: tuple[DataSnapshot, str] | None = None
        # APIs the Cloud Run open-API channel may call (None: all), see cloudrun.py.
        self.cloudrun_whitelist: set[str] | None = (
            None if cloudrun_whitelist is None else set(cloudrun_whitelist)
        )
        self.reset()
        # Cloud storage, per environment: on disk under <data_dir>/storage when the user gave a
        # data directory (what an earlier run left there is kept: made after the first reset),
        # else in memory.
        self.storage = Storage(
            FileStore(self._data_dir / "storage" if self._data_dir is not None else None, clock=self.clock),
            Links(clock=self.clock),
        )

    def reset(self) -> None:
        self.apps = {s.appid: new_app(s.appid, s.secret, s.users, self.clock) for s in self.seeds}
        self.tokens = {}
        self.requests.clear()
        self.request_seq = 0
        self.token_requests = 0
        self.stubs = {}
        self.clock.offset = 0.0
        self.faults.reset()
        if hasattr(self, "storage"):
            self.storage.reset()
        self.database.reset()
        if self.imported is not None and hasattr(self, "storage"):
            restore(self, *self.imported)

    def import_data(
        self, source: str | os.PathLike[str] | DataSnapshot, env: str = DEFAULT_ENV
    ) -> DataSnapshot:
        """Start from a data folder (see data_folder.py): checked whole first, then every reset restores it.

        Bad data raises :class:`.data_folder.DataFolderError` with the state unchanged.
        """
        snapshot = source if isinstance(source, DataSnapshot) else read_folder(source)
        check_env(env)
        if snapshot.arrangement is not None:
            # Checked on a scratch state, so a bad arrangement changes nothing here.
            scratch = EmulatorState(self.seeds)
            restore(scratch, snapshot, env)
        self.imported = (snapshot, env)
        self.reset()
        return snapshot

    def export_data(self, path: str | os.PathLike[str], env: str | None = None) -> dict[str, int]:
        """Write ``env``'s database and storage (default: the imported one's, else local) as a data folder."""
        imported_env = self.imported[1] if self.imported is not None else DEFAULT_ENV
        arrangement = self.imported[0].arrangement if self.imported is not None else None
        return export_folder(self, path, env or imported_env, arrangement)

    def data_dir(self) -> Path:
        """The directory the control API writes files in (created on first use)."""
        if self._data_dir is None:
            self._data_dir = Path(tempfile.mkdtemp(prefix="cloudfn-emulator-")).resolve()
            self._owns_data_dir = True
        self._data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self._data_dir

    def close(self) -> None:
        """Remove the data directory if the emulator made it (a given one is the user's)."""
        if self._owns_data_dir and self._data_dir is not None:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._data_dir = None
            self._owns_data_dir = False

    def app(self, appid: str) -> AppState:
        try:
            return self.apps[appid]
        except KeyError:
            raise ApiError(40013, "invalid appid") from None

    # -- access tokens ---------------------------------------------------

    def check_credentials(self, appid: str | None, secret: str | None) -> AppState:
        if not appid:
            raise ApiError(41002, "appid missing")
        if not secret:
            raise ApiError(41004, "appsecret missing")
        if not isinstance(appid, str):  # a JSON list or object: no app has it
            raise ApiError(40013, "invalid appid")
        app = self.app(appid)
        if not same_secret(app.secret, secret):
            raise ApiError(40125, "invalid appsecret")
        return app

    def new_token(self, appid: str, kind: str) -> Token:
        now = self.clock()
        token = Token(secrets.token_urlsafe(96), appid, kind, now, now + self.token_ttl)
        self.tokens[token.value] = token
        return token

    def _current(self, appid: str, kind: str) -> Token | None:
        now = self.clock()
        live = [t for t in self.tokens.values() if t.appid == appid and t.kind == kind and t.expires_at > now]
        return max(live, key=lambda t: t.issued_at, default=None)

    def issue_classic_token(self, appid: str) -> Token:
        """``/cgi-bin/token``: always a new token; the previous one lives 5 more minutes."""
        previous = self._current(appid, "classic")
        if previous is not None:
            previous.expires_at = min(previous.expires_at, self.clock() + OVERLAP_S)
        return self.new_token(appid, "classic")

    def issue_stable_token(self, app: AppState, *, force_refresh: bool) -> Token:
        """``/cgi-bin/stable_token``: the same token while valid, renewed in its last 5 minutes."""
        now = self.clock()
        current = self._current(app.appid, "stable")
        if force_refresh:
            day_ago = now - 86400
            app.force_refreshes = [t for t in app.force_refreshes if t > day_ago]
            if app.force_refreshes and now - app.force_refreshes[-1] < FORCE_REFRESH_SPACING_S:
                raise ApiError(45011, "api minute-quota reach limit mustslower retry next minute")
            if len(app.force_refreshes) >= FORCE_REFRESH_PER_DAY:
                raise ApiError(45009, "reach max api daily quota limit")
            app.force_refreshes.append(now)
            if current is not None:
                current.expires_at = now  # invalidated at once
            return self.new_token(app.appid, "stable")
        if current is not None and current.expires_at - now > OVERLAP_S:
            return current
        return self.new_token(app.appid, "stable")

    def authenticate(self, access_token: str | None) -> AppState:
        """The app an API request acts for, or the server's token error."""
        if not access_token:
            raise ApiError(41001, "access_token missing")
        token = self.tokens.get(access_token)
        if token is None:
            if not WELL_FORMED_TOKEN.match(access_token):
                raise ApiError(40014, "invalid access_token")
            raise ApiError(40001, "invalid credential, access_token is invalid or not latest")
        if token.expires_at <= self.clock():
            raise ApiError(42001, "access_token expired")
        return self.app(token.appid)

    def expire_tokens(self, appid: str | None = None) -> int:
        """Make live tokens expire now (the server answers 42001 for them)."""
        return self._end_tokens(appid, drop=False)

    def invalidate_tokens(self, appid: str | None = None) -> int:
        """Forget live tokens (the server answers 40001 for them)."""
        return self._end_tokens(appid, drop=True)

    def _end_tokens(self, appid: str | None, *, drop: bool) -> int:
        now = self.clock()
        ended = [
            t for t in self.tokens.values() if (appid is None or t.appid == appid) and t.expires_at > now
        ]
        for token in ended:
            if drop:
                del self.tokens[token.value]
            else:
                token.expires_at = now
        return len(ended)

    # -- arranging state (control API, pytest fixture, an example's emulator.json) --

    def stub(self, api: str, answer: Any) -> None:
        """Answer ``api`` with ``answer`` from now until reset: a JSON object (an ``errcode``
        makes it an error), a :class:`~.binary.Binary`, or a callable of the request body."""
        self.stubs[api] = answer

    def arrange(self, document: dict[str, Any], appid: str | None = None) -> None:
        """Apply an arrangement (the ``emulator.json`` format) to one app (default: the first).

        ``{"users": [openid, ...], "stubs": {api: answer}, "<namespace>": {...}}``,
        the namespace sections as :func:`.calls.arrange` documents them.
        """
        from .calls import arrange as arrange_namespaces

        if not isinstance(document, dict):
            raise ValueError("an arrangement is a JSON object")
        app = self.app(appid or self.seeds[0].appid)
        rest = {k: v for k, v in document.items() if k not in ("users", "stubs")}
        users = document.get("users", [])
        if not isinstance(users, list) or not all(isinstance(u, str) and u for u in users):
            raise ValueError('users: a list of openids, e.g. ["oUser1"]')
        stubs = document.get("stubs", {})
        if not isinstance(stubs, dict):
            raise ValueError('stubs: an object of API name -> answer, e.g. {"ocr.idcard": {"name": "..."}}')
        try:
            arrange_namespaces(app, rest)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"arrangement: a field is missing or of the wrong type ({exc})") from None
        app.users.update(users)
        # A user granted a subscription is a user of the app.
        granted = rest.get("subscribeMessage", {}).get("subscriptions", [])
        app.users.update(str(g["openid"]) for g in granted if isinstance(g, dict) and "openid" in g)
        self.stubs.update(stubs)

    # -- inspection ------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        now = self.clock()
        return {
            "clock_offset": self.clock.offset,
            "apps": {appid: app.snapshot() for appid, app in self.apps.items()},
            "tokens": {
                "live": sum(1 for t in self.tokens.values() if t.expires_at > now),
                "issued": self.token_requests,
            },
            "faults": self.faults.snapshot(),
            "stubs": sorted(self.stubs),
            "storage": self.storage.snapshot(),
        }
