"""``cloudfn parity``: prove a port by running the Node original beside its Python port.

The names below load on first use: the runner pulls in aiohttp and protobuf,
which ``cloudfn --help`` and the other commands should not pay for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .node import ParityError
    from .runner import ParityReport, Verdict, format_table, mask_rid, run_parity

_LAZY = {
    "ParityError": ".node",
    "ParityReport": ".runner",
    "Verdict": ".runner",
    "format_table": ".runner",
    "mask_rid": ".runner",
    "run_parity": ".runner",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cloudfn.parity' has no attribute {name!r}")
    return getattr(import_module(module, __name__), name)


__all__ = ["ParityError", "ParityReport", "Verdict", "format_table", "mask_rid", "run_parity"]
