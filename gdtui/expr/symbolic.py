"""The symbolic half: a :class:`~gdtui.expr.parse.Node` tree -> sympy -> formulas and code.

The functions live in :mod:`~gdtui.expr.sympy_functions`, the code printers in
:mod:`~gdtui.expr.codegen` and the formula printers in :mod:`~gdtui.expr.formulas`;
this module builds the sympy expression and its domain guards and puts the
:class:`~gdtui.expr.spec.CompiledSpec` together.

This module imports sympy and runs **inside the worker process**
(:mod:`gdtui.expr.worker`), never in the main process.  It builds sympy objects
directly from the allowlisted tree (``Symbol(name, real=True)``, ``+ * **``,
``sympy.sin`` ...; no strings are ever parsed), differentiates, and prints:

* formulas for students, with ``^`` for powers (``x^2 + 3*x*y + y^2``);
* Python source for ``scalar_fn`` (``math`` on floats), ``array_fn`` and
  ``hessian_fn`` (numpy), straight-line code after common-subexpression
  elimination, whose arguments are renamed ``_a0, _a1, ...`` so no typed name can
  clash with ``math``, ``numpy`` or a Python keyword.

Functions and their derivatives:

* ``sigmoid(u) = 1/(1 + exp(-u))`` and ``softplus(u) = log(1 + exp(u))`` are
  :class:`~gdtui.expr.sympy_functions.Sigmoid` and ``Softplus``, generated in
  their numerically stable forms; ``log(sigmoid(u))`` is ``-softplus(-u)``;
* ``relu(u)`` is :class:`~gdtui.expr.sympy_functions.Relu` (prints as ``relu``), its derivative ``step(u)``
  (1 for u > 0, else 0: at 0 the derivative is taken as 0, as in PyTorch);
* ``abs(u)`` is :class:`~gdtui.expr.sympy_functions.RealAbs`, sympy's ``Abs`` for real arguments, whose
  derivative is ``sign(u)`` with ``sign(0) = 0``: at 0 the derivative is taken as
  0.  The second derivatives of relu and abs are 0 (everywhere but at 0).

Domain: sympy rewrites ``exp(log(x))`` to ``x`` and ``sqrt(x)^2`` to ``x``, which
would silently give a real value where the typed function is undefined.  So every
``log``/``ln`` argument (> 0), ``sqrt`` argument (>= 0), fractional or variable
power base and divisor (!= 0) of the *typed* tree becomes a guard checked in the
generated code: the math code raises ``ValueError``/``ZeroDivisionError`` (and
turns a ``TypeError`` from a complex intermediate into ``ValueError``), the numpy
code returns nan there.
"""

from __future__ import annotations

import time
from typing import Sequence

import sympy as sp

from gdtui.expr.codegen import function_source
from gdtui.expr.errors import ExprError
from gdtui.expr.formulas import display, formula
from gdtui.expr.guards import Guard
from gdtui.expr.nodes import Node
from gdtui.expr.printing import to_text
from gdtui.expr.spec import CompiledSpec
from gdtui.expr.sympy_functions import SYMPY_CONSTANTS, SYMPY_FUNCTIONS, keep_power, real_parts, stable, stable_log

__all__ = ["build_spec", "to_sympy"]


# ------------------------------------------------------------ tree -> sympy
def to_sympy(node: Node, symbols: dict[str, sp.Symbol]) -> tuple[sp.Expr, list[Guard]]:
    """The sympy expression of a tree and its domain guards (innermost first)."""
    guards: list[Guard] = []

    def walk(n: Node) -> sp.Expr:
        kind = n.kind
        if kind == "num":
            return sp.Integer(n.value) if type(n.value) is int else sp.Float(n.value)
        if kind == "var":
            return symbols[str(n.value)]
        if kind == "const":
            return SYMPY_CONSTANTS[str(n.value)]
        args = [walk(a) for a in n.args]
        return stable(build(n, kind, args))

    def build(n: Node, kind: str, args: list[sp.Expr]) -> sp.Expr:
        if kind == "neg":
            return -args[0]
        if kind == "add":
            return args[0] + args[1]
        if kind == "sub":
            return args[0] - args[1]
        if kind == "mul":
            return args[0] * args[1]
        if kind == "div":
            guards.append(Guard(args[1], "!=", n))
            return args[0] / args[1]
        if kind == "pow":
            base, exponent = args
            whole = exponent.is_integer or (exponent.is_Float and float(exponent).is_integer())
            if not exponent.is_number:
                guards.append(Guard(base, ">", n))
            elif not whole:
                guards.append(Guard(base, ">=" if exponent.is_positive else ">", n))
            elif exponent.is_negative:
                guards.append(Guard(base, "!=", n))
            return keep_power(base, exponent) ** exponent
        fn = str(n.value)
        if fn in ("log", "ln"):
            guards.append(Guard(args[0], ">", n))
            return stable_log(args[0])
        elif fn == "sqrt":
            guards.append(Guard(args[0], ">=", n))
        return SYMPY_FUNCTIONS[fn](args[0])

    return walk(node), guards


