"""What the translator knows about names: Python-safe spellings, and what each JavaScript name holds.

The same JavaScript ``a.b`` becomes ``a.b`` when ``a`` is an SDK object
(``cloud.openapi``, a database query, a router's ``ctx``) and ``a.get("b")``
when it is data (an event, a result): the *kind* of each name decides.
"""

from __future__ import annotations

import builtins
import keyword
from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    UNKNOWN = "unknown"
    CLOUD = "cloud"  # the wx-server-sdk module / instance
    DB = "db"  # cloud.database()
    COMMAND = "command"  # db.command, and what its operators return
    AGGREGATE = "aggregate"  # db.command.aggregate
    QUERY = "query"  # a collection, document, query or aggregate pipeline
    RESULT = "result"  # what an SDK call resolves to (a dict)
    ROUTER_CLASS = "router_class"  # require('tcb-router')
    ROUTER = "router"  # new TcbRouter({event})
    CTX = "ctx"  # a router middleware's ctx
    NEXT = "next"  # a router middleware's next
    ERROR = "error"  # a caught error
    EVENT = "event"  # the handler's event
    WXCONTEXT = "wxcontext"  # cloud.getWXContext()
    LIST = "list"
    DICT = "dict"
    STR = "str"
    NUM = "num"
    BOOL = "bool"
    FUNCTION = "function"
    DATE = "date"
    REGEX = "regex"


# Kinds whose members are Python attributes, not dict keys.
SDK_KINDS = frozenset(
    {Kind.CLOUD, Kind.DB, Kind.COMMAND, Kind.AGGREGATE, Kind.QUERY, Kind.ROUTER, Kind.CTX, Kind.ERROR}
)

# Builtins and modules the generated code itself uses: a JavaScript name equal to one is
# renamed (``list`` -> ``list_``), so ``len(...)``/``next(...)`` keep meaning what they mean.
_EMITTED = {
    "len", "next", "iter", "isinstance", "str", "int", "float", "list", "dict", "range", "enumerate",
    "any", "all", "max", "min", "abs", "sorted", "reversed", "bool", "print", "callable", "tuple",
    "json", "re", "math", "os", "time", "random", "asyncio", "datetime", "timezone", "sys",
    "reduce", "cmp_to_key", "Any", "cloudfn", "Exception", "NotImplementedError", "None", "True", "False",
}  # fmt: skip


def py_name(js_name: str) -> str:
    """A JavaScript identifier as a Python one: keywords and emitted builtins get a trailing ``_``."""
    if js_name == "$":
        return "agg"
    name = js_name.replace("$", "S_")
    if keyword.iskeyword(name) or name in _EMITTED:
        return name + "_"
    return name


def is_python_builtin(name: str) -> bool:
    return hasattr(builtins, name)


@dataclass
class Scope:
    """One function (or the module): the names it declares and what they hold."""

    parent: Scope | None = None
    is_async: bool = False
    kinds: dict[str, Kind] = field(default_factory=dict)
    declared: set[str] = field(default_factory=set)

    def declare(self, name: str, kind: Kind = Kind.UNKNOWN) -> None:
        self.declared.add(name)
        self.kinds[name] = kind

    def kind(self, name: str) -> Kind:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.kinds:
                return scope.kinds[name]
            scope = scope.parent
        return Kind.UNKNOWN

    def set_kind(self, name: str, kind: Kind) -> None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.kinds:
                scope.kinds[name] = kind
                return
            scope = scope.parent
        self.kinds[name] = kind

    def owner(self, name: str) -> Scope | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.declared:
                return scope
            scope = scope.parent
        return None

    @property
    def is_module(self) -> bool:
        return self.parent is None
