"""Geo queries on stored points, which mongomock does not evaluate: ``$nearSphere``, ``$geoWithin``, ``$geoIntersects``.

Part of what the engine lacks (see :mod:`.mongomock_gaps`), kept apart for
its size. Documents hold GeoJSON points (``db.Geo.Point`` stores
``{"type": "Point", "coordinates": [lng, lat]}``); a query's geo conditions,
each on one field at the top level as the Node SDK writes them, are taken out
of the query, the rest runs on mongomock, and the geo ones filter (and, for
``$nearSphere``, sort by distance) what it returns. Distances are on a sphere
of the Earth's radius (6378.1 km, MongoDB's), in meters; ``$centerSphere``'s
radius is in radians.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from typing import Any

from .mongomock_gaps import UnsupportedOperator

GEO_OPERATORS = frozenset({"$nearSphere", "$geoWithin", "$geoIntersects"})
EARTH_RADIUS_M = 6378100.0

Condition = tuple[str, str, Any]  # (field path, operator, its argument)


def split(query: dict[str, Any]) -> tuple[dict[str, Any], list[Condition]]:
    """(the query without its geo conditions, the geo conditions)."""
    rest: dict[str, Any] = {}
    conditions: list[Condition] = []
    for field, condition in query.items():
        if isinstance(condition, dict) and condition.keys() & GEO_OPERATORS:
            if len(condition) != 1:
                raise UnsupportedOperator(
                    f"query.{field}: a geo operator must be the field's only condition here. "
                    "Fix: put other conditions on the field in an _.and([...])"
                )
            ((operator, argument),) = condition.items()
            if not isinstance(argument, dict):
                raise UnsupportedOperator(f"query.{field}.{operator}: must be an object, got {argument!r}")
            # Checked now, as the server checks a query before running it (even on no documents).
            _matches({"probe": [0, 0]}, ("probe", operator, argument), where=f"query.{field}.{operator}")
            conditions.append((field, operator, argument))
        else:
            rest[field] = condition
    return rest, conditions


def _point(value: Any, where: str) -> tuple[float, float]:
    if isinstance(value, dict) and value.get("type") == "Point":
        value = value.get("coordinates")
    if (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in value)
    ):
        return float(value[0]), float(value[1])
    raise UnsupportedOperator(f"{where}: expected a point [longitude, latitude] or a GeoJSON Point")


def _stored_point(document: dict[str, Any], path: str) -> tuple[float, float] | None:
    value: Any = document
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    try:
        return _point(value, path)
    except UnsupportedOperator:
        return None


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in meters (haversine)."""
    lng1, lat1, lng2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _in_ring(point: tuple[float, float], ring: list[Any]) -> bool:
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _in_polygon(point: tuple[float, float], rings: list[Any]) -> bool:
    return bool(rings) and _in_ring(point, rings[0]) and not any(_in_ring(point, hole) for hole in rings[1:])


def _on_segment(p: tuple[float, float], a: list[float], b: list[float]) -> bool:
    cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
    within = min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])
    return abs(cross) < 1e-12 and within


def _in_geometry(point: tuple[float, float], geometry: Any, where: str) -> bool:
    if not isinstance(geometry, dict) or not isinstance(geometry.get("coordinates"), list):
        raise UnsupportedOperator(f"{where}: $geometry must be a GeoJSON geometry, got {geometry!r}")
    kind, coordinates = geometry.get("type"), geometry["coordinates"]
    if kind == "Point":
        return point == _point(coordinates, where)
    if kind == "MultiPoint":
        return any(point == _point(c, where) for c in coordinates)
    if kind == "LineString":
        return any(_on_segment(point, a, b) for a, b in itertools.pairwise(coordinates))
    if kind == "MultiLineString":
        return any(_on_segment(point, a, b) for line in coordinates for a, b in itertools.pairwise(line))
    if kind == "Polygon":
        return _in_polygon(point, coordinates)
    if kind == "MultiPolygon":
        return any(_in_polygon(point, polygon) for polygon in coordinates)
    raise UnsupportedOperator(f"{where}: $geometry must be a GeoJSON geometry, got {geometry!r}")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UnsupportedOperator(f"{where}: must be a number, got {value!r}")
    return float(value)


def _matches(document: dict[str, Any], condition: Condition, where: str = "") -> tuple[bool, float]:
    """(does the document meet the condition, its distance for $nearSphere)."""
    field, operator, argument = condition
    where = where or f"query.{field}.{operator}"
    point = _stored_point(document, field)
    if point is None or not isinstance(argument, dict):
        return False, 0.0
    if operator == "$nearSphere":
        center = _point(argument.get("$geometry"), f"{where}.$geometry")
        meters = distance_m(point, center)
        low = argument.get("$minDistance")
        high = argument.get("$maxDistance")
        ok = (low is None or meters >= _number(low, f"{where}.$minDistance")) and (
            high is None or meters <= _number(high, f"{where}.$maxDistance")
        )
        return ok, meters
    if operator == "$geoWithin" and "$centerSphere" in argument:
        sphere = argument["$centerSphere"]
        if not isinstance(sphere, list) or len(sphere) != 2:
            raise UnsupportedOperator(
                f"{where}.$centerSphere: must be [[longitude, latitude], radius in radians]"
            )
        center = _point(sphere[0], f"{where}.$centerSphere[0]")
        return distance_m(point, center) <= _number(
            sphere[1], f"{where}.$centerSphere[1]"
        ) * EARTH_RADIUS_M, 0.0
    if "$geometry" in argument:
        return _in_geometry(point, argument["$geometry"], f"{where}.$geometry"), 0.0
    raise UnsupportedOperator(f"{where}: expected $geometry (or $centerSphere for $geoWithin)")


def select(documents: Iterable[dict[str, Any]], conditions: list[Condition]) -> list[dict[str, Any]]:
    """The documents meeting every geo condition; nearest first when one is ``$nearSphere``."""
    kept: list[tuple[float, dict[str, Any]]] = []
    for document in documents:
        distance = 0.0
        for condition in conditions:
            ok, meters = _matches(document, condition)
            if not ok:
                break
            if condition[1] == "$nearSphere":
                distance = meters
        else:
            kept.append((distance, document))
    if any(operator == "$nearSphere" for _, operator, _ in conditions):
        kept.sort(key=lambda pair: pair[0])
    return [document for _, document in kept]
