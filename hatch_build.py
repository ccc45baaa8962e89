"""Build hook: a wheel carries the top-level ``schemas/`` as ``cloudfn/schemas/``.

Not for editable installs: they read the checkout's ``schemas/`` directly, so
an edited or added spec is seen at once (a copy would go stale).
"""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class SchemasHook(BuildHookInterface):  # type: ignore[misc]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version != "editable":
            build_data["force_include"]["schemas"] = "cloudfn/schemas"