def _live_guards(guards: list[Guard]) -> list[Guard]:
    """Guards that depend on the point; ExprError for one that never holds."""
    live, seen = [], set()
    for g in guards:
        g.expr = real_parts(g.expr)
        known = g.known()
        if known is False:
            what, col = to_text(g.node), g.node.col
            if g.op == "!=":
                raise ExprError(f"{what} divides by zero everywhere", "", col)
            bound = "above 0" if g.op == ">" else "at least 0"
            if g.node.kind == "call":
                hint = f"{g.node.value} needs a number {bound}"
            else:
                hint = f"the base of a fractional or variable power must be {bound}"
            raise ExprError(f"{what} is undefined everywhere", "", col, hint)
        if known is None and (g.expr, g.op) not in seen:
            seen.add((g.expr, g.op))
            live.append(g)
    return live


# -------------------------------------------------------------- the spec
def build_spec(
    tree: Node,
    params: Sequence[str],
    columns: Sequence[str] = (),
    *,
    simplify_seconds: float | None = None,
) -> CompiledSpec:
    """Everything the main process needs about a parsed function (see CompiledSpec).

    ``simplify_seconds`` bounds the time spent making derivative formulas shorter
    (None: no bound); the numeric code never depends on it.
    """
    start = time.process_time()
    symbols = {name: sp.Symbol(name, real=True) for name in (*params, *columns)}
    f, guards = to_sympy(tree, symbols)
    f = real_parts(f)
    guards = _live_guards(guards)
    xs = [symbols[p] for p in params]
    arguments = [*xs, *(symbols[c] for c in columns)]
    grad = [real_parts(sp.diff(f, x)) for x in xs]
    if any(e.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I) for e in (f, *grad)):
        raise ExprError("the function is undefined or not real", "", tree.col)
    hess = [[sp.S.Zero] * len(xs) for _ in xs]
    for i, gi in enumerate(grad):
        for j in range(i, len(xs)):
            hess[i][j] = hess[j][i] = real_parts(sp.diff(gi, xs[j]))
    flat_hess = [h for row in hess for h in row]
    value_grad = [f, *grad]
    scalar = None
    if not columns:
        scalar = function_source(
            "scalar_fn", arguments, value_grad, "value-grad", guards, numpy=False
        )
    array = function_source("array_fn", arguments, value_grad, "value-grad", guards, numpy=True)
    hessian = function_source("hessian_fn", arguments, flat_hess, "hessian", guards, numpy=True)
    deadline = None if simplify_seconds is None else start + simplify_seconds
    upper_hess = [hess[i][j] for i in range(len(xs)) for j in range(i, len(xs))]
    shown = display([*grad, *upper_hess], deadline, thorough=len(grad))
    derivatives, upper = shown[: len(xs)], iter(shown[len(xs) :])
    hess_text = [[""] * len(xs) for _ in xs]
    for i in range(len(xs)):
        for j in range(i, len(xs)):
            hess_text[i][j] = hess_text[j][i] = next(upper)
    return CompiledSpec(
        params=tuple(params),
        columns=tuple(columns),
        formula=formula(f),
        derivative_formulas=tuple(derivatives),
        hessian_formulas=tuple(tuple(row) for row in hess_text),
        scalar_source=scalar,
        array_source=array,
        hessian_source=hessian,
    )
