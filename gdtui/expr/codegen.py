"""Python source of ``scalar_fn`` (math on floats), ``array_fn`` and ``hessian_fn`` (numpy).

Runs inside the worker process only (imports sympy).  Straight-line code after
common-subexpression elimination, arguments renamed ``_a0, _a1, ...`` so no typed
name can clash with ``math``, ``numpy`` or a Python keyword; domain guards become
``raise ValueError`` (math) or ``nan`` (numpy).  Integers beyond 2^53 are written
as floats, so the code always computes in floats.  What it can emit is exactly
what :mod:`gdtui.expr.codecheck` accepts: change both together, and raise
:data:`~gdtui.expr.spec.GENERATOR_VERSION`.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Sequence

import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import PythonCodePrinter

if TYPE_CHECKING:
    from gdtui.expr.guards import Guard

__all__ = ["function_source"]


def _float_literal(value: float, module: str) -> str:
    """A float for generated code; beyond the float range: ``module.inf``."""
    if math.isinf(value):
        return f"{'-' if value < 0 else ''}{module}.inf"
    return repr(value)


def _number(expr: sp.Rational, module: str) -> str | None:
    """A rational as a float literal when Python would compute with a big integer; else None."""
    p, q = int(expr.p), int(expr.q)
    if abs(p) <= _EXACT and q <= _EXACT:
        return None
    try:
        value = float(Fraction(p, q))
    except OverflowError:
        value = math.inf if p > 0 else -math.inf
    return _float_literal(value, module)


#: Integers up to this are exact floats; beyond it generated code uses float literals.
_EXACT = 2**53


class _MathPrinter(PythonCodePrinter):
    """Python source on floats with the math module."""

    def _print_Relu(self, expr):
        return f"max({self._print(expr.args[0])}, 0.0)"

    def _print_Step(self, expr):
        return f"(1.0 if {self._print(expr.args[0])} > 0 else 0.0)"

    def _print_RealAbs(self, expr):
        return f"abs({self._print(expr.args[0])})"

    def _print_Sign(self, expr):
        arg = self._print(expr.args[0])
        return f"(0.0 if {arg} == 0 else math.copysign(1.0, {arg}))"

    def _print_Sigmoid(self, expr):
        u = self._print(expr.args[0])  # exp(-softplus(-u)): stable for every u
        return f"math.exp(-(max(-({u}), 0.0) + math.log1p(math.exp(-abs({u})))))"

    def _print_Softplus(self, expr):
        u = self._print(expr.args[0])
        return f"(max({u}, 0.0) + math.log1p(math.exp(-abs({u}))))"

    def _print_Paren(self, expr):
        return f"({self._print(expr.args[0])})"

    def _print_Integer(self, expr):
        return _number(expr, "math") or super()._print_Integer(expr)

    def _print_Rational(self, expr):
        return _number(expr, "math") or super()._print_Rational(expr)

    def _print_Float(self, expr):
        return _float_literal(float(expr), "math")


class _NumpyPrinter(NumPyPrinter):
    """Python source on numpy arrays."""

    def _print_Relu(self, expr):
        return f"numpy.maximum({self._print(expr.args[0])}, 0.0)"

    def _print_Step(self, expr):
        return f"numpy.heaviside({self._print(expr.args[0])}, 0.0)"

    def _print_RealAbs(self, expr):
        return f"numpy.abs({self._print(expr.args[0])})"

    def _print_Sign(self, expr):
        return f"numpy.sign({self._print(expr.args[0])})"

    def _print_Sigmoid(self, expr):
        return f"numpy.exp(-numpy.logaddexp(0.0, -({self._print(expr.args[0])})))"

    def _print_Softplus(self, expr):
        return f"numpy.logaddexp(0.0, {self._print(expr.args[0])})"

    def _print_Paren(self, expr):
        return f"({self._print(expr.args[0])})"

    def _print_Integer(self, expr):
        return _number(expr, "numpy") or super()._print_Integer(expr)

    def _print_Rational(self, expr):
        return _number(expr, "numpy") or super()._print_Rational(expr)

    def _print_Float(self, expr):
        return _float_literal(float(expr), "numpy")


_GUARD_FAILS = {">": "not ({} > 0)", ">=": "not ({} >= 0)", "!=": "{} == 0"}
_GUARD_HOLDS = {">": "({} > 0)", ">=": "({} >= 0)", "!=": "({} != 0)"}
_GUARD_RAISES = {">": "ValueError", ">=": "ValueError", "!=": "ZeroDivisionError"}
_PRINTER_SETTINGS = {"fully_qualified_modules": True, "strict": True}


def _tuple(items: Sequence[str]) -> str:
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def _nest(flat: Sequence[str], shape: str) -> str:
    """``(f, (g0, g1))`` for shape "value-grad", ``((h00, h01), (h10, h11))`` for "hessian"."""
    if shape == "value-grad":
        return f"({flat[0]}, {_tuple(flat[1:])})"
    d = round(len(flat) ** 0.5)
    return _tuple([_tuple(flat[i * d : (i + 1) * d]) for i in range(d)])


def function_source(
    name: str,
    arguments: Sequence[sp.Symbol],
    outputs: Sequence[sp.Expr],
    shape: str,
    guards: "Sequence[Guard]",
    *,
    numpy: bool,
) -> str:
    """Straight-line Python source of one function (after cse), arguments ``_a0, _a1, ...``."""
    rename = {s: sp.Symbol(f"_a{i}", real=True) for i, s in enumerate(arguments)}
    exprs = [sp.sympify(e).xreplace(rename) for e in outputs]
    checks = [g.expr.xreplace(rename) for g in guards]
    temps, reduced = sp.cse(exprs + checks, symbols=sp.numbered_symbols("_t"), order="none")
    printer = (_NumpyPrinter if numpy else _MathPrinter)(dict(_PRINTER_SETTINGS))
    names = [f"_a{i}" for i in range(len(arguments))]
    args = ", ".join(names)
    body = []
    if numpy:  # floats, so a negative base to a fractional power is nan, never complex
        body += [f"{a} = numpy.asarray({a}, dtype=numpy.float64)" for a in names]
    body += [f"{t} = {printer.doprint(e)}" for t, e in temps]
    values = [printer.doprint(e) for e in reduced[: len(exprs)]]
    tests = [printer.doprint(e) for e in reduced[len(exprs) :]]
    if numpy:
        if guards:
            body.append(
                "_ok = " + " & ".join(_GUARD_HOLDS[g.op].format(t) for g, t in zip(guards, tests))
            )
            values = [f"numpy.where(_ok, {v}, numpy.nan)" for v in values]
        body.append(f"return {_nest(values, shape)}")
        lines = [f"def {name}({args}):", *("    " + line for line in body)]
    else:
        for g, t in zip(guards, tests):
            error = _GUARD_RAISES[g.op]
            body.append(f"if {_GUARD_FAILS[g.op].format(t)}: raise {error}('outside the domain')")
        body.append(f"return {_nest(values, shape)}")
        lines = [
            f"def {name}({args}):",
            "    try:",
            *("        " + line for line in body),
            "    except TypeError:  # a complex intermediate: outside the real domain",
            "        raise ValueError('outside the domain') from None",
        ]
    return "\n".join(lines) + "\n"
