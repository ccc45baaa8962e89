"""MongoDB extended JSON, as the Node SDK and the platform exchange it (through bson.json_util)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bson import json_util
from bson.json_util import JSONMode, JSONOptions

# Canonical, as the Node SDK's EJSON.stringify(value, {relaxed: false}); dates are UTC.
CANONICAL = JSONOptions(json_mode=JSONMode.CANONICAL, tz_aware=True, tzinfo=dt.UTC)
# Reading: dates come back timezone-aware (UTC), numbers as int/float.
READ = JSONOptions(json_mode=JSONMode.RELAXED, tz_aware=True, tzinfo=dt.UTC)


def dumps(value: Any) -> str:
    return json_util.dumps(value, json_options=CANONICAL, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Any:
    return json_util.loads(text, json_options=READ)
