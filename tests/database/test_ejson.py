"""cloudfn's extended-JSON reader gives what bson.json_util gives, value for value."""

from __future__ import annotations

import datetime as dt

from bson import json_util
from bson.regex import Regex

from cloudfn.database import ejson


def test_loads_matches_json_util() -> None:
    value = {
        "int": 1,
        "long": 2**40,
        "min": -(2**63),
        "double": 1.5,
        "inf": float("inf"),
        "negzero": -0.0,
        "before_epoch": dt.datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=dt.UTC),
        "late": dt.datetime(9999, 1, 1, tzinfo=dt.UTC),
        "regex": Regex("^a", "im"),
        "bytes": b"\x00\x01",
        "nested": [None, True, "s", {"k": {"l": [], "m": {"$tcb_server_date": {"offset": 5}}}}],
    }
    text = ejson.dumps(value)
    ours, theirs = ejson.loads(text), json_util.loads(text, json_options=ejson.READ)
    assert repr(ours) == repr(theirs)
    assert type(ours["long"]) is type(theirs["long"])
    relaxed = '{"x":{"$date":"2026-11-01T08:00:00.000Z"},"q":{"$gt":{"$numberInt":"1"}}}'
    assert ejson.loads(relaxed) == json_util.loads(relaxed, json_options=ejson.READ)
