"""The cloud-call namespaces the emulator keeps state for, beyond logistics: their handlers in one table."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

HANDLERS: Mapping[str, Callable[..., Any]] = {}
