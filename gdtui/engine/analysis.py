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
    "H_SWEEP",
    "KINDS",
    "CheckResult",
    "Curvature",
    "GradCheck",
    "StepAnalysis",
    "SweepRow",
    "best_h",
    "check_point",
    "classify",
    "curvature",
    "forward_difference",
    "gradcheck",
    "h_sweep",
    "hessian_eigen",
    "local_convexity",
    "max_stable_lr",
    "newton_step",
    "numerical_gradient",
    "point_description",
    "round_down_125",
    "suggested_lr",
    "step_analysis",
    "taylor1",
    "taylor2",
    "taylor_curves",
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


# ------------------------------------------------------------------ the choice of h
#: The steps of an h sweep: 1e-1, 1e-2, ..., 1e-12.
H_SWEEP: tuple[float, ...] = tuple(float(f"1e-{k}") for k in range(1, 13))


def forward_difference(
    objective: Objective, w: Sequence[float], h: float = 1e-5, rows: np.ndarray | None = None
) -> np.ndarray:
    """Forward differences (f(w + h e_i) - f(w)) / h, one per parameter (nan outside the domain)."""
    if not h > 0:
        raise ValueError(f"step h must be positive, got {h}")
    w0 = [float(x) for x in w]
    f0 = objective.value(w0, rows)
    out = np.empty(len(w0))
    for i in range(len(w0)):
        up = list(w0)
        up[i] += h
        out[i] = (objective.value(up, rows) - f0) / h
    return out


def _max_error(numerical: np.ndarray, analytic: Sequence[float]) -> float:
    """max over components of |numerical - analytic| (nan if any is not finite)."""
    if len(numerical) == 0:
        return 0.0
    with np.errstate(all="ignore"):
        err = np.abs(np.asarray(numerical, dtype=float) - np.asarray(analytic, dtype=float))
    return float(err.max()) if np.all(np.isfinite(err)) else math.nan


def _analytic(objective: Objective, w: Sequence[float]) -> list[float]:
    try:
        return objective.value_grad([float(x) for x in w])[1]
    except DomainError:
        return [math.nan] * len(w)


@dataclass(frozen=True)
class GradCheck:
    """Analytic against numerical partials at one point for one h (one entry per parameter)."""

    h: float
    analytic: list[float]
    forward: list[float]
    central: list[float]
    forward_errors: list[float]  # |forward - analytic| per parameter
    central_errors: list[float]


def gradcheck(objective: Objective, w: Sequence[float], h: float) -> GradCheck:
    """Per parameter: ∂f/∂w_i, the forward and the central difference with step h, and their errors."""
    g = _analytic(objective, w)
    fwd = forward_difference(objective, w, h)
    cen = numerical_gradient(objective, w, h)
    with np.errstate(all="ignore"):
        fe = np.abs(fwd - np.asarray(g, dtype=float))
        ce = np.abs(cen - np.asarray(g, dtype=float))
    return GradCheck(h, [float(x) for x in g], fwd.tolist(), cen.tolist(), fe.tolist(), ce.tolist())


@dataclass(frozen=True)
class SweepRow:
    """Both differences for one h; errors are the max over components of |numerical - analytic|."""

    h: float
    forward: list[float]
    central: list[float]
    forward_error: float
    central_error: float


def h_sweep(objective: Objective, w: Sequence[float], hs: Sequence[float] = H_SWEEP) -> list[SweepRow]:
    """Forward and central differences for each h: truncation error for large h, round-off for tiny h."""
    g = _analytic(objective, w)
    rows = []
    for h in hs:
        fwd = forward_difference(objective, w, h)
        cen = numerical_gradient(objective, w, h)
        rows.append(SweepRow(float(h), fwd.tolist(), cen.tolist(), _max_error(fwd, g), _max_error(cen, g)))
    return rows


def best_h(rows: Sequence[SweepRow], which: str = "central") -> float | None:
    """The h with the smallest error of one difference (the bottom of the V); None if none is finite.

    Among equal errors (an exact difference, e.g. central on a quadratic) the largest h wins.
    """
    errors = [(getattr(r, f"{which}_error"), -r.h) for r in rows]
    finite = [(e, negh) for e, negh in errors if math.isfinite(e)]
    if not finite:
        return None
    return -min(finite)[1]


# ------------------------------------------------------------------ curvature, Taylor and Newton
def newton_step(gradient: Sequence[float], H: np.ndarray | Sequence[Sequence[float]],
                tol: float = 1e-9) -> tuple[list[float] | None, str]:
    """Newton's step −H⁻¹g, or (None, why) when H is not finite, singular or not positive definite.

    The reason is empty when the step exists.  Not positive definite: the step
    would head for a saddle or a maximum of the local quadratic, not a minimum.
    """
    A = np.asarray(H, dtype=float)
    g = np.asarray(gradient, dtype=float)
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(g))):
        return None, "the gradient or Hessian is not finite here"
    lam = hessian_eigen(A)
    thresh = tol * max(1.0, float(np.abs(lam).max())) if lam.size else tol
    if np.any(np.abs(lam) <= thresh):
        return None, "the Hessian is singular (an eigenvalue is 0): H has no inverse"
    if lam[0] < 0:
        shown = ", ".join(f"{v:.4g}" for v in lam)
        return None, (f"the Hessian is not positive definite (eigenvalues {shown}): "
                      "it would head for a saddle or maximum")
    step = -np.linalg.solve((A + A.T) / 2, g)
    return [float(x) + 0.0 for x in step], ""


