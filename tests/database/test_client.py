"""cloud.database() against the emulator: results, operators, values, transactions, the blocking facade."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import pytest

from cloudfn.cloud import Cloud
from cloudfn.database import Point, TransactionRollback
from cloudfn.emulator.server import RunningEmulator
from cloudfn.errors import CloudSDKError
from cloudfn.runtime.invoke import to_jsonable
from tests.support.database import ENV, database_requests


async def seeded(cloud: Cloud, documents: list[dict[str, Any]], name: str = "items") -> Any:
    db = cloud.database()
    await db.createCollection(name)
    if documents:
        await db.collection(name).add({"data": documents})
    return db


async def test_get_where_order_skip_limit_field(db_cloud: Cloud) -> None:
    db = await seeded(db_cloud, [{"_id": f"i{n}", "n": n, "even": n % 2 == 0, "tag": "x"} for n in range(10)])
    _ = db.command
    result = await (
        db.collection("items")
        .where({"even": True, "n": _.gte(2)})
        .orderBy("n", "desc")
        .skip(1)
        .limit(2)
        .field({"n": True})
        .get()
    )
    assert result == {"data": [{"_id": "i6", "n": 6}, {"_id": "i4", "n": 4}], "errMsg": "collection.get:ok"}
    assert list(result["data"][0]) == ["_id", "n"]  # the stored order, _id first, as MongoDB gives it
    count = await db.collection("items").where({"n": _.lt(3)}).count()
    assert count == {"total": 3, "errMsg": "collection.count:ok"}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (lambda _: {"n": _.in_([1, 3])}, ["a", "c"]),
        (lambda _: {"n": getattr(_, "in")([2])}, ["b"]),
        (lambda _: {"n": _.nin([1, 2])}, ["c"]),
        (lambda _: {"n": _.neq(2)}, ["a", "c"]),
        (lambda _: {"n": _.gt(1).and_(_.lte(3))}, ["b", "c"]),
        (lambda _: _.or_([{"n": 1}, {"tags": _.size(2)}]), ["a", "c"]),
        (lambda _: _["or"]({"n": 3}, {"n": 2}), ["b", "c"]),
        (lambda _: _.and_([{"n": _.gt(1)}, {"tags": _.all(["x"])}]), ["c"]),
        (lambda _: _.nor([{"n": 1}, {"n": 2}]), ["c"]),
        (lambda _: {"n": _.not_(_.gt(1))}, ["a"]),
        (lambda _: {"extra": _.exists(True)}, ["b"]),
        (lambda _: {"n": _.mod(2, 1)}, ["a", "c"]),
        (lambda _: {"items": _.elemMatch({"k": _.gt(5)})}, ["b"]),
        (lambda _: {"sub": {"deep": 2}}, ["b"]),
        (lambda _: {"sub.deep": _.lt(2)}, ["a"]),
    ],
)
async def test_query_operators(db_cloud: Cloud, condition: Any, expected: list[str]) -> None:
    db = await seeded(
        db_cloud,
        [
            {"_id": "a", "n": 1, "tags": ["y"], "items": [{"k": 1}], "sub": {"deep": 1}},
            {"_id": "b", "n": 2, "tags": ["y"], "extra": 1, "items": [{"k": 9}], "sub": {"deep": 2}},
            {"_id": "c", "n": 3, "tags": ["x", "y"], "items": [], "sub": {"deep": 3}},
        ],
    )
    found = await db.collection("items").where(condition(db.command)).orderBy("_id", "asc").get()
    assert [d["_id"] for d in found["data"]] == expected


async def test_regexp_both_spellings(db_cloud: Cloud) -> None:
    db = await seeded(
        db_cloud, [{"_id": "a", "t": "Hello"}, {"_id": "b", "t": "help"}, {"_id": "c", "t": "yo"}]
    )
    first = await db.collection("items").where({"t": db.RegExp({"regexp": "^HE", "options": "i"})}).get()
    second = await db.collection("items").where({"t": db.RegExp(regexp="^he")}).get()
    assert [d["_id"] for d in first["data"]] == ["a", "b"]
    assert [d["_id"] for d in second["data"]] == ["b"]


async def test_update_operators_change_the_document(db_cloud: Cloud) -> None:
    db = await seeded(
        db_cloud,
        [
            {
                "_id": "d",
                "n": 2,
                "m": 3,
                "gone": 1,
                "arr": [1, 2, 3],
                "set": ["a"],
                "old": "v",
                "lo": 5,
                "hi": 5,
            }
        ],
    )
    _ = db.command
    updated = (
        await db.collection("items")
        .doc("d")
        .update(
            {
                "data": {
                    "n": _.inc(2),
                    "m": _.mul(4),
                    "gone": _.remove(),
                    "arr": _.push([4, 5]),
                    "set": _.addToSet("a"),
                    "old": _.rename("new"),
                    "lo": _.min(1),
                    "hi": _.max(9),
                    "nested": {"x": 1},
                    "fresh": _.mul(3),
                }
            }
        )
    )
    assert updated == {"stats": {"updated": 1}, "errMsg": "document.update:ok"}
    doc = (await db.collection("items").doc("d").get())["data"]
    assert doc == {
        "_id": "d",
        "n": 4,
        "m": 12,
        "arr": [1, 2, 3, 4, 5],
        "set": ["a"],
        "lo": 1,
        "hi": 9,
        "new": "v",
        "nested": {"x": 1},
        "fresh": 0,
    }
    await db.collection("items").doc("d").update({"data": {"arr": _.pop()}})
    await db.collection("items").doc("d").update({"data": {"arr": _.shift()}})
    await db.collection("items").doc("d").update({"data": {"arr": _.unshift(0)}})
    await db.collection("items").doc("d").update({"data": {"arr": _.pull(_.gt(3))}})
    assert (await db.collection("items").doc("d").field({"arr": True}).get())["data"]["arr"] == [0, 2, 3]


async def test_set_replaces_or_creates_and_remove(db_cloud: Cloud) -> None:
    db = await seeded(db_cloud, [{"_id": "s", "a": 1, "b": 2}])
    replaced = await db.collection("items").doc("s").set({"data": {"c": 3}})
    assert replaced == {"_id": "s", "errMsg": "document.set:ok", "stats": {"updated": 1, "created": 0}}
    assert (await db.collection("items").doc("s").get())["data"] == {"_id": "s", "c": 3}
    created = await db.collection("items").doc("t").set(data={"d": 4})
    assert created["stats"] == {"updated": 0, "created": 1}
    removed = await db.collection("items").doc("t").remove()
    assert removed == {"stats": {"removed": 1}, "errMsg": "document.remove:ok"}
    bulk = await db.collection("items").where({"c": 3}).update({"data": {"flag": True}})
    assert bulk == {"stats": {"updated": 1}, "errMsg": "collection.update:ok"}
    gone = await db.collection("items").where({"flag": True}).remove()
    assert gone == {"stats": {"removed": 1}, "errMsg": "collection.remove:ok"}


async def test_missing_document_throws_unless_asked_not_to(db_cloud: Cloud) -> None:
    db = await seeded(db_cloud, [{"_id": "here"}])
    with pytest.raises(CloudSDKError) as caught:
        await db.collection("items").doc("nope").get()
    assert caught.value.to_json() == {
        "errCode": -1,
        "errMsg": "document.get:fail document with _id nope does not exist",
    }
    quiet = db_cloud.database(throwOnNotFound=False)
    assert await quiet.collection("items").doc("nope").get() == {"data": None, "errMsg": "document.get:ok"}


async def test_dates_server_dates_and_geo_come_back_typed(db_cloud: Cloud, emulator: RunningEmulator) -> None:
    db = await seeded(db_cloud, [])
    when = dt.datetime(2026, 11, 1, 8, 0, 0, 123000, tzinfo=dt.UTC)
    added = await db.collection("items").add(
        {"data": {"when": when, "at": db.serverDate({"offset": 60_000}), "loc": db.Geo.Point(113.3, 23.1)}}
    )
    doc = (await db.collection("items").doc(added["_id"]).get())["data"]
    assert doc["when"] == when
    expected = dt.datetime.fromtimestamp(emulator.state.clock(), dt.UTC) + dt.timedelta(minutes=1)
    assert abs((doc["at"] - expected).total_seconds()) < 5
    assert isinstance(doc["loc"], Point) and (doc["loc"].longitude, doc["loc"].latitude) == (113.3, 23.1)
    text = json.dumps(to_jsonable(doc))
    assert '"when": "2026-11-01T08:00:00.123Z"' in text
    assert '"loc": {"type": "Point", "coordinates": [113.3, 23.1]}' in text


async def test_aggregate_group_sort(db_cloud: Cloud) -> None:
    db = await seeded(db_cloud, [{"a": "x", "n": 1}, {"a": "y", "n": 5}, {"a": "x", "n": 2}])
    S = db.command.aggregate
    result = await (
        db.collection("items")
        .aggregate()
        .group({"_id": "$a", "total": S.sum("$n"), "c": S.sum(1)})
        .sort({"total": -1})
        .end()
    )
    assert result == {
        "list": [{"_id": "y", "total": 5, "c": 1}, {"_id": "x", "total": 3, "c": 2}],
        "errMsg": "collection.aggregate:ok",
    }
    by_count = await db.collection("items").aggregate().sortByCount("$a").end()
    assert by_count["list"] == [{"_id": "x", "count": 2}, {"_id": "y", "count": 1}]


async def test_transaction_commits_or_leaves_nothing(db_cloud: Cloud) -> None:
    db = await seeded(db_cloud, [{"_id": "a", "n": 10}, {"_id": "b", "n": 0}])
    _ = db.command

    async def move(transaction: Any) -> int:
        source = await transaction.collection("items").doc("a").get()
        await transaction.collection("items").doc("a").update({"data": {"n": _.inc(-3)}})
        await transaction.collection("items").doc("b").update({"data": {"n": _.inc(3)}})
        return int(source["data"]["n"])

    assert await db.runTransaction(move) == 10

    async def half_then_fail(transaction: Any) -> None:
        await transaction.collection("items").doc("a").update({"data": {"n": _.inc(-100)}})
        await transaction.collection("items").add({"data": {"_id": "c", "n": 1}})
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await db.runTransaction(half_then_fail)

    async def rolled_back(transaction: Any) -> None:
        await transaction.collection("items").doc("b").remove()
        await transaction.rollback("no")

    with pytest.raises(TransactionRollback) as caught:
        await db.runTransaction(rolled_back)
    assert caught.value.reason == "no"
    docs = (await db.collection("items").orderBy("_id", "asc").get())["data"]
    assert docs == [{"_id": "a", "n": 7}, {"_id": "b", "n": 3}]

    transaction = await db.startTransaction()
    await transaction.collection("items").doc("a").set({"data": {"n": 0}})
    await transaction.commit()
    assert (await db.collection("items").doc("a").get())["data"] == {"_id": "a", "n": 0}


async def test_blocking_facade(emulator: RunningEmulator) -> None:
    # Plain def code, as a sync handler runs it: in a worker thread, the emulator on this loop.
    await asyncio.to_thread(_blocking_calls, emulator.base_url)


def _blocking_calls(base_url: str) -> None:
    import cloudfn

    cloud = cloudfn.init(base_url=base_url, transport="tcb", env=ENV)
    db = cloud.sync.database()
    _ = db.command
    assert db.createCollection("items")["errMsg"] == "createCollection:ok"
    assert db.collection("items").add({"data": {"_id": "a", "n": 1}}) == {
        "_id": "a",
        "errMsg": "collection.add:ok",
    }
    assert db.collection("items").where({"n": _.gt(0)}).get()["data"] == [{"_id": "a", "n": 1}]
    db.collection("items").doc("b").set({"data": {"at": db.serverDate(), "re": "x"}})
    assert isinstance(db.collection("items").doc("b").get()["data"]["at"], dt.datetime)
    assert db.collection("items").aggregate().match({"n": 1}).count("c").end()["list"] == [{"c": 1}]

    def bump(transaction: Any) -> str:
        transaction.collection("items").doc("a").update({"data": {"n": _.inc(1)}})
        return "done"

    assert db.runTransaction(bump) == "done"
    assert db.collection("items").doc("a").get()["data"]["n"] == 2
    cloud.sync.close()


async def test_nothing_is_sent_for_what_the_client_refuses(
    db_cloud: Cloud, emulator: RunningEmulator
) -> None:
    db = await seeded(db_cloud, [{"_id": "a"}])
    before = len(database_requests(emulator))
    with pytest.raises(CloudSDKError) as empty:
        await db.collection("items").doc("a").update({"data": {}})
    assert empty.value.to_json() == {"errCode": -1, "errMsg": "options.data must not be empty"}
    with pytest.raises(CloudSDKError) as unstorable:
        await db.collection("items").add({"data": {"tags": {"a", "b"}}})
    assert unstorable.value.errCode == -501007
    assert "data.tags: a set cannot be stored" in str(unstorable.value)
    with pytest.raises(CloudSDKError) as mixed:
        await db.collection("items").doc("a").set({"data": {"n": db.command.inc(1)}})
    assert mixed.value.errMsg == "document.set:fail -502001 database request fail. update operator complicit"
    with pytest.raises(CloudSDKError) as not_int:
        db.collection("items").limit(2.5)  # type: ignore[arg-type]
    assert not_int.value.errMsg == "limit must be integer"
    with pytest.raises(CloudSDKError, match="不能更新_id的值"):
        await db.collection("items").doc("a").update({"data": {"_id": "b"}})
    with pytest.raises(CloudSDKError) as bad_id:
        db.collection("items").doc(None)  # type: ignore[arg-type]
    assert bad_id.value.errMsg == "docId必须为字符串或数字"
    with pytest.raises(CloudSDKError) as no_name:
        db.collection("")
    assert no_name.value.errMsg == "Collection name is required"
    with pytest.raises(CloudSDKError) as direction:
        db.collection("items").orderBy("a", "up")
    assert direction.value.errMsg == "排序字符不合法" and "'asc' or 'desc'" in str(direction.value)
    assert len(database_requests(emulator)) == before


async def test_geo_queries_on_points(db_cloud: Cloud) -> None:
    db = await seeded(
        db_cloud,
        [
            {"_id": "tower", "at": Point(113.3245, 23.1064)},  # 0 m from the center
            {"_id": "park", "at": Point(113.3300, 23.1100)},  # about 700 m
            {"_id": "airport", "at": Point(113.2988, 23.3924)},  # about 32 km
            {"_id": "nowhere"},
        ],
    )
    _ = db.command
    center = db.Geo.Point(113.3245, 23.1064)
    near = (
        await db.collection("items").where({"at": _.geoNear({"geometry": center, "maxDistance": 5000})}).get()
    )
    assert [d["_id"] for d in near["data"]] == ["tower", "park"]
    far = await (
        db.collection("items").where({"at": _.geoNear({"geometry": center, "minDistance": 100})}).count()
    )
    assert far["total"] == 2
    within = await (
        db.collection("items").where({"at": _.geoWithin({"centerSphere": [center, 1000 / 6378100]})}).get()
    )
    assert sorted(d["_id"] for d in within["data"]) == ["park", "tower"]
    square = db.Geo.Polygon(
        [
            db.Geo.LineString(
                [
                    Point(113.2, 23.3),
                    Point(113.4, 23.3),
                    Point(113.4, 23.5),
                    Point(113.2, 23.5),
                    Point(113.2, 23.3),
                ]
            )
        ]
    )
    inside = await db.collection("items").where({"at": _.geoWithin({"geometry": square})}).get()
    assert [d["_id"] for d in inside["data"]] == ["airport"]
    hit = await db.collection("items").where({"at": _.geoIntersects({"geometry": center})}).get()
    assert [d["_id"] for d in hit["data"]] == ["tower"]
    moved = (
        await db.collection("items")
        .where({"at": _.geoNear({"geometry": center, "maxDistance": 1})})
        .update({"data": {"home": True}})
    )
    assert moved["stats"]["updated"] == 1
    with pytest.raises(CloudSDKError) as nested:
        await db.collection("items").where(_.or_([{"at": _.geoIntersects({"geometry": center})}])).get()
    assert "only as a field's condition at the top level" in nested.value.errMsg
