"""Python code fragments: a translated expression with its precedence and kind, and literals.

Shared by every part of the translator (expressions, the standard library,
the SDK surface); it imports none of them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .parse import text
from .scope import Kind

if TYPE_CHECKING:
    from tree_sitter import Node

# Python precedence, lowest first.
LAMBDA, TERNARY, OR, AND, NOT, CMP, BOR, BXOR, BAND, SHIFT, ADD, MUL, UNARY, POW, AWAIT, ATOM = range(16)


@dataclass(frozen=True)
class Py:
    code: str
    prec: int = ATOM
    kind: Kind = Kind.UNKNOWN
    awaitable: bool = False  # an SDK (or async function) call: a coroutine until awaited
    settled: bool = False  # already awaited by a statement placed before (`.then(cb)`): await adds nothing


class Untranslatable(Exception):
    def __init__(self, node: Node, reason: str) -> None:
        super().__init__(reason)
        self.node = node
        self.reason = reason


def wrap(py: Py, prec: int) -> str:
    return f"({py.code})" if py.prec < prec else py.code


def py_string(value: str) -> str:
    """A Python string literal (double quotes, as ruff writes them)."""
    return json.dumps(value, ensure_ascii=False)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def decode_escape(escape: str) -> str:
    """One JavaScript escape sequence (``\\n``, ``\\u4e2d``, ``\\u{1F600}``, ``\\x41``, ``\\'``)."""
    body = escape[1:]
    if body.startswith("u{"):
        return chr(int(body[2:-1], 16))
    if body.startswith("u") and len(body) == 5:
        return chr(int(body[1:], 16))
    if body.startswith("x") and len(body) == 3:
        return chr(int(body[1:], 16))
    if body.startswith(("\r\n", "\n", "\r", "\u2028", "\u2029")):
        return ""  # a line continuation
    return _ESCAPES.get(body, body)


def string_value(node: Node) -> str:
    """The value of a string or template-string fragment list."""
    parts = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(text(child))
        elif child.type == "escape_sequence":
            parts.append(decode_escape(text(child)))
    return "".join(parts)


def number_code(literal: str) -> str:
    literal = literal.replace("_", "")
    if literal.endswith("n"):
        return literal[:-1]
    lowered = literal.lower()
    if lowered.startswith(("0x", "0o", "0b")):
        return literal
    if re.fullmatch(r"0\d+", literal):
        raise ValueError("legacy octal literal")
    value = float(literal)
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)
