"""A port passes ``undefined`` (a missing event field) into the database as Node does: the key is left out."""

from __future__ import annotations

import cloudfn
from cloudfn.cloud import Cloud


async def test_undefined_fields_are_left_out_of_stored_documents(db_cloud: Cloud) -> None:
    event = cloudfn.JSObject({"title": "hello"})
    db = db_cloud.database()
    await db.createCollection("notes")

    added = await db.collection("notes").add(
        {"data": {"title": event.title, "author": event.author, "tags": [event.tag, "x"]}}
    )
    got = await db.collection("notes").doc(added["_id"]).get()

    # JSON.stringify (the Node SDK's EJSON) drops undefined keys and writes null in arrays.
    assert got["data"] == {"_id": added["_id"], "title": "hello", "tags": [None, "x"]}


async def test_an_undefined_condition_is_no_condition(db_cloud: Cloud) -> None:
    event = cloudfn.JSObject({})
    db = db_cloud.database()
    await db.createCollection("notes")
    await db.collection("notes").add({"data": {"title": "a"}})

    found = await db.collection("notes").where({"title": "a", "author": event.author}).get()

    assert [doc["title"] for doc in found["data"]] == ["a"]
