"""A schema-valid wire body (snake_case) for every spec: logistics' hand-written ones, else the page's."""

from __future__ import annotations

import copy
from typing import Any

from cloudfn.api.registry import iter_spec_documents
from tests.support.logistics import VALID_BODIES

# A real 1x1 PNG, for media fields (x-example shows "<bytes>" where the file goes).
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63f8ffff3f0005fe02fe0def46b80000000049454e44ae426082"
)

_DOCUMENTS = {document["api"]: document for _, document in iter_spec_documents()}


def _from_examples(schema: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name in schema.get("required", []):
        node = schema["properties"][name]
        example = copy.deepcopy(node.get("x-example"))
        if "x-media" in node:
            example = {**example, "value": TINY_PNG}
        body[name] = example
    return body


def valid_body(name: str) -> dict[str, Any]:
    """The API's example request: tests.support.logistics' body, the page's requestExample, or x-examples."""
    if name in VALID_BODIES:
        return copy.deepcopy(VALID_BODIES[name])
    document = _DOCUMENTS[name]
    if "requestExample" in document:
        return copy.deepcopy(document["requestExample"])
    return _from_examples(document["request"])
