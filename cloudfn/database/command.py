"""``db.command``: query, logic, update, aggregate and projection operators, as the Node SDK has them.

Names are the Node SDK's (``_.gt``, ``_.elemMatch``, ``_.addToSet``, ...).
Where a name is a Python keyword the Python spelling ends in ``_``
(``_.in_``, ``_.and_``, ``_.or_``, ``_.not_``) and the Node spelling works
through ``getattr(_, "in")`` or ``_["in"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

# Python keywords: Node name -> Python attribute.
KEYWORDS = {"in": "in_", "and": "and_", "or": "or_", "not": "not_"}
UNSET = ""  # a command not yet bound to a field


class _NodeNames:
    """``obj["in"]`` and ``getattr(obj, "in")`` reach ``obj.in_``."""

    def __getattr__(self, name: str) -> Any:
        if name in KEYWORDS:
            return getattr(self, KEYWORDS[name])
        raise AttributeError(f"{type(self).__name__} has no operator {name!r}")

    def __getitem__(self, name: str) -> Any:
        return getattr(self, KEYWORDS.get(name, name))


def _expressions(args: tuple[Any, ...]) -> list[Any]:
    """Node's ``f([a, b])`` or ``f(a, b)``."""
    if args and isinstance(args[0], list | tuple):
        return list(args[0])
    return list(args)


class LogicCommand(_NodeNames):
    """``_.and_(...)``, ``_.or_(...)``, ``_.nor(...)``, ``_.not_(...)`` and chained ``.and_()``/``.or_()``."""

    # The Node SDK's _internalType: how the serializer tells commands apart.
    KIND = "logic"

    def __init__(self, operator: str, operands: Any, field_name: str = UNSET) -> None:
        self.operator = operator
        self.operands = operands
        self.field_name = field_name
        if field_name and isinstance(operands, list):
            self.operands = [
                o.set_field_name(field_name) if isinstance(o, LogicCommand | QueryCommand) else o
                for o in operands
            ]

    def set_field_name(self, field_name: str) -> LogicCommand:
        operands = [o.set_field_name(field_name) if isinstance(o, LogicCommand) else o for o in self.operands]
        return LogicCommand(self.operator, operands, field_name)

    def and_(self, *expressions: Any) -> LogicCommand:
        return LogicCommand("and", [self, *_expressions(expressions)], self.field_name)

    def or_(self, *expressions: Any) -> LogicCommand:
        return LogicCommand("or", [self, *_expressions(expressions)], self.field_name)

    def __repr__(self) -> str:
        return f"LogicCommand({self.operator!r}, {self.operands!r}, field={self.field_name!r})"


class QueryCommand(LogicCommand):
    """A comparison on one field: ``_.gt(1)``, ``_.in_([...])``, ... (chainable: ``_.gt(1).lt(5)``)."""

    KIND = "query"

    def set_field_name(self, field_name: str) -> QueryCommand:
        return QueryCommand(self.operator, self.operands, field_name)

    def toJSON(self) -> dict[str, Any]:
        if self.operator in ("in", "nin"):
            return {"$" + self.operator: self.operands}
        if self.operator == "neq":
            return {"$ne": self.operands[0]}
        return {"$" + self.operator: self.operands[0]}

    def _chain(self, operator: str, operands: Any) -> LogicCommand:
        return self.and_(QueryCommand(operator, operands, self.field_name))

    def eq(self, value: Any) -> LogicCommand:
        return self._chain("eq", [value])

    def neq(self, value: Any) -> LogicCommand:
        return self._chain("neq", [value])

    def gt(self, value: Any) -> LogicCommand:
        return self._chain("gt", [value])

    def gte(self, value: Any) -> LogicCommand:
        return self._chain("gte", [value])

    def lt(self, value: Any) -> LogicCommand:
        return self._chain("lt", [value])

    def lte(self, value: Any) -> LogicCommand:
        return self._chain("lte", [value])

    def in_(self, values: Sequence[Any]) -> LogicCommand:
        return self._chain("in", list(values))

    def nin(self, values: Sequence[Any]) -> LogicCommand:
        return self._chain("nin", list(values))

    def __repr__(self) -> str:
        return f"QueryCommand({self.operator!r}, {self.operands!r}, field={self.field_name!r})"


