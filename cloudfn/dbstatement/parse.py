"""A statement's text -> the neutral request, through tree-sitter and a ``db``-only evaluator.

The statement is parsed as JavaScript by tree-sitter (tree-sitter-javascript
grammar); the evaluator then walks the syntax tree and understands only
literals (objects, arrays, strings, numbers, booleans, null, regexes),
``db`` and its APIs (``db.collection``, ``db.command`` / ``_``,
``db.command.aggregate`` / ``$``, ``db.serverDate``, ``db.RegExp``,
``db.Geo.*``) and ``new Date(...)``. Anything else -- variables, operators,
functions, other globals -- is refused with an error naming it. Nothing is
ever executed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import tree_sitter_javascript
from tree_sitter import Language, Node, Parser

from . import build
from .ejson import js_number_text
from .errors import StatementError
from .values import (
    GEO_CLASSES,
    UNDEFINED,
    DbRegExp,
    JSDate,
    JSRegExp,
    LogicCommand,
    QueryCommand,
    ServerDate,
    UpdateCommand,
    js_keys,
    truthy,
)

MAX_STATEMENT_CHARS = 1_000_000
_LANGUAGE = Language(tree_sitter_javascript.language())
_REGEX_FLAG_ORDER = "dgimsuvy"  # RegExp.prototype.flags lists them in this order


@dataclass(frozen=True)
class ParsedStatement:
    """What a statement asks for: ``action`` and ``params`` as the Node SDK sends them."""

    action: str
    params: dict[str, Any]
    api: str


class _Namespace:
    """``db``, ``db.command``, ``db.command.aggregate``, ``db.command.project``, ``db.Geo``."""

    def __init__(self, path: str) -> None:
        self.path = path


class _Function:
    """A callable reached from ``db`` (``db.collection``, ``_.gt``, ``query.where``, ...)."""

    def __init__(self, path: str, call: Callable[[list[Any]], Any], constructible: bool = False) -> None:
        self.path = path
        self.call = call
        self.constructible = constructible


_DB = _Namespace("db")
_COMMAND = _Namespace("db.command")
_AGGREGATE = _Namespace("db.command.aggregate")
_PROJECT = _Namespace("db.command.project")
_GEO = _Namespace("db.Geo")
_DATE = _Namespace("Date")
GLOBALS: dict[str, Any] = {
    "db": _DB,
    "_": _COMMAND,
    "$": _AGGREGATE,
    "undefined": UNDEFINED,
    "NaN": float("nan"),
    "Infinity": float("inf"),
    "Date": _DATE,
}


def _arg(args: list[Any], index: int = 0) -> Any:
    return args[index] if len(args) > index else UNDEFINED


def _list_or_args(args: list[Any]) -> Any:
    return args[0] if args and isinstance(args[0], list) else list(args)


def _push(args: list[Any]) -> UpdateCommand:
    first = _arg(args)
    if isinstance(first, dict) and "each" in first:
        values: Any = {}
        for name in ("each", "position", "sort", "slice"):
            if first.get(name, UNDEFINED) is not UNDEFINED:
                values["$" + name] = first[name]
    elif isinstance(first, list):
        values = first
    else:
        values = list(args)
    return UpdateCommand("push", values)


def _mod(args: list[Any]) -> QueryCommand:
    if not args:
        raise StatementError("_.mod() needs a divisor and a remainder, e.g. _.mod(4, 0)")
    if len(args) == 1:
        return QueryCommand("mod", [args[0]])
    if len(args) == 2:
        return QueryCommand("mod", [[args[0], args[1]]])
    return QueryCommand("mod", list(args))


def _text(args: list[Any]) -> dict[str, Any]:
    value = _arg(args)
    if isinstance(value, str):
        return {"$search": UNDEFINED}  # as the SDK: it reads .search of the string
    options = value if isinstance(value, dict) else {}
    return {
        "$search": options.get("search", UNDEFINED),
        "$language": options.get("language", UNDEFINED),
        "$caseSensitive": options.get("caseSensitive", UNDEFINED),
        "$diacriticSensitive": options.get("diacriticSensitive", UNDEFINED),
    }


def _required(operator: str, args: list[Any]) -> Any:
    """A command's argument; without one the SDK would silently drop the condition."""
    value = _arg(args)
    if value is UNDEFINED:
        raise StatementError(f"_.{operator}() needs an argument, e.g. _.{operator}(1)")
    return value


