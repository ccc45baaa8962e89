"""What mongomock 4.3 lacks for the Node SDK's database, filled in one place.

The emulator's engine is mongomock (see models.py for why). This module is
the complete list of what cloudfn adds to it, each piece small:

- **_id index**: mongomock scans every document for every query. A filter
  on ``_id`` equality (what every ``doc(id)`` call sends) is answered from
  the store's ``_id``-keyed dict instead: O(1) on a 10,000-document seed.
- **update ``$mul`` and ``$bit``**: mongomock refuses them; they are applied
  here as a ``$set`` of the computed value, with MongoDB's rules (a missing
  field multiplies to 0; non-numbers refused).
- **query ``$mod``**: mongomock does not know it; it is registered with
  mongomock's filter as MongoDB defines it (``[divisor, remainder]``).
- **projection order**: mongomock puts ``_id`` last in projected documents;
  MongoDB keeps the stored order (``_id`` first). :func:`in_stored_order`.
- **update operator arguments**: ``$inc`` on a non-number failed inside
  mongomock with a Python error; :func:`check_update` refuses it first with
  MongoDB's words.
- **geo queries** (``$nearSphere``, ``$geoWithin`` with ``$centerSphere`` or a
  polygon, ``$geoIntersects``) on stored points: evaluated in :mod:`.geo` when
  they are a field's condition at the top level (as the Node SDK writes
  them); anywhere else (inside ``$and``/``$or``...) refused by name.
- **aggregate** ``$sortByCount``, ``$mergeObjects``, ``$stdDevPop``/``$stdDevSamp``,
  ``$bucketAuto``, ``$geoNear``: ``$sortByCount`` is rewritten into the
  ``$group`` + ``$sort`` MongoDB defines it as; the others are refused with
  a message naming them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import mongomock
from mongomock import filtering

# mongomock's filter, untyped: the same function find() uses.
_filter_applies: Any = filtering.filter_applies

NOT_SUPPORTED_QUERY = {"$geoWithin", "$nearSphere", "$near", "$geoIntersects"}
NOT_SUPPORTED_STAGES = {"$bucketAuto", "$geoNear"}


class UnsupportedOperator(Exception):
    """An operator the platform has and the emulator's engine does not."""


class EngineError(Exception):
    """An operator given what MongoDB refuses (worded as MongoDB words it)."""


def _mod(document_value: Any, search: Any) -> bool:
    if not isinstance(search, list) or len(search) != 2:
        raise mongomock.OperationFailure("malformed mod, needs to be an array of [divisor, remainder]")
    divisor, remainder = search
    values = document_value if isinstance(document_value, list) else [document_value]
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if divisor == 0:
            raise mongomock.OperationFailure("divisor cannot be 0")
        if math.fmod(value, divisor) == remainder:
            return True
    return False


# mongomock's filter looks operators up in this instance's map: $mod joins the others.
filtering._filterer_inst._operator_map.setdefault("$mod", _mod)


def id_lookup(spec: Mapping[str, Any]) -> tuple[bool, Any]:
    """(True, id) when the filter pins ``_id`` to one plain value."""
    if "_id" not in spec:
        return False, None
    value = spec["_id"]
    if isinstance(value, dict):
        if set(value) == {"$eq"}:
            value = value["$eq"]
        else:
            return False, None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return True, value
    return False, None


# mongomock's Collection, untyped here: the subclass reaches into its store.
_Collection: Any = mongomock.Collection


