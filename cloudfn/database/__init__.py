"""``cloud.database()``: query builder, commands, value types and results, as wx-server-sdk has them."""

from .command import Command, LogicCommand, QueryCommand, UpdateCommand, command
from .database import Database, Transaction, TransactionRollback
from .types import (
    Geo,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
    RegExp,
    ServerDate,
)

__all__ = [
    "Command",
    "Database",
    "Geo",
    "LineString",
    "LogicCommand",
    "MultiLineString",
    "MultiPoint",
    "MultiPolygon",
    "Point",
    "Polygon",
    "QueryCommand",
    "RegExp",
    "ServerDate",
    "Transaction",
    "TransactionRollback",
    "UpdateCommand",
    "command",
]
