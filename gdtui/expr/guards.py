"""Domain guards: the conditions a typed function needs where it is defined.

Runs **in the worker** (sympy).  :func:`gdtui.expr.symbolic.to_sympy` collects one
:class:`Guard` for every log, square root, fractional power and divisor of the typed
text (sympy may rewrite ``sqrt(x)^2`` to ``x``, so the condition would be lost), and
:mod:`gdtui.expr.codegen` turns each into a check in the generated code.
"""

from __future__ import annotations

import sympy as sp

from gdtui.expr.nodes import Node

__all__ = ["Guard"]


class Guard:
    """A condition the typed function needs: ``expr > 0``, ``expr >= 0`` or ``expr != 0``."""

    __slots__ = ("expr", "op", "node")

    def __init__(self, expr: sp.Expr, op: str, node: Node) -> None:
        self.expr, self.op, self.node = expr, op, node

    def known(self) -> bool | None:
        """True if it always holds, False if never, None if it depends on the point."""
        if self.op == ">":
            return self.expr.is_extended_positive
        if self.op == ">=":
            return self.expr.is_extended_nonnegative
        zero = self.expr.is_zero
        return None if zero is None else not zero
