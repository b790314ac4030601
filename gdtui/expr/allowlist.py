"""Step 3 of parsing: walk Python's tree of the normalised text against an allowlist.

Only BinOp ``+ - * / **``, unary ``- +``, int/float constants, names and
one-argument calls of :data:`~gdtui.expr.nodes.FUNCTIONS` are allowed; the walk
builds :class:`~gdtui.expr.nodes.Node` objects and checks the node count, nesting
depth, variable count and constant sub-expressions (folded with bounded float
maths, :mod:`gdtui.expr.floats`).
"""

from __future__ import annotations

import ast
import math
import re

from gdtui.expr.errors import ExprError
from gdtui.expr.floats import apply, fmt
from gdtui.expr.lexer import ALLOWED_HINT, NUMBER, Token, check_name
from gdtui.expr.nodes import (
    CONSTANTS,
    FUNCTIONS,
    MAX_CALL_DEPTH,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_INT_DIGITS,
    MAX_NODES,
    MAX_VARIABLES,
    Node,
)

__all__ = ["Builder"]

_AST_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_CHAIN = {"add": "add", "sub": "add", "mul": "mul", "div": "mul"}  # flat chains: one level
_NOT_ALLOWED = {
    ast.Lambda: "'lambda'", ast.Attribute: "attribute access", ast.Subscript: "indexing",
    ast.Compare: "comparison", ast.BoolOp: "'and'/'or'", ast.IfExp: "'if'/'else'",
    ast.Tuple: "a tuple", ast.List: "a list", ast.Starred: "'*' unpacking",
}  # fmt: skip


