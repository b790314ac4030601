"""Explaining one step of a run with the numbers on the screen.

:func:`worked_update` writes update k of a run (row k-1 -> row k) as equations a
student can redo by hand: for sgd ``x[k] = x[k-1] − η·g[k-1] = 4 − 0.1·8 = 3.2``,
for the other optimizers the same with their state (velocity, m, v, m̂, v̂ ...).
Every number in an equation is a value the run really used or produced (read from
the history), so the screen can show them rounded and still be exact to the
digits shown.  :func:`batch_position` says which epoch and rows a mini-batch row
was evaluated on.  Pure functions of a run: no textual, no formatting.

Step markers in the symbolic text: ``[k]`` is "after this update", ``[k-1]`` "before
it"; ``{p}`` is the parameter's name.  The UI turns them into subscripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

__all__ = ["BatchPosition", "Equation", "WorkedUpdate", "batch_position", "best_step", "worked_update"]


@dataclass(frozen=True)
class Equation:
    """``target = form = numbers = result``: one line of a worked update.

    ``numbers`` is ``form`` with ``{}`` where each of ``values`` goes, in order.
    """

    target: str
    form: str
    numbers: str
    values: tuple[float, ...]
    result: float


@dataclass(frozen=True)
class WorkedUpdate:
    """Update ``k`` (from row k-1 to row k), one list of equations per parameter."""

    k: int
    optimizer: str
    lr: float
    params: tuple[str, ...]
    equations: tuple[tuple[Equation, ...], ...]  # per parameter
    note: str | None = None  # e.g. Newton's fallback to a gradient step
    batch: bool = False  # the gradient g[k-1] is a mini-batch gradient


def _state(run: Any, k: int) -> dict[str, list[float]]:
    """Row k's optimizer state by name, with the display extras (m̂, v̂)."""
    return run.record(k).state


def worked_update(run: Any, k: int | None = None) -> WorkedUpdate | None:
    """Update ``k`` of ``run`` (default: the last one) as equations; None at step 0."""
    k = run.k if k is None else k
    if k < 1 or k > run.k:
        return None
    h = run.history
    before, after = h.row(k - 1), h.row(k)
    opt = run.optimizer
    name = opt.name
    lr = float(after.lr)
    params = tuple(run.objective.params)
    s0, s1 = _state(run, k - 1), _state(run, k)  # row 0 holds the initial state
    note = after.note
    newton_dir = _newton_direction(run, k) if name == "newton" and note is None else None
    eqs = []
    for i in range(len(params)):
        w0, w1, g = before.w[i], after.w[i], before.grad[i]
        eqs.append(tuple(_equations(opt, name, k, lr, w0, w1, g, i, s0, s1, newton_dir)))
    return WorkedUpdate(k, name, lr, params, tuple(eqs), note, run.sampler is not None)


def _newton_direction(run: Any, k: int) -> list[float] | None:
    """H⁻¹g at row k-1 (on the batch that row used), as Newton's step computed it."""
    w = run.history.row(k - 1).w
    g = run.history.row(k - 1).grad
    try:
        H = np.asarray(run.objective.hessian(w, run.batch_rows(k - 1)), dtype=float)
        return np.linalg.solve(H.reshape(len(w), len(w)), np.asarray(g, dtype=float)).tolist()
    except (ArithmeticError, np.linalg.LinAlgError, ValueError):
        return None


