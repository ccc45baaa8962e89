"""JavaScript expressions as Python expressions.

Each translation is a :class:`Py`: the code, its precedence (so parentheses
go exactly where Python needs them), the kind of value it holds (see
:mod:`.scope`) and whether it is an SDK call not yet awaited. What has no
faithful Python form raises :class:`Untranslatable`; the statement holding it
becomes a ``TODO(port)`` block.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from . import jslib, sdk
from .events import EventFields
from .output import Imports
from .parse import field, line_of, named, text
from .pycode import (
    ADD,
    AND,
    ATOM,
    AWAIT,
    BAND,
    BOR,
    BXOR,
    CMP,
    LAMBDA,
    MUL,
    NOT,
    OR,
    POW,
    SHIFT,
    TERNARY,
    UNARY,
    Py,
    Untranslatable,
    decode_escape,
    number_code,
    py_string,
    string_value,
    wrap,
)
from .scope import SDK_KINDS, Kind, Scope, py_name

if TYPE_CHECKING:
    from tree_sitter import Node


BINARY = {
    "+": ("+", ADD),
    "-": ("-", ADD),
    "*": ("*", MUL),
    "/": ("/", MUL),
    "%": ("%", MUL),
    "**": ("**", POW),
    "<": ("<", CMP),
    ">": (">", CMP),
    "<=": ("<=", CMP),
    ">=": (">=", CMP),
    "===": ("==", CMP),
    "!==": ("!=", CMP),
    "==": ("==", CMP),
    "!=": ("!=", CMP),
    "&&": ("and", AND),
    "||": ("or", OR),
    "in": ("in", CMP),
    "&": ("&", BAND),
    "|": ("|", BOR),
    "^": ("^", BXOR),
    "<<": ("<<", SHIFT),
    ">>": (">>", SHIFT),
}

# Keys of an SDK result that are always there: read with [] as a person would.
RESULT_KEYS = frozenset(
    {
        "data", "result", "total", "stats", "list", "errMsg", "errCode", "fileID", "fileList",
        "tempFileURL", "buffer", "contentType", "fileContent", "_id", "updated", "removed", "created",
        "requestID", "status", "ids",
    }
)  # fmt: skip

_TYPEOF = {
    "string": "isinstance({x}, str)",
    "number": "isinstance({x}, (int, float)) and not isinstance({x}, bool)",
    "boolean": "isinstance({x}, bool)",
    "object": "isinstance({x}, (dict, list)) or {x} is None",
    "function": "callable({x})",
}


class Expressions:
    """The translation state shared by expressions and statements."""

    def __init__(self) -> None:
        self.imports = Imports()
        self.scope = Scope()
        self.events = EventFields()
        self.apis: set[str] = set()  # cloud.openapi.<ns>.<method> called
        self.features: set[str] = set()  # "database", "storage", "callFunction", "wxcontext", "router", ...
        self.pending: list[str] = []  # definitions a statement needs first (hoisted functions)
        self.async_functions: set[str] = set()
        self.event_paths: dict[str, list[str]] = {}  # local name -> the event path it holds
        self.cloud_names: set[str] = set()
        self._fresh: dict[str, int] = {}

    # -- hooks the statement translator provides ---------------------------------------------

    def function_def(
        self,
        node: Node,
        name: str,
        *,
        param_kinds: tuple[Kind, ...] = (),
        force_async: bool = False,
        handler: bool = False,
    ) -> list[str]:
        raise NotImplementedError

    # -- helpers ------------------------------------------------------------------------------

    def fresh(self, stem: str) -> str:
        """A new Python name for a hoisted function or temporary."""
        count = self._fresh.get(stem, 0) + 1
        self._fresh[stem] = count
        name = stem if count == 1 and self.scope.kind(stem) is Kind.UNKNOWN else f"{stem}_{count}"
        while self.scope.owner(name) is not None:
            count += 1
            name = f"{stem}_{count}"
        self._fresh[stem] = count
        self.scope.declare(name, Kind.FUNCTION)
        return name

    def todo(self, node: Node, reason: str) -> Untranslatable:
        return Untranslatable(node, reason)

    def need(self, line: str) -> None:
        self.imports.need(line)

    # -- dispatch -------------------------------------------------------------------------------

    def expr(self, node: Node) -> Py:
        method = getattr(self, f"_x_{node.type}", None)
        if method is None:
            raise self.todo(node, f"no Python form for a JavaScript {node.type.replace('_', ' ')}")
        result: Py = method(node)
        return result

    def awaited(self, py: Py) -> Py:
        """``await`` an SDK call the original left to the promise machinery (return, statement).

        Only in an async function: a plain function hands its promise (coroutine) on, as in Node.
        """
        if py.awaitable and self.scope_is_async():
            return Py(f"await {wrap(py, AWAIT)}", AWAIT, py.kind)
        return py

    # -- atoms ----------------------------------------------------------------------------------

    def _x_parenthesized_expression(self, node: Node) -> Py:
        inner = named(node)
        if len(inner) != 1:
            raise self.todo(node, "a comma expression")
        return self.expr(inner[0])

    def _x_identifier(self, node: Node) -> Py:
        name = text(node)
        if name == "undefined":
            return Py("None")
        if name == "NaN":
            self.need("import math")
            return Py("math.nan")
        if name == "Infinity":
            self.need("import math")
            return Py("math.inf")
        if name in ("String", "Number", "Boolean") and self.scope.owner(name) is None:
            return Py({"String": "str", "Number": "float", "Boolean": "bool"}[name], ATOM, Kind.FUNCTION)
        kind = self.scope.kind(name)
        if name in self.cloud_names:
            kind = Kind.CLOUD
        return Py(py_name(name), ATOM, kind, awaitable=False)

    _x_shorthand_property_identifier = _x_identifier

    def _x_true(self, node: Node) -> Py:
        return Py("True", ATOM, Kind.BOOL)

    def _x_false(self, node: Node) -> Py:
        return Py("False", ATOM, Kind.BOOL)

    def _x_null(self, node: Node) -> Py:
        return Py("None")

    def _x_undefined(self, node: Node) -> Py:
        return Py("None")

    def _x_this(self, node: Node) -> Py:
        raise self.todo(node, "`this` has no counterpart in a ported function")

    def _x_number(self, node: Node) -> Py:
        try:
            return Py(number_code(text(node)), ATOM, Kind.NUM)
        except ValueError:
            raise self.todo(node, f"the number literal {text(node)}") from None

    def _x_string(self, node: Node) -> Py:
        return Py(py_string(string_value(node)), ATOM, Kind.STR)

    def _x_regex(self, node: Node) -> Py:
        pattern = text(field(node, "pattern"))
        flags_node = node.child_by_field_name("flags")
        flags = text(flags_node) if flags_node is not None else ""
        return self.regex(node, pattern, flags)

    def regex(self, node: Node, pattern: str, flags: str) -> Py:
        if "y" in flags:
            raise self.todo(node, "a sticky (y) regular expression")
        self.need("import re")
        python_pattern = re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", pattern)
        names = []
        if "i" in flags:
            names.append("re.IGNORECASE")
        if "m" in flags:
            names.append("re.MULTILINE")
        if "s" in flags:
            names.append("re.DOTALL")
        # JavaScript's \d, \w and \b are ASCII-only (its \s is not).
        if re.search(r"\\[dwbDWB]", pattern) and "\\s" not in pattern and "\\S" not in pattern:
            names.append("re.ASCII")
        raw_ok = (
            '"' not in python_pattern and not python_pattern.endswith("\\") and "\n" not in python_pattern
        )
        literal = f'r"{python_pattern}"' if raw_ok else repr(python_pattern)
        args = ", ".join([literal, " | ".join(names)] if names else [literal])
        return Py(f"re.compile({args})", ATOM, Kind.REGEX)

    def _x_template_string(self, node: Node) -> Py:
        pieces: list[str | Py] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                pieces.append(text(child))
            elif child.type == "escape_sequence":
                pieces.append(decode_escape(text(child)))
            elif child.type == "template_substitution":
                inner = named(child)
                if len(inner) != 1:
                    raise self.todo(child, "a comma expression in a template")
                pieces.append(self.expr(inner[0]))
        return self.fstring(pieces)

    def fstring(self, pieces: list[str | Py]) -> Py:
        """An f-string from literal text and values; plain concatenation if quotes forbid one."""
        values = [p for p in pieces if isinstance(p, Py)]
        if not values:
            return Py(py_string("".join(p for p in pieces if isinstance(p, str))), ATOM, Kind.STR)
        codes = [v.code for v in values]
        quote = next((q for q in ('"', "'") if not any(q in c for c in codes)), None)
        if quote is None or any("\\" in c for c in codes):
            parts = [py_string(p) if isinstance(p, str) else f"str({p.code})" for p in pieces if p != ""]
            return Py(" + ".join(parts), ADD, Kind.STR)
        out = []
        for piece in pieces:
            if isinstance(piece, str):
                literal = json.dumps(piece, ensure_ascii=False)[1:-1]
                if quote == "'":
                    literal = literal.replace('\\"', '"').replace("'", "\\'")
                out.append(literal.replace("{", "{{").replace("}", "}}"))
            else:
                code = piece.code
                if piece.prec <= LAMBDA or code.startswith("{"):
                    code = f"({code})"
                out.append("{" + code + "}")
        return Py(f"f{quote}{''.join(out)}{quote}", ATOM, Kind.STR)

    # -- literals -------------------------------------------------------------------------------

    def _x_object(self, node: Node) -> Py:
        items = []
        for child in named(node):
            if child.type == "pair":
                key_node, value_node = field(child, "key"), field(child, "value")
                value = self.value(value_node, hint=text(key_node))
                items.append(f"{self.key(key_node)}: {wrap(value, TERNARY)}")
            elif child.type == "shorthand_property_identifier":
                items.append(f"{py_string(text(child))}: {self.expr(child).code}")
            elif child.type == "spread_element":
                items.append(f"**{wrap(self.expr(named(child)[0]), BOR)}")
            else:
                raise self.todo(child, f"an object literal's {child.type.replace('_', ' ')}")
        return Py("{" + ", ".join(items) + "}", ATOM, Kind.DICT)

    def key(self, node: Node) -> str:
        if node.type in ("property_identifier", "identifier"):
            return py_string(text(node))
        if node.type == "string":
            return py_string(string_value(node))
        if node.type == "number":
            return py_string(text(node))  # JavaScript keys are strings
        if node.type == "computed_property_name":
            return self.expr(named(node)[0]).code
        raise self.todo(node, f"an object key written as {node.type}")

    def _x_array(self, node: Node) -> Py:
        items = []
        for child in named(node):
            if child.type == "spread_element":
                items.append(f"*{wrap(self.expr(named(child)[0]), BOR)}")
            else:
                items.append(wrap(self.value(child), TERNARY))
        if any(c.type == "," for c in node.children[1:2]):
            raise self.todo(node, "an array with holes")
        return Py("[" + ", ".join(items) + "]", ATOM, Kind.LIST)

    def value(self, node: Node, hint: str = "fn") -> Py:
        """An expression where a function may appear (object values, arguments)."""
        if node.type in ("arrow_function", "function_expression", "function"):
            return self.function_value(node, hint)
        return self.expr(node)

    # -- functions as values ----------------------------------------------------------------------

    def _x_arrow_function(self, node: Node) -> Py:
        return self.function_value(node, "fn")

    _x_function_expression = _x_arrow_function
    _x_function = _x_arrow_function

    def lambda_parts(self, node: Node) -> tuple[list[str], Node] | None:
        """Params and body expression when a function can be a lambda (sync, one expression)."""
        if any(c.type == "async" for c in node.children):
            return None
        body = field(node, "body")
        if body.type == "statement_block":
            statements = named(body)
            if len(statements) != 1 or statements[0].type != "return_statement":
                return None
            returned = named(statements[0])
            if len(returned) != 1:
                return None
            body = returned[0]
        params = self.simple_params(node)
        if params is None:
            return None
        return params, body

    def simple_params(self, node: Node) -> list[str] | None:
        single = node.child_by_field_name("parameter")
        if single is not None:
            return [text(single)]
        params = field(node, "parameters")
        names = []
        for param in named(params):
            if param.type == "array_pattern" and all(e.type == "identifier" for e in named(param)):
                # ([key, value]) => ...: kept as "[key, value]", a tuple target in a loop
                names.append("[" + ", ".join(text(e) for e in named(param)) + "]")
                continue
            if param.type != "identifier":
                return None
            names.append(text(param))
        return names

    def in_lambda_scope(self, params: list[str], kinds: tuple[Kind, ...] = ()) -> Scope:
        inner = Scope(parent=self.scope, is_async=False)
        for i, name in enumerate(params):
            for part in name.strip("[]").split(", "):
                inner.declare(part, kinds[i] if i < len(kinds) else Kind.UNKNOWN)
        return inner

    def lambda_body(
        self, params: list[str], body: Node, kinds: tuple[Kind, ...] = (), *, allow_awaitable: bool = False
    ) -> Py | None:
        """The body as one expression in the params' scope, or None if it needs statements."""
        saved_scope, saved_pending = self.scope, self.pending
        self.scope, self.pending = self.in_lambda_scope(params, kinds), []
        try:
            py = self.expr(body)
            if self.pending or (py.awaitable and not allow_awaitable) or "await " in py.code:
                return None
            return py
        finally:
            self.scope, self.pending = saved_scope, saved_pending

    def function_value(self, node: Node, hint: str, kinds: tuple[Kind, ...] = ()) -> Py:
        parts = self.lambda_parts(node)
        if parts is not None and not kinds:
            params, body = parts
            py = self.lambda_body(params, body)
            if py is not None:
                args = ", ".join(py_name(p) for p in params)
                return Py(
                    f"lambda {args}: {py.code}" if args else f"lambda: {py.code}", LAMBDA, Kind.FUNCTION
                )
        name = self.fresh(re.sub(r"\W", "_", hint) or "fn")
        if name[0].isdigit():
            name = f"fn_{name}"
        self.pending.extend(self.function_def(node, name, param_kinds=kinds))
        self.pending.append("")
        return Py(name, ATOM, Kind.FUNCTION)

    # -- operators ------------------------------------------------------------------------------

    def _x_unary_expression(self, node: Node) -> Py:
        operator = text(field(node, "operator"))
        argument = field(node, "argument")
        if operator == "!":
            if argument.type == "unary_expression" and text(field(argument, "operator")) == "!":
                return Py(f"bool({self.expr(field(argument, 'argument')).code})", ATOM, Kind.BOOL)
            return Py(f"not {wrap(self.expr(argument), NOT)}", NOT, Kind.BOOL)
        if operator == "-":
            return Py(f"-{wrap(self.expr(argument), UNARY)}", UNARY, Kind.NUM)
        if operator == "+":
            return Py(f"float({self.expr(argument).code})", ATOM, Kind.NUM)
        if operator == "void":
            return Py("None")
        if operator == "typeof":
            raise self.todo(node, "`typeof` outside a comparison with a type name")
        raise self.todo(node, f"the `{operator}` operator")

    def _x_await_expression(self, node: Node) -> Py:
        if not self.scope_is_async():
            raise self.todo(node, "`await` outside an async function")
        inner = self.expr(named(node)[0])
        if inner.settled:
            return inner
        return Py(f"await {wrap(inner, AWAIT)}", AWAIT, inner.kind)

    def scope_is_async(self) -> bool:
        return self.scope.is_async

    def _x_ternary_expression(self, node: Node) -> Py:
        condition = self.expr(field(node, "condition"))
        yes = self.expr(field(node, "consequence"))
        no = self.expr(field(node, "alternative"))
        kind = yes.kind if yes.kind == no.kind else Kind.UNKNOWN
        return Py(f"{wrap(yes, OR)} if {wrap(condition, OR)} else {wrap(no, TERNARY)}", TERNARY, kind)

    def _x_binary_expression(self, node: Node) -> Py:
        operator = text(field(node, "operator"))
        left_node, right_node = field(node, "left"), field(node, "right")
        if operator in ("===", "!==", "==", "!="):
            special = self.equality(node, operator, left_node, right_node)
            if special is not None:
                return special
        if operator == "+":
            return self.plus(node)
        if operator == "??":
            if not self.is_pure_read(left_node):
                raise self.todo(node, "`??` on an expression with effects (it would be evaluated twice)")
            left, right = self.expr(left_node), self.expr(right_node)
            test = self.nullish(left, positive=False)
            return Py(f"{wrap(left, OR)} if {test.code} else {wrap(right, TERNARY)}", TERNARY)
        if operator == "instanceof":
            return self.instanceof(node, left_node, right_node)
        if operator not in BINARY:
            raise self.todo(node, f"the `{operator}` operator")
        symbol, prec = BINARY[operator]
        left, right = self.expr(left_node), self.expr(right_node)
        # Python chains comparisons (a < b < c); JavaScript does not: parenthesise nested ones.
        left_min = prec + 1 if prec == CMP else prec
        right_min = prec if prec == POW else prec + 1
        kind = Kind.BOOL if prec == CMP else Kind.UNKNOWN
        if operator in ("-", "*", "/", "%", "**"):
            kind = Kind.NUM
        if operator in ("&&", "||"):
            kind = left.kind if left.kind == right.kind else Kind.UNKNOWN
        return Py(f"{wrap(left, left_min)} {symbol} {wrap(right, right_min)}", prec, kind)

    def equality(self, node: Node, operator: str, left_node: Node, right_node: Node) -> Py | None:
        positive = operator in ("===", "==")
        for one, other in ((left_node, right_node), (right_node, left_node)):
            if other.type in ("true", "false") and operator in ("===", "!=="):
                # 1 == True in Python; in JavaScript 1 !== true.
                value = self.expr(one)
                test = "is" if positive else "is not"
                return Py(f"{wrap(value, CMP + 1)} {test} {self.expr(other).code}", CMP, Kind.BOOL)
            is_undefined = other.type == "undefined" or (
                other.type == "identifier" and text(other) == "undefined"
            )
            if other.type == "null" and operator in ("===", "!=="):
                value = self.expr(one)
                test = "is" if positive else "is not"
                return Py(f"{wrap(value, CMP + 1)} {test} None", CMP, Kind.BOOL)
            if other.type == "null" or is_undefined:
                # `x === undefined` and `x == null`: a missing key reads undefined from an event
                # (cloudfn.JSObject) and None from a plain dict, so both count.
                return self.nullish(self.expr(one), positive)
            if (
                one.type == "unary_expression"
                and text(field(one, "operator")) == "typeof"
                and other.type == "string"
            ):
                type_name = string_value(other)
                subject = self.expr(field(one, "argument"))
                if type_name == "undefined":
                    return self.nullish(subject, positive)
                template = _TYPEOF.get(type_name)
                if template is None:
                    raise self.todo(node, f"typeof compared with {type_name!r}")
                test = template.format(x=wrap(subject, ATOM))
                if positive:
                    return Py(test, OR if " or " in test else AND if " and " in test else ATOM, Kind.BOOL)
                return Py(
                    f"not ({test})"
                    if " " in test.split("(", 1)[0] or " or " in test or " and " in test
                    else f"not {test}",
                    NOT,
                    Kind.BOOL,
                )
        literals = ("string", "number", "true", "false")
        for read, literal in ((left_node, right_node), (right_node, left_node)):
            path = self.event_path(read)
            if path and literal.type in literals:
                self.events.read(path).add_value(self.literal_value(literal))
        return None

    def is_pure_read(self, node: Node) -> bool:
        """A name or a chain of property reads (``a.b?.c['d']``): safe to evaluate twice."""
        if node.type in ("identifier", "string", "number", "this"):
            return True
        if node.type == "member_expression":
            return self.is_pure_read(field(node, "object"))
        if node.type == "subscript_expression":
            return self.is_pure_read(field(node, "object")) and self.is_pure_read(field(node, "index"))
        if node.type == "parenthesized_expression":
            return all(self.is_pure_read(child) for child in named(node))
        return False

    def nullish(self, value: Py, positive: bool) -> Py:
        """``value`` is null or undefined (``x == null`` in JavaScript)."""
        self.need("from cloudfn import undefined")
        test = "in" if positive else "not in"
        return Py(f"{wrap(value, CMP + 1)} {test} (None, undefined)", CMP, Kind.BOOL)

    def literal_value(self, node: Node) -> object:
        if node.type == "string":
            return string_value(node)
        if node.type == "number":
            return json.loads(number_code(text(node)))
        return node.type == "true"

    def instanceof(self, node: Node, left_node: Node, right_node: Node) -> Py:
        types = {"Array": "list", "Error": "Exception", "Date": "datetime", "Object": "dict", "String": "str"}
        name = text(right_node)
        if name not in types:
            raise self.todo(node, f"instanceof {name}")
        if name == "Date":
            self.need("from datetime import datetime, timezone")
        return Py(f"isinstance({self.expr(left_node).code}, {types[name]})", ATOM, Kind.BOOL)

    def plus_operands(self, node: Node) -> list[Node]:
        if node.type == "binary_expression" and text(field(node, "operator")) == "+":
            return [*self.plus_operands(field(node, "left")), field(node, "right")]
        if node.type == "parenthesized_expression":
            return [node]
        return [node]

    def plus(self, node: Node) -> Py:
        """``+``: numbers add; from the first string on, JavaScript concatenates (an f-string here)."""
        operands = self.plus_operands(node)
        translated = [self.expr(o) for o in operands]
        first_string = next(
            (i for i, (o, p) in enumerate(zip(operands, translated, strict=True)) if self.is_stringy(o, p)),
            None,
        )
        if first_string is None:
            code = " + ".join(wrap(p, ADD + (1 if i else 0)) for i, p in enumerate(translated))
            kind = Kind.NUM if all(p.kind is Kind.NUM for p in translated) else Kind.UNKNOWN
            return Py(code, ADD, kind)
        pieces: list[str | Py] = []
        if first_string > 1:
            head = " + ".join(wrap(p, ADD + 1) for p in translated[:first_string])
            pieces.append(Py(head, ADD, Kind.NUM))
        elif first_string == 1:
            pieces.append(translated[0])
        for operand, py in zip(operands[first_string:], translated[first_string:], strict=True):
            if operand.type == "string":
                pieces.append(string_value(operand))
            elif operand.type == "template_string":
                pieces.extend(self.template_pieces(operand))
            else:
                pieces.append(py)
        return self.fstring(pieces)

    def template_pieces(self, node: Node) -> list[str | Py]:
        pieces: list[str | Py] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                pieces.append(text(child))
            elif child.type == "escape_sequence":
                pieces.append(decode_escape(text(child)))
            elif child.type == "template_substitution":
                pieces.append(self.expr(named(child)[0]))
        return pieces

    def is_stringy(self, node: Node, py: Py) -> bool:
        return node.type in ("string", "template_string") or py.kind is Kind.STR

    def _x_assignment_expression(self, node: Node) -> Py:
        raise self.todo(node, "an assignment used as a value")

    def _x_update_expression(self, node: Node) -> Py:
        raise self.todo(node, "++/-- used as a value")

    def _x_sequence_expression(self, node: Node) -> Py:
        raise self.todo(node, "a comma expression")

    # -- members --------------------------------------------------------------------------------

    def event_path(self, node: Node) -> list[str] | None:
        """The event path an expression reads (``event.form.name`` -> [form, name]), if it is one."""
        if node.type == "identifier":
            name = text(node)
            if self.scope.kind(name) is Kind.EVENT:
                return []
            return self.event_paths.get(name)
        if node.type == "member_expression":
            base = self.event_path(field(node, "object"))
            prop = field(node, "property")
            if base is not None and prop.type == "property_identifier" and text(prop) != "length":
                return [*base, text(prop)]
        if node.type == "subscript_expression":
            base = self.event_path(field(node, "object"))
            index = field(node, "index")
            if base is not None and index.type == "string":
                return [*base, string_value(index)]
        return None

    def record_event_read(self, node: Node) -> None:
        path = self.event_path(node)
        if path:
            self.events.read(path)

    def _x_member_expression(self, node: Node) -> Py:
        object_node, property_node = field(node, "object"), field(node, "property")
        if property_node.type == "private_property_identifier":
            raise self.todo(node, "a private class field")
        prop = text(property_node)
        optional = any(c.type == "optional_chain" for c in node.children)
        known = jslib.global_member(self, object_node, prop)
        if known is not None:
            return known
        self.record_event_read(node)
        base = self.expr(object_node)
        if base.kind is Kind.CLOUD or base.kind in SDK_KINDS:
            return sdk.member(self, node, base, prop)
        if prop == "length":
            read = Py(f"len({base.code})", ATOM, Kind.NUM)
        else:
            read = self.data_read(base, py_string(prop), prop)
        if optional:
            return self.optional(node, base, read)
        return read

    def data_read(self, base: Py, key_code: str, prop: str | None) -> Py:
        if base.kind is Kind.RESULT and prop in RESULT_KEYS:
            kind = Kind.LIST if prop in ("data", "fileList", "list") else Kind.UNKNOWN
            if prop == "data":
                kind = Kind.UNKNOWN
            return Py(f"{wrap(base, ATOM)}[{key_code}]", ATOM, kind)
        return Py(f"{wrap(base, ATOM)}.get({key_code})", ATOM)

    def optional(self, node: Node, base: Py, read: Py) -> Py:
        if not re.fullmatch(r"[\w.]+", base.code) and not re.fullmatch(
            r"[\w.]+(\.get\(\"\w+\"\))+", base.code
        ):
            raise self.todo(node, "`?.` on an expression with effects")
        test = self.nullish(base, positive=False)
        return Py(f"{wrap(read, OR)} if {test.code} else None", TERNARY, read.kind)

    def _x_subscript_expression(self, node: Node) -> Py:
        object_node, index_node = field(node, "object"), field(node, "index")
        optional = any(c.type == "optional_chain" for c in node.children)
        self.record_event_read(node)
        base = self.expr(object_node)
        if index_node.type == "string":
            read = self.data_read(base, py_string(string_value(index_node)), string_value(index_node))
        elif index_node.type == "number" and text(index_node) == "0":
            # arr[0] of an empty array is undefined in JavaScript, not an error.
            read = Py(f"next(iter({base.code}), None)", ATOM)
        else:
            index = self.expr(index_node)
            if base.kind in (Kind.DICT, Kind.EVENT, Kind.WXCONTEXT):
                # An object: a missing key reads undefined, and a number key is its string.
                key = f"str({index.code})" if index.kind is Kind.NUM else index.code
                read = Py(f"{wrap(base, ATOM)}.get({key})", ATOM)
            else:
                read = Py(f"{wrap(base, ATOM)}[{index.code}]", ATOM)
        if optional:
            return self.optional(node, base, read)
        return read

    # -- calls ----------------------------------------------------------------------------------

    def arguments(self, node: Node, hint: str = "fn", kinds: tuple[Kind, ...] = ()) -> list[Py]:
        args = []
        for child in named(node):
            if child.type == "spread_element":
                inner = self.expr(named(child)[0])
                args.append(Py(f"*{wrap(inner, BOR)}", ATOM, inner.kind))
            elif child.type in ("arrow_function", "function_expression") and kinds:
                args.append(self.function_value(child, hint, kinds))
            else:
                args.append(self.value(child, hint))
        return args

    def _x_call_expression(self, node: Node) -> Py:
        callee = field(node, "function")
        args_node = field(node, "arguments")
        if args_node.type == "template_string":
            raise self.todo(node, "a tagged template")
        if any(c.type == "optional_chain" for c in node.children):
            raise self.todo(node, "an optional call `f?.()`")
        if callee.type == "identifier":
            name = text(callee)
            special = jslib.global_call(self, node, name, args_node)
            if special is not None:
                return special
            args = self.arguments(args_node)
            code = f"{py_name(name)}({', '.join(a.code for a in args)})"
            if self.scope.kind(name) is Kind.NEXT:
                return Py(code, ATOM, Kind.UNKNOWN, awaitable=True)
            return Py(code, ATOM, Kind.UNKNOWN, awaitable=name in self.async_functions)
        if callee.type == "member_expression":
            object_node, property_node = field(callee, "object"), field(callee, "property")
            prop = text(property_node)
            if any(c.type == "optional_chain" for c in callee.children):
                raise self.todo(node, "an optional method call `a?.b()`")
            special = jslib.global_method(self, node, object_node, prop, args_node)
            if special is not None:
                return special
            self.record_event_read(object_node)
            base = self.expr(object_node)
            if base.kind is Kind.CLOUD or base.kind in SDK_KINDS or base.kind is Kind.NEXT:
                return sdk.call(self, node, base, prop, args_node)
            return jslib.method(self, node, base, prop, args_node)
        if callee.type in ("subscript_expression", "parenthesized_expression", "call_expression"):
            function = self.expr(callee)
            args = self.arguments(args_node)
            return Py(f"{wrap(function, ATOM)}({', '.join(a.code for a in args)})", ATOM)
        raise self.todo(node, f"calling a {callee.type.replace('_', ' ')}")

    def _x_new_expression(self, node: Node) -> Py:
        constructor = field(node, "constructor")
        args_node = node.child_by_field_name("arguments")
        name = text(constructor)
        if constructor.type == "identifier" and self.scope.kind(name) is Kind.ROUTER_CLASS:
            return sdk.new_router(self, node, name, args_node)
        return jslib.new(self, node, name, args_node)

    def kind_with(self, py: Py, kind: Kind) -> Py:
        return replace(py, kind=kind)

    def where(self, node: Node) -> str:
        return f"index.js line {line_of(node)}"
