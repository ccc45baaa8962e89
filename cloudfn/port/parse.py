"""Parsing JavaScript with tree-sitter: the concrete syntax tree the translator walks.

tree-sitter never refuses a file: what it cannot parse becomes ``ERROR`` or
``MISSING`` nodes. Those are reported with their line, so a port never starts
from a misread original.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Tree


class PortError(Exception):
    """The original cannot be ported at all (unreadable, not JavaScript); the message says the fix."""


@dataclass(frozen=True)
class SyntaxProblem:
    line: int
    column: int
    text: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: cannot parse {self.text!r}"


@cache
def _parser() -> Parser:
    try:
        import tree_sitter_javascript
        from tree_sitter import Language, Parser
    except ImportError:
        raise PortError("tree-sitter-javascript is not installed. Fix: pip install 'cloudfn[port]'") from None
    return Parser(Language(tree_sitter_javascript.language()))


def parse_js(source: str) -> Tree:
    return _parser().parse(source.encode("utf-8"))


def syntax_problems(tree: Tree) -> list[SyntaxProblem]:
    """Every ERROR/MISSING node, outermost first (an inner one adds nothing)."""
    problems: list[SyntaxProblem] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            row, col = node.start_point
            snippet = text(node).splitlines()[0][:40] if text(node) else node.type
            problems.append(SyntaxProblem(row + 1, col + 1, snippet))
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    return problems


def text(node: Node) -> str:
    raw = node.text
    return raw.decode("utf-8") if raw is not None else ""


def field(node: Node, name: str) -> Node:
    """A child the grammar always has (e.g. a binary expression's ``left``)."""
    child = node.child_by_field_name(name)
    if child is None:
        raise PortError(f"line {line_of(node)}: {node.type} without {name}")
    return child


def line_of(node: Node) -> int:
    return node.start_point[0] + 1


def named(node: Node) -> list[Node]:
    """Named children, comments left out (they are carried separately)."""
    return [c for c in node.named_children if c.type != "comment"]
