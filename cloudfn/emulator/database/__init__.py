"""The emulator's database: models (per-environment collections on mongomock) and the actions
of the Node SDK's wire. ``execute(state, env, action, params) -> dict`` answers one action."""

from ...database.ejson import dumps as ejson_dumps
from ...database.ejson import loads as ejson_loads
from .actions import ACTIONS, execute
from .models import DatabaseState, EnvDatabase

__all__ = ["ACTIONS", "DatabaseState", "EnvDatabase", "ejson_dumps", "ejson_loads", "execute"]
