"""Damped Newton's method, the one optimizer that needs the Hessian."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from gdtui.engine.optimizers.optimizer import Optimizer, StepResult

__all__ = ["NEWTON_FALLBACK_NOTE", "Newton"]

#: The note a Newton step carries when it fell back to a gradient step.
NEWTON_FALLBACK_NOTE = "Hessian not positive definite: took a gradient step instead"


@dataclass(frozen=True)
class Newton(Optimizer):
    """Damped Newton's method: ``w ← w - lr·H⁻¹g`` (H the Hessian at w).

    When H is not positive definite (not finite, or its smallest eigenvalue is
    ≤ 1e-12 × its largest absolute eigenvalue, which covers every case where a
    Cholesky factorisation fails) the step would not go downhill, so it takes a
    plain gradient step ``w ← w - lr·g`` instead and sets the note
    ``"Hessian not positive definite: took a gradient step instead"``.
    For many runs the choice is made per run (see :class:`StepResult`).
    ``step`` needs ``hessian``: a zero-argument callable returning (D, D), or
    (R, D, D) for many runs.
    """

    lr: float = 1.0
    name: ClassVar[str] = "newton"
    torch_name: ClassVar[str] = "(none: torch has no Newton optimizer)"
    formula: ClassVar[str] = "w ← w − lr·H⁻¹g  (gradient step if H is not positive definite)"
    needs_hessian: ClassVar[bool] = True

    def step(self, w: Any, g: Any, state: tuple, t: int, lr: Any, hessian: Any = None) -> StepResult:
        """One damped Newton step (or a gradient step where H is not positive definite)."""
        if hessian is None:
            raise TypeError("newton needs the Hessian: pass hessian=<callable>")
        H = np.asarray(hessian(), dtype=float)
        if type(w) is list:
            H = H.reshape(len(w), len(w))
            if positive_definite_one(H):
                d = np.linalg.solve(H, np.array(g, dtype=float)).tolist()
                new_w = [wi - lr * di for wi, di in zip(w, d)]
                note = None
            else:
                new_w = [wi - lr * gi for wi, gi in zip(w, g)]
                note = NEWTON_FALLBACK_NOTE
            return StepResult(new_w, [a - b for a, b in zip(new_w, w)], self.State(), note)
        w = np.asarray(w, dtype=float)
        g = np.asarray(g, dtype=float)
        R, D = w.shape
        H = np.broadcast_to(H, (R, D, D))
        ok = positive_definite(H)
        d = g.copy()
        if ok.any():
            d[ok] = np.linalg.solve(H[ok], g[ok][..., None])[..., 0]
        with np.errstate(all="ignore"):
            new_w = w - lr * d
            update = new_w - w
        note = None if ok.all() else tuple(None if o else NEWTON_FALLBACK_NOTE for o in ok.tolist())
        return StepResult(new_w, update, self.State(), note)


def positive_definite_one(H: np.ndarray) -> bool:
    """:func:`positive_definite` of one (D, D) matrix, with less numpy overhead (same
    operations on the same LAPACK routine, so the same decision)."""
    if not all(map(math.isfinite, H.ravel().tolist())):
        return False
    lam = np.linalg.eigvalsh((H + H.T) / 2).tolist()  # ascending
    return lam[0] > 1e-12 * max(map(abs, lam))


def positive_definite(H: np.ndarray) -> np.ndarray:
    """Per matrix of a (R, D, D) stack: finite and smallest eigenvalue > 1e-12·scale."""
    ok = np.isfinite(H).all(axis=(1, 2))
    if ok.any():
        Hs = H[ok]
        lam = np.linalg.eigvalsh((Hs + np.swapaxes(Hs, 1, 2)) / 2)  # ascending
        scale = np.abs(lam).max(axis=1)
        ok[ok] = lam[:, 0] > 1e-12 * scale
    return ok
