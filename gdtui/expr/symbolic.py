"""The symbolic half: a :class:`~gdtui.expr.parse.Node` tree -> sympy -> formulas and code.

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

* ``sigmoid(u) = 1/(1 + exp(-u))``, ``softplus(u) = log(1 + exp(u))``;
* ``relu(u)`` is :class:`Relu` (prints as ``relu``), its derivative ``step(u)``
  (1 for u > 0, else 0: at 0 the derivative is taken as 0, as in PyTorch);
* ``abs(u)`` is :class:`RealAbs`, sympy's ``Abs`` for real arguments, whose
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

import math
import signal
import threading
import time
from contextlib import contextmanager
from fractions import Fraction
from typing import Iterator, Sequence

import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import PythonCodePrinter
from sympy.printing.str import StrPrinter

from gdtui.expr.errors import ExprError
from gdtui.expr.nodes import Node
from gdtui.expr.printing import to_text
from gdtui.expr.spec import CompiledSpec

__all__ = [
    "Paren", "Relu", "RealAbs", "Sigmoid", "Sign", "Softplus", "Step", "build_spec", "formula", "to_sympy",
]


# --------------------------------------------------------------- functions
class Step(sp.Function):
    """step(u): 1 for u > 0, else 0 (the derivative of relu; 0 at 0). Its derivative is 0."""

    nargs = 1

    @classmethod
    def eval(cls, u):  # noqa: D102
        if u.is_extended_positive:
            return sp.S.One
        if u.is_extended_nonpositive:
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):  # noqa: D102
        return sp.S.Zero

    def _eval_is_extended_real(self):
        return True

    def _eval_is_extended_nonnegative(self):
        return True


class Relu(sp.Function):
    """relu(u) = max(u, 0); derivative step(u), taken as 0 at u = 0."""

    nargs = 1

    @classmethod
    def eval(cls, u):  # noqa: D102
        if u.is_extended_nonnegative:
            return u
        if u.is_extended_nonpositive:
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):  # noqa: D102
        return Step(self.args[0])

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

    def _eval_is_extended_nonnegative(self):
        return self.args[0].is_extended_real or None


class Sign(sp.Function):
    """sign(u) for real u: -1, 0 or 1 (the derivative of abs; 0 at 0). Its derivative is 0."""

    nargs = 1

    @classmethod
    def eval(cls, u):  # noqa: D102
        if u.is_zero:
            return sp.S.Zero
        if u.is_extended_positive:
            return sp.S.One
        if u.is_extended_negative:
            return sp.S.NegativeOne
        if u.could_extract_minus_sign():
            return -cls(-u)
        return None

    def fdiff(self, argindex=1):  # noqa: D102
        return sp.S.Zero

    def _eval_is_extended_real(self):
        return True


class RealAbs(sp.Function):
    """abs(u) for real u; derivative sign(u), taken as 0 at u = 0.

    sympy's own ``Abs`` differentiates an argument it cannot prove real into
    ``re``/``im`` terms; inside the (guarded) domain every argument is real.
    """

    nargs = 1

    @classmethod
    def eval(cls, u):  # noqa: D102
        if u.is_extended_nonnegative:
            return u
        if u.is_extended_nonpositive:
            return -u
        if u.could_extract_minus_sign():
            return cls(-u)
        return None

    def fdiff(self, argindex=1):  # noqa: D102
        return Sign(self.args[0])

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

    def _eval_is_extended_nonnegative(self):
        return self.args[0].is_extended_real or None


class Sigmoid(sp.Function):
    """sigmoid(u) = 1/(1 + exp(-u)); derivative sigmoid(u)*sigmoid(-u) = σ(1 - σ).

    Its own function (not ``1/(1 + exp(-u))``) so the generated code can use the
    numerically stable form ``exp(-softplus(-u))``: no overflow of ``exp(-u)`` for
    u = -800, full precision for sigmoid(-40) ~ 4e-18.  ``1 - sigmoid(u)`` is kept
    as ``sigmoid(-u)`` and ``log(sigmoid(u))`` as ``-softplus(-u)`` (see
    :func:`_stable`), so cross-entropy stays finite for large weights.
    """

    nargs = 1

    @classmethod
    def eval(cls, u):  # noqa: D102
        if u.is_zero:
            return sp.S.Half
        return None

    def fdiff(self, argindex=1):  # noqa: D102
        u = self.args[0]
        return Sigmoid(u) * Sigmoid(-u)

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return 1 / (1 + sp.exp(-u))

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

    def _eval_is_extended_positive(self):
        return self.args[0].is_extended_real or None


class Softplus(sp.Function):
    """softplus(u) = log(1 + exp(u)); derivative sigmoid(u).

    Generated as ``max(u, 0) + log1p(exp(-|u|))`` (numpy: ``logaddexp(0, u)``): no
    overflow for large u, full precision for very negative u.
    """

    nargs = 1

    @classmethod
    def eval(cls, u):  # noqa: D102
        return None

    def fdiff(self, argindex=1):  # noqa: D102
        return Sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return sp.log(1 + sp.exp(u))

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

    def _eval_is_extended_positive(self):
        return self.args[0].is_extended_real or None


class Paren(sp.Function):
    """``(u)`` kept as it is: a base whose power sympy must not multiply out.

    sympy turns ``(10000*x)^84`` into ``10000^84 * x^84``, an integer of 337 digits
    that no float holds (OverflowError, or inf*0 = nan at x = 0).  Wrapped, the
    power is computed in floats as typed: 0 at x = 0, an overflow (diverged) only
    where the value really is beyond the float range.  Derivative 1.
    """

    nargs = 1

    @classmethod
    def eval(cls, u):  # noqa: D102
        if u.is_Number:
            return u
        return None

    def fdiff(self, argindex=1):  # noqa: D102
        return sp.S.One

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

    def _eval_is_extended_positive(self):
        return self.args[0].is_extended_positive

    def _eval_is_extended_negative(self):
        return self.args[0].is_extended_negative

    def _eval_is_zero(self):
        return self.args[0].is_zero


#: A power whose constant factor would grow beyond this many decimal digits is
#: kept unexpanded (Paren): floats end near 1e308.
_BIG_DIGITS = 200


def _keep_power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """``base`` wrapped in Paren when sympy would fold a constant beyond float range out of it."""
    if not (exponent.is_number and base.is_Mul):
        return base
    coeff, _ = base.as_coeff_Mul()
    try:
        digits = abs(float(sp.log(abs(coeff), 10)) * float(exponent))
    except (TypeError, ValueError, OverflowError):
        return base
    return Paren(base) if coeff != 0 and digits > _BIG_DIGITS else base


def _stable(expr: sp.Expr) -> sp.Expr:
    """``1 - sigmoid(u)`` as ``sigmoid(-u)`` (no cancellation to 0 for large u)."""
    if not expr.is_Add or not expr.has(Sigmoid):
        return expr
    terms = list(expr.args)
    if sp.S.One not in terms:
        return expr
    for i, t in enumerate(terms):
        if t.is_Mul and len(t.args) == 2 and t.args[0] == -1 and isinstance(t.args[1], Sigmoid):
            rest = [a for j, a in enumerate(terms) if j != i]
            rest.remove(sp.S.One)
            return sp.Add(Sigmoid(-t.args[1].args[0]), *rest)
    return expr


def _log(u: sp.Expr) -> sp.Expr:
    """log with the stable forms: log(sigmoid(u)) = -softplus(-u), log(1 + exp(u)) = softplus(u)."""
    if isinstance(u, Sigmoid):
        return -Softplus(-u.args[0])
    if u.is_Add and len(u.args) == 2 and sp.S.One in u.args:
        other = u.args[0] if u.args[1] == sp.S.One else u.args[1]
        if isinstance(other, sp.exp):
            return Softplus(other.args[0])
    return sp.log(u)


def _real_parts(expr: sp.Expr) -> sp.Expr:
    """Swap in the real-argument functions wherever sympy produced its own."""
    return expr.replace(sp.Abs, RealAbs).replace(sp.sign, Sign).replace(
        sp.DiracDelta, lambda *args: sp.S.Zero
    )


_FUNCTIONS = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp,
    "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "abs": RealAbs,
    "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh,
    "sigmoid": Sigmoid,
    "relu": Relu,
    "softplus": Softplus,
}  # fmt: skip
_CONSTANTS = {"pi": sp.pi, "e": sp.E}


# ------------------------------------------------------------ tree -> sympy
class _Guard:
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


def to_sympy(node: Node, symbols: dict[str, sp.Symbol]) -> tuple[sp.Expr, list[_Guard]]:
    """The sympy expression of a tree and its domain guards (innermost first)."""
    guards: list[_Guard] = []

    def walk(n: Node) -> sp.Expr:
        kind = n.kind
        if kind == "num":
            return sp.Integer(n.value) if type(n.value) is int else sp.Float(n.value)
        if kind == "var":
            return symbols[str(n.value)]
        if kind == "const":
            return _CONSTANTS[str(n.value)]
        args = [walk(a) for a in n.args]
        return _stable(build(n, kind, args))

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
            guards.append(_Guard(args[1], "!=", n))
            return args[0] / args[1]
        if kind == "pow":
            base, exponent = args
            whole = exponent.is_integer or (exponent.is_Float and float(exponent).is_integer())
            if not exponent.is_number:
                guards.append(_Guard(base, ">", n))
            elif not whole:
                guards.append(_Guard(base, ">=" if exponent.is_positive else ">", n))
            elif exponent.is_negative:
                guards.append(_Guard(base, "!=", n))
            return _keep_power(base, exponent) ** exponent
        fn = str(n.value)
        if fn in ("log", "ln"):
            guards.append(_Guard(args[0], ">", n))
            return _log(args[0])
        elif fn == "sqrt":
            guards.append(_Guard(args[0], ">=", n))
        return _FUNCTIONS[fn](args[0])

    return walk(node), guards


def _live_guards(guards: list[_Guard]) -> list[_Guard]:
    """Guards that depend on the point; ExprError for one that never holds."""
    live, seen = [], set()
    for g in guards:
        g.expr = _real_parts(g.expr)
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


# ----------------------------------------------------------------- printing
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


def _bigger_than(expr: sp.Expr, nodes: int) -> bool:
    return any(i >= nodes for i, _ in enumerate(sp.preorder_traversal(expr)))


def formula(expr: sp.Expr) -> str:
    """A formula as students write it: ``^`` for powers, ``e``, ``abs``, ``relu``.

    A huge one (more than MAX_FORMULA_NODES nodes) is cut after MAX_FORMULA_CHARS
    characters, ending in ``...``.
    """
    if not _bigger_than(expr, MAX_FORMULA_NODES):
        return _FORMULA.doprint(expr).replace("**", "^")
    text = _FORMULA_UNSORTED.doprint(expr).replace("**", "^")
    return text if len(text) <= MAX_FORMULA_CHARS else text[: MAX_FORMULA_CHARS - 3] + "..."


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
    guards: Sequence[_Guard],
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
    if _bigger_than(expr, MAX_FORMULA_NODES):
        return best
    allowed = _functions(expr)
    for tidy in (_factored, sp.cancel) if thorough else (_factored,):
        with _time_limit(deadline):
            candidate = _real_parts(tidy(expr))
        if _functions(candidate) <= allowed:
            text = formula(candidate)
            if len(text) < len(best):
                best = text
    return best


def _display(exprs: list[sp.Expr], deadline: float | None, thorough: int) -> list[str]:
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
    f = _real_parts(f)
    guards = _live_guards(guards)
    xs = [symbols[p] for p in params]
    arguments = [*xs, *(symbols[c] for c in columns)]
    grad = [_real_parts(sp.diff(f, x)) for x in xs]
    if any(e.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I) for e in (f, *grad)):
        raise ExprError("the function is undefined or not real", "", tree.col)
    hess = [[sp.S.Zero] * len(xs) for _ in xs]
    for i, gi in enumerate(grad):
        for j in range(i, len(xs)):
            hess[i][j] = hess[j][i] = _real_parts(sp.diff(gi, xs[j]))
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
    shown = _display([*grad, *upper_hess], deadline, thorough=len(grad))
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
