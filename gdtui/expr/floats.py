"""Bounded float maths on a tree: constant folding in the parser and :func:`evaluate`.

Plain IEEE floats (never Python's big integers), so ``9^9^9^9`` is an
``OverflowError`` at once instead of a number with millions of digits.  The
functions are the numerically stable forms (``sigmoid`` via ``tanh``,
``softplus`` via ``log1p``).
"""

from __future__ import annotations

import math
from typing import Mapping

from gdtui.expr.nodes import CONSTANTS, Node

__all__ = ["apply", "evaluate", "fmt"]

def _sigmoid(a: float) -> float:
    return math.exp(-_softplus(-a))  # the generated code's stable form: exact to the last digits


def _softplus(a: float) -> float:
    return max(a, 0.0) + math.log1p(math.exp(-abs(a)))


def _log(a: float) -> float:
    if a <= 0:
        raise ValueError("math domain error")
    return math.log(a)


_FLOAT_FUNCTIONS = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp,
    "log": _log, "ln": _log, "sqrt": math.sqrt, "abs": abs,
    "tanh": math.tanh, "sinh": math.sinh, "cosh": math.cosh,
    "sigmoid": _sigmoid, "relu": lambda a: max(a, 0.0), "softplus": _softplus,
}  # fmt: skip


def _pow(a: float, b: float) -> float:
    if a == 0 and b < 0:
        raise ZeroDivisionError("0 to a negative power")
    return math.pow(a, b)  # ValueError for a fractional power of a negative number


def apply(kind: str, value: object, args: list[float]) -> float:
    """One node on floats: raises ZeroDivisionError, ValueError or OverflowError."""
    if kind == "neg":
        out = -args[0]
    elif kind == "add":
        out = args[0] + args[1]
    elif kind == "sub":
        out = args[0] - args[1]
    elif kind == "mul":
        out = args[0] * args[1]
    elif kind == "div":
        out = args[0] / args[1]
    elif kind == "pow":
        out = _pow(args[0], args[1])
    else:
        out = _FLOAT_FUNCTIONS[str(value)](args[0])
    if math.isinf(out):
        raise OverflowError("result too large")
    return float(out)


def evaluate(node: Node, values: Mapping[str, float] | None = None) -> float:
    """The value of a tree on floats, variables taken from ``values``.

    Plain bounded float maths (no big integers): raises ``ZeroDivisionError``,
    ``ValueError`` (outside the domain) or ``OverflowError`` like :mod:`math`.
    """
    if node.kind == "num":
        return float(node.value)  # type: ignore[arg-type]
    if node.kind == "const":
        return CONSTANTS[str(node.value)]
    if node.kind == "var":
        return float((values or {})[str(node.value)])
    return apply(node.kind, node.value, [evaluate(a, values) for a in node.args])


def fmt(v: float) -> str:
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.4g}"


