"""The emulator's /tcb/database* paths over loopback, with the documented requests and answers."""

from __future__ import annotations

import json
import random
from typing import Any

import aiohttp
import pytest

from cloudfn.emulator.server import RunningEmulator
from tests.support.database_https import access_token

ENV = "test2-4a89da"  # the documentation's env id


class Api:
    def __init__(self, http: aiohttp.ClientSession, emulator: RunningEmulator, token: str) -> None:
        self.http, self.base, self.token = http, emulator.base_url, token

    async def post(self, path: str, body: Any, **kwargs: Any) -> dict[str, Any]:
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        params = {"access_token": self.token}
        async with self.http.post(f"{self.base}/tcb/{path}", params=params, data=data, **kwargs) as response:
            assert response.status == 200
            answer: dict[str, Any] = await response.json()
            return answer

    async def query(self, path: str, statement: str) -> dict[str, Any]:
        return await self.post(path, {"env": ENV, "query": statement})


@pytest.fixture
async def api(emulator: RunningEmulator) -> Any:
    async with aiohttp.ClientSession() as http:
        token = await access_token(http, emulator)
        yield Api(http, emulator, token)


def strip_rid(answer: dict[str, Any]) -> dict[str, Any]:
    if "rid: " in answer.get("errmsg", ""):
        answer = {**answer, "errmsg": answer["errmsg"].rsplit(" rid: ", 1)[0]}
    return answer


async def test_the_documented_examples_round_trip(api: Api) -> None:
    assert await api.post("databasecollectionadd", {"env": ENV, "collection_name": "geo"}) == {
        "errcode": 0,
        "errmsg": "ok",
    }
    added = await api.query(
        "databaseadd",
        """db.collection("geo").add({
          data: [{description: "item1", due: new Date("2019-09-09"), tags: ["cloud", "database"],
                  location: new db.Geo.Point(113, 23), done: false},
                 {_id: "b15498af", description: "item2", done: true, name: "test"}]
        })""",
    )
    assert added["errcode"] == 0 and len(added["id_list"]) == 2 and added["id_list"][1] == "b15498af"
    first_id = added["id_list"][0]

    found = await api.query(
        "databasequery", 'db.collection("geo").where({done:true}).limit(10).skip(0).get()'
    )
    assert found == {
        "errcode": 0,
        "errmsg": "ok",
        "pager": {"Offset": 0, "Limit": 10, "Total": 1},
        "data": ['{"_id":"b15498af","description":"item2","done":true,"name":"test"}'],
    }
    page = await api.query("databasequery", 'db.collection("geo").orderBy("description","asc").skip(1).get()')
    assert page["pager"] == {"Offset": 1, "Limit": 10, "Total": 2}  # 10: the documented default
    assert [json.loads(d)["description"] for d in page["data"]] == ["item2"]
    full = await api.query(
        "databasequery", 'db.collection("geo").orderBy("description","asc").limit(1).get()'
    )
    assert full["pager"] == {"Offset": 0, "Limit": 1, "Total": 2}  # a full page: counted
    beyond = await api.query("databasequery", 'db.collection("geo").skip(5).get()')
    assert (beyond["pager"], beyond["data"]) == ({"Offset": 5, "Limit": 10, "Total": 2}, [])
    stored = json.loads(
        (await api.query("databasequery", f'db.collection("geo").doc("{first_id}").get()'))["data"][0]
    )
    assert stored["due"] == {"$date": {"$numberLong": "1567987200000"}}
    assert stored["location"]["type"] == "Point"

    assert await api.query("databasecount", 'db.collection("geo").where({done:false}).count()') == {
        "errcode": 0,
        "errmsg": "ok",
        "count": 1,
    }
    updated = await api.query(
        "databaseupdate", 'db.collection("geo").where({done:false}).update({data:{age: _.inc(1)}})'
    )
    assert updated == {"errcode": 0, "errmsg": "ok", "matched": 1, "modified": 1, "id": ""}
    unchanged = await api.query(
        "databaseupdate", 'db.collection("geo").doc("b15498af").update({data:{done: true}})'
    )
    assert unchanged == {"errcode": 0, "errmsg": "ok", "matched": 1, "modified": 0, "id": ""}
    created = await api.query(
        "databaseupdate", 'db.collection("geo").doc("fresh").set({data: {description: "set", done: true}})'
    )
    assert created == {"errcode": 0, "errmsg": "ok", "matched": 0, "modified": 0, "id": "fresh"}
    replaced = await api.query(
        "databaseupdate", 'db.collection("geo").doc("fresh").set({data: {done: false}})'
    )
    assert replaced == {"errcode": 0, "errmsg": "ok", "matched": 1, "modified": 1, "id": ""}

    grouped = await api.query(
        "databaseaggregate",
        'db.collection("geo").aggregate().group({_id: "$done", n: $.sum(1)}).sort({_id: 1}).end()',
    )
    assert [json.loads(row) for row in grouped["data"]] == [
        {"_id": False, "n": {"$numberInt": "2"}},
        {"_id": True, "n": {"$numberInt": "1"}},
    ]
    removed = await api.query("databasedelete", 'db.collection("geo").where({done:false}).remove()')
    assert removed == {"errcode": 0, "errmsg": "ok", "deleted": 2}
    gone = await api.query("databasedelete", 'db.collection("geo").doc("b15498af").remove()')
    assert gone == {"errcode": 0, "errmsg": "ok", "deleted": 1}


