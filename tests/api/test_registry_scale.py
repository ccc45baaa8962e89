"""The registry scales by files: every spec is valid, callable, served, and known by name.

``cloudfn check`` lists ``default_registry().names()`` as its known API names,
so that list is what is checked here for "listed by cloudfn check".
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import cloudfn
from cloudfn.api.registry import default_registry, iter_spec_documents
from cloudfn.api.validation import find_violation
from cloudfn.emulator.dispatch import FROM_EXAMPLE, FROM_STATE
from cloudfn.emulator.namespaces import HANDLERS
from cloudfn.emulator.server import RunningEmulator, run_emulator
from cloudfn.errors import API_NOT_FOUND, WECHAT_GLOBAL_ERRORS
from cloudfn.formats import API_SPEC, load_format
from tests.support.emulator import api_requests
from tests.support.logistics import make_cloud
from tests.support.spec_bodies import valid_body

DOCUMENTS = list(iter_spec_documents())
NAMES = [document["api"] for _, document in DOCUMENTS]
EXPECTED_LOGISTICS = {
    # by business (the official logistics pages' paths)
    "bindAccount": ("POST", "/cgi-bin/express/business/account/bind"),
    "getAllAccount": ("GET", "/cgi-bin/express/business/account/getall"),
    "getAllDelivery": ("GET", "/cgi-bin/express/business/delivery/getall"),
    "addOrder": ("POST", "/cgi-bin/express/business/order/add"),
    "batchGetOrder": ("POST", "/cgi-bin/express/business/order/batchget"),
    "cancelOrder": ("POST", "/cgi-bin/express/business/order/cancel"),
    "getOrder": ("POST", "/cgi-bin/express/business/order/get"),
    "getPath": ("POST", "/cgi-bin/express/business/path/get"),
    "getPrinter": ("GET", "/cgi-bin/express/business/printer/getall"),
    "updatePrinter": ("POST", "/cgi-bin/express/business/printer/update"),
    "getQuota": ("POST", "/cgi-bin/express/business/quota/get"),
    "testUpdateOrder": ("POST", "/cgi-bin/express/business/test_update_order"),
    # delivery side
    "getContact": ("POST", "/cgi-bin/express/delivery/contact/get"),
    "previewTemplate": ("POST", "/cgi-bin/express/delivery/template/preview"),
    "updateBusiness": ("POST", "/cgi-bin/express/delivery/service/business/update"),
    "updatePath": ("POST", "/cgi-bin/express/delivery/path/update"),
}


def schema_nodes(node: Any, where: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(node, Mapping):
        yield where, node
        for key, value in node.items():
            yield from schema_nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from schema_nodes(value, f"{where}/{index}")


@pytest.mark.parametrize(("source", "document"), DOCUMENTS, ids=NAMES)
def test_spec_file_is_valid(source: str, document: dict[str, Any]) -> None:
    Draft202012Validator(load_format(API_SPEC)).validate(document)
    Draft202012Validator.check_schema(document["request"])
    Draft202012Validator.check_schema(document["response"])
    namespace, method = document["api"].split(".")
    assert source == f"schemas/{namespace}/{method}.json"
    documented = {int(code) for code in document["errors"]}
    for where, node in schema_nodes(document["request"]):
        if "x-errcode" in node:
            # Every rule answers a code the API's page documents, or one of WeChat's global codes.
            assert node["x-errcode"] in documented or node["x-errcode"] in WECHAT_GLOBAL_ERRORS, (
                f"{source}{where}: x-errcode {node['x-errcode']} is neither in errors nor a global code"
            )
            assert node.get("x-errmsg"), f"{source}{where}: x-errcode without x-errmsg"
        if "x-maxBytes" in node:
            assert isinstance(node["x-maxBytes"], int) and node["x-maxBytes"] > 0


def test_logistics_namespace_is_complete() -> None:
    specs = {s.method_name: s for s in default_registry() if s.namespace == "logistics"}
    assert {m: (s.method, s.path) for m, s in specs.items()} == EXPECTED_LOGISTICS
    delivery_side = {m for m, s in specs.items() if s.side == "delivery"}
    assert delivery_side == {"getContact", "previewTemplate", "updateBusiness", "updatePath"}


def test_every_spec_is_served_and_known_by_name() -> None:
    names = default_registry().names()  # the list `cloudfn check` reports as known
    assert sorted(NAMES) == names and len(names) == len(set(names))
    for name in names:
        spec = default_registry().get(name)
        assert spec is not None
        # Served: from state (a handler), or from the page's example answer.
        assert name in HANDLERS or spec.example is not None or spec.binary is not None, name
        assert find_violation(spec, valid_body(name)) is None, name
        assert default_registry().closest(name[:-1]) == name  # a typo suggests the right name


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with run_emulator() as running:
        yield running


async def test_every_spec_is_reachable_through_cloud_openapi(emulator: RunningEmulator) -> None:
    async with make_cloud(emulator) as cloud:
        for name in default_registry().names():
            namespace, method = name.split(".")
            bound = getattr(getattr(cloud.openapi(convertCase=False), namespace), method)
            spec = default_registry().get(name)
            assert spec is not None
            try:
                result = await bound(valid_body(name))
            except cloudfn.CloudSDKError as error:
                # A state rule may refuse the example (no such order yet); it must be documented.
                documented = error.errCode in spec.errors or error.errCode in WECHAT_GLOBAL_ERRORS
                assert error.errCode != API_NOT_FOUND and documented, (name, str(error))
            else:
                assert result["errMsg"] == f"openapi.{name}:ok"
                if spec.binary is not None:
                    assert isinstance(result["buffer"], bytes) and result["buffer"], name
            [logged] = api_requests(emulator, name)
            assert (logged.method, logged.path, logged.status) == (spec.method, spec.path, 200)
            assert logged.answered == (FROM_STATE if name in HANDLERS else FROM_EXAMPLE), name


def test_cloudfn_check_knows_every_spec_and_flags_a_typo(tmp_path: Path) -> None:
    function = tmp_path / "every_api"
    function.mkdir()
    (function / "index.py").write_text("async def main(event, context):\n    return {}\n")
    permissions = [*NAMES, "logistics.updatePrinters"]
    (function / "config.json").write_text(json.dumps({"permissions": {"openapi": permissions}}))

    checked = subprocess.run(
        [sys.executable, "-m", "cloudfn", "check", str(function)], capture_output=True, text=True, timeout=60
    )

    output = checked.stdout + checked.stderr
    assert checked.returncode == 1  # the typo is a problem
    assert "logistics.updatePrinters is not an API cloudfn knows" in output
    assert "did you mean logistics.updatePrinter?" in output
    for name in NAMES:  # every shipped API is known: none is reported unknown
        assert f"{name} is not an API cloudfn knows" not in output
