"""examples/project served by `cloudfn serve`: Node and Python functions calling each other over HTTP."""

from __future__ import annotations

from tests.support.project import SEED_OPENID, Served

CALLER = {"x-wx-openid": SEED_OPENID, "x-wx-source": "wx_client"}


def test_healthz_lists_every_function_with_its_language(project: Served) -> None:
    health = project.get("/healthz")
    assert health["status"] == "ok"
    assert health["functions"] == [
        {"name": "desk", "language": "python"},
        {"name": "greeting", "language": "python"},
        {"name": "orders", "language": "node"},
        {"name": "pricing", "language": "python"},
        {"name": "qrcode", "language": "python"},
    ]
    assert "function" not in health  # a project, not one function


def test_node_calls_python_and_gets_the_node_sdk_result_shape(project: Served) -> None:
    status, body = project.post("/orders", {"action": "place", "items": ["apple", "tea"]}, CALLER)
    assert status == 200
    assert body["orderId"] == f"o-{SEED_OPENID}" and body["total"] == 1500
    pricing = body["pricing"]
    assert list(pricing) == ["result", "errMsg", "requestID"]
    assert pricing["errMsg"] == "callFunction:ok" and pricing["requestID"]
    # The callee's WX context: the chain of sources, no OPENID (a function called it).
    assert pricing["result"] == {"total": 1500, "source": "wx_client,scf"}


def test_python_calls_node(project: Served) -> None:
    status, body = project.post("/pricing", {"checkOrder": "o-7"}, CALLER)
    assert status == 200
    assert body == {
        "checked": {"orderId": "o-7", "status": "paid", "calledFrom": "wx_client,scf"},
        "source": "wx_client",
    }


def test_calls_nest_node_python_node_without_deadlock(project: Served) -> None:
    status, body = project.post("/orders", {"action": "chain"}, CALLER)
    assert status == 200
    assert body == {
        "checked": {"orderId": "o-1", "status": "paid", "calledFrom": "wx_client,scf,scf"},
        "source": "wx_client,scf",
    }


def test_a_callee_that_throws_is_reported_as_the_node_sdk_reports_it(project: Served) -> None:
    status, body = project.post("/orders", {"action": "failing", "item": "gold"}, CALLER)
    assert status == 200
    assert list(body) == ["code", "requestId", "errCode", "errMsg"]
    assert body["code"] == "FUNCTIONS_EXECUTE_FAIL" and body["errCode"] == -1
    assert body["errMsg"] == "callFunction:fail ValueError: cannot price gold"


def test_an_unknown_function_name_is_refused_with_the_names_that_exist(project: Served) -> None:
    status, body = project.post("/orders", {"action": "missing"}, CALLER)
    assert status == 200
    assert body["errCode"] == -1
    assert body["errMsg"].startswith("callFunction:fail [ResourceNotFound.Function]")
    assert (
        "no function 'no_such_function' in this project; its functions: desk, greeting, orders, pricing, qrcode"
        in (body["errMsg"])
    )


def test_python_calls_python_from_a_router_function(project: Served) -> None:
    assert project.post("/desk", {"$url": "quote", "items": ["pear", "pear"]}, CALLER) == (
        200,
        {"quote": 500},
    )
    assert project.post("/desk", {"$url": "hello"}, CALLER) == (200, {"hello": SEED_OPENID})
    assert project.post("/desk", {"$url": "elsewhere"}, CALLER) == (200, None)


def test_a_function_without_config_json_runs_and_its_cloud_calls_are_refused(project: Served) -> None:
    assert project.post("/greeting", {"name": "Ada"}, CALLER) == (
        200,
        {"hello": "Ada", "openid": SEED_OPENID},
    )
    status, body = project.post("/greeting", {"printers": True}, CALLER)
    assert (status, body) == (200, {"errCode": -604101, "errMsg": "system error: error code: -604101"})


def test_post_slash_on_a_project_names_the_paths_to_use(project: Served) -> None:
    status, body = project.post("/", {})
    assert status == 404
    assert "POST /desk, POST /greeting, POST /orders, POST /pricing, POST /qrcode" in body["errorMessage"]
    status, body = project.post("/nowhere", {})
    assert status == 404 and body["errorMessage"].startswith("/nowhere: no such function")


def test_a_python_error_in_a_function_answers_500_and_the_next_call_works(project: Served) -> None:
    status, body = project.post("/pricing", {"fail": "lead"})
    assert status == 500
    assert body["errorMessage"] == "ValueError: cannot price lead"
    # No SOURCE over plain HTTP: undefined, so the key is left out, as its Node twin leaves it out.
    assert project.post("/pricing", {"items": ["tea"]}) == (200, {"total": 1200})


async def test_every_function_matches_its_twin_in_the_other_language() -> None:
    from cloudfn.parity import run_parity
    from tests.support.project import PROJECT, npm_ci

    twins = PROJECT.parent / "twins"
    npm_ci(twins)
    pairs = [(twins / n, PROJECT / n, twins / n) for n in ("greeting", "desk", "pricing", "qrcode")]
    pairs.append((PROJECT / "orders", twins / "orders", twins / "orders"))
    for node_dir, py_dir, events in pairs:
        report = await run_parity(node_dir, py_dir, events / "events.jsonl", project=PROJECT)
        assert [v.case.name for v in report.verdicts if not v.same] == [], node_dir.name
        assert len(report.verdicts) >= 3


def test_a_generated_code_is_stored_and_its_temporary_url_serves_it(project: Served) -> None:
    import urllib.request

    status, body = project.post("/qrcode", {"scene": "table-9"}, CALLER)
    assert status == 200, body
    assert body["fileID"].endswith("/qrcodes/table-9.png") and body["fileID"].startswith("cloud://")
    assert body["contentType"] == "image/png"
    with urllib.request.urlopen(body["tempFileURL"], timeout=30) as response:
        png = response.read()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) == body["bytes"]
    status, body = project.post("/qrcode", {"scene": "x" * 33}, CALLER)
    assert body["errCode"] == 40097 and body["errMsg"].startswith("openapi.wxacode.getUnlimited:fail")
