"""Checking a wire body against its API's request schema.

The shim (before sending) and the emulator (on receipt) both call
:func:`find_violation`, so they reject the same bodies with the same code by
construction. Each schema node may carry:

- ``x-errcode`` / ``x-errmsg``: what the server answers when a rule at or below
  this node is broken (the nearest node that has one wins; for a missing
  required field, the missing field's own node is asked first);
- ``x-rule`` / ``x-example``: the human wording of the rule and a valid value,
  used in the developer-facing detail.
- ``x-maxBytes``: a length limit in UTF-8 bytes (WeChat counts bytes, not
  characters). Put it in an ``allOf`` entry with its own ``x-errcode`` so only
  the length rule answers the length code (9300526 in logistics).

After the schema, :func:`encoding_violation` checks that the body can be sent
at all: UTF-8 JSON (no lone surrogates, NaN or non-JSON values) of at most
:data:`MAX_BODY_BYTES`; otherwise 47001 "data format error", what the
emulator answers for such bodies.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, ValidationError, validators

from ..json_path import field_path
from ..jsvalues import Undefined
from .media import is_media, media_part
from .registry import ApiSpec

# One request body, encoded as sent (UTF-8 JSON), may be at most this big. The
# emulator refuses larger bodies with the same code, so the limit lives here once.
MAX_BODY_BYTES = 1024 * 1024
# What the server answers for a body that is not valid UTF-8 JSON (or too big to read).
DATA_FORMAT_ERROR = (47001, "data format error")


@dataclass(frozen=True)
class Violation:
    """A broken rule in a request body: the server's answer plus a human hint."""

    errcode: int
    errmsg: str
    field: str
    rule: str
    fix: str

    @property
    def detail(self) -> str:
        return f"{self.field}: {self.rule}. Fix: {self.fix}"


def _max_bytes(
    validator: Any, limit: int, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """``x-maxBytes``: WeChat limits text fields in UTF-8 bytes, not characters."""
    if isinstance(instance, str):
        size = len(instance.encode("utf-8", "surrogatepass"))
        if size > limit:
            yield ValidationError(f"is {size} bytes in UTF-8, more than {limit}")


def _media(
    validator: Any, rule: Mapping[str, Any], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """``x-media``: the field is a file, ``{"contentType", "value": <bytes>}``, of an accepted type and size."""
    if not is_media(instance):
        yield ValidationError(
            'is a file: {"contentType": "image/png", "value": <bytes>} (value non-empty bytes), '
            f"got {type(instance).__name__}"
        )
        return
    part = media_part("media", instance)
    accept = rule.get("accept")
    if accept and part.content_type not in accept:
        yield ValidationError(f"has contentType {part.content_type!r}, not one of {', '.join(accept)}")
    limit = rule.get("maxBytes")
    if limit and len(part.data) > limit:
        yield ValidationError(f"is {len(part.data)} bytes, more than {limit}")


# JSON Schema 2020-12 plus the keywords WeChat's rules need and the standard lacks.
CUSTOM_KEYWORDS = {"x-maxBytes": _max_bytes, "x-media": _media}
WireValidator = validators.extend(Draft202012Validator, CUSTOM_KEYWORDS)


def _uses_custom_keywords(schema: Any) -> bool:
    if isinstance(schema, Mapping):
        return any(k in CUSTOM_KEYWORDS for k in schema) or any(
            _uses_custom_keywords(v) for v in schema.values()
        )
    if isinstance(schema, list):
        return any(_uses_custom_keywords(v) for v in schema)
    return False


class SpecChecks:
    """One spec's validators, built on first use and kept for the spec's lifetime."""

    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec
        self.request: Draft202012Validator = WireValidator(spec.request_schema)
        # Valid bodies are the hot path; compiled code checks them ~25x faster than
        # jsonschema's interpreter, which is kept for explaining a rejection. None
        # when the schema uses a keyword of ours (x-maxBytes) that compiled code
        # would silently ignore: then jsonschema decides alone.
        self.accepts: Callable[[Any], Any] | None = (
            None
            if _uses_custom_keywords(spec.request_schema)
            else fastjsonschema.compile(dict(spec.request_schema))
        )
        self._response: Draft202012Validator | None = None

    @property
    def response(self) -> Draft202012Validator:
        """The response schema's validator (the emulator's answers are checked against it in tests)."""
        if self._response is None:
            self._response = Draft202012Validator(self.spec.response_schema)
        return self._response


_CHECKS: weakref.WeakKeyDictionary[ApiSpec, SpecChecks] = weakref.WeakKeyDictionary()


def checks(spec: ApiSpec) -> SpecChecks:
    """The validators of ``spec``, compiled once."""
    found = _CHECKS.get(spec)
    if found is None:
        found = _CHECKS[spec] = SpecChecks(spec)
    return found


def _schema_at(root: Mapping[str, Any], schema_path: list[Any]) -> list[Mapping[str, Any]]:
    """Every schema node from the root down along a jsonschema ``schema_path``."""
    nodes = [root]
    node: Any = root
    for part in schema_path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, Mapping):
            nodes.append(node)
    return nodes


def _unjson(value: Any) -> str:
    """How a non-JSON value (a file's bytes) shows in a message."""
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(value)} bytes>"
    return f"<{type(value).__name__}>"


