"""The JSON Schemas of cloudfn's own file formats: a function's config.json, an API spec file."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

CONFIG = "config.schema.json"
API_SPEC = "api.schema.json"


def load_format(name: str) -> Any:
    """One of the format schemas beside this module (:data:`CONFIG`, :data:`API_SPEC`)."""
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))
