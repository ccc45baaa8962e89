"""The logistics (物流助手) namespace: ``schemas/logistics/`` served by :mod:`.responses` on :mod:`.models`."""

from __future__ import annotations

from ..namespace import Namespace
from .models import LogisticsBook
from .responses import HANDLERS, NAMESPACE

LOGISTICS = Namespace(NAMESPACE, handlers=HANDLERS, model=lambda app: LogisticsBook(app.clock))

__all__ = ["LOGISTICS"]