class UpdateCommand:
    """An update operator for one field: ``_.inc(1)``, ``_.push(...)``, ``_.remove()``, ..."""

    KIND = "update"

    def __init__(self, operator: str, operands: Any, field_name: str = UNSET) -> None:
        self.operator = operator
        self.operands = operands
        self.field_name = field_name

    def set_field_name(self, field_name: str) -> UpdateCommand:
        return UpdateCommand(self.operator, self.operands, field_name)

    def __repr__(self) -> str:
        return f"UpdateCommand({self.operator!r}, {self.operands!r}, field={self.field_name!r})"


# Aggregation expression operators, by the Node SDK's name -> MongoDB's ("neq" is "$ne").
AGGREGATE_OPERATORS = [
    "abs",
    "add",
    "ceil",
    "divide",
    "exp",
    "floor",
    "ln",
    "log",
    "log10",
    "mod",
    "multiply",
    "pow",
    "sqrt",
    "subtract",
    "trunc",
    "arrayElemAt",
    "arrayToObject",
    "concatArrays",
    "filter",
    "in",
    "indexOfArray",
    "isArray",
    "map",
    "range",
    "reduce",
    "reverseArray",
    "size",
    "slice",
    "zip",
    "and",
    "not",
    "or",
    "cmp",
    "eq",
    "gt",
    "gte",
    "lt",
    "lte",
    "neq",
    "cond",
    "ifNull",
    "switch",
    "dateFromParts",
    "dateFromString",
    "dayOfMonth",
    "dayOfWeek",
    "dayOfYear",
    "isoDayOfWeek",
    "isoWeek",
    "isoWeekYear",
    "millisecond",
    "minute",
    "month",
    "second",
    "hour",
    "week",
    "year",
    "literal",
    "mergeObjects",
    "objectToArray",
    "allElementsTrue",
    "anyElementTrue",
    "setDifference",
    "setEquals",
    "setIntersection",
    "setIsSubset",
    "setUnion",
    "concat",
    "dateToString",
    "indexOfBytes",
    "indexOfCP",
    "split",
    "strLenBytes",
    "strLenCP",
    "strcasecmp",
    "substr",
    "substrBytes",
    "substrCP",
    "toLower",
    "toUpper",
    "meta",
    "addToSet",
    "avg",
    "first",
    "last",
    "max",
    "min",
    "push",
    "stdDevPop",
    "stdDevSamp",
    "sum",
    "let",
]


def _aggregation_operator(name: str) -> Callable[[Any], dict[str, Any]]:
    key = "$ne" if name == "neq" else "$" + name

    def operator(param: Any) -> dict[str, Any]:
        return {key: param}

    operator.__name__ = name
    return operator


class AggregateCommands(_NodeNames):
    """``db.command.aggregate`` (``$``): ``$.sum('$n')`` is ``{"$sum": "$n"}``."""

    def __init__(self) -> None:
        for name in AGGREGATE_OPERATORS:
            setattr(self, KEYWORDS.get(name, name), _aggregation_operator(name))

    def pipeline(self) -> Any:
        from .aggregate import Aggregate

        return Aggregate(None, "", None)


class ProjectionCommands:
    """``db.command.project``: ``slice`` and ``elemMatch`` for ``field()``."""

    @staticmethod
    def slice(param: Any) -> dict[str, Any]:
        return {"$slice": param}

    @staticmethod
    def elemMatch(param: Any) -> dict[str, Any]:
        return {"$elemMatch": param}


