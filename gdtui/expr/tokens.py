"""Step 2 of parsing: token checks that explain what Python would parse differently.

Implicit multiplication (``3x``, ``x(y+1)``, ``)(``), a function without
parentheses, a missing term, a stray comma, a missing ``)``; then the normalised
Python source (``^`` -> ``**``) with the position of every token, so positions
Python reports map back to columns of the typed text.
"""

from __future__ import annotations

import difflib
from typing import Iterable

from gdtui.expr.errors import ExprError
from gdtui.expr.lexer import Token
from gdtui.expr.nodes import CONSTANTS, FUNCTIONS, MAX_NODES

__all__ = ["check_tokens", "normalise"]

def _ends_operand(tok: Token | None) -> bool:
    return tok is not None and (
        tok.kind in ("num", ")") or (tok.kind == "name" and tok.text not in FUNCTIONS)
    )


def _starts_operand(tok: Token | None) -> bool:
    return tok is not None and tok.kind in ("num", "name", "(")


def check_tokens(text: str, tokens: list[Token], columns: Iterable[str]) -> None:
    """Explain what Python would accept or reject differently, leftmost first."""
    if not tokens:
        raise ExprError("the expression is empty", text, None, "type a function such as x^2 + y^2")
    names_used = {t.text for i, t in enumerate(tokens) if t.kind == "name"
                  and (i + 1 == len(tokens) or tokens[i + 1].kind != "(")}  # fmt: skip
    known_columns = set(columns)
    calls: list[list] = []  # one per open '(': [function token or None, commas, column]
    nodes = 0
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        unary_plus = tok.text == "+" and not _ends_operand(prev)
        if tok.kind in ("num", "name") or (tok.kind == "op" and not unary_plus):
            nodes += 1  # each makes one tree node (a unary '+' makes none)
            if nodes > MAX_NODES:
                raise ExprError(
                    "too many terms", text, tok.col,
                    f"at most {MAX_NODES} numbers, names and operations",
                )  # fmt: skip
        if tok.kind == "name" and tok.text in FUNCTIONS and (nxt is None or nxt.kind != "("):
            raise ExprError(f"{tok.text} is a function", text, tok.col, f"write {tok.text}(x)")
        if _ends_operand(prev) and _starts_operand(tok):
            assert prev is not None
            if prev.kind == "name" and tok.kind == "(" and prev.text not in CONSTANTS:
                fn = prev.text
                if not (fn in names_used or fn in known_columns or len(fn) <= 2):
                    close = difflib.get_close_matches(fn.lower(), FUNCTIONS, 1, 0.6)
                    hint = (
                        f"did you mean {close[0]}?" if close
                        else "known functions: " + " ".join(FUNCTIONS)
                    )  # fmt: skip
                    raise ExprError(f"unknown function '{fn}'", text, prev.col, hint)
            raise ExprError(
                f"missing '*' between '{prev.text}' and '{tok.text}'", text, tok.col,
                f"write {prev.text}*{tok.text}",
            )  # fmt: skip
        if tok.kind == "op":
            if tok.text not in "+-" and not _ends_operand(prev):
                hint = (
                    "a term is missing before it" if prev is None
                    else f"a term is missing between '{prev.text}' and '{tok.text}'"
                )  # fmt: skip
                raise ExprError(f"unexpected '{tok.text}'", text, tok.col, hint)
            if nxt is None:
                raise ExprError(f"the expression ends with '{tok.text}'", text, tok.col,
                                "a term is missing after it")  # fmt: skip
            if nxt.kind in (")", ","):
                raise ExprError(f"missing a term after '{tok.text}'", text, tok.col)
        elif tok.kind == "(":
            is_call = prev is not None and prev.kind == "name" and prev.text in FUNCTIONS
            fn = prev if is_call else None
            if nxt is not None and nxt.kind == ")":
                if fn is not None:
                    raise ExprError(f"{fn.text}() needs an argument", text, nxt.col,
                                    f"write {fn.text}(x)")  # fmt: skip
                raise ExprError("empty parentheses '()'", text, tok.col, "put an expression inside")
            calls.append([fn, 0, tok.col])
        elif tok.kind == ",":
            if calls and calls[-1][0] is not None and _ends_operand(prev) and _starts_operand(nxt):
                calls[-1][1] += 1
                continue
            if prev is not None and nxt is not None and prev.kind == nxt.kind == "num":
                hint = f"write {prev.text}.{nxt.text} (decimals take a '.')"
            else:
                hint = "',' only separates function arguments, and every function takes one"
            raise ExprError("',' is not allowed here", text, tok.col, hint)
        elif tok.kind == ")":
            fn, commas, _ = calls.pop()
            if fn is not None and commas:
                raise ExprError(
                    f"{fn.text} takes exactly one argument", text, fn.col,
                    f"write {fn.text}(x), not {commas + 1} arguments",
                )  # fmt: skip
    if calls:
        opened_at = calls[-1][2] + 1
        raise ExprError("missing ')'", text, len(text), f"close the '(' at column {opened_at}")


def normalise(tokens: list[Token]) -> tuple[str, list[int], list[int]]:
    """Python source for the tokens (``^`` -> ``**``, one space between tokens).

    Returns the source and where each token starts and ends in it, so positions
    Python reports can be mapped back to columns of the typed text.
    """
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for tok in tokens:
        piece = "**" if tok.text == "^" else tok.text
        if tok.kind == "num" and piece.isdigit():
            piece = str(int(piece))  # Python rejects leading zeros (at most 15 digits)
        parts.append(piece)
        starts.append(pos)
        ends.append(pos + len(piece))
        pos += len(piece) + 1
    return " ".join(parts), starts, ends


