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

Users add APIs without touching the package: a folder of their own in the same
layout (``<namespace>/<method>.json``), given to ``cloudfn.init(specs=[dir])``,
``CLOUDFN_SPECS`` (folders joined by ``os.pathsep``) or ``--specs DIR``
(:func:`registry_with`). A user's spec wins over a shipped one of the same
name, and says so at DEBUG on the ``cloudfn.api`` logger.
"""

from __future__ import annotations

import difflib
import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from ..errors import ConfigError

SCHEMA_DIR = "schemas"
SPECS_VARIABLE = "CLOUDFN_SPECS"

log = logging.getLogger("cloudfn.api")


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
    (``Registry.from_root(root)``), whose namespaces are read on first use;
    ``user_roots`` are users' folders of the same layout, read after it, whose
    specs win over the shipped ones.
    """

    def __init__(
        self,
        specs: Mapping[str, ApiSpec] | None = None,
        *,
        root: Traversable | None = None,
        user_roots: Sequence[Path] = (),
    ) -> None:
        self._specs: dict[str, ApiSpec] = dict(specs or {})
        self._root = root
        self.user_roots: tuple[Path, ...] = tuple(user_roots)
        self._loaded: set[str] = set()
        self._complete = root is None and not self.user_roots

    @classmethod
    def from_root(cls, root: Traversable, user_roots: Sequence[Path] = ()) -> Registry:
        return cls(root=root, user_roots=user_roots)

    def _roots(self) -> Iterator[Traversable]:
        if self._root is not None:
            yield self._root
        yield from self.user_roots

    def _load_namespace(self, namespace: str) -> None:
        self._loaded.add(namespace)
        if not namespace:
            return
        shipped: set[str] = set()
        for root in self._roots():
            folder = root.joinpath(namespace)
            if not _is_namespace(folder):
                continue
            for relative, document in self._documents(root, folder):
                try:
                    spec = ApiSpec.from_document(document)
                except (KeyError, TypeError, AttributeError, ValueError) as exc:
                    raise ValueError(
                        f"{root}/{relative.partition('/')[2]}: not a valid API spec (missing or wrong "
                        f"field: {exc}). Fix: follow the format of the shipped specs "
                        "(api, method, path, request, response), see docs/apis.md"
                    ) from None
                if root is self._root:
                    shipped.add(spec.name)
                elif spec.name in shipped:
                    log.debug("%s: the spec in %s overrides the shipped one", spec.name, root)
                self._specs[spec.name] = spec

    @staticmethod
    def _documents(root: Traversable, folder: Traversable) -> Iterator[tuple[str, dict[str, Any]]]:
        try:
            yield from iter_namespace_documents(folder)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"{root}/{folder.name}: a spec file there is not JSON ({exc}). Fix: correct the file "
                "(`cloudfn check DIR --specs FOLDER` names it and checks every spec's format)"
            ) from None

    def _load_all(self) -> None:
        if self._complete:
            return
        for root in self._roots():
            for folder in root.iterdir():
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


def user_spec_dirs(environ: Mapping[str, str]) -> list[str]:
    """The folders ``CLOUDFN_SPECS`` names (joined by ``os.pathsep``), in order."""
    return [part for part in environ.get(SPECS_VARIABLE, "").split(os.pathsep) if part.strip()]


def check_spec_dirs(dirs: Iterable[str | Path]) -> tuple[Path, ...]:
    """Each user's spec folder, resolved; a missing one is an error saying how to fix it."""
    resolved: list[Path] = []
    for given in dirs:
        path = Path(given).expanduser().resolve()
        if not path.is_dir():
            raise ConfigError(
                f"specs: {given}: no such directory. Fix: give a folder holding <namespace>/<method>.json "
                f"spec files (to cloudfn.init(specs=[...]), {SPECS_VARIABLE} or --specs)"
            )
        resolved.append(path)
    return tuple(resolved)


@cache
def _registry_for(user_roots: tuple[Path, ...]) -> Registry:
    return Registry.from_root(spec_root(), user_roots) if user_roots else default_registry()


def registry_with(dirs: Iterable[str | Path] = ()) -> Registry:
    """The shipped specs plus the users' folders ``dirs`` (theirs win); one registry per set of folders."""
    return _registry_for(check_spec_dirs(dirs))


def environ_registry(environ: Mapping[str, str] | None = None) -> Registry:
    """The shipped specs plus the folders ``CLOUDFN_SPECS`` names (default: this process's)."""
    return registry_with(user_spec_dirs(os.environ if environ is None else environ))


def where_to_add(api: str, registry: Registry) -> str:
    """The fix for an API no spec describes: the file to write, in a folder of the user's own."""
    namespace, _, method = api.partition(".")
    relative = f"{namespace}/{method}.json"
    if registry.user_roots:
        return (
            f"Fix: add {registry.user_roots[0] / relative} (method, path, request and response schema, "
            "in the format of the shipped specs; see docs/apis.md) or correct the name"
        )
    return (
        f"Fix: write SPECS/{relative} in a folder of your own (method, path, request and response "
        "schema, in the format of the shipped specs; see docs/apis.md) and load it with "
        f"cloudfn.init(specs=[SPECS]) or {SPECS_VARIABLE}=SPECS (`--specs SPECS` for the emulator "
        "and check), or correct the name"
    )


def spec_file_problems(folder: Path) -> list[str]:
    """What is wrong with each spec file of a user's folder (format: ``cloudfn/formats/api.schema.json``)."""
    from jsonschema import Draft202012Validator

    from ..formats import API_SPEC, load_format

    validator = Draft202012Validator(load_format(API_SPEC))
    problems: list[str] = []
    for path in sorted(folder.glob("*/*.json")):
        if not _is_namespace(path.parent):
            continue
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: not JSON ({exc}). Fix: correct the file")
            continue
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
            problems.append(f"{path}: {where}: {error.message}. Fix: follow the spec format (docs/apis.md)")
        expected = f"{path.parent.name}.{path.stem}"
        if isinstance(document, dict) and document.get("api") not in (None, expected):
            problems.append(
                f"{path}: api is {document.get('api')!r} but the file says {expected}. "
                f'Fix: write "api": "{expected}" or move the file to <namespace>/<method>.json'
            )
    return problems


__all__ = [
    "SCHEMA_DIR",
    "SPECS_VARIABLE",
    "ApiSpec",
    "Registry",
    "default_registry",
    "environ_registry",
    "iter_spec_documents",
    "registry_with",
    "spec_file_problems",
    "spec_root",
    "user_spec_dirs",
    "where_to_add",
]
