"""Formulas for students: ``^`` for powers, the names they type, as short as time allows.

Runs inside the worker process only (imports sympy).  Making a derivative formula
shorter (one denominator, common factors out) is bounded in CPU time; the
numeric code never depends on it.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import sympy as sp
from sympy.printing.str import StrPrinter

from gdtui.expr.sympy_functions import real_parts

__all__ = ["MAX_FORMULA_CHARS", "MAX_FORMULA_NODES", "bigger_than", "display", "formula"]


def _short_float(value: float) -> str:
    mantissa, _, exponent = repr(float(value)).partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa  # 1e-07 -> 1e-7


class _FormulaPrinter(StrPrinter):
    """sympy's str printer with the names students type (``e``, ``abs``, ``relu``)."""

    def _print_Float(self, expr):
        return _short_float(expr)

    def _print_Exp1(self, expr):
        return "e"

    def _print_Abs(self, expr):
        return f"abs({self._print(expr.args[0])})"

    _print_RealAbs = _print_Abs

    def _print_Sign(self, expr):
        return f"sign({self._print(expr.args[0])})"

    def _print_Relu(self, expr):
        return f"relu({self._print(expr.args[0])})"

    def _print_Step(self, expr):
        return f"step({self._print(expr.args[0])})"

    def _print_Sigmoid(self, expr):
        return f"sigmoid({self._print(expr.args[0])})"

    def _print_Softplus(self, expr):
        return f"softplus({self._print(expr.args[0])})"

    def _print_Paren(self, expr):
        return f"({self._print(expr.args[0])})"


_FORMULA = _FormulaPrinter()
_FORMULA_UNSORTED = _FormulaPrinter({"order": "none"})
#: Formulas of more nodes are printed unsorted (sorting terms is slow) and cut short.
MAX_FORMULA_NODES = 400
MAX_FORMULA_CHARS = 400


def bigger_than(expr: sp.Expr, nodes: int) -> bool:
    return any(i >= nodes for i, _ in enumerate(sp.preorder_traversal(expr)))


def formula(expr: sp.Expr) -> str:
    """A formula as students write it: ``^`` for powers, ``e``, ``abs``, ``relu``.

    A huge one (more than MAX_FORMULA_NODES nodes) is cut after MAX_FORMULA_CHARS
    characters, ending in ``...``.
    """
    if not bigger_than(expr, MAX_FORMULA_NODES):
        return _FORMULA.doprint(expr).replace("**", "^")
    text = _FORMULA_UNSORTED.doprint(expr).replace("**", "^")
    return text if len(text) <= MAX_FORMULA_CHARS else text[: MAX_FORMULA_CHARS - 3] + "..."


# --------------------------------------------------------- display budget
class _OutOfTime(BaseException):
    """Time is up (a BaseException, so sympy's own ``except Exception`` cannot swallow it)."""


@contextmanager
def _time_limit(deadline: float | None) -> Iterator[None]:
    """Interrupt the body with _OutOfTime at ``deadline`` (time.process_time; None: no limit).

    CPU time, like the worker's limit, so a busy server does not shorten the work:
    a SIGVTALRM timer (``ITIMER_VIRTUAL``), only in the main thread (the worker's);
    elsewhere a deadline means the body is skipped.
    """
    if deadline is None:
        yield
        return
    remaining = deadline - time.process_time()
    main = threading.current_thread() is threading.main_thread()
    if remaining <= 0 or not main or not hasattr(signal, "setitimer"):
        raise _OutOfTime

    def alarm(signum, frame):
        raise _OutOfTime("interrupted")

    previous = signal.signal(signal.SIGVTALRM, alarm)
    signal.setitimer(signal.ITIMER_VIRTUAL, remaining)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def _functions(expr: sp.Expr) -> set[type]:
    return {type(a) for a in expr.atoms(sp.Function)}


def _factored(expr: sp.Expr) -> sp.Expr:
    return sp.factor_terms(sp.together(expr))


def _shortest_formula(expr: sp.Expr, deadline: float | None, thorough: bool) -> str:
    """The shortest formula among ``expr`` and tidier forms of it, as time allows.

    Tidier forms: over one denominator with common factors pulled out and, if
    ``thorough``, polynomial cancellation.  (sympy's ``simplify`` is 10-50 times
    slower and imports sympy.physics on first use.)  A form that brings in new
    functions is not taken: students should recognise their function.
    """
    best = formula(expr)
    if bigger_than(expr, MAX_FORMULA_NODES):
        return best
    allowed = _functions(expr)
    for tidy in (_factored, sp.cancel) if thorough else (_factored,):
        with _time_limit(deadline):
            candidate = real_parts(tidy(expr))
        if _functions(candidate) <= allowed:
            text = formula(candidate)
            if len(text) < len(best):
                best = text
    return best


def display(exprs: list[sp.Expr], deadline: float | None, thorough: int) -> list[str]:
    """Formulas of derivatives; the first ``thorough`` ones may be fully simplified."""
    out = []
    for i, expr in enumerate(exprs):
        try:
            out.append(_shortest_formula(expr, deadline, i < thorough))
        except _OutOfTime as exc:
            if exc.args:  # interrupted mid-way: drop what sympy half-cached
                sp.core.cache.clear_cache()
            deadline = 0.0  # out of time: show the rest as they are
            out.append(formula(expr))
    return out
