"""The Python client sends the Node SDK's own database actions and parameters, byte for byte.

The same calls run through the unmodified Node SDK (wire_ops.js) and through
cloudfn against one emulator; the emulator logs each action with its
parameters as received, and the two logs must be equal. Results must be
equal too (as JSON, ids and dates included: the emulator's ids come from one
sequence per reset).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from cloudfn.cloud import Cloud
from cloudfn.emulator.http import RequestLogEntry
from cloudfn.emulator.server import RunningEmulator
from cloudfn.errors import CloudSDKError
from cloudfn.parity.runner import mask_rid, mask_run_dates
from cloudfn.runtime.invoke import to_jsonable
from tests.support.database import database_requests, run_node

HERE = Path(__file__).resolve().parent


async def python_steps(cloud: Cloud) -> list[Any]:
    db = cloud.database()
    _ = db.command
    S = db.command.aggregate
    w = db.collection("w")
    steps = [
        lambda: db.createCollection("w"),
        lambda: (
            w.where(
                {
                    "a": 1,
                    "b": {"c": _.gt(1).and_(_.lt(5))},
                    "d": db.RegExp({"regexp": "x", "options": "i"}),
                    "e": _["in"]([1, 2]),
                    "f": dt.datetime.fromtimestamp(1700000000.123, dt.UTC),
                }
            )
            .orderBy("a", "desc")
            .orderBy("b.c", "asc")
            .skip(2)
            .limit(5)
            .field({"a": True, "b": 1, "c": 0})
            .get()
        ),
        lambda: w.where(getattr(_, "or")([{"a": _.exists(True)}, {"b": _.size(2)}])).count(),
        lambda: (
            w.where(
                {
                    "n": _.neq(3),
                    "m": _.nin(["x"]),
                    "t": _.all(["a", "b"]),
                    "l": _.elemMatch({"x": _.gt(1)}),
                    "k": _.mod(3, 1),
                    "z": _.not_(_.gt(1)),
                }
            )
            .limit(2000)
            .get()
        ),
        lambda: w.where({"a": _.nor([_.eq(1), _.lte(0)]), "b": _.gte(2).or_(_.lt(-2))}).get(),
        lambda: w.doc("x").update(
            {
                "data": {
                    "a": _.inc(1),
                    "b": _.push("z"),
                    "c": _.remove(),
                    "d.e": _.mul(2),
                    "f": {"g": _.addToSet("y"), "h": 3},
                    "i": _.pull(_.gt(2)),
                    "j": _.pop(),
                    "k": _.shift(),
                    "l": _.unshift([1, 2]),
                    "m": _.rename("mm"),
                    "n": _.max(5),
                    "o": _.min(1),
                    "p": _.push({"each": [1], "position": 0, "slice": 3}),
                    "q": _.set({"r": 1}),
                    "s": 1.5,
                }
            }
        ),
        lambda: w.doc("y").set(
            {
                "data": {
                    "a": 1,
                    "when": db.serverDate({"offset": 1000}),
                    "loc": db.Geo.Point(1, 2),
                    "big": 2**40,
                    "nested": {"x": [1, {"y": "z"}]},
                }
            }
        ),
        lambda: w.add({"data": [{"a": 1}, {"b": dt.datetime.fromtimestamp(0, dt.UTC)}]}),
        lambda: w.add(data={"_id": "k1", "t": "single"}),
        lambda: (
            w.aggregate()
            .match({"a": _.gt(1)})
            .group({"_id": "$a", "t": S.sum("$b"), "m": S.max("$c")})
            .sort({"t": -1})
            .skip(1)
            .limit(5)
            .project({"x": 1})
            .end()
        ),
        lambda: w.where({"a": 1}).update({"data": {"b": 2}}),
        lambda: w.where({"a": 2}).remove(),
        lambda: w.doc("k1").field({"t": True}).get(),
        lambda: w.doc("k1").remove(),
        lambda: w.doc("k1").get(),
        lambda: w.count(),
        lambda: w.where({"loc": _.geoNear({"geometry": db.Geo.Point(1, 2), "maxDistance": 100})}).get(),
        lambda: w.where({"loc": _.geoWithin({"centerSphere": [db.Geo.Point(1, 2), 0.1]})}).count(),
        lambda: w.where(_.expr(S.gt(["$a", "$b"]))).get(),
        lambda: w.where(
            {"a": None, "b": _.lt(dt.datetime.fromtimestamp(0.005, dt.UTC)), "c": _.lte(db.serverDate())}
        ).get(),
        lambda: w.field({"arr": _.project.slice(2)}).get(),
        lambda: w.doc("y").update(
            {"data": {"arr": _.push({"each": [3, 1], "sort": 1}), "when": db.serverDate()}}
        ),
        lambda: (
            w.aggregate()
            .addFields({"z": S.concat(["$t", "!"])})
            .unwind("$arr")
            .lookup({"from": "w", "localField": "a", "foreignField": "a", "as": "j"})
            .project({"z": 1, "c": S.cond({"if": S.gte(["$a", 1]), "then": "big", "else": "small"})})
            .end()
        ),
        lambda: w.doc("g").set(
            {
                "data": {
                    "line": db.Geo.LineString([db.Geo.Point(0, 0), db.Geo.Point(1, 1)]),
                    "poly": db.Geo.Polygon(
                        [
                            db.Geo.LineString(
                                [
                                    db.Geo.Point(0, 0),
                                    db.Geo.Point(1, 0),
                                    db.Geo.Point(1, 1),
                                    db.Geo.Point(0, 0),
                                ]
                            )
                        ]
                    ),
                }
            }
        ),
        lambda: w.doc("g").get(),
        lambda: db.collection("none").aggregate().group({"_id": 1}).end(),
        lambda: db.createCollection("w"),
    ]

    async def commit_twice() -> Any:
        transaction = await db.startTransaction()
        await transaction.commit()
        return await transaction.commit()

    steps.append(commit_twice)
    results: list[Any] = []
    for step in steps:
        try:
            results.append(to_jsonable(await step()))
        except CloudSDKError as err:
            results.append(err.to_json())
    return results


def _comparable(requests: list[RequestLogEntry]) -> list[tuple[str, Any]]:
    return [(str(r.action), r.body) for r in requests]


def _text(results: list[Any], since_ms: int) -> str:
    # createCollection returns the platform's request id: random by nature; serverDate()
    # writes the emulator's time, which differs between the two runs.
    return mask_run_dates(mask_rid(json.dumps(results, ensure_ascii=False, separators=(",", ":"))), since_ms)


async def test_python_sends_what_the_node_sdk_sends(emulator: RunningEmulator, db_cloud: Cloud) -> None:
    since_ms = int(time.time() * 1000) - 1000
    node_results = await run_node(emulator, HERE / "wire_ops.js")
    node_wire = _comparable(database_requests(emulator))
    emulator.state.reset()
    python_results = await python_steps(db_cloud)
    python_wire = _comparable(database_requests(emulator))

    assert len(node_wire) == 30  # 28 calls; the last one is a transaction: start, commit, commit
    for (node_action, node_params), (py_action, py_params) in zip(node_wire, python_wire, strict=True):
        assert py_action == node_action
        assert py_params == node_params, node_action
    assert _text(python_results, since_ms) == _text(node_results, since_ms)
    assert '"_ids":[' in _text(python_results, since_ms)  # the generated ids are compared, not masked
    assert '"loc":{"type":"Point"' in _text(python_results, since_ms)  # the geo query found its point