def _value_command(operator: str) -> Callable[[list[Any]], QueryCommand]:
    return lambda args: QueryCommand(operator, [_required(operator, args)])


def _list_command(operator: str) -> Callable[[list[Any]], QueryCommand]:
    return lambda args: QueryCommand(operator, _required(operator, args))


def _logic(operator: str) -> Callable[[list[Any]], LogicCommand]:
    return lambda args: LogicCommand(operator, _list_or_args(args))


def _update(operator: str, shape: str) -> Callable[[list[Any]], UpdateCommand]:
    if shape == "none":
        return lambda args: UpdateCommand(operator, [])
    if shape == "raw":
        return lambda args: UpdateCommand(operator, _required(operator, args))
    if shape == "spread":
        return lambda args: UpdateCommand(operator, _list_or_args(args))
    return lambda args: UpdateCommand(operator, [_required(operator, args)])


COMMANDS: dict[str, Callable[[list[Any]], Any]] = {
    **{
        op: _value_command(op)
        for op in ("eq", "neq", "lt", "lte", "gt", "gte", "elemMatch", "exists", "size")
    },
    **{op: _value_command(op) for op in ("geoNear", "geoWithin", "geoIntersects")},
    **{op: _list_command(op) for op in ("in", "nin", "all")},
    "mod": _mod,
    **{op: _logic(op) for op in ("and", "or", "not", "nor")},
    "set": _update("set", "value"),
    "remove": _update("remove", "none"),
    "inc": _update("inc", "value"),
    "mul": _update("mul", "value"),
    "push": _push,
    "pull": _update("pull", "raw"),
    "pullAll": _update("pullAll", "raw"),
    "pop": _update("pop", "none"),
    "shift": _update("shift", "none"),
    "unshift": _update("unshift", "spread"),
    "addToSet": _update("addToSet", "raw"),
    "rename": _update("rename", "value"),
    "bit": _update("bit", "value"),
    "max": _update("max", "value"),
    "min": _update("min", "value"),
    "expr": lambda args: {"$expr": _arg(args)},
    "jsonSchema": lambda args: {"$jsonSchema": _arg(args)},
    "text": _text,
}

