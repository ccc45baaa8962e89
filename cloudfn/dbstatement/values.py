"""JavaScript values of the ``db`` subset, modelled on @cloudbase/database's classes.

A statement evaluates to plain Python values (``None``, ``bool``, ``int``,
``float``, ``str``, ``list``, ``dict``) plus the objects below, one per class
the Node SDK serialises specially: query, logic and update commands, server
dates, ``db.RegExp``, regex literals, ``Date`` and the ``db.Geo`` shapes.
Aggregation and projection operators (``$.sum(...)``) are plain ``{"$sum": ...}``
dicts, as they are in Node. ``UNDEFINED`` stands for JavaScript's ``undefined``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .errors import StatementError


class _Undefined:
    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False


UNDEFINED = _Undefined()
UNSET_FIELD = "\0unset-field-name"  # the SDK's SYMBOL_UNSET_FIELD_NAME


class JSObject:
    """A class instance in JavaScript: ``Object.prototype.toString`` says ``object``."""


class Internal(JSObject):
    """An object the SDK recognises by its ``_internalType`` (serialised by ``to_plain``)."""

    def to_plain(self) -> Any:
        raise NotImplementedError


@dataclass(eq=False)
class JSDate:
    """``new Date(...)``: milliseconds since the epoch (NaN for an invalid date)."""

    ms: float

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JSDate) and (
            self.ms == other.ms or (math.isnan(self.ms) and math.isnan(other.ms))
        )

    def __hash__(self) -> int:
        return hash(("date", self.ms))


@dataclass(frozen=True)
class JSRegExp:
    """A regex literal: its ``source`` and ``flags`` as JavaScript reports them."""

    source: str
    flags: str


@dataclass(frozen=True)
class ServerDate(Internal):
    offset: Any = 0

    def to_plain(self) -> Any:
        return {"$tcb_server_date": {"offset": self.offset}}


@dataclass(frozen=True)
class DbRegExp(Internal):
    """``db.RegExp({regexp, options})``."""

    pattern: Any
    options: Any

    def to_plain(self) -> Any:
        return {"$regularExpression": {"pattern": self.pattern, "options": self.options}}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Point(Internal):
    longitude: Any
    latitude: Any

    def __post_init__(self) -> None:
        for name, value, limit in (("longitude", self.longitude, 180), ("latitude", self.latitude, 90)):
            if not _is_number(value):
                raise StatementError(f"{name} must be a number: new db.Geo.Point(longitude, latitude)")
            if abs(value) > limit:
                raise StatementError(f"{name} should be in [-{limit}, {limit}], got {value}")

    def to_plain(self) -> Any:
        return {"type": "Point", "coordinates": [self.longitude, self.latitude]}


@dataclass(frozen=True)
class LineString(Internal):
    points: tuple[Point, ...]

    def __post_init__(self) -> None:
        if len(self.points) < 2 or not all(isinstance(p, Point) for p in self.points):
            raise StatementError('db.Geo.LineString: "points" must be an array of 2 or more db.Geo.Point')

    @property
    def closed(self) -> bool:
        first, last = self.points[0], self.points[-1]
        return (first.longitude, first.latitude) == (last.longitude, last.latitude)

    def coordinates(self) -> list[Any]:
        return [[p.longitude, p.latitude] for p in self.points]

    def to_plain(self) -> Any:
        return {"type": "LineString", "coordinates": self.coordinates()}


@dataclass(frozen=True)
class Polygon(Internal):
    lines: tuple[LineString, ...]

    def __post_init__(self) -> None:
        if not self.lines or not all(isinstance(line, LineString) for line in self.lines):
            raise StatementError('db.Geo.Polygon: "lines" must be an array of 1 or more db.Geo.LineString')
        for line in self.lines:
            if not line.closed:
                raise StatementError("db.Geo.Polygon: every LineString must be a closed cycle")

    def coordinates(self) -> list[Any]:
        return [line.coordinates() for line in self.lines]

    def to_plain(self) -> Any:
        return {"type": "Polygon", "coordinates": self.coordinates()}


@dataclass(frozen=True)
class MultiPoint(Internal):
    points: tuple[Point, ...]

    def __post_init__(self) -> None:
        if not self.points or not all(isinstance(p, Point) for p in self.points):
            raise StatementError('db.Geo.MultiPoint: "points" must be an array of 1 or more db.Geo.Point')

    def to_plain(self) -> Any:
        return {"type": "MultiPoint", "coordinates": [[p.longitude, p.latitude] for p in self.points]}


@dataclass(frozen=True)
class MultiLineString(Internal):
    lines: tuple[LineString, ...]

    def __post_init__(self) -> None:
        if not self.lines or not all(isinstance(line, LineString) for line in self.lines):
            raise StatementError('db.Geo.MultiLineString: "lines" must be an array of db.Geo.LineString')

    def to_plain(self) -> Any:
        return {"type": "MultiLineString", "coordinates": [line.coordinates() for line in self.lines]}


@dataclass(frozen=True)
class MultiPolygon(Internal):
    polygons: tuple[Polygon, ...]

    def __post_init__(self) -> None:
        if not self.polygons or not all(isinstance(p, Polygon) for p in self.polygons):
            raise StatementError('db.Geo.MultiPolygon: "polygons" must be an array of db.Geo.Polygon')

    def to_plain(self) -> Any:
        return {"type": "MultiPolygon", "coordinates": [p.coordinates() for p in self.polygons]}


GEO_CLASSES: dict[str, Callable[..., Internal]] = {
    "Point": Point,
    "LineString": LineString,
    "Polygon": Polygon,
    "MultiPoint": MultiPoint,
    "MultiLineString": MultiLineString,
    "MultiPolygon": MultiPolygon,
}


@dataclass(eq=False)
class LogicCommand(Internal):
    """``_.and/or/not/nor(...)`` and what ``.and()``/``.or()`` chain on a command."""

    operator: str
    operands: Any
    field_name: str = UNSET_FIELD

    def __post_init__(self) -> None:
        # As the SDK's constructor: a named command names its command operands too.
        if self.field_name != UNSET_FIELD and isinstance(self.operands, list):
            self.operands = [
                op.with_field(self.field_name) if isinstance(op, LogicCommand) else op for op in self.operands
            ]

    def with_field(self, field_name: str) -> LogicCommand:
        operands = self.operands
        if isinstance(operands, list):
            operands = [op.with_field(field_name) if isinstance(op, LogicCommand) else op for op in operands]
        return LogicCommand(self.operator, operands, field_name)

    def chain(self, operator: str, args: list[Any]) -> LogicCommand:
        expressions = list(args[0]) if args and isinstance(args[0], list) else list(args)
        return LogicCommand(operator, [self, *expressions], self.field_name)

    def to_plain(self) -> Any:  # never reached: commands are encoded, not serialised
        return self


@dataclass(eq=False)
class QueryCommand(LogicCommand):
    """``_.gt(3)``, ``_.in([...])``, ...: a comparison on one field."""

    def __post_init__(self) -> None:
        pass  # comparison operands are values, never renamed

    def with_field(self, field_name: str) -> QueryCommand:
        return QueryCommand(self.operator, self.operands, field_name)

    def to_json(self) -> dict[str, Any]:
        """``QueryCommand#toJSON``: how a command nested in a plain value is stored."""
        operands = self.operands if isinstance(self.operands, list) else [self.operands]
        if self.operator in ("in", "nin"):
            return {"$" + self.operator: self.operands}
        if self.operator == "neq":
            return {"$ne": operands[0] if operands else UNDEFINED}
        return {"$" + self.operator: operands[0] if operands else UNDEFINED}