async def test_collections_are_listed_and_deleted(api: Api) -> None:
    for name in ("a1", "b2", "c3"):
        assert (await api.post("databasecollectionadd", {"env": ENV, "collection_name": name}))[
            "errcode"
        ] == 0
    await api.query("databaseadd", 'db.collection("b2").add({data: {x: 1}})')
    listing = await api.post("databasecollectionget", {"env": ENV, "limit": 2, "offset": 1})
    assert listing["pager"] == {"Offset": 1, "Limit": 2, "Total": 3}
    assert [(c["name"], c["count"], c["index_count"]) for c in listing["collections"]] == [
        ("b2", 1, 1),
        ("c3", 0, 1),
    ]
    assert listing["collections"][0]["size"] > 0
    assert (await api.post("databasecollectiondelete", {"env": ENV, "collection_name": "b2"}))["errcode"] == 0
    again = strip_rid(await api.post("databasecollectiondelete", {"env": ENV, "collection_name": "b2"}))
    assert again["errcode"] == -502005 and "b2" in again["errmsg"]
    assert [c["name"] for c in (await api.post("databasecollectionget", {"env": ENV}))["collections"]] == [
        "a1",
        "c3",
    ]
    missing = strip_rid(await api.query("databasequery", 'db.collection("b2").limit(1).get()'))
    assert missing["errcode"] == -502005


@pytest.mark.parametrize(
    ("path", "body", "errcode", "words"),
    [
        (
            "databasequery",
            {"env": ENV, "query": "db.collection('geo').count()"},
            40097,
            "/tcb/databasecount serves",
        ),
        (
            "databasequery",
            {"env": ENV, "query": "db.collection('geo').where({a: x}).get()"},
            40097,
            "unknown name 'x'",
        ),
        ("databasequery", {"env": ENV, "query": "require('fs')"}, 40097, "unknown name 'require'"),
        ("databasequery", {"env": ENV, "query": "db.collection('geo').get("}, 40097, "not valid JavaScript"),
        ("databasequery", {"query": "db.collection('geo').get()"}, 40101, "missing env"),
        ("databasequery", {"env": ENV}, 40101, "missing query"),
        ("databasequery", {"env": ENV, "query": 5}, 40097, "non-empty string"),
        (
            "databaseupdate",
            {"env": ENV, "query": "db.collection('geo').doc('x').update({data: {}})"},
            40097,
            "must not be empty",
        ),
        ("databasecollectionadd", {"env": ENV}, 40101, "collection_name"),
        (
            "databasecollectionadd",
            {"env": ENV, "collection_name": "bad name!"},
            -501007,
            "not a valid collection name",
        ),
        ("databasecollectionget", {"env": ENV, "limit": -1}, 40097, "limit must be a whole number"),
        (
            "databasecount",
            # An unpaired surrogate: refused with the body (47001), before any statement is read.
            b'{"env":"E","query":"db.collection(\'a\').where({a:\'\\ud800\'}).count()"}',
            47001,
            "data format error",
        ),
        ("databasequery", b"", 44002, "empty post data"),
        ("databasequery", b"{not json", 47001, "data format error"),
        ("databasequery", b"[1]", 47001, "data format error"),
    ],
)
async def test_bad_requests_get_an_error_and_the_next_request_works(
    api: Api, path: str, body: Any, errcode: int, words: str
) -> None:
    answer = await api.post(path, body)
    assert answer["errcode"] == errcode, answer
    assert words in answer["errmsg"], answer
    await api.post("databasecollectionadd", {"env": ENV, "collection_name": "after"})
    assert (await api.query("databasecount", "db.collection('after').count()"))["count"] == 0


