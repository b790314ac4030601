"""Typed text -> a small allowlisted tree of :class:`Node`, with every limit checked.

Typed text is hostile: it never reaches ``eval``, ``exec``, ``sympify`` or
``parse_expr``.  The steps, each reporting the leftmost problem it finds, with
its column:

1. length (at most :data:`MAX_LENGTH` characters);
2. our own lexer checks every character (ASCII letters, digits, ``. + - * / ^ ( ) ,``,
   space and tab), names, number literals and parenthesis depth, so nothing
   deeper than :data:`MAX_DEPTH` reaches Python's parser;
3. a token pass finds what Python would parse differently or explain badly:
   implicit multiplication (``3x``, ``x(y+1)``, ``)(``), a function without
   parentheses, a missing term, a stray comma, a missing ``)``;
4. the normalised text (``^`` -> ``**``) goes to ``ast.parse(mode="eval")`` and the
   tree is walked against an allowlist (BinOp + - * / **, unary - +, int/float
   constants, names, one-argument calls of :data:`FUNCTIONS`), building
   :class:`Node` objects and checking the node count, nesting depth, variable
   count and constant sub-expressions (evaluated with bounded float math, so
   ``9^9^9^9`` is rejected without ever being computed exactly).

No sympy here: this runs on every key press.
"""

from __future__ import annotations

import ast
from typing import Iterable

from gdtui.expr.allowlist import Builder
from gdtui.expr.errors import ExprError
from gdtui.expr.floats import evaluate
from gdtui.expr.lexer import lex
from gdtui.expr.nodes import (
    BINARY,
    CONSTANTS,
    FUNCTIONS,
    MAX_CALL_DEPTH,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_INT_DIGITS,
    MAX_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NODES,
    MAX_VARIABLES,
    Node,
)
from gdtui.expr.printing import to_text
from gdtui.expr.tokens import check_tokens, normalise

__all__ = [
    "BINARY",
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_CALL_DEPTH",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_INT_DIGITS",
    "MAX_LENGTH",
    "MAX_NAME_LENGTH",
    "MAX_NODES",
    "MAX_VARIABLES",
    "Node",
    "check_syntax",
    "evaluate",
    "parse",
    "split_variables",
    "to_text",
    "variables",
]


def parse(text: str, columns: Iterable[str] = ()) -> Node:
    """The tree of a typed function, or :class:`ExprError` naming the first problem.

    ``columns`` (data column names) only sharpen messages: ``x(y+1)`` asks for a
    ``*`` when ``x`` is a column.  Fast (no sympy): fine on every key press.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected the expression as str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExprError(
            f"too long: {len(text)} characters", text, MAX_LENGTH, f"at most {MAX_LENGTH}"
        )
    tokens = lex(text)
    check_tokens(text, tokens, columns)
    source, starts, ends = normalise(tokens)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:  # the token pass should leave nothing for this
        offset = (exc.offset or 1) - 1
        col = next((t.col for s, t in zip(starts, tokens) if s >= offset), len(text))
        raise ExprError("invalid syntax", text, col) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError("too complex to read", text, None, "simplify the expression") from None
    return Builder(text, tokens, starts, ends).build(tree.body, 0)[0]


def variables(node: Node) -> tuple[str, ...]:
    """The variable names of a tree in order of first appearance in the text."""
    seen: dict[str, None] = {}
    stack = [node]
    while stack:
        n = stack.pop()
        if n.kind == "var":
            seen.setdefault(str(n.value))
        stack.extend(reversed(n.args))
    return tuple(seen)


def split_variables(
    node: Node, columns: Iterable[str] = (), text: str = ""
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(parameters, data columns used) of a tree.

    Parameters come in order of first appearance (``x`` before ``y``, ``w`` before
    ``b``); columns in the order of ``columns``.  ExprError when nothing is left
    to optimise.
    """
    names = variables(node)
    column_set = set(columns)
    used = tuple(c for c in dict.fromkeys(columns) if c in names)
    params = tuple(n for n in names if n not in column_set)
    if not params:
        hint = (
            "every name in it is a data column; add a parameter such as w"
            if used else "it has no variables; try x^2"
        )  # fmt: skip
        raise ExprError("no variables to optimise", text, None, hint)
    return params, used


def check_syntax(text: str, columns: Iterable[str] = ()) -> ExprError | None:
    """The problem with ``text`` as a loss, or None: parse only, fast, for as-you-type checks."""
    try:
        split_variables(parse(text, columns), columns, text)
    except ExprError as err:
        return err
    return None