def _short(value: Any) -> str:
    """A value as a few characters of JSON (a file's bytes as ``<N bytes>``); never fails."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=_unjson)
    except (TypeError, ValueError, RecursionError):
        text = safe_repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def safe_repr(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, or its type's name when its repr fails."""
    try:
        text = repr(value)
    except Exception:  # a user's __repr__ may raise anything
        return f"a {type(value).__name__} (whose repr failed)"
    return text if len(text) <= limit else text[: limit - 3] + "..."


# The deepest nesting of objects and arrays a body may have. Real API bodies
# nest a handful of levels; a bound keeps every recursive step after this
# check (casing, schema validation, encoding, the server's parser) safe.
MAX_JSON_DEPTH = 100
# A JSON number is a double to the Node SDK and to most servers: an int whose
# magnitude reaches 2**1024 cannot be one (and str() of it may even fail).
_MAX_JSON_INT = 2**1024
_JSON_SCALARS = (str, bool, int, float, type(None))


def _not_json(field: list[Any], got: str, fix: str) -> Violation:
    errcode, errmsg = DATA_FORMAT_ERROR
    return Violation(errcode, errmsg, field_path(field), f"must be a JSON value, got {got}", fix)


def structure_violation(body: Any) -> Violation | None:
    """What makes ``body`` impossible to send as JSON, found without recursion.

    Checked before anything else touches the body: objects with str keys
    only, no cycles, at most :data:`MAX_JSON_DEPTH` levels, JSON scalars only
    (no bytes, sets, complex numbers or other objects), integers a JSON
    number can hold. Lone surrogates and NaN are left to
    :func:`encoding_violation`; files (media fields) to their ``x-media`` rule.
    """
    # A file (``{"contentType", "value": <bytes>}``) at the top level travels as
    # bytes, not JSON; the ``x-media`` rule checks it.
    if isinstance(body, Mapping) and any(is_media(v) for v in body.values()):
        body = {k: None if is_media(v) else v for k, v in body.items()}
    # (value, its path, its depth); ``open_`` holds the ids of the containers on
    # the current path, so a value shared by two branches is not a cycle.
    stack: list[tuple[Any, list[Any], int] | None] = [(body, [], 1)]
    open_: list[int] = []
    while stack:
        entry = stack.pop()
        if entry is None:  # the container on top of open_ is done
            open_.pop()
            continue
        value, path, depth = entry
        if isinstance(value, int) and not isinstance(value, bool):
            if not -_MAX_JSON_INT < value < _MAX_JSON_INT:
                return _not_json(
                    path,
                    f"an integer of {value.bit_length()} bits, beyond what a JSON number holds",
                    "send large numbers as strings",
                )
            continue
        if isinstance(value, (*_JSON_SCALARS, Undefined)):  # undefined is dropped, as Node drops it
            continue
        if isinstance(value, dict | list | tuple):
            if id(value) in open_:
                return _not_json(
                    path,
                    "a circular reference (the value contains itself)",
                    "pass a tree of dicts and lists, copying any part used twice",
                )
            if depth > MAX_JSON_DEPTH:
                return _not_json(
                    path,
                    f"objects and arrays that nest more than {MAX_JSON_DEPTH} levels",
                    "flatten the data (no API takes anything this deep)",
                )
            open_.append(id(value))
            stack.append(None)
            if isinstance(value, dict):
                for key, item in value.items():
                    if not isinstance(key, str):
                        return _not_json(
                            path,
                            f"a key that is not a str ({type(key).__name__} key {safe_repr(key)})",
                            "use str keys only (e.g. str(key))",
                        )
                    stack.append((item, [*path, key], depth + 1))
            else:
                for index, item in enumerate(value):
                    stack.append((item, [*path, index], depth + 1))
            continue
        kind = type(value).__name__
        fix = (
            "decode bytes to str first (e.g. data.decode('utf-8'))"
            if isinstance(value, bytes | bytearray | memoryview)
            else "pass a list instead"
            if isinstance(value, set | frozenset)
            else "pass a str, number, bool, None, list or dict"
        )
        return _not_json(path, f"a {kind} ({safe_repr(value)})", fix)
    return None