async def test_credentials_and_method_are_checked(api: Api, emulator: RunningEmulator) -> None:
    body = json.dumps({"env": ENV, "query": "db.collection('geo').count()"})
    async with api.http.post(f"{emulator.base_url}/tcb/databasecount", data=body) as response:
        assert (await response.json())["errcode"] in (40001, 41001)
    params = {"access_token": "not-a-token-but-long-enough"}
    async with api.http.post(f"{emulator.base_url}/tcb/databasecount", params=params, data=body) as response:
        assert (await response.json())["errcode"] in (40001, 40014)
    async with api.http.get(
        f"{emulator.base_url}/tcb/databasecount", params={"access_token": api.token}
    ) as response:
        assert (await response.json())["errcode"] == 43002


async def test_requests_are_logged_without_the_token(api: Api, emulator: RunningEmulator) -> None:
    await api.post("databasecollectionadd", {"env": ENV, "collection_name": "logged"})
    entry = emulator.state.requests[-1]
    # Not an open-API call (parity compares the database itself), as for /admin's database actions.
    assert entry.path == "/tcb/databasecollectionadd" and entry.api is None
    assert entry.query["access_token"] == "***"


@pytest.mark.parametrize("seed", [11, 12, 13])
async def test_seeded_junk_never_gets_a_5xx_nor_breaks_the_next_request(api: Api, seed: int) -> None:
    from cloudfn.dbstatement.https_api import (
        COLLECTION_ADD,
        COLLECTION_DELETE,
        COLLECTION_GET,
        STATEMENT_PATHS,
    )

    from .test_statements import STATEMENTS

    rng = random.Random(seed)
    paths = [*STATEMENT_PATHS, COLLECTION_ADD, COLLECTION_DELETE, COLLECTION_GET]
    junk_values: list[Any] = [None, 0, -1, 1e308, "", "x" * 300, [], {}, True, "\ud800", {"$gt": 1}, [[[]]]]
    await api.post("databasecollectionadd", {"env": ENV, "collection_name": "todos"})
    statuses: dict[int, int] = {}
    for _ in range(400):
        path = rng.choice(paths)
        statement = rng.choice(STATEMENTS)
        cut = rng.randrange(len(statement) + 1)
        body: Any = rng.choice(
            [
                {"env": ENV, "query": statement},
                {"env": ENV, "query": statement[:cut] + rng.choice("{}()[]'\"`$_.,\\") + statement[cut:]},
                {"env": rng.choice(junk_values), "query": rng.choice([*junk_values, statement])},
                {"env": ENV, "collection_name": rng.choice([*junk_values, "todos", "a" * 70])},
                {"env": ENV, "limit": rng.choice(junk_values), "offset": rng.choice(junk_values)},
                rng.choice(junk_values),
            ]
        )
        data = (
            json.dumps(body).encode() if not isinstance(body, str) else body.encode("utf-8", "surrogatepass")
        )
        async with api.http.post(
            f"{api.base}{path}", params={"access_token": api.token}, data=data
        ) as response:
            statuses[response.status] = statuses.get(response.status, 0) + 1
            assert response.status < 500, (path, body)
            await response.read()
    assert set(statuses) == {200}
    # The next requests still work (the junk may have dropped 'todos': a valid request).
    assert (await api.post("databasecollectionadd", {"env": ENV, "collection_name": "probe"}))["errcode"] == 0
    assert (await api.query("databaseadd", "db.collection('probe').add({data: {a: 1}})"))["errcode"] == 0
    assert (await api.query("databasecount", "db.collection('probe').count()"))["count"] == 1