@dataclass(frozen=True)
class StepAnalysis:
    """The next plain gradient step Δ = −lr·g and what Taylor predicts for it, beside Newton's step."""

    lr: float
    gradient_step: list[float]
    newton_step: list[float] | None
    newton_reason: str  # why there is no Newton step ("" when there is one)
    value: float  # f(w)
    linear: float  # f + g·Δ
    quadratic: float  # f + g·Δ + ½ΔᵀHΔ
    actual: float  # f(w + Δ)


def step_analysis(objective: Objective, w: Sequence[float], lr: float) -> StepAnalysis:
    """Gradient step, Newton step and the first/second-order Taylor predictions of f after the gradient step."""
    if not lr > 0 or not math.isfinite(lr):
        raise ValueError(f"learning rate must be positive and finite, got {lr}")
    wf = [float(x) for x in w]
    try:
        f0, g = objective.value_grad(wf)
    except DomainError:
        f0, g = math.nan, [math.nan] * len(wf)
    ga = np.asarray(g, dtype=float)
    H = objective.hessian(wf)
    with np.errstate(all="ignore"):
        d = -lr * ga
        linear = float(f0 + ga @ d)
        quadratic = float(linear + 0.5 * d @ H @ d)
    actual = objective.value((np.asarray(wf) + d).tolist())
    newton, why = newton_step(g, H)
    return StepAnalysis(lr=float(lr), gradient_step=[float(x) + 0.0 for x in d], newton_step=newton,
                        newton_reason=why, value=float(f0), linear=linear, quadratic=quadratic,
                        actual=float(actual))


def local_convexity(eigenvalues: Sequence[float], tol: float = 1e-9) -> str:
    """What the Hessian says about the shape near a point: convex, concave, saddle-shaped or flat."""
    lam = np.asarray(eigenvalues, dtype=float)
    if lam.size == 0 or not np.all(np.isfinite(lam)):
        return "undefined (the Hessian is not finite here)"
    thresh = tol * max(1.0, float(np.abs(lam).max()))
    if lam[0] > thresh:
        return "locally convex (all curvatures > 0)"
    if lam[-1] < -thresh:
        return "locally concave (all curvatures < 0)"
    if lam[0] < -thresh and lam[-1] > thresh:
        return "neither: curves up one way and down another"
    return "flat in some direction (an eigenvalue is 0)"


@dataclass(frozen=True)
class Curvature:
    """Everything the curvature panel shows about one point."""

    w: list[float]
    value: float
    gradient: list[float]
    hessian: list[list[float]]
    eigenvalues: list[float]  # ascending
    eigenvectors: list[list[float]]  # eigenvectors[i] belongs to eigenvalues[i]
    kind: str  # see classify
    stationary: bool
    convexity: str  # see local_convexity
    max_stable_lr: float
    step: StepAnalysis


def curvature(objective: Objective, w: Sequence[float], lr: float) -> Curvature:
    """Hessian, eigen-decomposition, kind of point, 2/λmax and the next step's analysis at w."""
    res = check_point(objective, w)
    H = np.asarray(res.hessian, dtype=float)
    if np.all(np.isfinite(H)):
        lam, vecs = np.linalg.eigh((H + H.T) / 2)
        vectors = [[float(x) + 0.0 for x in vecs[:, i]] for i in range(vecs.shape[1])]
    else:
        lam = np.full(H.shape[0], np.nan)
        vectors = [[math.nan] * H.shape[0] for _ in range(H.shape[0])]
    return Curvature(
        w=[float(x) for x in w], value=res.value, gradient=res.gradient, hessian=res.hessian,
        eigenvalues=[float(x) for x in lam], eigenvectors=vectors, kind=res.kind,
        stationary=res.stationary, convexity=local_convexity(lam), max_stable_lr=res.max_stable_lr,
        step=step_analysis(objective, w, lr),
    )


def taylor_curves(objective: Objective, w0: float, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a one-parameter f: f(xs), the tangent line and the quadratic model at w0, on the points xs."""
    if objective.dims != 1:
        raise ValueError("taylor_curves needs a function of one parameter")
    xs = np.asarray(xs, dtype=float)
    try:
        f0, (g0,) = objective.value_grad([float(w0)])
    except DomainError:
        f0, g0 = math.nan, math.nan
    h0 = float(objective.hessian([float(w0)])[0, 0])
    with np.errstate(all="ignore"):
        fx = objective.values_on(xs)
        d = xs - float(w0)
        tangent = f0 + g0 * d
        quad = tangent + 0.5 * h0 * d * d
    return fx, tangent, quad