class Command(_NodeNames):
    """``db.command`` (conventionally ``_``)."""

    aggregate = AggregateCommands()
    project = ProjectionCommands()

    # -- query -----------------------------------------------------------------
    @staticmethod
    def eq(value: Any) -> QueryCommand:
        return QueryCommand("eq", [value])

    @staticmethod
    def neq(value: Any) -> QueryCommand:
        return QueryCommand("neq", [value])

    @staticmethod
    def lt(value: Any) -> QueryCommand:
        return QueryCommand("lt", [value])

    @staticmethod
    def lte(value: Any) -> QueryCommand:
        return QueryCommand("lte", [value])

    @staticmethod
    def gt(value: Any) -> QueryCommand:
        return QueryCommand("gt", [value])

    @staticmethod
    def gte(value: Any) -> QueryCommand:
        return QueryCommand("gte", [value])

    @staticmethod
    def in_(values: Sequence[Any]) -> QueryCommand:
        return QueryCommand("in", values)

    @staticmethod
    def nin(values: Sequence[Any]) -> QueryCommand:
        return QueryCommand("nin", values)

    @staticmethod
    def all(values: Sequence[Any]) -> QueryCommand:
        return QueryCommand("all", values)

    @staticmethod
    def elemMatch(value: Any) -> QueryCommand:
        return QueryCommand("elemMatch", [value])

    @staticmethod
    def exists(value: bool) -> QueryCommand:
        return QueryCommand("exists", [value])

    @staticmethod
    def size(value: int) -> QueryCommand:
        return QueryCommand("size", [value])

    @staticmethod
    def mod(*args: Any) -> QueryCommand:
        if len(args) == 1:
            return QueryCommand("mod", [args[0]])
        if len(args) == 2:
            return QueryCommand("mod", [[args[0], args[1]]])
        return QueryCommand("mod", list(args))

    @staticmethod
    def geoNear(options: dict[str, Any]) -> QueryCommand:
        return QueryCommand("geoNear", [options])

    @staticmethod
    def geoWithin(options: dict[str, Any]) -> QueryCommand:
        return QueryCommand("geoWithin", [options])

    @staticmethod
    def geoIntersects(options: dict[str, Any]) -> QueryCommand:
        return QueryCommand("geoIntersects", [options])

    # -- logic -----------------------------------------------------------------
    @staticmethod
    def and_(*expressions: Any) -> LogicCommand:
        return LogicCommand("and", _expressions(expressions))

    @staticmethod
    def or_(*expressions: Any) -> LogicCommand:
        return LogicCommand("or", _expressions(expressions))

    @staticmethod
    def nor(*expressions: Any) -> LogicCommand:
        return LogicCommand("nor", _expressions(expressions))

    @staticmethod
    def not_(*expressions: Any) -> LogicCommand:
        return LogicCommand("not", _expressions(expressions))

    # -- update ----------------------------------------------------------------
    @staticmethod
    def set(value: Any) -> UpdateCommand:
        return UpdateCommand("set", [value])

    @staticmethod
    def remove() -> UpdateCommand:
        return UpdateCommand("remove", [])

    @staticmethod
    def inc(value: int | float) -> UpdateCommand:
        return UpdateCommand("inc", [value])

    @staticmethod
    def mul(value: int | float) -> UpdateCommand:
        return UpdateCommand("mul", [value])

    @staticmethod
    def push(*args: Any) -> UpdateCommand:
        values: Any
        if args and isinstance(args[0], dict) and "each" in args[0]:
            options = args[0]
            values = {}
            for option in ("each", "position", "sort", "slice"):
                if options.get(option) is not None:
                    values["$" + option] = options[option]
        elif args and isinstance(args[0], list | tuple):
            values = list(args[0])
        else:
            values = list(args)
        return UpdateCommand("push", values)

    @staticmethod
    def pull(values: Any) -> UpdateCommand:
        return UpdateCommand("pull", values)

    @staticmethod
    def pullAll(values: Any) -> UpdateCommand:
        return UpdateCommand("pullAll", values)

    @staticmethod
    def pop() -> UpdateCommand:
        return UpdateCommand("pop", [])

    @staticmethod
    def shift() -> UpdateCommand:
        return UpdateCommand("shift", [])

    @staticmethod
    def unshift(*values: Any) -> UpdateCommand:
        return UpdateCommand("unshift", _expressions(values))

    @staticmethod
    def addToSet(values: Any) -> UpdateCommand:
        return UpdateCommand("addToSet", values)

    @staticmethod
    def rename(value: Any) -> UpdateCommand:
        return UpdateCommand("rename", [value])

    @staticmethod
    def bit(value: Any) -> UpdateCommand:
        return UpdateCommand("bit", [value])

    @staticmethod
    def max(value: Any) -> UpdateCommand:
        return UpdateCommand("max", [value])

    @staticmethod
    def min(value: Any) -> UpdateCommand:
        return UpdateCommand("min", [value])

    # -- expressions -----------------------------------------------------------
    @staticmethod
    def expr(value: Any) -> dict[str, Any]:
        return {"$expr": value}

    @staticmethod
    def jsonSchema(schema: Any) -> dict[str, Any]:
        return {"$jsonSchema": schema}

    @staticmethod
    def text(value: Any) -> dict[str, Any]:
        if isinstance(value, str):
            return {"$search": value}
        return {
            "$search": value.get("search"),
            "$language": value.get("language"),
            "$caseSensitive": value.get("caseSensitive"),
            "$diacriticSensitive": value.get("diacriticSensitive"),
        }


command = Command()
