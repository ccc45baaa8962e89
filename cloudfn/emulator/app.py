"""The emulator as one aiohttp application: a bare root with each channel mounted on it.

============================  =====================================  ===============
channel                       paths                                  fault injection
============================  =====================================  ===============
WeChat HTTPS (:mod:`.wechat`)  ``/cgi-bin/token``, every API path      yes
``/admin`` (:mod:`.admin`)     ``/admin``                              yes
storage (:mod:`.storage`)      ``/tcb/uploadfile``, ... ; ``/__cos__``  yes ; no
Cloud Run (:mod:`.cloudrun`)   ``/__cloudrun__/<API path>``            yes
control (:mod:`.control`)      ``/__emulator__/...``                   never
============================  =====================================  ===============

Each channel is its own sub-application with its own middlewares; the root
has none, so what applies to one channel cannot leak into another.
"""

from __future__ import annotations

from aiohttp import web

from ..api.registry import Registry, environ_registry
from ..api.validation import MAX_BODY_BYTES
from . import admin, cloudrun, wechat
from .control import PREFIX as CONTROL_PREFIX
from .control import control_channel
from .faults.control import routes as fault_routes
from .http import STATE, mount_paths
from .state import EmulatorState
from .storage import cos as storage_cos
from .storage import https as storage_https


def create_emulator_app(
    state: EmulatorState | None = None, *, registry: Registry | None = None
) -> web.Application:
    """The emulator as an aiohttp application (run it with :mod:`.server`).

    It serves every API of ``registry``: by default the shipped specs and the
    folders ``CLOUDFN_SPECS`` names (users' APIs, answered by stubs or their
    spec's example).
    """
    registry = registry or environ_registry()
    # Request bodies are limited by the application that reads the connection: the root.
    root = web.Application(client_max_size=MAX_BODY_BYTES)
    root[STATE] = state = state or EmulatorState()

    async def remove_data_dir(_: web.Application) -> None:
        state.close()

    root.on_cleanup.append(remove_data_dir)
    mount_paths(root, wechat.wechat_channel(registry))
    mount_paths(root, admin.admin_channel(registry))
    mount_paths(root, storage_https.https_channel())
    # Where handed-out upload and temporary URLs lead (their own authorisation; no faults).
    root.add_subapp(storage_cos.COS_PREFIX, storage_cos.cos_channel())
    root.add_subapp(cloudrun.PREFIX, cloudrun.cloudrun_channel(registry))
    root.add_subapp(
        CONTROL_PREFIX, control_channel([fault_routes, cloudrun.control_routes, admin.control_routes])
    )
    return root


__all__ = ["create_emulator_app"]