class Builder:
    """Walks Python's tree of the normalised text, allowing only what a formula needs."""

    def __init__(
        self, text: str, tokens: list[Token], starts: list[int], ends: list[int]
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.by_start = dict(zip(starts, tokens))
        self.by_end = dict(zip(ends, tokens))
        self.count = 0
        self.calls = 0  # functions open around the node being built
        self.names: list[str] = []

    # positions in the typed text
    def col(self, a: ast.AST) -> int:
        return self.by_start[a.col_offset].col  # type: ignore[attr-defined]

    def end(self, a: ast.AST) -> int:
        return self.by_end[a.end_col_offset].end  # type: ignore[attr-defined]

    def span(self, a: ast.AST, limit: int = 40) -> str:
        shown = self.text[self.col(a) : self.end(a)]
        return shown if len(shown) <= limit else shown[: limit - 3] + "..."

    def op_col(self, left: ast.AST) -> int:
        """Column of the binary operator that follows ``left``."""
        after = self.end(left)
        return next(t.col for t in self.tokens if t.kind == "op" and t.col >= after)

    def error(self, message: str, col: int | None, hint: str = "") -> ExprError:
        return ExprError(message, self.text, col, hint)

    # building
    def make(self, kind: str, value: object, args: tuple[Node, ...], col: int) -> Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.error(
                "too many terms", col, f"at most {MAX_NODES} numbers, names and operations"
            )
        return Node(kind, value, args, col)  # type: ignore[arg-type]

    def fold(self, kind: str, value: object, args: list[float], a: ast.AST) -> float:
        """The value of a constant sub-expression, or an error naming it."""
        try:
            return apply(kind, value, args)
        except ZeroDivisionError:
            col = self.op_col(a.left) if kind == "div" else self.col(a)  # type: ignore
            raise self.error("division by zero", col, f"{self.span(a)} divides by 0") from None
        except ValueError:
            if kind == "call":
                need = "a number >= 0" if value == "sqrt" else "a number above 0"
                raise self.error(
                    f"{self.span(a)} is undefined", self.col(a), f"{value} needs {need}"
                ) from None
            raise self.error(
                f"{self.span(a)} is not a real number", self.col(a),
                "a negative number to a fractional power",
            ) from None  # fmt: skip
        except OverflowError:
            raise self.error(
                f"{self.span(a)} is too large", self.col(a), "numbers must stay below about 1e308"
            ) from None

    def build(self, a: ast.AST, depth: int) -> tuple[Node, float | None]:
        """(node, its value if constant else None) for an allowed AST node."""
        if depth > MAX_DEPTH:
            raise self.error(
                "nested too deeply", self.col(a), f"at most {MAX_DEPTH} levels of nesting"
            )
        if isinstance(a, ast.BinOp) and type(a.op) in _AST_BINARY:
            kind = _AST_BINARY[type(a.op)]
            built = []
            for child in (a.left, a.right):
                flat = (
                    kind in _CHAIN
                    and isinstance(child, ast.BinOp)
                    and _CHAIN.get(_AST_BINARY.get(type(child.op), "")) == _CHAIN[kind]
                )
                built.append(self.build(child, depth if flat else depth + 1))
            (left, lv), (right, rv) = built
            if kind == "pow" and rv is not None and abs(rv) > MAX_EXPONENT:
                shown = self.span(a.right)
                if not re.fullmatch(r"[+-]?" + NUMBER.pattern, shown.replace(" ", "")):
                    shown += f" = {fmt(rv)}"
                raise self.error(
                    f"exponent {shown} is too large", self.col(a.right),
                    f"exponents can be at most {MAX_EXPONENT} in size",
                )  # fmt: skip
            if kind == "div" and rv == 0:
                shown = self.span(a.right)
                hint = "" if re.fullmatch(NUMBER, shown) else f"{shown} is 0"
                raise self.error("division by zero", self.op_col(a.left), hint)
            node = self.make(kind, None, (left, right), self.col(a))
            if lv is None or rv is None:
                return node, None
            return node, self.fold(kind, None, [lv, rv], a)
        if isinstance(a, ast.UnaryOp) and isinstance(a.op, ast.UAdd):
            return self.build(a.operand, depth)
        if isinstance(a, ast.UnaryOp) and isinstance(a.op, ast.USub):
            arg, v = self.build(a.operand, depth + 1)
            node = self.make("neg", None, (arg,), self.col(a))
            return node, None if v is None else -v
        if isinstance(a, ast.Constant) and type(a.value) in (int, float):
            v = float(a.value)
            if not math.isfinite(v) or (type(a.value) is int and v >= 10.0**MAX_INT_DIGITS):
                raise self.error("number too large", self.col(a))
            return self.make("num", a.value, (), self.col(a)), v
        if isinstance(a, ast.Name):
            return self.name(a)
        if isinstance(a, ast.Call):
            return self.call(a, depth)
        what = _NOT_ALLOWED.get(type(a), type(a).__name__)
        raise self.error(f"{what} is not allowed", self.col(a), ALLOWED_HINT)

    def name(self, a: ast.Name) -> tuple[Node, float | None]:
        name, col = a.id, self.col(a)
        if name in CONSTANTS:
            return self.make("const", name, (), col), CONSTANTS[name]
        if name in FUNCTIONS:
            raise self.error(f"{name} is a function", col, f"write {name}(x)")
        check_name(self.text, name, col)
        if name not in self.names:
            self.names.append(name)
            if len(self.names) > MAX_VARIABLES:
                raise self.error(
                    f"too many variables: '{name}' is the {len(self.names)}th", col,
                    f"at most {MAX_VARIABLES}, parameters and data columns together",
                )  # fmt: skip
        return self.make("var", name, (), col), None

    def call(self, a: ast.Call, depth: int) -> tuple[Node, float | None]:
        fn = a.func
        if not isinstance(fn, ast.Name):
            raise self.error("only named functions can be called", self.col(a), ALLOWED_HINT)
        if fn.id not in FUNCTIONS:
            raise self.error(f"unknown function '{fn.id}'", self.col(a),
                             "known functions: " + " ".join(FUNCTIONS))  # fmt: skip
        if len(a.args) != 1 or a.keywords or isinstance(a.args[0], ast.Starred):
            raise self.error(
                f"{fn.id} takes exactly one argument", self.col(a), f"write {fn.id}(x)"
            )
        self.calls += 1
        if self.calls > MAX_CALL_DEPTH:
            raise self.error(
                "functions nested too deeply", self.col(a),
                f"at most {MAX_CALL_DEPTH} functions inside each other",
            )  # fmt: skip
        arg, v = self.build(a.args[0], depth + 1)
        self.calls -= 1
        node = self.make("call", fn.id, (arg,), self.col(a))
        return node, None if v is None else self.fold("call", fn.id, [v], a)


