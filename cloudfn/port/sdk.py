"""The wx-server-sdk surface: the Node SDK's names, kept as they are in Python.

``cloud.openapi.<ns>.<method>({...})``, ``cloud.database()`` and its query
chains, ``db.command`` operators (``in``/``and``/``or``/``not`` spelled
``in_``/``and_``/``or_``/``not_``), ``cloud.callFunction``, storage,
``cloud.getWXContext()`` and tcb-router apps. Every SDK call is a coroutine
in Python: one the original left to the promise machinery (``return
db.collection(...).get()``) is awaited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .parse import named
from .pycode import ATOM, Py, string_value, wrap
from .scope import Kind

if TYPE_CHECKING:
    from tree_sitter import Node

    from .expressions import Expressions

SDK_MODULE = "wx-server-sdk"
ROUTER_MODULE = "tcb-router"
# Where the Python router lives; the import a port of a tcb-router function gets.
ROUTER_IMPORT = "from cloudfn.router import TcbRouter"
ROUTER_CLASS = "TcbRouter"

# Operators whose Node name is a Python keyword.
KEYWORD_OPERATORS = {"in": "in_", "and": "and_", "or": "or_", "not": "not_"}

# A query chain ends (and resolves to a result) with one of these.
TERMINAL = frozenset({"get", "count", "add", "update", "remove", "set", "end"})
STORAGE = frozenset({"uploadFile", "downloadFile", "getTempFileURL", "deleteFile"})
CLOUD_CALLS = STORAGE | {"callFunction", "getOpenData", "getVoIPSign", "openapi"}


def attribute(name: str) -> str:
    return KEYWORD_OPERATORS.get(name, name)


def member(tr: Expressions, node: Node, base: Py, prop: str) -> Py:
    """``a.b`` where ``a`` is an SDK object: an attribute, with what it holds."""
    if base.kind is Kind.CLOUD:
        if prop == "DYNAMIC_CURRENT_ENV":
            return Py("cloudfn.DYNAMIC_CURRENT_ENV", ATOM, Kind.STR)
        return Py(f"{base.code}.{prop}", ATOM, Kind.CLOUD)
    if base.kind is Kind.DB and prop == "command":
        tr.features.add("database")
        return Py(f"{base.code}.command", ATOM, Kind.COMMAND)
    if base.kind is Kind.COMMAND and prop == "aggregate":
        return Py(f"{base.code}.aggregate", ATOM, Kind.AGGREGATE)
    if base.kind is Kind.CTX:
        if prop == "_req":  # the router's request: ctx._req.event, ctx._req.url
            return Py(f"{base.code}._req", ATOM, Kind.ROUTER)
        return Py(f"{base.code}.{prop}", ATOM, Kind.UNKNOWN)
    if base.kind is Kind.ROUTER and prop in ("event", "url"):
        return Py(f"{base.code}.{prop}", ATOM, Kind.EVENT if prop == "event" else Kind.STR)
    if base.kind is Kind.ERROR:
        if prop in ("message", "errCode", "errMsg", "name"):
            return Py(f"{base.code}.{prop}", ATOM, Kind.STR if prop != "errCode" else Kind.NUM)
        raise tr.todo(node, f"err.{prop}")
    return Py(f"{wrap(base, ATOM)}.{attribute(prop)}", ATOM, base.kind)


def call(tr: Expressions, node: Node, base: Py, prop: str, args_node: Node) -> Py:
    """``a.b(...)`` where ``a`` is an SDK object."""
    kind = base.kind
    if kind is Kind.ROUTER:
        return _router_call(tr, node, base, prop, args_node)
    args = tr.arguments(args_node)
    codes = ", ".join(a.code for a in args)
    if kind is Kind.CLOUD:
        if prop == "getWXContext":
            tr.features.add("wxcontext")
            return Py("cloudfn.getWXContext()", ATOM, Kind.WXCONTEXT)
        if prop == "init":
            raise tr.todo(node, "cloud.init() used as a value")
        if prop == "database":
            tr.features.add("database")
            return Py(f"{base.code}.database({codes})", ATOM, Kind.DB)
        chain = base.code.split(".")
        if "openapi" in chain:
            path = chain[chain.index("openapi") + 1 :]
            if not path:  # cloud.openapi({appid}) -> a configured proxy
                return Py(f"{base.code}.openapi({codes})", ATOM, Kind.CLOUD)
            api = ".".join([*path, prop])
            tr.apis.add(api)
            tr.features.add(f"openapi:{api}")
            return Py(f"{base.code}.{prop}({codes})", ATOM, Kind.RESULT, awaitable=True)
        if prop in STORAGE:
            tr.features.add("storage")
        elif prop == "callFunction":
            tr.features.add("callFunction")
        else:
            tr.features.add(f"cloud.{prop}")
        return Py(f"{base.code}.{prop}({codes})", ATOM, Kind.RESULT, awaitable=True)
    if kind is Kind.DB:
        tr.features.add("database")
        if prop == "collection":
            return Py(f"{base.code}.collection({codes})", ATOM, Kind.QUERY)
        if prop in ("serverDate", "RegExp"):
            return Py(f"{base.code}.{prop}({codes})", ATOM, Kind.COMMAND)
        if prop in ("runTransaction", "startTransaction"):
            raise tr.todo(node, f"db.{prop}")
        return Py(f"{base.code}.{prop}({codes})", ATOM, Kind.RESULT, awaitable=True)
    if kind is Kind.QUERY:
        if prop == "watch":
            raise tr.todo(node, "a realtime watch()")
        if prop in TERMINAL:
            return Py(f"{base.code}.{prop}({codes})", ATOM, Kind.RESULT, awaitable=True)
        return Py(f"{base.code}.{prop}({codes})", ATOM, Kind.QUERY)
    if kind in (Kind.COMMAND, Kind.AGGREGATE):
        return Py(f"{base.code}.{attribute(prop)}({codes})", ATOM, Kind.COMMAND)
    if kind is Kind.NEXT:
        return Py(f"{base.code}.{prop}({codes})", ATOM)
    raise tr.todo(node, f"{base.kind.value}.{prop}()")


def new_router(tr: Expressions, node: Node, name: str, args_node: Node | None) -> Py:
    tr.features.add("router")
    tr.need(ROUTER_IMPORT)
    args = tr.arguments(args_node) if args_node is not None else []
    return Py(f"{ROUTER_CLASS}({', '.join(a.code for a in args)})", ATOM, Kind.ROUTER)


def _router_call(tr: Expressions, node: Node, base: Py, prop: str, args_node: Node) -> Py:
    """``app.use(mw)``, ``app.router(path, ...handlers)``, ``app.serve()``."""
    if prop == "serve":
        return Py(f"{base.code}.serve()", ATOM, Kind.RESULT, awaitable=True)
    if prop not in ("use", "router"):
        raise tr.todo(node, f"router.{prop}()")
    arguments = named(args_node)
    hint = "middleware"
    if prop == "router" and arguments and arguments[0].type == "string":
        route = string_value(arguments[0])
        hint = f"route_{route}"
        tr.events.read(["$url"]).add_value(route)
    codes = []
    for argument in arguments:
        if argument.type in ("arrow_function", "function_expression"):
            codes.append(tr.function_value(argument, hint, (Kind.CTX, Kind.NEXT)).code)
        else:
            codes.append(tr.expr(argument).code)
    return Py(f"{base.code}.{prop}({', '.join(codes)})", ATOM)
