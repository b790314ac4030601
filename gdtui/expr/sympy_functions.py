"""The allowed functions on sympy's side, with the derivatives and stable forms gdtui wants.

Runs inside the worker process only (imports sympy).  ``relu``/``abs`` take
derivative 0 at their kink, as PyTorch does; ``sigmoid``/``softplus`` are their
own functions so the generated code uses the numerically stable forms; ``Paren``
keeps a power sympy would fold into a number beyond the float range.
"""

from __future__ import annotations

import sympy as sp

__all__ = [
    "SYMPY_CONSTANTS", "SYMPY_FUNCTIONS", "Paren", "RealAbs", "Relu", "Sigmoid", "Sign", "Softplus", "Step",
    "keep_power", "real_parts", "stable", "stable_log",
]


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
    :func:`stable`), so cross-entropy stays finite for large weights.
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


def keep_power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """``base`` wrapped in Paren when sympy would fold a constant beyond float range out of it."""
    if not (exponent.is_number and base.is_Mul):
        return base
    coeff, _ = base.as_coeff_Mul()
    try:
        digits = abs(float(sp.log(abs(coeff), 10)) * float(exponent))
    except (TypeError, ValueError, OverflowError):
        return base
    return Paren(base) if coeff != 0 and digits > _BIG_DIGITS else base


def stable(expr: sp.Expr) -> sp.Expr:
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


def stable_log(u: sp.Expr) -> sp.Expr:
    """log with the stable forms: log(sigmoid(u)) = -softplus(-u), log(1 + exp(u)) = softplus(u)."""
    if isinstance(u, Sigmoid):
        return -Softplus(-u.args[0])
    if u.is_Add and len(u.args) == 2 and sp.S.One in u.args:
        other = u.args[0] if u.args[1] == sp.S.One else u.args[1]
        if isinstance(other, sp.exp):
            return Softplus(other.args[0])
    return sp.log(u)


def real_parts(expr: sp.Expr) -> sp.Expr:
    """Swap in the real-argument functions wherever sympy produced its own."""
    return expr.replace(sp.Abs, RealAbs).replace(sp.sign, Sign).replace(
        sp.DiracDelta, lambda *args: sp.S.Zero
    )


SYMPY_FUNCTIONS = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp,
    "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "abs": RealAbs,
    "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh,
    "sigmoid": Sigmoid,
    "relu": Relu,
    "softplus": Softplus,
}  # fmt: skip
SYMPY_CONSTANTS = {"pi": sp.pi, "e": sp.E}
