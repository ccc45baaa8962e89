"""The emulator refuses bad input with the platform's codes, names the field and the fix, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from cloudfn.cloud import Cloud
from cloudfn.database.ejson import dumps as ejson_dumps
from cloudfn.emulator.database import execute
from cloudfn.emulator.server import RunningEmulator
from cloudfn.emulator.state import EmulatorState
from cloudfn.errors import CloudSDKError
from tests.support.database import ENV


def contents(state: EmulatorState) -> dict[str, Any]:
    return state.database.dump()


async def test_missing_collection_and_bad_names(db_cloud: Cloud) -> None:
    db = db_cloud.database()
    with pytest.raises(CloudSDKError) as missing:
        await db.collection("nothing").where({"a": 1}).get()
    assert missing.value.errCode == -502005
    assert missing.value.errMsg.startswith("collection.get:fail -502005 database collection not exists. ")
    assert "db.createCollection('nothing')" in missing.value.errMsg
    with pytest.raises(CloudSDKError) as bad_name:
        await db.collection("bad name!").add({"data": {"a": 1}})
    assert bad_name.value.errCode == -501007
    assert "collectionName: 'bad name!' is not a valid collection name" in bad_name.value.errMsg
    with pytest.raises(CloudSDKError) as exists:
        await db.createCollection("twice")
        await db.createCollection("twice")
    assert exists.value.errCode == -1
    assert exists.value.errMsg.startswith("createCollection:fail [ResourceInUse] Table exist: twice")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"$bad": 1}, "data.$bad: field names cannot start with '$'"),
        ({"a": {"$inner": 1}}, "data.a.$inner: field names cannot start with '$'"),
        ({"a": {"": 1}}, "data: empty field name at a"),
    ],
)
async def test_unstorable_field_names_are_refused(
    db_cloud: Cloud, emulator: RunningEmulator, data: dict[str, Any], message: str
) -> None:
    db = db_cloud.database()
    await db.createCollection("items")
    before = contents(emulator.state)
    with pytest.raises(CloudSDKError) as caught:
        await db.collection("items").add({"data": data})
    assert caught.value.errCode == -501007
    assert message in caught.value.errMsg and "Fix:" in caught.value.errMsg
    assert contents(emulator.state) == before


async def test_wrong_operator_argument_changes_nothing(db_cloud: Cloud, emulator: RunningEmulator) -> None:
    db = db_cloud.database()
    await db.createCollection("items")
    await db.collection("items").add({"data": [{"_id": "a", "n": 1}, {"_id": "b", "n": "text"}]})
    before = contents(emulator.state)
    with pytest.raises(CloudSDKError) as caught:
        # Matches both; the second cannot take $inc: neither may change.
        await db.collection("items").where({}).update({"data": {"n": db.command.inc(1)}})
    assert caught.value.errCode == -502001
    assert "Cannot apply $inc to a value of non-numeric type" in caught.value.errMsg
    assert "'n'" in caught.value.errMsg
    assert contents(emulator.state) == before


async def test_paths_limits_and_skips(db_cloud: Cloud) -> None:
    db = db_cloud.database()
    await db.createCollection("items")
    with pytest.raises(CloudSDKError) as negative:
        await db.collection("items").skip(-1).get()
    assert negative.value.errMsg == (
        "collection.get:fail -501007 invalid parameters. offset: -1 is out of range (>= 0). "
        "Fix: use skip(n) with n >= 0"
    )
    # Above the server's maximum the Node SDK (and cloudfn) sends 1000.
    assert (await db.collection("items").limit(5000).get())["data"] == []
    with pytest.raises(CloudSDKError) as empty_segment:
        await db.collection("items").doc("x").update({"data": {"a..b": 1}})
    assert "field path 'a..b' has an empty segment" in empty_segment.value.errMsg


def test_execute_answers_bad_params_without_raising() -> None:
    state = EmulatorState()
    assert execute(state, ENV, "database.addCollection", {"collectionName": "c"})["requestId"]
    unknown = execute(state, ENV, "database.dropEverything", {})
    assert unknown["code"] == "INVALID_PARAM" and "database.getDocument" in unknown["message"]
    too_many = execute(state, ENV, "database.getDocument", {"collectionName": "c", "limit": 1001})
    assert (
        too_many["code"] == "INVALID_PARAM"
        and "limit: 1001 is out of range (from 0 to 1000)" in too_many["message"]
    )
    not_json = execute(state, ENV, "database.getDocument", {"collectionName": "c", "query": "{nope"})
    assert not_json["code"] == "INVALID_PARAM" and not_json["message"].startswith(
        "query: not valid extended JSON"
    )
    stale = execute(state, ENV, "database.commitTransaction", {"transactionId": "gone"})
    assert stale["code"] == "DATABASE_TRANSACTION_FAIL"
    geo = execute(
        state,
        ENV,
        "database.getDocument",
        {"collectionName": "c", "query": '{"p":{"$geoWithin":{"$centerSphere":[[0,0],"far"]}}}'},
    )
    assert geo["code"] == "DATABASE_REQUEST_FAILED"
    assert "query.p.$geoWithin.$centerSphere[1]: must be a number, got 'far'" in geo["message"]


def test_id_lookups_and_scans_agree() -> None:
    state = EmulatorState()
    execute(state, ENV, "database.addCollection", {"collectionName": "c"})
    documents = [ejson_dumps({"_id": f"d{i}", "n": i}) for i in range(50)]
    execute(state, ENV, "database.insertDocument", {"collectionName": "c", "data": documents})
    by_id = execute(state, ENV, "database.getDocument", {"collectionName": "c", "query": '{"_id":"d7"}'})
    by_id_and = execute(
        state,
        ENV,
        "database.getDocument",
        {"collectionName": "c", "query": '{"_id":"d7","n":{"$numberInt":"8"}}'},
    )
    scanned = execute(
        state, ENV, "database.getDocument", {"collectionName": "c", "query": '{"n":{"$numberInt":"7"}}'}
    )
    assert by_id["data"]["list"] == scanned["data"]["list"] == ['{"_id":"d7","n":{"$numberInt":"7"}}']
    assert by_id_and["data"]["list"] == []
