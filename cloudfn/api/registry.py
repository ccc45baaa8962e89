"""The API registry: one JSON file per WeChat API under ``cloudfn/schemas/<namespace>/``.

A spec file says everything cloudfn needs to call (and the emulator needs to
serve) an API: HTTP method, path, the wire request schema with the error code
the server gives for each broken rule, the response schema, the documented
error codes. Adding an API is adding a file; no Python code names an API.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, ValidationError, validators

SCHEMA_PACKAGE = "cloudfn"
SCHEMA_DIR = "schemas"


def _max_bytes(
    validator: Any, limit: int, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """``x-maxBytes``: WeChat limits text fields in UTF-8 bytes, not characters."""
    if isinstance(instance, str):
        size = len(instance.encode("utf-8", "surrogatepass"))
        if size > limit:
            yield ValidationError(f"is {size} bytes in UTF-8, more than {limit}")


# JSON Schema 2020-12 plus the keywords WeChat's rules need and the standard lacks.
CUSTOM_KEYWORDS = {"x-maxBytes": _max_bytes}
WireValidator = validators.extend(Draft202012Validator, CUSTOM_KEYWORDS)


def _uses_custom_keywords(schema: Any) -> bool:
    if isinstance(schema, Mapping):
        return any(k in CUSTOM_KEYWORDS for k in schema) or any(
            _uses_custom_keywords(v) for v in schema.values()
        )
    if isinstance(schema, list):
        return any(_uses_custom_keywords(v) for v in schema)
    return False


@dataclass(frozen=True)
class ApiSpec:
    """One API as described by its spec file."""

    name: str
    method: str
    path: str
    request_schema: Mapping[str, Any]
    response_schema: Mapping[str, Any]
    errors: Mapping[int, str] = field(default_factory=dict)
    summary: str = ""
    doc: str = ""
    source: str = ""
    side: str = "business"

    @property
    def namespace(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def method_name(self) -> str:
        return self.name.split(".", 1)[1]

    @cached_property
    def request_validator(self) -> Draft202012Validator:
        validator: Draft202012Validator = WireValidator(self.request_schema)
        return validator

    @cached_property
    def accepts(self) -> Callable[[Any], Any] | None:
        """A compiled check of the request schema that raises on an invalid body.

        Valid bodies are the hot path; compiled code checks them ~25x faster than
        jsonschema's interpreter, which is kept for explaining a rejection. None
        when the schema uses a keyword of ours (``x-maxBytes``) that compiled
        code would silently ignore: then jsonschema decides alone.
        """
        if _uses_custom_keywords(self.request_schema):
            return None
        return fastjsonschema.compile(dict(self.request_schema))

    @cached_property
    def response_validator(self) -> Draft202012Validator:
        return Draft202012Validator(self.response_schema)

    @classmethod
    def from_document(cls, document: Mapping[str, Any], source: str = "") -> ApiSpec:
        return cls(
            name=document["api"],
            method=document["method"],
            path=document["path"],
            request_schema=document["request"],
            response_schema=document["response"],
            errors={int(code): text for code, text in document.get("errors", {}).items()},
            summary=document.get("summary", ""),
            doc=document.get("doc", ""),
            source=source,
            side=document.get("side", "business"),
        )


class Registry:
    """All known APIs, by their cloud name (``logistics.updatePrinter``)."""

    def __init__(self, specs: Mapping[str, ApiSpec]) -> None:
        self._specs = dict(specs)

    def get(self, name: str) -> ApiSpec | None:
        return self._specs.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[ApiSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def names(self) -> list[str]:
        return sorted(self._specs)

    def closest(self, name: str) -> str | None:
        """The known API name nearest to a misspelt one, for "did you mean" hints."""
        matches = difflib.get_close_matches(name, self._specs, n=1, cutoff=0.6)
        return matches[0] if matches else None


def schema_root() -> Traversable:
    return resources.files(SCHEMA_PACKAGE).joinpath(SCHEMA_DIR)


def load_json_resource(name: str) -> Any:
    """A JSON file at the top of the schema folder (``config.schema.json``, ...)."""
    return json.loads(schema_root().joinpath(name).read_text(encoding="utf-8"))


def iter_spec_documents() -> Iterator[tuple[str, dict[str, Any]]]:
    """(relative path, parsed document) for every API spec file shipped."""
    for namespace_dir in sorted(schema_root().iterdir(), key=lambda p: p.name):
        if not namespace_dir.is_dir() or namespace_dir.name.startswith(("_", ".")):
            continue
        for entry in sorted(namespace_dir.iterdir(), key=lambda p: p.name):
            if entry.name.endswith(".json"):
                relative = f"{SCHEMA_DIR}/{namespace_dir.name}/{entry.name}"
                yield relative, json.loads(entry.read_text(encoding="utf-8"))


@cache
def default_registry() -> Registry:
    """The registry of every spec shipped in the package (read once per process)."""
    specs: dict[str, ApiSpec] = {}
    for source, document in iter_spec_documents():
        spec = ApiSpec.from_document(document, source)
        specs[spec.name] = spec
    return Registry(specs)
