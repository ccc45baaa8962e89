"""The HTTPS database API's wire: which path and body an action becomes, and how answers map back."""

from __future__ import annotations

import pytest

from cloudfn.dbstatement import StatementError, parse_statement
from cloudfn.dbstatement.https_api import STATEMENT_PATHS, https_call, https_error, platform_answer


@pytest.mark.parametrize(
    ("statement", "path"),
    [
        ('db.collection("geo").where({done:true}).limit(10).skip(1).get()', "/tcb/databasequery"),
        ('db.collection("geo").doc("x").get()', "/tcb/databasequery"),
        ('db.collection("geo").where({done:true}).count()', "/tcb/databasecount"),
        ('db.collection("geo").add({data:{a:1}})', "/tcb/databaseadd"),
        ('db.collection("geo").where({age:14}).update({data:{age: _.inc(1)}})', "/tcb/databaseupdate"),
        ('db.collection("geo").doc("x").set({data:{a:1}})', "/tcb/databaseupdate"),
        ('db.collection("geo").doc("x").remove()', "/tcb/databasedelete"),
        ('db.collection("geo").aggregate().match({a:1}).end()', "/tcb/databaseaggregate"),
    ],
)
def test_each_action_goes_to_its_documented_path(statement: str, path: str) -> None:
    parsed = parse_statement(statement)
    call = https_call(parsed.action, parsed.params, "env-1")
    assert call.path == path
    assert STATEMENT_PATHS[path] == parsed.action
    assert call.body["env"] == "env-1"
    again = parse_statement(call.body["query"])
    assert (again.action, again.params) == (parsed.action, parsed.params)


def test_add_collection_uses_the_collection_body() -> None:
    call = https_call("database.addCollection", {"collectionName": "logs"}, "env-1")
    assert (call.path, call.body) == (
        "/tcb/databasecollectionadd",
        {"env": "env-1", "collection_name": "logs"},
    )


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("database.startTransaction", {}),
        ("database.modifyAndReturnDoc", {"collectionName": "a", "data": "{}"}),
        ("database.getDocument", {"collectionName": "a", "query": '{"_id":"x"}', "transactionId": "t1"}),
    ],
)
def test_what_the_https_api_cannot_do_is_refused_before_sending(action: str, params: dict) -> None:
    with pytest.raises(StatementError) as caught:
        https_call(action, params, "env-1")
    assert "transport='tcb'" in caught.value.errmsg


def test_documented_answers_map_to_platform_answers() -> None:
    # The answer examples of the official pages.
    query = {
        "errcode": 0,
        "errmsg": "ok",
        "pager": {"Offset": 1, "Limit": 10, "Total": 2},
        "data": ['{"_id":"b15498af-1a5a-40b4-a4e7-b3fc4a1df482","done":true,"name":"test"}'],
    }
    assert platform_answer("database.getDocument", query)["data"] == {
        "list": ['{"_id":"b15498af-1a5a-40b4-a4e7-b3fc4a1df482","done":true,"name":"test"}']
    }
    assert platform_answer("database.getDocument", query)["total"] == 2
    assert platform_answer("database.calculateDocument", {"errcode": 0, "errmsg": "ok", "count": 3})[
        "data"
    ] == {"total": 3}
    added = {"errcode": 0, "errmsg": "ok", "id_list": ["be62d9c4", "0f4b8add"]}
    assert platform_answer("database.insertDocument", added)["data"] == {
        "insertedIds": ["be62d9c4", "0f4b8add"]
    }
    updated = {"errcode": 0, "errmsg": "ok", "matched": 1, "modified": 1, "id": ""}
    assert platform_answer("database.modifyDocument", updated)["data"] == {"updated": 1}
    created = {"errcode": 0, "errmsg": "ok", "matched": 0, "modified": 0, "id": "new-id"}
    assert platform_answer("database.modifyDocument", created)["data"] == {
        "updated": 0,
        "upsert_id": "new-id",
    }
    assert platform_answer("database.removeDocument", {"errcode": 0, "errmsg": "ok", "deleted": 2})[
        "data"
    ] == {"deleted": 2}


@pytest.mark.parametrize(
    ("errcode", "code"),
    [
        (-502005, "DATABASE_COLLECTION_NOT_EXIST"),
        (-502001, "DATABASE_REQUEST_FAILED"),
        (40097, "INVALID_PARAM"),
        (-1, "SYS_ERR"),
    ],
)
def test_error_answers_keep_the_platform_code(errcode: int, code: str) -> None:
    answer = platform_answer("database.getDocument", {"errcode": errcode, "errmsg": "why"})
    assert (answer["code"], answer["message"]) == (code, "why")


def test_platform_refusals_become_documented_errcodes() -> None:
    assert https_error({"code": "DATABASE_COLLECTION_NOT_EXIST", "message": "m"}) == {
        "errcode": -502005,
        "errmsg": "m",
    }
    assert https_error({"code": "SOMETHING_NEW", "message": "m"}) == {"errcode": -501001, "errmsg": "m"}
