"""The database's own value types: serverDate, RegExp and Geo, as the Node SDK builds them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import CloudSDKError


def _options(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Node's one options object, or Python keywords: ``f({"offset": 1})`` == ``f(offset=1)``."""
    options: dict[str, Any] = {}
    if args:
        if len(args) != 1 or not isinstance(args[0], Mapping):
            raise TypeError("pass one options object, e.g. ({'offset': 1000}), or keywords")
        options.update(args[0])
    options.update(kwargs)
    return options


class ServerDate:
    """``db.serverDate({offset})``: the server's time (plus ``offset`` ms) when it writes."""

    def __init__(self, offset: int | float = 0) -> None:
        self.offset = offset

    def parse(self) -> dict[str, Any]:
        return {"$tcb_server_date": {"offset": self.offset}}

    def __repr__(self) -> str:
        return f"ServerDate(offset={self.offset!r})"


def server_date(*args: Any, **kwargs: Any) -> ServerDate:
    return ServerDate(**_options(args, kwargs))


class RegExp:
    """``db.RegExp({regexp, options})``: a regular expression the server evaluates."""

    def __init__(self, regexp: str, options: str = "") -> None:
        if not regexp:
            raise CloudSDKError(
                -1, "regexp must be a string", detail="db.RegExp: regexp is empty. Fix: give a pattern"
            )
        self.regexp = regexp
        self.options = options or ""

    def parse(self) -> dict[str, Any]:
        return {"$regularExpression": {"pattern": self.regexp, "options": self.options}}

    def __repr__(self) -> str:
        return f"RegExp(regexp={self.regexp!r}, options={self.options!r})"


def reg_exp(*args: Any, **kwargs: Any) -> RegExp:
    return RegExp(**_options(args, kwargs))


def _degree(name: str, value: Any, limit: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CloudSDKError(-1, "Geo Point must be number type", detail=f"{name}: got {value!r}")
    if abs(value) > limit:
        raise CloudSDKError(
            -1,
            f"{name} should be a number ranges from -{limit:g} to {limit:g}",
            detail=f"{name}: got {value!r}",
        )
    return value


class Point(dict[str, Any]):
    """``db.Geo.Point(longitude, latitude)``; also what a stored point reads back as.

    A dict holding its GeoJSON (so it serialises as Node's ``Point.toJSON()``),
    with ``longitude`` and ``latitude`` as attributes.
    """

    def __init__(self, longitude: float, latitude: float) -> None:
        super().__init__(
            type="Point",
            coordinates=[_degree("longitude", longitude, 180), _degree("latitude", latitude, 90)],
        )

    @property
    def longitude(self) -> float:
        value: float = self["coordinates"][0]
        return value

    @property
    def latitude(self) -> float:
        value: float = self["coordinates"][1]
        return value

    def toJSON(self) -> dict[str, Any]:
        return {"type": "Point", "coordinates": list(self["coordinates"])}


class _Shape(dict[str, Any]):
    kind = ""

    def __init__(self, coordinates: Any) -> None:
        super().__init__(type=self.kind, coordinates=coordinates)

    def toJSON(self) -> dict[str, Any]:
        return {"type": self.kind, "coordinates": self["coordinates"]}


def _points(points: Sequence[Point]) -> list[list[float]]:
    return [list(p["coordinates"]) for p in points]


class LineString(_Shape):
    kind = "LineString"

    def __init__(self, points: Sequence[Point]) -> None:
        super().__init__(_points(points))


class Polygon(_Shape):
    kind = "Polygon"

    def __init__(self, lines: Sequence[LineString]) -> None:
        super().__init__([line["coordinates"] for line in lines])


class MultiPoint(_Shape):
    kind = "MultiPoint"

    def __init__(self, points: Sequence[Point]) -> None:
        super().__init__(_points(points))


class MultiLineString(_Shape):
    kind = "MultiLineString"

    def __init__(self, lines: Sequence[LineString]) -> None:
        super().__init__([line["coordinates"] for line in lines])


class MultiPolygon(_Shape):
    kind = "MultiPolygon"

    def __init__(self, polygons: Sequence[Polygon]) -> None:
        super().__init__([polygon["coordinates"] for polygon in polygons])


class Geo:
    """``db.Geo``: ``db.Geo.Point(113.3, 23.1)`` and the other GeoJSON shapes."""

    Point = Point
    LineString = LineString
    Polygon = Polygon
    MultiPoint = MultiPoint
    MultiLineString = MultiLineString
    MultiPolygon = MultiPolygon


def as_point(value: Any) -> Any:
    """A stored GeoJSON point read back as a :class:`Point` (what the Node SDK does)."""
    coordinates = value.get("coordinates")
    if (
        value.get("type") == "Point"
        and len(value) == 2
        and isinstance(coordinates, list)
        and len(coordinates) == 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates)
        and abs(coordinates[0]) <= 180
        and abs(coordinates[1]) <= 90
    ):
        return Point(coordinates[0], coordinates[1])
    return None