def _describe(error: ValidationError, node: Mapping[str, Any], name: str) -> tuple[str, str]:
    """(rule, fix) in words, preferring the schema's own ``x-rule``/``x-example``."""
    rule = node.get("x-rule")
    example = node.get("x-example")
    got = f"got {_short(error.instance)}"
    kind = error.validator
    if kind == "required":
        wanted = rule or f"a {node.get('type', 'value')}"
        return "is required", f"add {name} ({wanted})" + (
            f", e.g. {_short(example)}" if example is not None else ""
        )
    if kind == "additionalProperties":
        known = ", ".join(sorted(error.schema.get("properties", {}))) or "none"
        extras = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return (
            f"unknown field(s) {', '.join(extras)}",
            f"remove them or check the spelling (known fields: {known})",
        )
    if kind == "enum":
        options = ", ".join(_short(v) for v in error.validator_value)
        return f"must be one of {options}, {got}", f"use one of {options}"
    if kind == "type":
        wanted = error.validator_value
        return f"must be of type {wanted}, {got}", f"pass a {wanted}" + (
            f", e.g. {_short(example)}" if example is not None else ""
        )
    text = rule or error.message
    fix = f"use a value like {_short(example)}" if example is not None else f"satisfy {kind}"
    return f"must be {text}, {got}", fix


def _violation(spec: ApiSpec, error: ValidationError) -> Violation:
    root = spec.request_schema
    nodes = _schema_at(root, list(error.absolute_schema_path)[:-1])
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = next(
            (n for n in error.validator_value if n not in (error.instance or {})),
            str(error.validator_value[0]),
        )
        path.append(missing)
        prop = error.schema.get("properties", {}).get(missing)
        if isinstance(prop, Mapping):
            nodes.append(prop)
    owner = next(n for n in reversed(nodes) if "x-errcode" in n)
    errcode = int(owner["x-errcode"])
    errmsg = owner.get("x-errmsg") or spec.errors.get(errcode) or "invalid args"
    name = field_path(path)
    rule, fix = _describe(error, nodes[-1], name)
    return Violation(errcode=errcode, errmsg=errmsg, field=name, rule=rule, fix=fix)


def _unencodable(value: Any, path: list[Any]) -> tuple[list[Any], str] | None:
    """Where ``value`` holds something UTF-8 JSON cannot carry, and what it is."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            return path, f"a lone surrogate {value[exc.start]!r} at character {exc.start} (not valid UTF-8)"
        return None
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return path, f"{value!r}, which JSON cannot represent"
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return path, f"a non-string key {key!r}"
            found = _unencodable(key, path) or _unencodable(item, [*path, key])
            if found:
                return found
        return None
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _unencodable(item, [*path, index])
            if found:
                return found
        return None
    if value is None or isinstance(value, bool | int | float):
        return None
    return path, f"a {type(value).__name__}, which is not a JSON value"


def encoding_violation(body: Any, *, check_size: bool = True) -> Violation | None:
    """The body cannot be sent as UTF-8 JSON, or (a server rule) is larger than :data:`MAX_BODY_BYTES`.

    Media parameters (files) travel as bytes, not JSON: they are left out here
    (their own rules are the ``x-media`` keyword's).
    """
    errcode, errmsg = DATA_FORMAT_ERROR
    if isinstance(body, dict) and any(is_media(v) for v in body.values()):
        body = {k: None if is_media(v) else v for k, v in body.items()}
    try:
        # One C-speed encoding answers both questions for the bodies that are fine;
        # the walk below only runs to name the culprit.
        size = len(
            json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
        )
        found = None
    except (TypeError, ValueError):  # UnicodeEncodeError is a ValueError
        found = _unencodable(body, []) or ([], "a value JSON cannot represent")
    if found is not None:
        path, what = found
        return Violation(
            errcode,
            errmsg,
            field_path(path),
            f"must be UTF-8 JSON text, got {what}",
            "pass str values that are valid Unicode text (decode bytes with the right codec first)",
        )
    if check_size and size > MAX_BODY_BYTES:
        return Violation(
            errcode,
            errmsg,
            "(body)",
            f"must be at most {MAX_BODY_BYTES} bytes as UTF-8 JSON, got {size} bytes",
            "send less data per call (split the batch, shorten long fields)",
        )
    return None


def find_violation(spec: ApiSpec, body: Any) -> Violation | None:
    """The first rule ``body`` breaks, or None when the server would accept it."""
    spec_checks = checks(spec)
    if not _compiled_accepts(spec_checks, body):
        errors = list(spec_checks.request.iter_errors(body))
        if errors:
            # Report the shallowest broken rule first (a missing field before a bad
            # nested value); among equals, schema order decides, so it is stable.
            return _violation(spec, min(errors, key=lambda e: len(e.absolute_path)))
    return encoding_violation(body)


def _compiled_accepts(spec_checks: SpecChecks, body: Any) -> bool:
    """The fast yes; a no (or no compiled check) sends the body to jsonschema to explain."""
    if spec_checks.accepts is None:
        return False
    try:
        spec_checks.accepts(body)
    except fastjsonschema.JsonSchemaException:
        return False
    return True
