"""Where a runner's cloud calls go: the configured WeChat API (or emulator), or an embedded emulator."""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..emulator.server import RunningEmulator

BACKEND_VARIABLES = ("CLOUDFN_BASE_URL", "CLOUDFN_APPID", "CLOUDFN_SECRET")


def configured(environ: Mapping[str, str] | None = None) -> bool:
    """Has the user pointed cloudfn somewhere (any of CLOUDFN_BASE_URL/APPID/SECRET set)?"""
    env = os.environ if environ is None else environ
    return any(env.get(name) for name in BACKEND_VARIABLES)


def emulator_environ(emulator: RunningEmulator) -> dict[str, str]:
    """The CLOUDFN_* values that send a function's cloud calls to ``emulator``.

    ``CLOUDFN_ENV`` is the cloud environment ``cloud.init({"env": DYNAMIC_CURRENT_ENV})``
    falls back to when no ``TCB_ENV`` is set (storage keeps the function's files there):
    ``local``, the ENV the runner's WX context reports.
    """
    return {
        "CLOUDFN_BASE_URL": emulator.base_url,
        "CLOUDFN_APPID": emulator.appid,
        "CLOUDFN_SECRET": emulator.secret,
        "CLOUDFN_ENV": "local",
    }


async def start_embedded_emulator(
    stack: AsyncExitStack, import_dir: str | None = None
) -> tuple[RunningEmulator, dict[str, str]]:
    """An emulator running until ``stack`` closes, and the runner environment that reaches it.

    ``import_dir``: a data folder (docs/data.md) it starts from, read and checked before the
    emulator starts (raises :class:`~cloudfn.emulator.data_folder.DataFolderError`).
    """
    from ..emulator.data_folder import read_folder
    from ..emulator.server import run_emulator

    snapshot = read_folder(import_dir) if import_dir is not None else None
    emulator = await stack.enter_async_context(run_emulator())
    if snapshot is not None:
        emulator.state.import_data(snapshot)
    return emulator, emulator_environ(emulator)


__all__ = ["BACKEND_VARIABLES", "configured", "emulator_environ", "start_embedded_emulator"]
