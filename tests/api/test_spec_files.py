"""Every API spec file is well-formed, self-consistent, and listed in docs/apis.md."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest
from jsonschema import Draft202012Validator

from cloudfn.api import table
from cloudfn.api.registry import ApiSpec, iter_spec_documents
from cloudfn.api.validation import WireValidator, checks, find_violation
from cloudfn.formats import API_SPEC, load_format
from tests.support.paths import ROOT

TOP_LEVEL = ROOT / "schemas"
FORMAT = load_format(API_SPEC)
PAGE_PREFIX = "https://developers.weixin.qq.com/"

# (method, path) pairs that more than one API may share on purpose. Empty today: two
# specs on one route would make the emulator answer one of them for both.
SHARED_ROUTES: set[tuple[str, str]] = set()


def _top_level_files() -> list[Path]:
    return sorted(TOP_LEVEL.glob("*/*.json"))


DOCUMENTS = list(iter_spec_documents())
IDS = [source for source, _ in DOCUMENTS]


def _nodes(schema: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(schema, dict):
        yield path, schema
        for key, value in schema.items():
            yield from _nodes(value, f"{path}/{key}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _nodes(value, f"{path}/{index}")


def test_the_top_level_folder_holds_specs() -> None:
    assert len(_top_level_files()) >= 20


@pytest.mark.parametrize(("source", "document"), DOCUMENTS, ids=IDS)
def test_spec_is_valid_against_the_format(source: str, document: dict[str, Any]) -> None:
    errors = sorted(Draft202012Validator(FORMAT).iter_errors(document), key=lambda e: e.path)
    assert not errors, f"{source}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.mark.parametrize(("source", "document"), DOCUMENTS, ids=IDS)
def test_spec_names_its_route_and_page(source: str, document: dict[str, Any]) -> None:
    namespace, method = document["api"].split(".")
    assert source.endswith(f"/{namespace}/{method}.json"), f"{source} holds {document['api']}"
    assert document["method"] in {"GET", "POST"}
    assert document["path"].startswith("/") and "?" not in document["path"]
    assert document.get("doc", "").startswith(PAGE_PREFIX), f"{source}: no official page"


@pytest.mark.parametrize(("source", "document"), DOCUMENTS, ids=IDS)
def test_request_schema_is_usable_by_the_shim_and_the_emulator(source: str, document: dict[str, Any]) -> None:
    spec = ApiSpec.from_document(document)
    WireValidator.check_schema(spec.request_schema)
    Draft202012Validator.check_schema(spec.response_schema)
    fastjsonschema.compile(dict(spec.request_schema))  # the shim's fast path must compile
    for where, node in _nodes(spec.request_schema):
        if "x-errcode" in node:
            assert isinstance(node["x-errcode"], int), f"{source}{where}"
            assert isinstance(node.get("x-errmsg", ""), str), f"{source}{where}"
        if "x-media" in node:
            errors = list(Draft202012Validator(FORMAT["$defs"]["media"]).iter_errors(node["x-media"]))
            assert not errors, f"{source}{where}: {errors[0].message}"
            assert "type" not in node, f"{source}{where}: a media field holds bytes, it has no JSON type"
    for name, node in spec.request_schema.get("properties", {}).items():
        assert node.get("x-in", "query") == "query", f"{source}: {name} has an unknown x-in"
    nested = [
        where
        for where, node in _nodes(spec.request_schema)
        if "x-in" in node and where.count("/properties/") > 1
    ]
    assert not nested, f"{source}: x-in is for top-level fields only: {nested}"


@pytest.mark.parametrize(("source", "document"), DOCUMENTS, ids=IDS)
def test_page_examples_pass_the_spec(source: str, document: dict[str, Any]) -> None:
    spec = ApiSpec.from_document(document)
    if "requestExample" in document:
        violation = find_violation(spec, document["requestExample"])
        assert violation is None, f"{source}: the page's request example is refused: {violation.detail}"
    if "example" in document:
        errors = list(checks(spec).response.iter_errors(document["example"]))
        assert not errors, (
            f"{source}: the page's example answer breaks the response schema: {errors[0].message}"
        )


@pytest.mark.parametrize(("source", "document"), DOCUMENTS, ids=IDS)
def test_field_examples_pass_their_own_rules(source: str, document: dict[str, Any]) -> None:
    """Each x-example is a valid value for the node it sits on (the fix a rejection suggests must work)."""
    for where, node in _nodes(document["request"]):
        if "x-example" not in node or "x-media" in node:
            continue
        rules = {k: v for k, v in node.items() if not k.startswith("x-") or k == "x-maxBytes"}
        errors = list(WireValidator(rules).iter_errors(node["x-example"]))
        assert not errors, f"{source}{where}: x-example {node['x-example']!r} breaks {errors[0].message}"


def test_no_two_specs_share_a_route() -> None:
    routes = Counter((document["method"], document["path"]) for _, document in _unique_by_name())
    shared = {route for route, count in routes.items() if count > 1}
    assert shared <= SHARED_ROUTES, f"routes used by more than one spec: {sorted(shared - SHARED_ROUTES)}"


def test_no_api_is_specified_twice() -> None:
    names = Counter(document["api"] for _, document in DOCUMENTS)
    assert not [name for name, count in names.items() if count > 1]


def _unique_by_name() -> list[tuple[str, dict[str, Any]]]:
    unique: dict[str, tuple[str, dict[str, Any]]] = {}
    for source, document in DOCUMENTS:
        unique.setdefault(document["api"], (source, document))
    return list(unique.values())


def test_docs_table_is_up_to_date() -> None:
    expected = table.render(table.spec_documents(), table.stateful_apis())
    committed = (ROOT / "docs" / "apis.md").read_text(encoding="utf-8")
    assert committed == expected, "docs/apis.md is stale: run python -m cloudfn.api.table"


def test_table_lists_every_api_once_and_marks_the_stateful_ones() -> None:
    documents = table.spec_documents()
    rendered = table.render(documents, {"logistics.addOrder"})
    rows = [line for line in rendered.splitlines() if line.startswith("| `")]
    assert len(rows) == len(documents) == len({name for name in documents})
    [add_order] = [row for row in rows if row.startswith("| `logistics.addOrder`")]
    assert add_order.endswith("| stateful |")
    [get_unlimited] = [row for row in rows if row.startswith("| `wxacode.getUnlimited`")]
    assert "example answer (bytes: image/jpeg)" in get_unlimited
    assert "/wxa/getwxacodeunlimit" in get_unlimited


def test_the_emulators_handler_table_feeds_the_stateful_column() -> None:
    stateful = table.stateful_apis()
    assert "logistics.updatePrinter" in stateful
    assert all(name in table.spec_documents() for name in stateful)