AGGREGATE_OPERATORS = frozenset(
    [
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
)

# Methods a command value has (LogicCommand: and/or; QueryCommand adds the comparisons).
_COMMAND_CHAIN = ("eq", "neq", "gt", "gte", "lt", "lte", "in", "nin", "geoNear", "geoWithin", "geoIntersects")

_BUILDER_METHODS: dict[type, tuple[str, ...]] = {
    build.Query: (
        "where",
        "orderBy",
        "limit",
        "skip",
        "field",
        "get",
        "count",
        "update",
        "remove",
        "doc",
        "add",
        "aggregate",
    ),
    build.Document: ("field", "get", "set", "update", "remove"),
    build.Aggregate: (*build.STAGES, "end", "done"),
}


def _db_member(name: str) -> Any:
    if name == "collection":
        return _Function("db.collection", _collection)
    if name == "command":
        return _COMMAND
    if name == "Geo":
        return _GEO
    if name == "serverDate":
        return _Function("db.serverDate", _server_date)
    if name == "RegExp":
        return _Function("db.RegExp", _db_regexp, constructible=True)
    raise StatementError(
        f"db.{name} is not allowed in a statement: use db.collection, db.command, db.serverDate, db.RegExp or db.Geo"
    )


def _collection(args: list[Any]) -> build.Query:
    name = _arg(args)
    if not truthy(name):
        raise StatementError("Collection name is required: db.collection('name')")
    if not isinstance(name, str):
        raise StatementError(f"db.collection(): the collection name must be a string, got {name!r}")
    return build.Query(name)


def _server_date(args: list[Any]) -> ServerDate:
    options = _arg(args)
    offset = options.get("offset", UNDEFINED) if isinstance(options, dict) else UNDEFINED
    return ServerDate(0 if offset is UNDEFINED else offset)


def _db_regexp(args: list[Any]) -> DbRegExp:
    options = _arg(args)
    if not isinstance(options, dict):
        raise StatementError("db.RegExp() takes {regexp: '...', options: 'i'}")
    pattern = options.get("regexp", UNDEFINED)
    if not truthy(pattern):
        raise StatementError("regexp must be a string: db.RegExp({regexp: 'pattern', options: 'i'})")
    flags = options.get("options", UNDEFINED)
    return DbRegExp(pattern, flags if truthy(flags) else "")


def _geo(name: str) -> _Function:
    cls = GEO_CLASSES[name]

    def make(args: list[Any]) -> Any:
        if name == "Point":
            return cls(_arg(args, 0), _arg(args, 1))
        items = _arg(args)
        if not isinstance(items, list):
            raise StatementError(f"db.Geo.{name}() takes an array")
        return cls(tuple(items))

    return _Function(f"db.Geo.{name}", make, constructible=True)


def _member(target: Any, name: str, node: Node) -> Any:
    if target is _DB:
        return _db_member(name)
    if target is _COMMAND:
        if name == "aggregate":
            return _AGGREGATE
        if name == "project":
            return _PROJECT
        if name in COMMANDS:
            return _Function(f"db.command.{name}", COMMANDS[name])
        raise StatementError(
            f"db.command.{name} does not exist: see the db.command query and update operators"
        )
    if target is _AGGREGATE:
        if name == "pipeline":
            return _Function("db.command.aggregate.pipeline", lambda args: build.Aggregate(None))
        if name in AGGREGATE_OPERATORS:
            key = "$ne" if name == "neq" else "$" + name
            return _Function(f"db.command.aggregate.{name}", lambda args: {key: _arg(args)})
        raise StatementError(f"db.command.aggregate.{name} is not an aggregation operator")
    if target is _PROJECT:
        if name in ("slice", "elemMatch"):
            return _Function(f"db.command.project.{name}", lambda args: {"$" + name: _arg(args)})
        raise StatementError(f"db.command.project.{name} does not exist: use slice or elemMatch")
    if target is _GEO:
        if name in GEO_CLASSES:
            return _geo(name)
        raise StatementError(f"db.Geo.{name} does not exist: use Point, LineString, Polygon, MultiPoint, ...")
    if isinstance(target, LogicCommand):
        if name in ("and", "or") or (isinstance(target, QueryCommand) and name in _COMMAND_CHAIN):
            return _Function(name, lambda args: _chain(target, name, args))
        raise StatementError(
            f".{name}() cannot follow a command here: commands chain .and(), .or() and comparisons"
        )
    methods = _BUILDER_METHODS.get(type(target))
    if methods is not None:
        if isinstance(target, build.Aggregate) and name in build.UNSUPPORTED_STAGES:
            raise StatementError(f"aggregate stage {name}() is not supported by the database API")
        if name not in methods:
            raise StatementError(
                f".{name}() is not allowed on {_describe(target)}: use one of {', '.join(methods)}"
            )
        if isinstance(target, build.Aggregate) and name in build.STAGES:
            return _Function(name, lambda args: target.stage(name, _arg(args)))
        return _Function(name, lambda args: _call_method(target, name, args))
    raise StatementError(
        f"`{_text_of(node)}` at {_where(node)}: .{name} is not allowed on {_describe(target)}"
    )


def _call_method(target: Any, name: str, args: list[Any]) -> Any:
    """A builder method with the arguments it takes; extra ones are ignored, as in JavaScript."""
    method = getattr(target, name)
    takes = method.__func__.__code__.co_argcount - 1
    return method(*args[:takes])


def _chain(target: LogicCommand, name: str, args: list[Any]) -> LogicCommand:
    if name in ("and", "or"):
        return target.chain(name, args)
    operands = _arg(args) if name in ("in", "nin") else [_arg(args)]
    return target.chain("and", [QueryCommand(name, operands, target.field_name)])


def _describe(value: Any) -> str:
    if isinstance(value, build.Query):
        return "a collection query"
    if isinstance(value, build.Document):
        return "a document reference"
    if isinstance(value, build.Aggregate):
        return "an aggregation"
    if isinstance(value, build.Request):
        return f"the result of {value.api}()"
    if isinstance(value, _Namespace):
        return value.path
    if isinstance(value, _Function):
        return value.path
    return "a value"


def _source(node: Node) -> str:
    """A node's source text (the statement was encoded with surrogatepass, so decode alike)."""
    return (node.text or b"").decode("utf-8", errors="surrogatepass")


def _text_of(node: Node) -> str:
    """A node's text for a message: always encodable (an unpaired surrogate shows as \\udXXX)."""
    text = _source(node).encode("utf-8", errors="backslashreplace").decode("utf-8")
    return text if len(text) <= 60 else text[:57] + "..."


def _where(node: Node) -> str:
    row, column = node.start_point
    return f"line {row + 1}, column {column + 1}"


def _not_allowed(node: Node, why: str = "") -> StatementError:
    reason = why or "a statement may only use literals, db and its APIs, and new Date(...)"
    return StatementError(f"`{_text_of(node)}` ({node.type}) at {_where(node)} is not allowed: {reason}")


# --------------------------------------------------------------------- literals


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape(sequence: str) -> str:
    body = sequence[1:]
    if body in _ESCAPES:
        return _ESCAPES[body]
    if body.startswith("x"):
        return chr(int(body[1:], 16))
    if body.startswith("u{"):
        return chr(int(body[2:-1], 16))
    if body.startswith("u"):
        return chr(int(body[1:], 16))
    if body.startswith(("\r\n", "\n", "\r", "\u2028", "\u2029")):
        return ""  # a line continuation
    if body[:1].isdigit():
        raise StatementError(f"octal escape {sequence!r} is not allowed in a statement string")
    return body


def _string(node: Node) -> str:
    parts: list[str] = []
    for child in node.named_children:
        text = _source(child)
        if child.type == "escape_sequence":
            parts.append(_unescape(text))
        elif child.type == "string_fragment":
            parts.append(text)
        elif child.type == "template_substitution":
            raise _not_allowed(child, "template substitutions are not allowed; write the value itself")
        else:
            raise _not_allowed(child)
    return _no_lone_surrogates(_join_surrogates("".join(parts)), node)


def _join_surrogates(text: str) -> str:
    """'\\ud83d\\ude00' escapes written as a pair become one character, as in JavaScript."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return text.encode("utf-16-le", errors="surrogatepass").decode("utf-16-le", errors="surrogatepass")


def _no_lone_surrogates(text: str, node: Node) -> str:
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise _not_allowed(node, "an unpaired surrogate (\\ud800-\\udfff) cannot be stored as text")
    return text


_NUMBER_PREFIXES = {"0x": 16, "0o": 8, "0b": 2}


def _number(node: Node) -> int | float:
    text = _source(node).replace("_", "")
    if text.endswith("n"):
        raise _not_allowed(node, "BigInt literals cannot be stored; write a plain number")
    base = _NUMBER_PREFIXES.get(text[:2].lower())
    if base:
        return normalise_number(float(int(text[2:], base)))
    if len(text) > 1 and text[0] == "0" and text[1].isdigit():
        raise _not_allowed(node, "legacy octal literals are not allowed")
    return normalise_number(float(text))


def normalise_number(value: float) -> int | float:
    """A JavaScript number as Python holds it: ``int`` when integral and exact, else ``float``."""
    if value.is_integer() and abs(value) <= 2**53:
        return int(value)
    return value


def _regex(node: Node) -> JSRegExp:
    pattern = node.child_by_field_name("pattern")
    flags = node.child_by_field_name("flags")
    flag_text = _source(flags) if flags else ""
    if len(set(flag_text)) != len(flag_text) or any(f not in _REGEX_FLAG_ORDER for f in flag_text):
        raise _not_allowed(node, f"invalid regular expression flags {flag_text!r}")
    ordered = "".join(f for f in _REGEX_FLAG_ORDER if f in flag_text)
    return JSRegExp(_no_lone_surrogates(_source(pattern), node) if pattern else "(?:)", ordered)


# ------------------------------------------------------------------ dates


_ISO_DATE = re.compile(r"^[+-]?\d{4,6}(-\d\d(-\d\d)?)?$")


def _date(args: list[Any]) -> JSDate:
    if not args:
        return JSDate(float(int(datetime.now(UTC).timestamp() * 1000)))
    if len(args) == 1:
        value = args[0]
        if isinstance(value, int | float) and not isinstance(value, bool):
            return JSDate(_time_clip(float(value)))
        if isinstance(value, JSDate):
            return JSDate(value.ms)
        if isinstance(value, str):
            return JSDate(_parse_date_string(value))
        raise StatementError("new Date() takes a date string, a number of milliseconds, or year, month, ...")
    parts = [
        float(a) if isinstance(a, int | float) and not isinstance(a, bool) else float("nan") for a in args
    ]
    if any(p != p for p in parts):
        return JSDate(float("nan"))
    year, month, *rest = (int(p) for p in parts)
    fields = [*rest, 0, 0, 0, 0, 0][:5]
    day = fields[0] if len(rest) >= 1 else 1
    if 0 <= year <= 99:
        year += 1900
    try:
        local = datetime(year + month // 12, month % 12 + 1, 1).astimezone()
        moment = local + timedelta(
            days=day - 1, hours=fields[1], minutes=fields[2], seconds=fields[3], milliseconds=fields[4]
        )
        return JSDate(_time_clip(float(int(moment.timestamp() * 1000))))
    except (OverflowError, ValueError):
        return JSDate(float("nan"))


def _time_clip(ms: float) -> float:
    if ms != ms or abs(ms) > 8.64e15:
        return float("nan")
    return float(int(ms))


def _parse_date_string(text: str) -> float:
    """ISO 8601 as JavaScript reads it: a date alone is UTC, a date-time without offset is local."""
    value = text.strip()
    try:
        if _ISO_DATE.match(value):
            parts = [*value.split("-"), "01", "01"] if not value.startswith(("-", "+")) else None
            if parts is None:
                return float("nan")
            moment = datetime(int(parts[0]), int(parts[1]), int(parts[2]), tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.astimezone()
        return _time_clip(float(round(moment.timestamp() * 1000)))
    except (ValueError, OverflowError):
        return float("nan")


# ------------------------------------------------------------------ the evaluator


class _Evaluator:
    """Walks the syntax tree; each node kind it knows becomes a value, any other is refused."""

    def value(self, node: Node) -> Any:
        kind = node.type
        if kind == "parenthesized_expression":
            return self.value(self._only_child(node))
        if kind == "string":
            return _string(node)
        if kind == "template_string":
            return _string(node)
        if kind == "number":
            return _number(node)
        if kind == "true":
            return True
        if kind == "false":
            return False
        if kind == "null":
            return None
        if kind == "undefined":
            return UNDEFINED
        if kind == "regex":
            return _regex(node)
        if kind == "identifier":
            name = _source(node)
            if name in GLOBALS:
                return GLOBALS[name]
            raise _not_allowed(
                node, f"unknown name {name!r}: only db, _ (db.command) and $ (db.command.aggregate) exist"
            )
        if kind == "array":
            return self.array(node)
        if kind == "object":
            return self.object(node)
        if kind == "unary_expression":
            return self.unary(node)
        if kind in ("member_expression", "subscript_expression"):
            return self.member(node)
        if kind == "call_expression":
            return self.call(node)
        if kind == "new_expression":
            return self.new(node)
        raise _not_allowed(node)

    def _only_child(self, node: Node) -> Node:
        children = [c for c in node.named_children if c.type != "comment"]
        if len(children) != 1:
            raise _not_allowed(node, "sequence expressions are not allowed")
        return children[0]

    def array(self, node: Node) -> list[Any]:
        items: list[Any] = []
        expect_item = True
        for child in node.children:
            if child.type in ("[", "]", "comment"):
                continue
            if child.type == ",":
                if expect_item:
                    raise _not_allowed(node, "arrays with holes are not allowed")
                expect_item = True
                continue
            if child.type == "spread_element":
                raise _not_allowed(child, "spread is not allowed")
            items.append(self.value(child))
            expect_item = False
        return items

    def object(self, node: Node) -> dict[str, Any]:
        pairs: list[tuple[str, Any]] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type != "pair":
                reason = (
                    "write key: value pairs" if child.type != "spread_element" else "spread is not allowed"
                )
                raise _not_allowed(child, reason)
            key_node = child.child_by_field_name("key")
            value_node = child.child_by_field_name("value")
            assert key_node is not None and value_node is not None
            pairs.append((self.key(key_node), self.value(value_node)))
        result = dict(pairs)
        return {k: result[k] for k in js_keys(result)}  # array-index keys first, as JavaScript orders them

    def key(self, node: Node) -> str:
        if node.type == "property_identifier":
            return _no_lone_surrogates(_source(node), node)
        if node.type == "string":
            return _string(node)
        if node.type == "number":
            return js_number_text(_number(node))
        if node.type == "computed_property_name":
            inner = self.value(self._only_child(node))
            if isinstance(inner, str):
                return inner
        raise _not_allowed(node, "object keys must be names or string literals")

    def unary(self, node: Node) -> Any:
        operator = node.child_by_field_name("operator")
        argument = node.child_by_field_name("argument")
        op = _source(operator) if operator else ""
        if argument is not None and op in ("-", "+"):
            value = self.value(argument)
            if isinstance(value, int | float) and not isinstance(value, bool):
                if op == "+":
                    return value
                if value == 0 and isinstance(value, int):
                    return 0  # -0 is stored as 0
                return normalise_number(-float(value))
            raise _not_allowed(node, f"unary {op} applies to number literals only")
        raise _not_allowed(node, "operators are not allowed; write the value itself")

    def member(self, node: Node) -> Any:
        if node.child_by_field_name("optional_chain") is not None or any(
            c.type == "optional_chain" for c in node.children
        ):
            raise _not_allowed(node, "optional chaining is not allowed")
        obj_node = node.child_by_field_name("object")
        assert obj_node is not None
        target = self.value(obj_node)
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is None or prop.type != "property_identifier":
                raise _not_allowed(node, "private names are not allowed")
            name = _source(prop)
        else:
            index_node = node.child_by_field_name("index")
            assert index_node is not None
            index = self.value(index_node)
            if not isinstance(index, str):
                raise _not_allowed(node, "only string subscripts such as _['in'] are allowed")
            name = index
        if target is _DATE:
            raise _not_allowed(node, "only new Date(...) is allowed")
        return _member(target, name, node)

    def arguments(self, node: Node | None) -> list[Any]:
        if node is None:
            return []
        if node.type == "template_string":
            raise _not_allowed(node, "tagged templates are not allowed")
        return self.array_like(node)

    def array_like(self, node: Node) -> list[Any]:
        values: list[Any] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type == "spread_element":
                raise _not_allowed(child, "spread is not allowed")
            values.append(self.value(child))
        return values

    def call(self, node: Node) -> Any:
        function_node = node.child_by_field_name("function")
        assert function_node is not None
        if any(c.type == "optional_chain" for c in node.children):
            raise _not_allowed(node, "optional chaining is not allowed")
        target = self.value(function_node)
        args = self.arguments(node.child_by_field_name("arguments"))
        if isinstance(target, _Function):
            return target.call(args)
        raise _not_allowed(function_node, f"{_describe(target)} is not a function")

    def new(self, node: Node) -> Any:
        constructor = node.child_by_field_name("constructor")
        assert constructor is not None
        target = self.value(constructor)
        args = self.arguments(node.child_by_field_name("arguments"))
        if target is _DATE:
            return _date(args)
        if isinstance(target, _Function) and target.constructible:
            return target.call(args)
        raise _not_allowed(node, "only new Date(...), new db.Geo.*(...) and new db.RegExp(...) are allowed")


def _first_error(node: Node) -> Node | None:
    if node.type == "ERROR" or node.is_missing:
        return node
    for child in node.children:
        if child.has_error:
            found = _first_error(child)
            if found is not None:
                return found
    return node if node.has_error else None


def parse_statement(statement: Any) -> ParsedStatement:
    """Parse one statement into the Node SDK's request (``StatementError`` when refused)."""
    if not isinstance(statement, str) or not statement.strip():
        raise StatementError("query must be a non-empty string: a statement such as db.collection('x').get()")
    if len(statement) > MAX_STATEMENT_CHARS:
        raise StatementError(f"query is longer than {MAX_STATEMENT_CHARS} characters")
    source = statement.encode("utf-8", errors="surrogatepass")
    tree = Parser(_LANGUAGE).parse(source)
    root = tree.root_node
    if root.has_error:
        bad = _first_error(root)
        where = _where(bad) if bad is not None else "somewhere"
        raise StatementError(f"query is not valid JavaScript: syntax error at {where}")
    statements = [c for c in root.named_children if c.type != "comment"]
    if len(statements) != 1 or statements[0].type != "expression_statement":
        raise StatementError(
            "query must be exactly one expression, e.g. db.collection('x').where({...}).get()"
        )
    expression = statements[0].named_children[0] if statements[0].named_children else statements[0]
    try:
        result = _Evaluator().value(expression)
    except RecursionError:
        raise StatementError("query is nested too deeply") from None
    if isinstance(result, build.Request):
        return ParsedStatement(result.action, result.params, result.api)
    raise StatementError(
        "query must end in a database call: get(), count(), add(), update(), set(), remove() "
        f"or aggregate()...end(); this one is {_describe(result)}"
    )


__all__ = ["MAX_STATEMENT_CHARS", "ParsedStatement", "normalise_number", "parse_statement"]
