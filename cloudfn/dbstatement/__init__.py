"""The HTTPS database API's statement language (``db.collection("x").where({...}).get()``).

WeChat's server-side database API (``/tcb/databasequery`` and its siblings)
takes a JavaScript statement instead of a structured request. This package
turns such a statement into the neutral request the Node SDK sends on the
cloud platform's ``/admin`` channel (``parse_statement``) and back
(``generate_statement``), without ever running JavaScript: the statement is
parsed by tree-sitter and only the ``db`` subset is evaluated.
"""

from .errors import StatementError
from .generate import generate_statement
from .parse import ParsedStatement, parse_statement

__all__ = ["ParsedStatement", "StatementError", "generate_statement", "parse_statement"]