class IndexedCollection(_Collection):  # type: ignore[misc]
    """A mongomock collection that answers ``_id`` equality from its ``_id``-keyed store."""

    def _iter_documents(self, filter: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        pinned, doc_id = id_lookup(filter)
        if not pinned:
            yield from super()._iter_documents(filter)
            return
        document = self.documents.get(doc_id)
        if document is not None and _filter_applies(filter, document):
            yield document

    @property
    def documents(self) -> dict[Any, dict[str, Any]]:
        """The store itself: ``_id`` -> document, in insertion order."""
        documents: dict[Any, dict[str, Any]] = self._store._documents
        return documents


def check_query(query: Any, where: str = "query") -> None:
    """Refuse operators the engine cannot evaluate, naming them."""
    if isinstance(query, dict):
        for key, value in query.items():
            if key in NOT_SUPPORTED_QUERY:
                raise UnsupportedOperator(
                    f"{where}: {key} is supported by the local emulator only as a field's condition at "
                    "the top level of the query. Fix: move it out of $and/$or, or test this query on the "
                    "cloud platform"
                )
            check_query(value, where)
    elif isinstance(query, list):
        for item in query:
            check_query(item, where)


def rewrite_pipeline(stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pipeline mongomock can run: $sortByCount expanded, unsupported stages refused."""
    out: list[dict[str, Any]] = []
    for stage in stages:
        ((name, value),) = stage.items()
        if name in NOT_SUPPORTED_STAGES:
            raise UnsupportedOperator(
                f"aggregate: the {name} stage is not supported by the local emulator's database engine"
            )
        if name == "$sortByCount":
            out.append({"$group": {"_id": value, "count": {"$sum": 1}}})
            out.append({"$sort": {"count": -1}})
            continue
        if name == "$match":
            check_query(value, f"aggregate {name}")
        out.append(stage)
    return out


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _walk(document: dict[str, Any], path: str) -> tuple[Any, bool]:
    current: Any = document
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None, False
    return current, True


def split_update(update: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what mongomock runs, the $mul/$bit part cloudfn applies itself)."""
    native = {k: v for k, v in update.items() if k not in ("$mul", "$bit")}
    extra = {k: v for k, v in update.items() if k in ("$mul", "$bit")}
    return native, extra


def computed_sets(document: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The ``$set`` equivalent of ``$mul``/``$bit`` for one document (MongoDB's rules)."""
    sets: dict[str, Any] = {}
    for path, factor in (extra.get("$mul") or {}).items():
        if not _number(factor):
            raise EngineError(f"Cannot multiply with non-numeric argument: {{{path}: {factor!r}}}")
        current, found = _walk(document, path)
        if not found:
            sets[path] = 0 if isinstance(factor, int) else 0.0
        elif not _number(current):
            raise EngineError(
                f"Cannot apply $mul to a value of non-numeric type. {{_id: {document.get('_id')!r}}} "
                f"has the field '{path}' of non-numeric type {type(current).__name__}"
            )
        else:
            sets[path] = current * factor
    for path, operations in (extra.get("$bit") or {}).items():
        current, found = _walk(document, path)
        value = current if found else 0
        if not isinstance(value, int) or isinstance(value, bool) or not isinstance(operations, dict):
            raise EngineError(f"Cannot apply $bit to a value of non-integral type, field '{path}'")
        for operation, operand in operations.items():
            if not isinstance(operand, int) or isinstance(operand, bool):
                raise EngineError(f"$bit {operation} needs an integer operand, field '{path}'")
            if operation == "and":
                value &= operand
            elif operation == "or":
                value |= operand
            elif operation == "xor":
                value ^= operand
            else:
                raise EngineError(
                    f"The $bit modifier only supports 'and', 'or', and 'xor', not '{operation}'"
                )
        sets[path] = value
    return sets


def in_stored_order(projected: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """A projected document with its fields in the stored document's order."""
    if stored is None:
        return projected
    ordered = {key: projected[key] for key in stored if key in projected}
    ordered.update((key, value) for key, value in projected.items() if key not in ordered)
    return ordered


def check_update(document: dict[str, Any], update: dict[str, Any]) -> None:
    """MongoDB's refusals mongomock does not word: ``$inc`` needs numbers on both sides."""
    for path, amount in (update.get("$inc") or {}).items():
        if not _number(amount):
            raise EngineError(f"Cannot increment with non-numeric argument: {{{path}: {amount!r}}}")
        current, found = _walk(document, path)
        if found and not _number(current):
            raise EngineError(
                f"Cannot apply $inc to a value of non-numeric type. {{_id: {document.get('_id')!r}}} "
                f"has the field '{path}' of non-numeric type {type(current).__name__}"
            )