def _equations(opt: Any, name: str, k: int, lr: float, w0: float, w1: float, g: float, i: int,
               s0: dict[str, list[float]], s1: dict[str, list[float]],
               newton_dir: Sequence[float] | None) -> list[Equation]:
    P0, P1 = "{p}[k-1]", "{p}[k]"
    sgd = Equation(P1, f"{P0} − η·g[k-1]", "{} − {}·{}", (w0, lr, g), w1)
    if name == "sgd":
        return [sgd]
    if name in ("momentum", "nesterov"):
        mu = float(opt.momentum)
        v0, v1 = s0["velocity"][i], s1["velocity"][i]
        damp = float(getattr(opt, "dampening", 0.0))
        if name == "momentum" and k == 1:
            vel = Equation("v[k]", "g[k-1]", "{}", (g,), v1)
        elif damp:
            vel = Equation("v[k]", "μ·v[k-1] + (1−d)·g[k-1]", "{}·{} + {}·{}", (mu, v0, 1 - damp, g), v1)
        else:
            vel = Equation("v[k]", "μ·v[k-1] + g[k-1]", "{}·{} + {}", (mu, v0, g), v1)
        if name == "momentum":
            return [vel, Equation(P1, f"{P0} − η·v[k]", "{} − {}·{}", (w0, lr, v1), w1)]
        return [vel, Equation(P1, f"{P0} − η·(g[k-1] + μ·v[k])", "{} − {}·({} + {}·{})",
                              (w0, lr, g, mu, v1), w1)]
    if name == "adagrad":
        s_0, s_1 = s0["sum of squares"][i], s1["sum of squares"][i]
        decay = float(opt.lr_decay)
        clr = lr / (1 + (k - 1) * decay)
        eta = "η'" if decay else "η"
        return [Equation("s[k]", "s[k-1] + g[k-1]²", "{} + {}²", (s_0, g), s_1),
                Equation(P1, f"{P0} − {eta}·g[k-1]/(√s[k] + ε)", "{} − {}·{}/(√{} + {})",
                         (w0, clr, g, s_1, float(opt.eps)), w1)]
    if name == "rmsprop":
        al, eps = float(opt.alpha), float(opt.eps)
        a0, a1 = s0["square avg"][i], s1["square avg"][i]
        out = [Equation("a[k]", "α·a[k-1] + (1−α)·g[k-1]²", "{}·{} + {}·{}²", (al, a0, 1 - al, g), a1)]
        denom, dvals = "(√a[k] + ε)", (a1, eps)
        dnum = "(√{} + {})"
        if opt.centered:
            ga0, ga1 = s0["grad avg"][i], s1["grad avg"][i]
            out.append(Equation("ḡ[k]", "α·ḡ[k-1] + (1−α)·g[k-1]", "{}·{} + {}·{}", (al, ga0, 1 - al, g), ga1))
            denom, dvals, dnum = "(√(a[k] − ḡ[k]²) + ε)", (a1, ga1, eps), "(√({} − {}²) + {})"
        if float(opt.momentum) > 0:
            b0, b1 = s0["momentum buffer"][i], s1["momentum buffer"][i]
            mu = float(opt.momentum)
            out.append(Equation("b[k]", f"μ·b[k-1] + g[k-1]/{denom}", "{}·{} + {}/" + dnum,
                                (mu, b0, g, *dvals), b1))
            out.append(Equation(P1, f"{P0} − η·b[k]", "{} − {}·{}", (w0, lr, b1), w1))
        else:
            out.append(Equation(P1, f"{P0} − η·g[k-1]/{denom}", "{} − {}·{}/" + dnum, (w0, lr, g, *dvals), w1))
        return out
    if name == "adam":
        b1, b2, eps = float(opt.beta1), float(opt.beta2), float(opt.eps)
        m0, m1 = s0["m"][i], s1["m"][i]
        v0, v1 = s0["v"][i], s1["v"][i]
        mh, vh = s1["m̂"][i], s1["v̂"][i]
        return [
            Equation("m[k]", "β1·m[k-1] + (1−β1)·g[k-1]", "{}·{} + {}·{}", (b1, m0, 1 - b1, g), m1),
            Equation("v[k]", "β2·v[k-1] + (1−β2)·g[k-1]²", "{}·{} + {}·{}²", (b2, v0, 1 - b2, g), v1),
            Equation("m̂[k]", "m[k]/(1−β1^k)", "{}/{}", (m1, 1 - b1**k), mh),
            Equation("v̂[k]", "v[k]/(1−β2^k)", "{}/{}", (v1, 1 - b2**k), vh),
            Equation(P1, f"{P0} − η·m̂[k]/(√v̂[k] + ε)", "{} − {}·{}/(√{} + {})", (w0, lr, mh, vh, eps), w1),
        ]
    if name == "newton":
        if newton_dir is None:
            return [sgd]  # the fallback: a plain gradient step (the note says why)
        d = float(newton_dir[i])
        return [Equation(P1, f"{P0} − η·(H⁻¹g)[k-1]", "{} − {}·{}", (w0, lr, d), w1)]
    # An optimizer this module does not know yet: the update itself, still exact.
    return [Equation(P1, f"{P0} + Δ", "{} + {}", (w0, w1 - w0), w1)]


@dataclass(frozen=True)
class BatchPosition:
    """Where a row's mini-batch sits: epoch and batch (both 1-based) and its data rows."""

    epoch: int
    batch: int
    batches_per_epoch: int
    rows: tuple[int, ...]  # 0-based data row indices


def batch_position(run: Any, k: int | None = None) -> BatchPosition | None:
    """The batch row k's loss and gradient were evaluated on (the batch of update k+1);
    None for a full-batch run."""
    sampler = getattr(run, "sampler", None)
    if sampler is None or sampler.batch_size is None:
        return None
    k = run.k if k is None else k
    t = k + 1
    epoch = sampler.epoch_of(t)
    index = (t - 1) - epoch * sampler.batches_per_epoch
    rows = sampler.rows(t)
    return BatchPosition(epoch + 1, index + 1, sampler.batches_per_epoch,
                         tuple(int(r) for r in np.asarray(rows).tolist()))


def best_step(loss: np.ndarray) -> int | None:
    """The step with the lowest finite loss among ``loss`` (rows 0..k), or None."""
    v = np.asarray(loss, dtype=float)
    if v.size == 0 or not np.isfinite(v).any():
        return None
    return int(np.nanargmin(np.where(np.isfinite(v), v, np.nan)))
