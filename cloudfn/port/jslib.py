"""JavaScript's standard library as Python: Array, String, Object, JSON, Math, Date, Number, Promise, console.

Each mapping keeps JavaScript's result where Python's nearest builtin would
differ (``Math.round`` rounds halves up, ``replace`` with a string replaces
the first match only, ``arr[0]`` of an empty array is undefined). A method
whose receiver type matters and cannot be known stays a TODO.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .parse import field, named, text
from .pycode import ADD, ATOM, AWAIT, CMP, MUL, NOT, OR, TERNARY, UNARY, Py, py_string, string_value, wrap
from .scope import Kind, py_name

if TYPE_CHECKING:
    from tree_sitter import Node

    from .expressions import Expressions

_CONSOLE = {"log": False, "info": False, "debug": False, "warn": True, "error": True}


def _args(tr: Expressions, node: Node | None) -> list[Py]:
    return tr.arguments(node) if node is not None else []


def _codes(args: list[Py]) -> str:
    return ", ".join(a.code for a in args)


def _shadowed(tr: Expressions, name: str) -> bool:
    return tr.scope.owner(name) is not None


def global_member(tr: Expressions, object_node: Node, prop: str) -> Py | None:
    if object_node.type == "identifier":
        name = text(object_node)
        if _shadowed(tr, name):
            return None
        if name == "Math":
            constants = {"PI": "math.pi", "E": "math.e"}
            if prop in constants:
                tr.need("import math")
                return Py(constants[prop], ATOM, Kind.NUM)
        if name == "Number":
            constants = {"MAX_SAFE_INTEGER": "9007199254740991", "MIN_SAFE_INTEGER": "-9007199254740991"}
            if prop in constants:
                return Py(constants[prop], ATOM if prop.startswith("MAX") else UNARY, Kind.NUM)
        if name == "process" and prop == "env":
            tr.need("import os")
            return Py("os.environ", ATOM, Kind.DICT)
    if (
        object_node.type == "member_expression"
        and text(object_node) == "process.env"
        and not _shadowed(tr, "process")
    ):
        tr.need("import os")
        return Py(f"os.environ.get({py_string(prop)})", ATOM, Kind.STR)
    return None


def global_call(tr: Expressions, node: Node, name: str, args_node: Node) -> Py | None:
    if _shadowed(tr, name):
        return None
    if name == "require":
        raise tr.todo(node, "require() of a module inside code (only top-level requires are ported)")
    simple = {"String": ("str", Kind.STR), "Boolean": ("bool", Kind.BOOL)}
    if name in simple:
        args = _args(tr, args_node)
        function, kind = simple[name]
        return Py(f"{function}({_codes(args)})", ATOM, kind)
    if name in ("parseInt", "parseFloat", "Number"):
        args = _args(tr, args_node)
        if name == "parseInt":
            if len(args) == 2 and args[1].code != "10":
                return Py(f"int({args[0].code}, {args[1].code})", ATOM, Kind.NUM)
            return Py(f"int({args[0].code})", ATOM, Kind.NUM)
        return Py(f"float({args[0].code})" if args else "0", ATOM, Kind.NUM)
    if name == "isNaN":
        tr.need("import math")
        return Py(f"math.isnan(float({_args(tr, args_node)[0].code}))", ATOM, Kind.BOOL)
    if name in ("setTimeout", "setInterval", "eval", "encodeURIComponent", "decodeURIComponent"):
        raise tr.todo(node, f"{name}()")
    return None


def global_method(tr: Expressions, node: Node, object_node: Node, prop: str, args_node: Node) -> Py | None:
    if object_node.type == "identifier" and not _shadowed(tr, text(object_node)):
        handler = _GLOBALS.get(text(object_node))
        if handler is not None:
            return handler(tr, node, prop, args_node)
    if object_node.type == "new_expression" and text(field(object_node, "constructor")) == "Date":
        return None
    return None


def _math(tr: Expressions, node: Node, prop: str, args_node: Node) -> Py:
    args = _args(tr, args_node)
    codes = _codes(args)
    if prop in ("floor", "ceil", "sqrt", "trunc", "log", "log10", "exp", "sin", "cos"):
        tr.need("import math")
        return Py(f"math.{prop}({codes})", ATOM, Kind.NUM)
    if prop == "round":
        # JavaScript rounds halves up (2.5 -> 3, -2.5 -> -2); Python's round() to even.
        tr.need("import math")
        return Py(f"math.floor({wrap(args[0], ADD)} + 0.5)", ATOM, Kind.NUM)
    if prop in ("max", "min", "abs"):
        if prop != "abs" and len(args) == 1 and args[0].code.startswith("*"):
            return Py(f"{prop}({args[0].code[1:]})", ATOM, Kind.NUM)
        return Py(f"{prop}({codes})", ATOM, Kind.NUM)
    if prop == "random":
        tr.need("import random")
        return Py("random.random()", ATOM, Kind.NUM)
    if prop == "pow":
        return Py(f"{wrap(args[0], 14)} ** {wrap(args[1], 13)}", 13, Kind.NUM)
    raise tr.todo(node, f"Math.{prop}")


def _json(tr: Expressions, node: Node, prop: str, args_node: Node) -> Py:
    args = _args(tr, args_node)
    tr.need("import json")
    if prop == "parse" and len(args) == 1:
        return Py(f"json.loads({args[0].code})", ATOM)
    if prop == "stringify":
        if len(args) == 1:
            return Py(
                f'json.dumps({args[0].code}, ensure_ascii=False, separators=(",", ":"))', ATOM, Kind.STR
            )
        if len(args) == 3 and args[1].code == "None":
            return Py(
                f"json.dumps({args[0].code}, ensure_ascii=False, indent={args[2].code})", ATOM, Kind.STR
            )
    raise tr.todo(node, f"JSON.{prop} with these arguments")


def _object(tr: Expressions, node: Node, prop: str, args_node: Node) -> Py:
    args = _args(tr, args_node)
    if prop == "keys" and len(args) == 1:
        return Py(f"list({args[0].code})", ATOM, Kind.LIST)
    if prop == "values" and len(args) == 1:
        return Py(f"list({wrap(args[0], ATOM)}.values())", ATOM, Kind.LIST)
    if prop == "entries" and len(args) == 1:
        return Py(f"[list(item) for item in {wrap(args[0], ATOM)}.items()]", ATOM, Kind.LIST)
    if prop == "assign" and len(args) >= 2:
        if args[0].code == "{}":
            return Py("{" + ", ".join(f"**{wrap(a, 6)}" for a in args[1:]) + "}", ATOM, Kind.DICT)
        raise tr.todo(node, "Object.assign into an existing object used as a value")
    if prop == "freeze" and len(args) == 1:
        return args[0]
    raise tr.todo(node, f"Object.{prop}")


def _array(tr: Expressions, node: Node, prop: str, args_node: Node) -> Py:
    if prop == "isArray":
        args = _args(tr, args_node)
        return Py(f"isinstance({args[0].code}, list)", ATOM, Kind.BOOL)
    if prop == "from":
        arguments = named(args_node)
        if len(arguments) == 1:
            inner = arguments[0]
            if inner.type == "new_expression" and text(field(inner, "constructor")) == "Set":
                set_args = named(field(inner, "arguments"))
                return Py(f"list(dict.fromkeys({tr.expr(set_args[0]).code}))", ATOM, Kind.LIST)
            return Py(f"list({tr.expr(inner).code})", ATOM, Kind.LIST)
    raise tr.todo(node, f"Array.{prop}")


def _number(tr: Expressions, node: Node, prop: str, args_node: Node) -> Py:
    args = _args(tr, args_node)
    if prop == "isInteger":
        x = args[0].code
        return Py(
            f"isinstance({x}, int) and not isinstance({x}, bool) or isinstance({x}, float) and {x}.is_integer()",
            OR,
            Kind.BOOL,
        )
    if prop == "parseInt":
        return Py(f"int({args[0].code})", ATOM, Kind.NUM)
    if prop == "parseFloat":
        return Py(f"float({args[0].code})", ATOM, Kind.NUM)
    raise tr.todo(node, f"Number.{prop}")


def _date(tr: Expressions, node: Node, prop: str, args_node: Node) -> Py:
    if prop == "now":
        tr.need("import time")
        return Py("int(time.time() * 1000)", ATOM, Kind.NUM)
    raise tr.todo(node, f"Date.{prop}")


def _promise(tr: Expressions, node: Node, prop: str, args_node: Node) -> Py:
    arguments = named(args_node)
    if prop == "all" and len(arguments) == 1:
        tr.need("import asyncio")
        inner = arguments[0]
        if inner.type == "array":
            items = [tr.value(child) for child in named(inner)]
            return Py(f"asyncio.gather({', '.join(i.code for i in items)})", ATOM, Kind.LIST, awaitable=True)
        value = tr.expr(inner)
        return Py(f"asyncio.gather(*{wrap(value, 6)})", ATOM, Kind.LIST, awaitable=True)
    raise tr.todo(node, f"Promise.{prop}")


def _console(tr: Expressions, node: Node, prop: str, args_node: Node) -> Py:
    if prop not in _CONSOLE:
        raise tr.todo(node, f"console.{prop}")
    args = _args(tr, args_node)
    if _CONSOLE[prop]:
        tr.need("import sys")
        return Py(f"print({_codes([*args, Py('file=sys.stderr')])})", ATOM)
    return Py(f"print({_codes(args)})", ATOM)


def _buffer(tr: Expressions, node: Node, prop: str, args_node: Node) -> Py:
    args = _args(tr, args_node)
    if prop == "from" and len(args) == 1:
        return Py(f'{wrap(args[0], ATOM)}.encode("utf-8")', ATOM)
    if prop == "from" and len(args) == 2 and args[1].code == '"base64"':
        tr.need("import base64")
        return Py(f"base64.b64decode({args[0].code})", ATOM)
    raise tr.todo(node, f"Buffer.{prop}")


_GLOBALS = {
    "Buffer": _buffer,
    "Math": _math,
    "JSON": _json,
    "Object": _object,
    "Array": _array,
    "Number": _number,
    "Date": _date,
    "Promise": _promise,
    "console": _console,
}


# -- methods on values ------------------------------------------------------------------------


def _callback(tr: Expressions, node: Node, args_node: Node, what: str) -> tuple[list[str], Py] | None:
    """The callback of map/filter/find/... as (params, body expression), if it is one expression."""
    arguments = named(args_node)
    if len(arguments) != 1:
        return None
    function = arguments[0]
    if function.type not in ("arrow_function", "function_expression"):
        return None
    parts = tr.lambda_parts(function)
    if parts is None:
        return None
    params, body = parts
    if not 1 <= len(params) <= 2 or (len(params) == 2 and params[1].startswith("[")):
        return None
    # map(x => db.collection(x).count()) is an array of promises in Node: coroutines here.
    py = tr.lambda_body(params, body, allow_awaitable=what == "map")
    if py is None:
        return None
    return params, py


def _target(param: str) -> str:
    if not param.startswith("["):
        return py_name(param)
    names = [py_name(p) for p in param.strip("[]").split(", ")]
    return names[0] + ", *_" if len(names) == 1 else ", ".join(names)


def _element(param: str) -> str:
    """The element itself, for filter/find: a destructured one is rebuilt as the list it was."""
    if param.startswith("["):
        return "[" + ", ".join(py_name(p) for p in param.strip("[]").split(", ")) + "]"
    return py_name(param)


def _loop(params: list[str], base: Py) -> str:
    if len(params) == 2:
        first = _target(params[0]) if not params[0].startswith("[") else f"({_target(params[0])})"
        return f"for {py_name(params[1])}, {first} in enumerate({base.code})"
    return f"for {_target(params[0])} in {base.code}"


def method(tr: Expressions, node: Node, base: Py, prop: str, args_node: Node) -> Py:
    """``x.prop(args)`` on a value (an array, a string, a date, a regex, a dict)."""
    if base.kind is Kind.DATE:
        return _date_method(tr, node, base, prop, args_node)
    if base.kind is Kind.REGEX:
        args = _args(tr, args_node)
        if prop == "test":
            return Py(f"{base.code}.search({args[0].code}) is not None", CMP, Kind.BOOL)
        raise tr.todo(node, f"RegExp.{prop}")
    obj = wrap(base, ATOM)
    if prop in ("map", "filter", "find", "findIndex", "some", "every"):
        callback = _callback(tr, node, args_node, prop)
        if callback is None:
            if prop == "map" and len(named(args_node)) == 1:
                function = tr.value(named(args_node)[0], "each")
                return Py(f"[{function.code}(item) for item in {base.code}]", ATOM, Kind.LIST)
            raise tr.todo(node, f".{prop}() with a callback that is more than one expression")
        params, body = callback
        loop = _loop(params, base)
        element = _element(params[0])
        if prop == "map":
            return Py(f"[{wrap(body, TERNARY)} {loop}]", ATOM, Kind.LIST)
        if prop == "filter":
            return Py(f"[{element} {loop} if {wrap(body, TERNARY)}]", ATOM, Kind.LIST)
        if prop == "find":
            return Py(f"next(({element} {loop} if {wrap(body, TERNARY)}), None)", ATOM)
        if prop == "findIndex":
            index = py_name(params[1]) if len(params) == 2 else "index"
            return Py(
                f"next(({index} for {index}, {_target(params[0])} in enumerate({base.code}) if {wrap(body, TERNARY)}), -1)",
                ATOM,
                Kind.NUM,
            )
        test = "any" if prop == "some" else "all"
        return Py(f"{test}({wrap(body, TERNARY)} {loop})", ATOM, Kind.BOOL)
    args = _args(tr, args_node)
    if prop == "includes" and len(args) == 1:
        return Py(f"{wrap(args[0], CMP + 1)} in {wrap(base, CMP + 1)}", CMP, Kind.BOOL)
    if prop == "indexOf" and len(args) == 1:
        x = args[0].code
        return Py(f"{obj}.index({x}) if {wrap(args[0], CMP + 1)} in {obj} else -1", TERNARY, Kind.NUM)
    if prop == "join":
        separator = args[0].code if args else '","'
        return Py(f"{wrap(Py(separator), ATOM)}.join({base.code})", ATOM, Kind.STR)
    if prop == "slice":
        if not args:
            return Py(f"{obj}[:]", ATOM, base.kind)
        end = args[1].code if len(args) > 1 else ""
        return Py(f"{obj}[{args[0].code}:{end}]", ATOM, base.kind)
    if prop == "concat":
        if any(a.kind not in (Kind.LIST, Kind.STR) and base.kind is not Kind.STR for a in args):
            parts = [obj] + [a.code[1:] if a.code.startswith("*") else wrap(a, ADD + 1) for a in args]
            return Py(" + ".join(parts), ADD, base.kind)
        return Py(" + ".join([wrap(base, ADD), *(wrap(a, ADD + 1) for a in args)]), ADD, base.kind)
    if prop == "reduce" and len(args) in (1, 2):
        tr.need("from functools import reduce")
        initial = f", {args[1].code}" if len(args) == 2 else ""
        return Py(f"reduce({args[0].code}, {base.code}{initial})", ATOM)
    if prop == "then" and base.awaitable and len(args) == 1:
        return _then(tr, node, base)
    if prop == "sort" and len(args) <= 1 and not re.fullmatch(r"[\w.]+", base.code):
        # sort() of a fresh array (a call's result) used as a value: sorted() is the same.
        if not args:
            return Py(f"sorted({base.code}, key=str)", ATOM, Kind.LIST)
        tr.need("from functools import cmp_to_key")
        return Py(f"sorted({base.code}, key=cmp_to_key({args[0].code}))", ATOM, Kind.LIST)
    if prop == "toString" and not args:
        return Py(f"str({base.code})", ATOM, Kind.STR)
    if prop == "toFixed":
        digits = args[0].code if args else "0"
        return Py(
            f'f"{{{base.code}:.{digits}f}}"'
            if digits.isdigit()
            else f"format({base.code}, f'.{{{digits}}}f')",
            ATOM,
            Kind.STR,
        )
    if prop == "hasOwnProperty" and len(args) == 1:
        return Py(f"{wrap(args[0], CMP + 1)} in {wrap(base, CMP + 1)}", CMP, Kind.BOOL)
    string_method = _string_method(tr, node, base, prop, args)
    if string_method is not None:
        return string_method
    raise tr.todo(node, f".{prop}() (its receiver's type decides the Python form)")


def _then(tr: Expressions, node: Node, base: Py) -> Py:
    """``await call().then(r => r.data)``: ``r = await call()`` before the statement, then ``r["data"]``.

    Only where nothing else in the statement runs first (the awaited value of a
    declaration, return or expression statement), so moving the await is safe.
    """
    parent = node.parent
    holder = parent.parent if parent is not None else None
    if (
        parent is None
        or parent.type != "await_expression"
        or holder is None
        or holder.type not in ("variable_declarator", "return_statement", "expression_statement")
    ):
        raise tr.todo(node, ".then() other than directly awaited (write `await` and use the value)")
    callback = named(field(node, "arguments"))[0]
    parts = tr.lambda_parts(callback) if callback.type in ("arrow_function", "function_expression") else None
    if parts is None or len(parts[0]) != 1 or parts[0][0].startswith("["):
        raise tr.todo(node, ".then() with a callback that is more than one expression")
    params, body = parts
    name = tr.fresh(py_name(params[0]))
    tr.pending.append(f"{name} = await {wrap(base, AWAIT)}")
    inner = tr.in_lambda_scope([params[0]], (Kind.RESULT,))
    saved = tr.scope
    tr.scope = inner
    try:
        value = tr.expr(body)
    finally:
        tr.scope = saved
    code = value.code if name == py_name(params[0]) else None
    if code is None:
        raise tr.todo(node, f".then() whose parameter name {params[0]!r} is already taken")
    return Py(code, value.prec, value.kind, settled=True)


def statement_method(tr: Expressions, node: Node, base: Py, prop: str, args_node: Node) -> list[str] | None:
    """Array methods used as statements, whose result is not used: push, unshift, forEach, sort..."""
    args = _args(tr, args_node) if prop != "forEach" else []
    obj = wrap(base, ATOM)
    if prop == "push":
        if len(args) == 1 and not args[0].code.startswith("*"):
            return [f"{obj}.append({args[0].code})"]
        return [f"{obj}.extend([{_codes(args)}])"] if args else []
    if prop == "unshift" and len(args) == 1:
        return [f"{obj}.insert(0, {args[0].code})"]
    if prop == "pop" and not args:
        return [f"{obj}.pop()"]
    if prop == "shift" and not args:
        return [f"{obj}.pop(0)"]
    if prop == "reverse" and not args:
        return [f"{obj}.reverse()"]
    if prop == "sort":
        if not args:
            # JavaScript's default sort compares as strings.
            return [f"{obj}.sort(key=str)"]
        tr.need("from functools import cmp_to_key")
        return [f"{obj}.sort(key=cmp_to_key({args[0].code}))"]
    if prop == "splice" and len(args) == 2 and args[1].code == "1":
        return [f"del {obj}[{args[0].code}]"]
    return None


def _string_method(tr: Expressions, node: Node, base: Py, prop: str, args: list[Py]) -> Py | None:
    obj = wrap(base, ATOM)
    plain = {
        "trim": "strip",
        "trimStart": "lstrip",
        "trimEnd": "rstrip",
        "toUpperCase": "upper",
        "toLowerCase": "lower",
        "startsWith": "startswith",
        "endsWith": "endswith",
    }
    if prop in plain and len(args) <= 1:
        return Py(f"{obj}.{plain[prop]}({_codes(args)})", ATOM, Kind.BOOL if "With" in prop else Kind.STR)
    if prop == "split":
        if not args:
            return Py(f"[{base.code}]", ATOM, Kind.LIST)
        if args[0].code == '""':
            return Py(f"list({base.code})", ATOM, Kind.LIST)
        if args[0].kind is Kind.REGEX:
            return Py(f"{args[0].code}.split({base.code})", ATOM, Kind.LIST)
        if len(args) == 1:
            return Py(f"{obj}.split({args[0].code})", ATOM, Kind.LIST)
    if prop in ("replace", "replaceAll") and len(args) == 2:
        pattern, replacement = args
        if pattern.kind is Kind.REGEX:
            if replacement.kind is not Kind.STR or "$" in replacement.code:
                return None
            global_flag = prop == "replaceAll" or _regex_global(node)
            count = "" if global_flag else ", count=1"
            return Py(f"{pattern.code}.sub({replacement.code}, {base.code}{count})", ATOM, Kind.STR)
        if "$" in replacement.code:
            return None
        count = "" if prop == "replaceAll" else ", 1"
        return Py(f"{obj}.replace({pattern.code}, {replacement.code}{count})", ATOM, Kind.STR)
    if prop in ("padStart", "padEnd") and args:
        fill = args[1].code if len(args) > 1 else '" "'
        if len(fill) != 3:  # one character between quotes: Python pads with one character only
            return None
        function = "rjust" if prop == "padStart" else "ljust"
        return Py(f"{obj}.{function}({args[0].code}, {fill})", ATOM, Kind.STR)
    if prop == "substring" and args:
        end = args[1].code if len(args) > 1 else ""
        return Py(f"{obj}[{args[0].code}:{end}]", ATOM, Kind.STR)
    if prop == "substr" and len(args) == 2:
        return Py(f"{obj}[{args[0].code}:{wrap(args[0], ADD)} + {wrap(args[1], ADD + 1)}]", ATOM, Kind.STR)
    if prop == "charAt" and len(args) == 1:
        return Py(f"{obj}[{args[0].code}:{wrap(args[0], ADD)} + 1]", ATOM, Kind.STR)
    if prop == "repeat" and len(args) == 1:
        return Py(f"{wrap(base, MUL)} * {wrap(args[0], MUL + 1)}", MUL, Kind.STR)
    return None


def _regex_global(node: Node) -> bool:
    arguments = named(field(node, "arguments"))
    if arguments and arguments[0].type == "regex":
        flags = arguments[0].child_by_field_name("flags")
        return flags is not None and "g" in text(flags)
    return False


def _date_method(tr: Expressions, node: Node, base: Py, prop: str, args_node: Node) -> Py:
    obj = wrap(base, ATOM)
    if named(args_node):
        raise tr.todo(node, f"Date.{prop} with arguments")
    fields = {
        "getFullYear": ("year", Kind.NUM),
        "getDate": ("day", Kind.NUM),
        "getHours": ("hour", Kind.NUM),
        "getMinutes": ("minute", Kind.NUM),
        "getSeconds": ("second", Kind.NUM),
    }
    if prop in fields:
        attribute, kind = fields[prop]
        return Py(f"{obj}.{attribute}", ATOM, kind)
    if prop == "getMonth":
        return Py(f"{obj}.month - 1", ADD, Kind.NUM)
    if prop == "getDay":
        return Py(f"{obj}.isoweekday() % 7", MUL, Kind.NUM)
    if prop in ("getTime", "valueOf"):
        return Py(f"int({obj}.timestamp() * 1000)", ATOM, Kind.NUM)
    if prop in ("toISOString", "toJSON"):
        return Py(f'{obj}.isoformat(timespec="milliseconds").replace("+00:00", "Z")', ATOM, Kind.STR)
    raise tr.todo(node, f"Date.{prop}")


def new(tr: Expressions, node: Node, name: str, args_node: Node | None) -> Py:
    arguments = named(args_node) if args_node is not None else []
    if name == "Date":
        tr.need("from datetime import datetime, timezone")
        if not arguments:
            return Py("datetime.now(timezone.utc)", ATOM, Kind.DATE)
        if len(arguments) == 1:
            value = tr.expr(arguments[0])
            if value.kind is Kind.NUM or arguments[0].type == "number":
                return Py(f"datetime.fromtimestamp({wrap(value, MUL)} / 1000, timezone.utc)", ATOM, Kind.DATE)
            if value.kind is Kind.STR:
                return Py(f"datetime.fromisoformat({value.code})", ATOM, Kind.DATE)
            if value.kind is Kind.DATE:
                return value
            # A number is milliseconds since the epoch, a string an ISO date, as in Node.
            x = wrap(value, ATOM)
            return Py(
                f"datetime.fromtimestamp({x} / 1000, timezone.utc) if isinstance({x}, (int, float)) "
                f"else datetime.fromisoformat({x})",
                TERNARY,
                Kind.DATE,
            )
        raise tr.todo(node, "new Date(...) with more than one argument")
    if name == "Error" or name == "TypeError" or name == "RangeError":
        args = _args(tr, args_node)
        return Py(f"cloudfn.Error({_codes(args)})", ATOM, Kind.ERROR)
    if name == "RegExp" and arguments:
        args = _args(tr, args_node)
        flags = string_value(arguments[1]) if len(arguments) > 1 and arguments[1].type == "string" else ""
        if len(arguments) > 1 and arguments[1].type != "string":
            raise tr.todo(node, "new RegExp with computed flags")
        if arguments[0].type == "string":
            return tr.regex(node, string_value(arguments[0]), flags)
        tr.need("import re")
        regex = tr.regex(node, "", flags)
        return Py(regex.code.replace('r""', args[0].code, 1), ATOM, Kind.REGEX)
    if name == "Promise" and len(arguments) == 1:
        sleep = _sleep(tr, arguments[0])
        if sleep is not None:
            return sleep
    if name == "Set" and len(arguments) == 1:
        raise tr.todo(node, "new Set (write list(dict.fromkeys(...)) to keep the order JavaScript keeps)")
    raise tr.todo(node, f"new {name}(...)")


def _sleep(tr: Expressions, executor: Node) -> Py | None:
    """``new Promise(resolve => setTimeout(resolve, ms))``: asyncio.sleep."""
    parts = tr.lambda_parts(executor) if executor.type in ("arrow_function", "function_expression") else None
    if parts is None:
        return None
    params, body = parts
    if len(params) != 1 or body.type != "call_expression" or text(field(body, "function")) != "setTimeout":
        return None
    timer_args = named(field(body, "arguments"))
    if len(timer_args) != 2 or text(timer_args[0]) != params[0]:
        return None
    delay = tr.expr(timer_args[1])
    tr.need("import asyncio")
    return Py(f"asyncio.sleep({wrap(delay, MUL)} / 1000)", ATOM, awaitable=True)


__all__ = [
    "AWAIT",
    "NOT",
    "global_call",
    "global_member",
    "global_method",
    "method",
    "new",
    "statement_method",
]
