"""Looking at a point: numerical gradient, Hessian eigenvalues, kind of point, Taylor, 2/λmax.

Used by ``gdtui check`` and the lessons on curvature (why a learning rate above
2/λmax diverges on a quadratic, what Newton's step predicts).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from gdtui.engine.objective import DomainError, Objective

__all__ = [
    "KINDS",
    "CheckResult",
    "check_point",
    "classify",
    "hessian_eigen",
    "max_stable_lr",
    "numerical_gradient",
    "point_description",
    "round_down_125",
    "suggested_lr",
    "taylor1",
    "taylor2",
]

#: What :func:`classify` can answer ("undefined": the Hessian is not finite there).
KINDS = ("minimum", "maximum", "saddle", "degenerate", "undefined")


def numerical_gradient(
    objective: Objective, w: Sequence[float], h: float = 1e-5, rows: np.ndarray | None = None
) -> np.ndarray:
    """Central differences (f(w + h e_i) - f(w - h e_i)) / 2h, one per parameter (nan outside the domain)."""
    if not h > 0:
        raise ValueError(f"step h must be positive, got {h}")
    w0 = [float(x) for x in w]
    out = np.empty(len(w0))
    for i in range(len(w0)):
        up, down = list(w0), list(w0)
        up[i] += h
        down[i] -= h
        out[i] = (objective.value(up, rows) - objective.value(down, rows)) / (2 * h)
    return out


def hessian_eigen(H: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """Eigenvalues of a (symmetrised) Hessian, ascending; nan if H is not finite."""
    A = np.asarray(H, dtype=float)
    A = A.reshape(int(math.isqrt(A.size)), -1) if A.ndim != 2 else A
    if not np.all(np.isfinite(A)):
        return np.full(A.shape[0], np.nan)
    return np.linalg.eigvalsh((A + A.T) / 2)


def classify(H: np.ndarray | Sequence[Sequence[float]], tol: float = 1e-9) -> str:
    """The kind of a stationary point from its Hessian's eigenvalues.

    "saddle" when there is curvature of both signs (even if some is zero);
    otherwise "degenerate" when an eigenvalue is within ``tol`` (relative to the
    largest |eigenvalue|, at least absolute ``tol``) of zero, so second
    derivatives cannot decide (x^4 at 0); "minimum" / "maximum" when all are
    positive / negative; "undefined" when the Hessian is not finite.
    """
    lam = hessian_eigen(H)
    if lam.size == 0 or not np.all(np.isfinite(lam)):
        return "undefined"
    thresh = tol * max(1.0, float(np.abs(lam).max()))
    if lam[0] < -thresh and lam[-1] > thresh:
        return "saddle"
    if np.any(np.abs(lam) <= thresh):
        return "degenerate"
    return "minimum" if lam[0] > 0 else "maximum"


def max_stable_lr(H: np.ndarray | Sequence[Sequence[float]]) -> float:
    """2/λmax: the largest learning rate for which gradient descent on this quadratic does not diverge.

    inf when no eigenvalue is positive (no direction in which a step can overshoot).
    """
    lam = hessian_eigen(H)
    top = float(lam[-1]) if lam.size else math.nan
    if math.isnan(top):
        return math.nan
    return 2.0 / top if top > 0 else math.inf


def taylor1(objective: Objective, w0: Sequence[float], w: Sequence[float]) -> float:
    """First-order prediction f(w0) + ∇f(w0)·(w - w0)."""
    f0, g0 = objective.value_grad([float(x) for x in w0])
    d = np.asarray(w, dtype=float) - np.asarray(w0, dtype=float)
    return float(f0 + np.dot(g0, d))


def taylor2(objective: Objective, w0: Sequence[float], w: Sequence[float]) -> float:
    """Second-order prediction f(w0) + ∇f(w0)·d + ½ dᵀ H(w0) d with d = w - w0 (exact for quadratics)."""
    w0f = [float(x) for x in w0]
    f0, g0 = objective.value_grad(w0f)
    H = objective.hessian(w0f)
    d = np.asarray(w, dtype=float) - np.asarray(w0f)
    return float(f0 + np.dot(g0, d) + 0.5 * d @ H @ d)


@dataclass(frozen=True)
class CheckResult:
    """What ``gdtui check`` prints about f at one point."""

    value: float
    gradient: list[float]
    numerical_gradient: list[float]
    max_abs_error: float
    hessian: list[list[float]]
    eigenvalues: list[float]
    kind: str  # of the Hessian: see classify; meaningful as a point type when stationary
    stationary: bool = False  # |gradient| small: the kind names the point
    max_stable_lr: float = math.nan  # 2/λmax of the local quadratic model
    domain_error: str | None = None  # f or its gradient is not defined at the point
    suggested_lr: float | None = None  # 1/λmax rounded down to 1, 2 or 5 × 10^n


def check_point(objective: Objective, w: Sequence[float], h: float = 1e-5) -> CheckResult:
    """Value, symbolic and numerical gradient, Hessian, eigenvalues and kind at w (full data set)."""
    wf = [float(x) for x in w]
    domain_error = None
    try:
        value, grad = objective.value_grad(wf)
    except DomainError as exc:
        value, grad = math.nan, [math.nan] * len(wf)
        domain_error = str(exc) or "outside the domain of the function"
    num = numerical_gradient(objective, wf, h)
    err = float(np.max(np.abs(np.asarray(grad) - num))) if len(wf) else 0.0
    H = objective.hessian(wf)
    lam = hessian_eigen(H)
    gnorm = math.hypot(*grad) if all(math.isfinite(g) for g in grad) else math.inf
    scale = max(1.0, abs(value)) if math.isfinite(value) else 1.0
    return CheckResult(
        value=float(value),
        gradient=[float(g) for g in grad],
        numerical_gradient=num.tolist(),
        max_abs_error=err,
        hessian=H.tolist(),
        eigenvalues=lam.tolist(),
        kind=classify(H),
        stationary=gnorm <= 1e-8 * scale,
        max_stable_lr=max_stable_lr(H),
        domain_error=domain_error,
        suggested_lr=_suggest_from_eigen(lam),
    )


#: How the Hessian looks at a point that is not stationary (the kind of a point is
#: only defined where the gradient is zero).
_CURVATURE = {
    "minimum": "the Hessian is positive definite here (locally convex)",
    "maximum": "the Hessian is negative definite here (locally concave)",
    "saddle": "the Hessian is indefinite here (curves up one way and down another)",
    "degenerate": "the Hessian is singular here (flat in some direction)",
    "undefined": "the Hessian is not finite here",
}


def point_description(result: CheckResult) -> str:
    """What kind of point this is, in words: the kind only where the gradient is zero,
    else what the curvature says (e.g. "not a stationary point; the Hessian is positive
    definite here (locally convex)")."""
    if result.stationary:
        return f"{result.kind} (the gradient is zero here)"
    return f"not a stationary point; {_CURVATURE.get(result.kind, result.kind)}"


def round_down_125(x: float) -> float:
    """The largest 1, 2 or 5 × 10^n that is ≤ x (x > 0): 0.37 -> 0.2, 0.5 -> 0.5."""
    if not (x > 0 and math.isfinite(x)):
        raise ValueError(f"need a positive finite number, got {x}")
    e = math.floor(math.log10(x))
    for m in (5, 2, 1):
        v = float(f"{m}e{e}")  # exact decimal spelling: 0.2, not 2 * 0.1
        if v <= x * (1 + 1e-12):
            return v
    return float(f"5e{e - 1}")


def _suggest_from_eigen(lam: np.ndarray) -> float | None:
    top = float(lam[-1]) if lam.size else math.nan
    if not (math.isfinite(top) and top > 0):
        return None
    return round_down_125(1.0 / top)


def suggested_lr(objective: Objective, w: Sequence[float]) -> float | None:
    """A learning rate from the curvature at w: 1/λmax of the Hessian, rounded down to
    1, 2 or 5 × a power of ten (half the 2/λmax limit of the local quadratic, so the
    first steps neither stall nor overshoot).  None when no direction curves upwards
    or the Hessian is not finite there."""
    try:
        H = objective.hessian([float(x) for x in w])
    except ArithmeticError:
        return None
    return _suggest_from_eigen(hessian_eigen(H))