@dataclass(eq=False)
class UpdateCommand(Internal):
    """``_.inc(1)``, ``_.push(...)``, ...: an update operator on one field."""

    operator: str
    operands: Any
    field_name: str = UNSET_FIELD

    def with_field(self, field_name: str) -> UpdateCommand:
        return UpdateCommand(self.operator, self.operands, field_name)

    def to_plain(self) -> Any:
        return self


def js_type(value: Any) -> str:
    """``Object.prototype.toString.call(value)`` lowercased, as the SDK's ``getType``."""
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, JSDate):
        return "date"
    if isinstance(value, JSRegExp):
        return "regexp"
    return "object"


def is_object(value: Any) -> bool:
    return isinstance(value, dict | JSObject)


def truthy(value: Any) -> bool:
    """JavaScript truthiness (objects and arrays are true even when empty)."""
    if value is None or value is UNDEFINED or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0 and not math.isnan(value)
    if isinstance(value, str):
        return value != ""
    return True


def _array_index(key: str) -> int | None:
    if key.isdigit() and (key == "0" or not key.startswith("0")):
        number = int(key)
        if number < 2**32 - 1:
            return number
    return None


def js_keys(obj: dict[str, Any]) -> Iterator[str]:
    """An object's keys in JavaScript's order: array indices ascending, then insertion order."""
    indices = [(n, k) for k in obj if (n := _array_index(k)) is not None]
    if not indices:
        yield from list(obj)
        return
    yield from (k for _, k in sorted(indices))
    yield from [k for k in obj if _array_index(k) is None]
