"""JavaScript statements as Python statements, and the module around them.

A statement that cannot be translated faithfully becomes a ``TODO(port)``
block: the reason, the original JavaScript lines, and a ``raise
NotImplementedError`` so the port fails loudly where it would otherwise be
silently wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from . import jslib, sdk
from .expressions import Expressions
from .output import indent
from .parse import field, named, text
from .pycode import ATOM, CMP, TERNARY, Py, Untranslatable, py_string, string_value, wrap
from .scope import Kind, Scope, py_name

if TYPE_CHECKING:
    from tree_sitter import Node

HANDLER = "main"
_IMMUTABLE_DEFAULT = re.compile(r'-?\d[\d.e+-]*|".*"|True|False|None')


class Todo:
    """One untranslated statement: where, why, and the JavaScript it stands for."""

    def __init__(self, line: int, reason: str, original: str) -> None:
        self.line = line
        self.reason = reason
        self.original = original

    def __str__(self) -> str:
        return f"index.js line {self.line}: {self.reason}"


def _is_exports_main(node: Node) -> bool:
    return text(node) in ("exports.main", "module.exports.main")


class Translator(Expressions):
    def __init__(self, source: str) -> None:
        super().__init__()
        self.source_lines = source.splitlines()
        self.todos: list[Todo] = []
        self.handler_found = False

    # -- TODO blocks ----------------------------------------------------------------------------

    def todo_block(self, node: Node, reason: str) -> list[str]:
        first, last = node.start_point[0], node.end_point[0]
        original = self.source_lines[first : last + 1]
        self.todos.append(Todo(first + 1, reason, "\n".join(original)))
        lines = [f"# TODO(port): {reason}"]
        lines += [f"# JS {first + 1 + i}: {line.rstrip()}" for i, line in enumerate(original)]
        lines.append(
            f"raise NotImplementedError({py_string(f'cloudfn port: {reason} (index.js line {first + 1})')})"
        )
        return lines

    # -- blocks ---------------------------------------------------------------------------------

    def block(self, node: Node | list[Node]) -> list[str]:
        """Statements of a block (or a single statement), with comments; `pass` if empty."""
        if isinstance(node, list):
            children = node
        elif node.type == "statement_block":
            children = list(node.named_children)
        else:
            children = [node]
        lines: list[str] = []
        previous_end: int | None = None
        for child in children:
            if child.type == "comment":
                comment = self.comment(child)
                if previous_end is not None and child.start_point[0] == previous_end and lines:
                    lines[-1] += "  " + comment[0]
                    lines.extend(comment[1:])
                else:
                    if previous_end is not None and child.start_point[0] > previous_end + 1 and lines:
                        lines.append("")
                    lines.extend(comment)
                previous_end = child.end_point[0]
                continue
            if previous_end is not None and child.start_point[0] > previous_end + 1 and lines and lines[-1]:
                lines.append("")
            lines.extend(self.statement(child))
            previous_end = child.end_point[0]
        if not any(line.strip() and not line.lstrip().startswith("#") for line in lines):
            lines.append("pass")
        return lines

    def comment(self, node: Node) -> list[str]:
        body = text(node)
        if body.startswith("//"):
            return ["# " + body[2:].strip() if body[2:].strip() else "#"]
        inner = body[2:-2].strip("*").strip()
        return [
            "# " + line.strip().lstrip("*").strip() if line.strip().lstrip("*").strip() else "#"
            for line in inner.splitlines()
        ] or ["#"]

    def statement(self, node: Node) -> list[str]:
        saved = self.pending
        self.pending = []
        try:
            lines = self.dispatch(node)
            return [*self.pending, *lines]
        except Untranslatable as exc:
            return self.todo_block(node, exc.reason)
        finally:
            self.pending = saved

    def dispatch(self, node: Node) -> list[str]:
        method = getattr(self, f"_s_{node.type}", None)
        if method is None:
            raise Untranslatable(node, f"no Python form for a JavaScript {node.type.replace('_', ' ')}")
        lines: list[str] = method(node)
        return lines

    # -- simple statements ----------------------------------------------------------------------

    def _s_empty_statement(self, node: Node) -> list[str]:
        return []

    def _s_statement_block(self, node: Node) -> list[str]:
        return self.block(node)

    def _s_debugger_statement(self, node: Node) -> list[str]:
        return []

    def _s_return_statement(self, node: Node) -> list[str]:
        values = named(node)
        if not values:
            return ["return None"]
        value = self.awaited(self.value(values[0], "result"))
        return [f"return {value.code}"]

    def _s_break_statement(self, node: Node) -> list[str]:
        if named(node):
            raise Untranslatable(node, "a labelled break")
        return ["break"]

    def _s_continue_statement(self, node: Node) -> list[str]:
        if named(node):
            raise Untranslatable(node, "a labelled continue")
        return ["continue"]

    def _s_throw_statement(self, node: Node) -> list[str]:
        value_node = named(node)[0]
        value = self.expr(value_node)
        if value.kind is Kind.ERROR:
            self.need("import cloudfn")
            return [f"raise {value.code}"]
        raise Untranslatable(node, "throwing a value that is not an Error (Python raises exceptions only)")

    def _s_expression_statement(self, node: Node) -> list[str]:
        inner = named(node)[0]
        if inner.type == "sequence_expression":
            return [line for part in named(inner) for line in self.expression_statement(part)]
        return self.expression_statement(inner)

    def expression_statement(self, node: Node) -> list[str]:
        if node.type == "assignment_expression":
            return self.assignment(node)
        if node.type == "augmented_assignment_expression":
            return self.augmented(node)
        if node.type == "update_expression":
            return self.update(node)
        if node.type == "unary_expression" and text(field(node, "operator")) == "delete":
            return self.delete(node)
        if node.type == "call_expression":
            special = self.call_statement(node)
            if special is not None:
                return special
        if node.type == "string" and string_value(node) == "use strict":
            return []
        value = self.awaited(self.expr(node))
        return [value.code]

    def call_statement(self, node: Node) -> list[str] | None:
        callee = field(node, "function")
        if callee.type != "member_expression":
            return None
        object_node, prop = field(callee, "object"), text(field(callee, "property"))
        if object_node.type == "identifier" and text(object_node) in self.cloud_names and prop == "init":
            return self.cloud_init(node)
        if object_node.type == "identifier" and text(object_node) == "Object" and prop == "assign":
            arguments = named(field(node, "arguments"))
            if len(arguments) >= 2:
                target = self.expr(arguments[0])
                return [f"{wrap(target, ATOM)}.update({self.expr(a).code})" for a in arguments[1:]]
        base = None
        if prop == "forEach":
            return self.for_each(node, object_node)
        if prop in ("push", "unshift", "pop", "shift", "reverse", "sort", "splice"):
            if object_node.type == "identifier" and self.scope.kind(text(object_node)) in (
                Kind.CLOUD,
                Kind.DB,
            ):
                return None
            base = self.expr(object_node)
            if base.kind is Kind.CLOUD or base.kind in (Kind.QUERY, Kind.DB, Kind.ROUTER):
                return None
            return jslib.statement_method(self, node, base, prop, field(node, "arguments"))
        return None

    def cloud_init(self, node: Node) -> list[str]:
        arguments = self.arguments(field(node, "arguments"))
        name = py_name(next(iter(self.cloud_names)))
        self.need("import cloudfn")
        codes = ", ".join(a.code for a in arguments)
        line = f"{name} = cloudfn.init({codes})"
        if self.scope.is_module:
            return [line]
        return [f"global {name}", line]

    def for_each(self, node: Node, object_node: Node) -> list[str]:
        arguments = named(field(node, "arguments"))
        if len(arguments) != 1 or arguments[0].type not in ("arrow_function", "function_expression"):
            raise Untranslatable(node, ".forEach with a function that is not written inline")
        function = arguments[0]
        if any(c.type == "async" for c in function.children):
            raise Untranslatable(
                node, ".forEach(async ...) does not wait for its callbacks; port it as a for loop"
            )
        params = self.simple_params(function)
        if params is None or not 1 <= len(params) <= 2:
            raise Untranslatable(node, ".forEach with destructured parameters")
        items = self.expr(object_node)
        target = py_name(params[0]) if len(params) == 1 else f"{py_name(params[1])}, {py_name(params[0])}"
        iterable = items.code if len(params) == 1 else f"enumerate({items.code})"
        for param in params:
            self.scope.declare(param)
        body = field(function, "body")
        if body.type != "statement_block":
            inner = self.expression_statement(body)
        else:
            if self.contains(body, ("return_statement",), stop_at_functions=True):
                raise Untranslatable(
                    node, ".forEach whose callback returns early (`return` would leave the loop's function)"
                )
            inner = self.block(body)
        return [f"for {target} in {iterable}:", *indent(inner)]

    # -- assignments ----------------------------------------------------------------------------

    def target(self, node: Node) -> str:
        """An assignment target: a name, ``obj["key"]``, ``ctx.body``."""
        if node.type == "identifier":
            return py_name(text(node))
        if node.type == "member_expression":
            base = self.expr(field(node, "object"))
            prop = text(field(node, "property"))
            if base.kind in (Kind.CTX, Kind.ROUTER):
                return f"{base.code}.{prop}"
            if base.kind is Kind.CLOUD or base.kind in (Kind.DB, Kind.QUERY, Kind.COMMAND):
                raise Untranslatable(node, "assigning to an SDK object")
            return f"{wrap(base, ATOM)}[{py_string(prop)}]"
        if node.type == "subscript_expression":
            base = self.expr(field(node, "object"))
            index_node = field(node, "index")
            if index_node.type == "string":
                return f"{wrap(base, ATOM)}[{py_string(string_value(index_node))}]"
            index = self.expr(index_node)
            if base.kind is Kind.DICT and index.kind is Kind.NUM:
                return f"{wrap(base, ATOM)}[str({index.code})]"  # object keys are strings
            return f"{wrap(base, ATOM)}[{index.code}]"
        raise Untranslatable(node, f"assigning to a {node.type.replace('_', ' ')}")

    def assignment(self, node: Node) -> list[str]:
        left, right = field(node, "left"), field(node, "right")
        if _is_exports_main(left):
            return self.handler(right, node)
        if text(left).startswith(("exports.", "module.exports")):
            raise Untranslatable(node, f"{text(left)} (only exports.main is a handler)")
        if left.type in ("object_pattern", "array_pattern"):
            raise Untranslatable(node, "a destructuring assignment to existing names")
        if left.type == "identifier" and right.type in ("arrow_function", "function_expression"):
            return self.function_def(right, py_name(text(left)))
        value = self.value(right, text(left).split(".")[-1])
        if left.type == "identifier":
            self.scope.set_kind(text(left), value.kind)
            self.track_event_alias(text(left), right)
        return [f"{self.target(left)} = {value.code}"]

    def augmented(self, node: Node) -> list[str]:
        left, right = field(node, "left"), field(node, "right")
        operator = text(field(node, "operator"))
        if operator in ("||=", "&&=", "??=", ">>>=", "**="):
            if operator == "**=":
                return [f"{self.target(left)} **= {self.expr(right).code}"]
            raise Untranslatable(node, f"the `{operator}` operator")
        value = self.expr(right)
        if operator == "+=" and (right.type in ("string", "template_string") or value.kind is Kind.STR):
            current = self.expr(left)
            if current.kind is not Kind.STR:
                value = self.fstring([value]) if right.type != "string" else value
        return [f"{self.target(left)} {operator} {value.code}"]

    def update(self, node: Node) -> list[str]:
        argument = field(node, "argument")
        operator = "+=" if "++" in text(node) else "-="
        return [f"{self.target(argument)} {operator} 1"]

    def delete(self, node: Node) -> list[str]:
        argument = field(node, "argument")
        if argument.type == "member_expression":
            base = self.expr(field(argument, "object"))
            return [f"{wrap(base, ATOM)}.pop({py_string(text(field(argument, 'property')))}, None)"]
        if argument.type == "subscript_expression":
            base = self.expr(field(argument, "object"))
            index = self.expr(field(argument, "index"))
            return [f"{wrap(base, ATOM)}.pop({index.code}, None)"]
        raise Untranslatable(node, "delete of something other than a property")

    def track_event_alias(self, name: str, value_node: Node) -> None:
        path = self.event_path(value_node)
        if path is not None and path:
            self.event_paths[name] = path
            self.events.read(path)
        else:
            self.event_paths.pop(name, None)

    # -- declarations ---------------------------------------------------------------------------

    def _s_lexical_declaration(self, node: Node) -> list[str]:
        lines: list[str] = []
        for declarator in named(node):
            if declarator.type == "variable_declarator":
                lines.extend(self.declarator(declarator))
        return lines

    _s_variable_declaration = _s_lexical_declaration

    def declarator(self, node: Node) -> list[str]:
        name_node = field(node, "name")
        value_node = node.child_by_field_name("value")
        if value_node is not None and self.is_require(value_node):
            return self.require(node, name_node, value_node)
        if name_node.type == "identifier":
            name = text(name_node)
            if value_node is None:
                self.scope.declare(name)
                return [f"{py_name(name)} = None"]
            if value_node.type in ("arrow_function", "function_expression"):
                self.scope.declare(name, Kind.FUNCTION)
                return self.function_def(value_node, py_name(name))
            value = self.value(value_node, name)
            if value.awaitable and self.returns_promise_later(name):
                pass
            self.scope.declare(name, value.kind)
            self.track_event_alias(name, value_node)
            return [f"{py_name(name)} = {value.code}"]
        if value_node is None:
            raise Untranslatable(node, "a destructuring declaration without a value")
        return self.destructure(node, name_node, value_node)

    def returns_promise_later(self, name: str) -> bool:
        return False

    def is_require(self, node: Node) -> bool:
        if node.type == "member_expression":
            return self.is_require(field(node, "object"))
        return (
            node.type == "call_expression"
            and text(field(node, "function")) == "require"
            and len(named(field(node, "arguments"))) == 1
        )

    def require(self, node: Node, name_node: Node, value_node: Node) -> list[str]:
        if value_node.type != "call_expression" or name_node.type != "identifier":
            raise Untranslatable(node, "a require() that is destructured or indexed")
        module_node = named(field(value_node, "arguments"))[0]
        if module_node.type != "string":
            raise Untranslatable(node, "require() of a computed module name")
        module = string_value(module_node)
        name = text(name_node)
        if module == sdk.SDK_MODULE:
            self.cloud_names.add(name)
            self.scope.declare(name, Kind.CLOUD)
            self.need("import cloudfn")
            return []
        if module == sdk.ROUTER_MODULE:
            self.scope.declare(name, Kind.ROUTER_CLASS)
            return []
        raise Untranslatable(node, f"require({module!r}): only wx-server-sdk and tcb-router are ported")

    def destructure(self, node: Node, pattern: Node, value_node: Node) -> list[str]:
        value = self.awaited(self.expr(value_node)) if False else self.expr(value_node)
        lines: list[str] = []
        source = value
        simple = re.fullmatch(r"[A-Za-z_]\w*", value.code) is not None
        if not simple:
            stems = {Kind.RESULT: "res", Kind.WXCONTEXT: "wx_context"}
            temp = self.fresh(stems.get(value.kind, "value"))
            self.scope.set_kind(temp, value.kind)
            lines.append(f"{temp} = {value.code}")
            source = Py(temp, ATOM, value.kind)
        event_base = self.event_path(value_node)
        if pattern.type == "array_pattern":
            targets = []
            for element in named(pattern):
                if element.type == "identifier":
                    targets.append(py_name(text(element)))
                    self.scope.declare(text(element))
                elif element.type == "rest_pattern":
                    rest = named(element)[0]
                    targets.append("*" + py_name(text(rest)))
                    self.scope.declare(text(rest), Kind.LIST)
                else:
                    raise Untranslatable(node, "an array pattern with defaults or nesting")
            if any(c.type == "," for c in pattern.children[1:2]):
                raise Untranslatable(node, "an array pattern with holes")
            lines.append(
                f"{', '.join(targets)} = {source.code}"
                if len(targets) > 1
                else f"{targets[0]}, *_ = {source.code}"
            )
            return lines
        taken: list[str] = []
        for prop in named(pattern):
            key: str
            local: str
            default: Node | None = None
            if prop.type == "shorthand_property_identifier_pattern":
                key = local = text(prop)
            elif prop.type == "object_assignment_pattern":
                left = field(prop, "left")
                key = local = text(left)
                default = field(prop, "right")
            elif prop.type == "pair_pattern":
                key_node, target_node = field(prop, "key"), field(prop, "value")
                key = string_value(key_node) if key_node.type == "string" else text(key_node)
                if target_node.type == "assignment_pattern":
                    default = field(target_node, "right")
                    target_node = field(target_node, "left")
                if target_node.type != "identifier":
                    raise Untranslatable(node, "a nested destructuring pattern")
                local = text(target_node)
            elif prop.type == "rest_pattern":
                rest_name = text(named(prop)[0])
                excluded = ", ".join(py_string(k) for k in taken)
                lines.append(
                    f"{py_name(rest_name)} = {{key: item for key, item in {source.code}.items() "
                    f"if key not in ({excluded}{',' if len(taken) == 1 else ''})}}"
                )
                self.scope.declare(rest_name, Kind.DICT)
                continue
            else:
                raise Untranslatable(node, f"a destructuring {prop.type.replace('_', ' ')}")
            taken.append(key)
            if event_base is not None:
                self.events.read([*event_base, key])
            if default is not None:
                default_value = self.expr(default)
                read = f"{wrap(source, ATOM)}.get({py_string(key)}, {default_value.code})"
            else:
                read = self.data_read(source, py_string(key), key).code
            lines.append(f"{py_name(local)} = {read}")
            self.scope.declare(local)
            if event_base is not None:
                self.event_paths[local] = [*event_base, key]
        return lines

    # -- functions ------------------------------------------------------------------------------

    def _s_function_declaration(self, node: Node) -> list[str]:
        name = text(field(node, "name"))
        self.scope.declare(name, Kind.FUNCTION)
        return self.function_def(node, py_name(name))

    _s_generator_function_declaration = None  # handled as "no Python form"

    def _s_class_declaration(self, node: Node) -> list[str]:
        raise Untranslatable(node, "a class (port it by hand)")

    def handler(self, function: Node, node: Node) -> list[str]:
        if function.type == "identifier":
            target = py_name(text(function))
            self.handler_found = True
            return [f"{HANDLER} = {target}"]
        if function.type not in ("arrow_function", "function_expression"):
            raise Untranslatable(node, "exports.main is not a function")
        self.handler_found = True
        return self.function_def(function, HANDLER, handler=True)

    def function_def(
        self,
        node: Node,
        name: str,
        *,
        param_kinds: tuple[Kind, ...] = (),
        force_async: bool = False,
        handler: bool = False,
    ) -> list[str]:
        if any(c.type == "*" for c in node.children):
            raise Untranslatable(node, "a generator function")
        is_async = force_async or handler or any(c.type == "async" for c in node.children)
        if is_async:
            self.async_functions.add(name)
        outer = self.scope
        scope = Scope(parent=outer, is_async=is_async)
        self.scope = scope
        saved_aliases = dict(self.event_paths)
        try:
            params, prologue = self.parameters(node, param_kinds, handler)
            body_node = field(node, "body")
            lines: list[str] = []
            declarations = self.outer_assignments(body_node, scope)
            lines.extend(declarations)
            lines.extend(prologue)
            if body_node.type == "statement_block":
                lines.extend(self.block(body_node))
            else:
                saved = self.pending
                self.pending = []
                try:
                    value = self.awaited(self.value(body_node, "result"))
                    lines.extend([*self.pending, f"return {value.code}"])
                except Untranslatable as exc:
                    lines.extend(self.todo_block(body_node, exc.reason))
                finally:
                    self.pending = saved
        finally:
            self.scope = outer
            self.event_paths = saved_aliases
        signature = f"{'async ' if is_async else ''}def {name}({params})"
        if handler:
            self.need("from typing import Any")
            signature += " -> Any"
        return [f"{signature}:", *indent(lines)]

    def parameters(self, node: Node, kinds: tuple[Kind, ...], handler: bool) -> tuple[str, list[str]]:
        single = node.child_by_field_name("parameter")
        param_nodes = [single] if single is not None else named(field(node, "parameters"))
        names: list[str] = []
        prologue: list[str] = []
        for i, param in enumerate(param_nodes):
            kind = kinds[i] if i < len(kinds) else Kind.UNKNOWN
            if handler and i == 0:
                kind = Kind.EVENT
            if param.type == "identifier":
                name = text(param)
                self.scope.declare(name, kind)
                names.append(self.annotated(py_name(name), i, handler))
            elif param.type == "assignment_pattern":
                name = text(field(param, "left"))
                if field(param, "left").type != "identifier":
                    raise Untranslatable(param, "a destructured parameter with a default")
                self.scope.declare(name, kind)
                default = self.expr(field(param, "right"))
                if _IMMUTABLE_DEFAULT.fullmatch(default.code):
                    names.append(f"{py_name(name)}={default.code}")
                else:
                    names.append(f"{py_name(name)}=None")
                    prologue += [f"if {py_name(name)} is None:", f"    {py_name(name)} = {default.code}"]
            elif param.type == "object_pattern":
                stand_in = "event" if handler and i == 0 else f"arg{i}"
                self.scope.declare(stand_in, kind)
                names.append(self.annotated(stand_in, i, handler))
                fake = Py(stand_in, ATOM, kind)
                prologue += self.destructure_param(param, fake)
            elif param.type == "rest_pattern":
                name = text(named(param)[0])
                self.scope.declare(name, Kind.LIST)
                names.append(f"*{py_name(name)}")
            else:
                raise Untranslatable(param, f"a {param.type.replace('_', ' ')} parameter")
        if handler:
            while len(names) < 2:
                names.append(self.annotated(["event", "context"][len(names)], len(names), True))
                self.scope.declare(["event", "context"][len(names) - 1])
        return ", ".join(names), prologue

    def annotated(self, name: str, index: int, handler: bool) -> str:
        if handler and index < 2:
            self.need("from typing import Any")
            return f"{name}: dict[str, Any]"
        return name

    def destructure_param(self, pattern: Node, source: Py) -> list[str]:
        lines = []
        for prop in named(pattern):
            if prop.type == "shorthand_property_identifier_pattern":
                key = text(prop)
                lines.append(f"{py_name(key)} = {self.data_read(source, py_string(key), key).code}")
                self.scope.declare(key)
                if source.kind is Kind.EVENT:
                    self.events.read([key])
                    self.event_paths[key] = [key]
            elif prop.type == "object_assignment_pattern":
                key = text(field(prop, "left"))
                default = self.expr(field(prop, "right"))
                lines.append(f"{py_name(key)} = {source.code}.get({py_string(key)}, {default.code})")
                self.scope.declare(key)
                if source.kind is Kind.EVENT:
                    self.events.read([key])
            else:
                raise Untranslatable(prop, "a parameter pattern beyond { a, b = 1 }")
        return lines

    def outer_assignments(self, body: Node, scope: Scope) -> list[str]:
        """``global``/``nonlocal`` for names the function assigns but an enclosing scope declares."""
        declared = set(scope.declared)
        assigned: list[str] = []
        for node in self.walk_function_body(body):
            if node.type in ("variable_declarator",):
                name_node = field(node, "name")
                if name_node.type == "identifier":
                    declared.add(text(name_node))
            elif node.type in ("function_declaration",):
                declared.add(text(field(node, "name")))
            elif node.type == "catch_clause":
                parameter = node.child_by_field_name("parameter")
                if parameter is not None:
                    declared.add(text(parameter))
            elif node.type in ("assignment_expression", "augmented_assignment_expression"):
                left = field(node, "left")
                if left.type == "identifier":
                    assigned.append(text(left))
            elif node.type == "update_expression":
                argument = field(node, "argument")
                if argument.type == "identifier":
                    assigned.append(text(argument))
        lines = []
        for name in dict.fromkeys(assigned):
            if name in declared:
                continue
            owner = scope.parent.owner(name) if scope.parent is not None else None
            if owner is None:
                continue
            keyword = "global" if owner.is_module else "nonlocal"
            lines.append(f"{keyword} {py_name(name)}")
        return lines

    def walk_function_body(self, body: Node) -> Iterator[Node]:
        stack = list(reversed(body.named_children))
        while stack:
            node = stack.pop()
            yield node
            if node.type in ("arrow_function", "function_expression", "function_declaration", "function"):
                continue
            stack.extend(reversed(node.named_children))

    def contains(self, node: Node, types: tuple[str, ...], *, stop_at_functions: bool) -> bool:
        for child in self.walk_function_body(node) if stop_at_functions else self.walk_all(node):
            if child.type in types:
                return True
        return False

    def walk_all(self, node: Node) -> Iterator[Node]:
        stack = [node]
        while stack:
            current = stack.pop()
            yield current
            stack.extend(current.named_children)

    # -- control flow ---------------------------------------------------------------------------

    def condition(self, node: Node) -> str:
        inner = named(node)[0] if node.type == "parenthesized_expression" else node
        return self.expr(inner).code

    def _s_if_statement(self, node: Node) -> list[str]:
        lines = [
            f"if {self.condition(field(node, 'condition'))}:",
            *indent(self.block(field(node, "consequence"))),
        ]
        alternative = node.child_by_field_name("alternative")
        while alternative is not None:
            branch = named(alternative)[0]
            if branch.type == "if_statement":
                lines.append(f"elif {self.condition(field(branch, 'condition'))}:")
                lines.extend(indent(self.block(field(branch, "consequence"))))
                alternative = branch.child_by_field_name("alternative")
            else:
                lines += ["else:", *indent(self.block(branch))]
                alternative = None
        return lines

    def _s_for_in_statement(self, node: Node) -> list[str]:
        if any(c.type == "await" for c in node.children):
            raise Untranslatable(node, "for await")
        left, right = field(node, "left"), field(node, "right")
        of = any(c.type == "of" for c in node.children)
        iterable = self.expr(right)
        if left.type == "identifier":
            target = py_name(text(left))
            self.scope.declare(text(left))
        elif left.type == "array_pattern" and all(e.type == "identifier" for e in named(left)):
            target = ", ".join(py_name(text(e)) for e in named(left))
            for e in named(left):
                self.scope.declare(text(e))
        elif left.type == "object_pattern" and of:
            target = "item"
            self.scope.declare("item")
            body_prefix = self.destructure_param(left, Py("item"))
            return [f"for item in {iterable.code}:", *indent(body_prefix + self.block(field(node, "body")))]
        else:
            raise Untranslatable(node, "a for loop over a complex target")
        if not of and iterable.kind is Kind.LIST:
            raise Untranslatable(node, "for...in over an array (indexes as strings)")
        return [f"for {target} in {iterable.code}:", *indent(self.block(field(node, "body")))]

    def _s_for_statement(self, node: Node) -> list[str]:
        counted = self.counted_loop(node)
        if counted is not None:
            return counted
        if self.contains(field(node, "body"), ("continue_statement",), stop_at_functions=True):
            raise Untranslatable(node, "a for(;;) loop with continue (port it as a for...in range loop)")
        lines: list[str] = []
        initializer = node.child_by_field_name("initializer")
        if initializer is not None and initializer.type != ";":
            lines.extend(
                self.statement(initializer)
                if "declaration" in initializer.type
                else self.expression_statement(
                    named(initializer)[0] if initializer.type == "expression_statement" else initializer
                )
            )
        condition = node.child_by_field_name("condition")
        test = "True"
        if condition is not None and condition.type not in (";", "empty_statement"):
            inner = named(condition)[0] if condition.type == "expression_statement" else condition
            test = self.expr(inner).code
        body = self.block(field(node, "body"))
        increment = node.child_by_field_name("increment")
        step = self.expression_statement(increment) if increment is not None else []
        return [*lines, f"while {test}:", *indent(body + step)]

    def counted_loop(self, node: Node) -> list[str] | None:
        """``for (let i = a; i < b; i++)`` -> ``for i in range(a, b)`` when the body leaves i alone."""
        initializer = node.child_by_field_name("initializer")
        condition = node.child_by_field_name("condition")
        increment = node.child_by_field_name("increment")
        if initializer is None or condition is None or increment is None:
            return None
        if initializer.type != "lexical_declaration" or len(named(initializer)) != 1:
            return None
        declarator = named(initializer)[0]
        name_node, start_node = field(declarator, "name"), declarator.child_by_field_name("value")
        if name_node.type != "identifier" or start_node is None:
            return None
        name = text(name_node)
        test = named(condition)[0] if condition.type == "expression_statement" else condition
        if test.type != "binary_expression" or text(field(test, "left")) != name:
            return None
        operator = text(field(test, "operator"))
        if operator not in ("<", "<="):
            return None
        if text(increment) not in (f"{name}++", f"++{name}", f"{name} += 1"):
            return None
        body = field(node, "body")
        for inner in self.walk_all(body):
            if inner.type in (
                "assignment_expression",
                "augmented_assignment_expression",
                "update_expression",
            ):
                target = inner.child_by_field_name("left") or inner.child_by_field_name("argument")
                if target is not None and text(target) == name:
                    return None
        self.scope.declare(name, Kind.NUM)
        start = self.expr(start_node)
        stop = self.expr(field(test, "right"))
        stop_code = stop.code if operator == "<" else f"{wrap(stop, 11)} + 1"
        bounds = stop_code if start.code == "0" else f"{start.code}, {stop_code}"
        return [f"for {py_name(name)} in range({bounds}):", *indent(self.block(body))]

    def _s_while_statement(self, node: Node) -> list[str]:
        return [
            f"while {self.condition(field(node, 'condition'))}:",
            *indent(self.block(field(node, "body"))),
        ]

    def _s_do_statement(self, node: Node) -> list[str]:
        body = field(node, "body")
        if self.contains(body, ("continue_statement",), stop_at_functions=True):
            raise Untranslatable(node, "do...while with continue")
        test = self.condition(field(node, "condition"))
        return ["while True:", *indent([*self.block(body), f"if not ({test}):", "    break"])]

    def _s_try_statement(self, node: Node) -> list[str]:
        lines = ["try:", *indent(self.block(field(node, "body")))]
        handler = node.child_by_field_name("handler")
        if handler is not None:
            parameter = handler.child_by_field_name("parameter")
            if parameter is not None and parameter.type != "identifier":
                raise Untranslatable(node, "a destructured catch parameter")
            if parameter is None:
                lines.append("except Exception:")
            else:
                self.scope.declare(text(parameter), Kind.ERROR)
                lines.append(f"except Exception as {py_name(text(parameter))}:")
            lines.extend(indent(self.block(field(handler, "body"))))
        finalizer = node.child_by_field_name("finalizer")
        if finalizer is not None:
            lines += ["finally:", *indent(self.block(named(finalizer)[0]))]
        return lines

    def _s_switch_statement(self, node: Node) -> list[str]:
        subject = self.expr(named(field(node, "value"))[0])
        if not re.fullmatch(r"[\w.\"()\[\]]+", subject.code) or (
            "(" in subject.code and ".get(" not in subject.code
        ):
            raise Untranslatable(node, "switch on an expression with effects")
        event_path = self.event_path(named(field(node, "value"))[0])
        lines: list[str] = []
        waiting: list[str] = []  # case values of empty cases, which fall into the next
        default_body: list[Node] | None = None
        first = True
        for case in named(field(node, "body")):
            if case.type == "comment":
                continue
            statements = [c for c in case.named_children if c != case.child_by_field_name("value")]
            if case.type == "switch_default":
                default_body = statements
                continue
            value_node = field(case, "value")
            if event_path is not None and value_node.type in ("string", "number"):
                self.events.read(event_path).add_value(self.literal_value(value_node))
            waiting.append(wrap(self.expr(value_node), CMP + 1))
            body = [s for s in statements if s.type != "comment"]
            if len(body) == 1 and body[0].type == "statement_block":  # case 'x': { ... }
                statements = list(body[0].named_children)
                body = [s for s in statements if s.type != "comment"]
            if not body:
                continue
            if body[-1].type == "break_statement":
                body_nodes = [s for s in statements if s is not body[-1]]
            elif body[-1].type in ("return_statement", "throw_statement"):
                body_nodes = statements
            else:
                raise Untranslatable(node, "a switch case that falls through into the next")
            if any(
                self.contains(s, ("break_statement",), stop_at_functions=True)
                for s in body_nodes
                if s.type
                not in (
                    "for_statement",
                    "for_in_statement",
                    "while_statement",
                    "do_statement",
                    "switch_statement",
                )
            ):
                raise Untranslatable(node, "a break inside a switch case's nested block")
            test = (
                f"{subject.code} == {waiting[0]}"
                if len(waiting) == 1
                else f"{subject.code} in ({', '.join(waiting)})"
            )
            lines.append(f"{'if' if first else 'elif'} {test}:")
            lines.extend(indent(self.block(body_nodes)))
            first = False
            waiting = []
        if default_body is not None:
            body_nodes = [s for s in default_body if s.type != "break_statement"]
            block = self.block(body_nodes)
            if first:
                lines.extend(block)
            else:
                lines += ["else:", *indent(block)]
        return lines

    def _s_labeled_statement(self, node: Node) -> list[str]:
        raise Untranslatable(node, "a labelled statement")

    # -- the module -----------------------------------------------------------------------------

    def program(self, root: Node) -> list[str]:
        return self.block(list(root.named_children))


__all__ = ["HANDLER", "TERNARY", "Todo", "Translator"]
