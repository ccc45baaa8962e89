"""Cloud storage in the emulator: files per environment, the links handed out for them, and
the channels that reach them.

- :mod:`.models` (files), :mod:`.links` (upload tickets, temporary URLs) and :mod:`.operations`
  (what each platform operation does) are plain Python; the state is ``EmulatorState.storage``,
  one for all apps, files keyed by environment and cloud path;
- :mod:`.admin`: the Node SDK's ``storage.*`` actions on ``/admin`` (registered in the
  namespace table below);
- :mod:`.https`: WeChat's ``/tcb/uploadfile``, ``/tcb/batchdownloadfile``, ``/tcb/batchdeletefile``;
- :mod:`.cos`: the object store the handed-out URLs lead to, under ``/__cos__``.
"""

from __future__ import annotations

from ..namespace import Namespace
from .admin import ACTIONS

# No WeChat API of the spec registry: storage answers /admin actions, and its own channels.
STORAGE = Namespace("storage", handlers={}, admin_actions=ACTIONS)

__all__ = ["STORAGE"]
