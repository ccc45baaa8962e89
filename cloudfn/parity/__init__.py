"""``cloudfn parity``: prove a port by running the Node original beside its Python port."""

from .node import ParityError
from .runner import ParityReport, Verdict, format_table, mask_rid, run_parity

__all__ = ["ParityError", "ParityReport", "Verdict", "format_table", "mask_rid", "run_parity"]
