"""The allowlisted tree of a typed function (:class:`Node`) and the limits every parse checks.

Plain data shared by the parser's steps (:mod:`~gdtui.expr.lexer`,
:mod:`~gdtui.expr.tokens`, :mod:`~gdtui.expr.allowlist`), the float evaluator
(:mod:`~gdtui.expr.floats`), the printer (:mod:`~gdtui.expr.printing`) and the
symbolic worker.  No sympy, no numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

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
]

MAX_LENGTH = 300
MAX_NODES = 200
MAX_DEPTH = 32
#: Functions inside each other (sigmoid(sigmoid(...))): each level multiplies the
#: size of the derivatives, so the symbolic work grows too fast beyond this.
MAX_CALL_DEPTH = 10
MAX_VARIABLES = 8
MAX_INT_DIGITS = 15
MAX_EXPONENT = 100
MAX_NAME_LENGTH = 16

#: The functions a loss may use, each of one argument.  ``log`` and ``ln`` are natural logs.
FUNCTIONS = (
    "sin", "cos", "tan", "exp", "log", "ln", "sqrt", "abs",
    "tanh", "sinh", "cosh", "sigmoid", "relu", "softplus",
)  # fmt: skip
#: Names that are constants, never variables.
CONSTANTS = {"pi": math.pi, "e": math.e}

#: Binary node kinds and the operator they print as.
BINARY = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^"}


@dataclass(frozen=True)
class Node:
    """One node of a parsed function (plain data: picklable, hashable, no sympy).

    ``kind`` is ``num`` (value: int or float), ``var`` / ``const`` (value: the
    name), ``neg`` (one arg), ``add sub mul div pow`` (two args) or ``call``
    (value: the function name, one arg).  ``col`` is the 0-based column in the
    typed text where the node starts; it is not part of equality.
    """

    kind: str
    value: int | float | str | None = None
    args: tuple["Node", ...] = ()
    col: int | None = field(default=None, compare=False)


