"""The API registry: one JSON file per WeChat API, ``schemas/<namespace>/<method>.json``.

A spec file says everything cloudfn needs to call (and the emulator needs to
serve) an API: HTTP method, path, the wire request schema with the error code
the server gives for each broken rule, the response schema, the documented
error codes. Adding an API is adding a file; no Python code names an API.
Checking a body against a spec is :mod:`.validation`'s job, not this module's.

Where the files are: ``schemas/`` at the top of the repository is the one
source; a built wheel carries it as ``cloudfn/schemas/`` (the build copies it
in). An installed package reads its own copy; a checkout (editable install,
``PYTHONPATH``) reads the repository's folder.

Namespaces load lazily and one at a time: ``import cloudfn`` reads no spec, and
the first call of ``logistics.updatePrinter`` reads the ``logistics`` folder
only. A new namespace is a new folder; nothing else names it.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

SCHEMA_DIR = "schemas"


@dataclass(frozen=True, eq=False)  # compared (and hashed) by identity: validators are cached per spec
class ApiSpec:
    """One API as described by its spec file."""

    name: str
    method: str
    path: str
    request_schema: Mapping[str, Any]
    response_schema: Mapping[str, Any]
    errors: Mapping[int, str] = field(default_factory=dict)
    side: str = "business"
    # The page's example answer (the emulator's answer for an API it keeps no state for).
    example: Mapping[str, Any] | None = None
    # The content type of a success that is raw bytes (an image), None for a JSON answer.
    binary: str | None = None
    # Top-level fields that travel in the URL query string even on POST (``x-in: "query"``).
    query_fields: frozenset[str] = frozenset()

    @property
    def namespace(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def method_name(self) -> str:
        return self.name.split(".", 1)[1]

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> ApiSpec:
        return cls(
            name=document["api"],
            method=document["method"],
            path=document["path"],
            request_schema=document["request"],
            response_schema=document["response"],
            errors={int(code): text for code, text in document.get("errors", {}).items()},
            side=document.get("side", "business"),
            example=document.get("example"),
            binary=document["binary"]["contentType"] if "binary" in document else None,
            query_fields=frozenset(
                name
                for name, node in document["request"].get("properties", {}).items()
                if isinstance(node, dict) and node.get("x-in") == "query"
            ),
        )


def spec_root() -> Traversable:
    """The folder holding ``<namespace>/<method>.json``: the package's copy, else the checkout's."""
    shipped = resources.files("cloudfn").joinpath(SCHEMA_DIR)
    if shipped.is_dir():
        return shipped
    checkout = Path(__file__).resolve().parents[2] / SCHEMA_DIR
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"API specs: neither {shipped} nor {checkout} exists. Fix: install cloudfn from a wheel or "
        "sdist (which ship the specs), or run from a checkout that has schemas/ at its top"
    )


def _is_namespace(entry: Traversable) -> bool:
    return entry.is_dir() and not entry.name.startswith(("_", "."))


def iter_namespace_documents(folder: Traversable) -> Iterator[tuple[str, dict[str, Any]]]:
    """(``schemas/<namespace>/<method>.json``, parsed document) for each spec file of one namespace."""
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".json"):
            relative = f"{SCHEMA_DIR}/{folder.name}/{entry.name}"
            yield relative, json.loads(entry.read_text(encoding="utf-8"))


def iter_spec_documents(root: Traversable | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(relative path, parsed document) for every API spec file, namespace by namespace."""
    root = root if root is not None else spec_root()
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        if _is_namespace(folder):
            yield from iter_namespace_documents(folder)


class Registry:
    """All known APIs, by their cloud name (``logistics.updatePrinter``).

    Made from specs (``Registry({name: spec})``) or from a spec folder
    (``Registry.from_root(root)``), whose namespaces are read on first use.
    """

    def __init__(
        self, specs: Mapping[str, ApiSpec] | None = None, *, root: Traversable | None = None
    ) -> None:
        self._specs: dict[str, ApiSpec] = dict(specs or {})
        self._root = root
        self._loaded: set[str] = set()
        self._complete = root is None

    @classmethod
    def from_root(cls, root: Traversable) -> Registry:
        return cls(root=root)

    def _load_namespace(self, namespace: str) -> None:
        self._loaded.add(namespace)
        if self._root is None:
            return
        folder = self._root.joinpath(namespace)
        if not namespace or not _is_namespace(folder):
            return
        for _, document in iter_namespace_documents(folder):
            spec = ApiSpec.from_document(document)
            self._specs[spec.name] = spec

    def _load_all(self) -> None:
        if self._complete:
            return
        assert self._root is not None
        for folder in self._root.iterdir():
            if _is_namespace(folder) and folder.name not in self._loaded:
                self._load_namespace(folder.name)
        self._complete = True

    def get(self, name: str) -> ApiSpec | None:
        spec = self._specs.get(name)  # the per-call path: one dict lookup once loaded
        if spec is None and not self._complete:
            namespace = name.partition(".")[0]
            if namespace not in self._loaded:
                self._load_namespace(namespace)
                spec = self._specs.get(name)
        return spec

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[ApiSpec]:
        self._load_all()
        return iter(sorted(self._specs.values(), key=lambda s: s.name))

    def __len__(self) -> int:
        self._load_all()
        return len(self._specs)

    def names(self) -> list[str]:
        self._load_all()
        return sorted(self._specs)

    def closest(self, name: str) -> str | None:
        """The known API name nearest to a misspelt one, for "did you mean" hints."""
        self._load_all()
        matches = difflib.get_close_matches(name, self._specs, n=1, cutoff=0.6)
        return matches[0] if matches else None


@cache
def default_registry() -> Registry:
    """The registry of every spec shipped (one per process; namespaces read on first use)."""
    return Registry.from_root(spec_root())


__all__ = ["SCHEMA_DIR", "ApiSpec", "Registry", "default_registry", "iter_spec_documents", "spec_root"]
