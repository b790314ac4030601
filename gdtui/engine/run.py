"""One optimisation run: step, step N, back, goto, reset; status and the reason in words.

Row k of the history holds w after k updates, the loss and gradient there, the
update that produced w (zeros in row 0; by the optimizer contract ``new_w - w``, so
the history derives it from consecutive w), the lr used for it (0 in row 0) and the
optimizer state after k updates.  With a mini-batch sampler, row k's loss and
gradient are evaluated on the batch of update k+1 (the update that uses them), so
``sampler.rows(k + 1)``.

Everything needed to continue is stored per row, so ``back``/``goto`` restore a run
exactly by truncating the history: stepping again replays bit for bit.

A pure function with a scalar fast path steps on Python floats in one loop that
calls the optimizer's generated single-run code directly.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

from gdtui.engine.history import History, StepRecord
from gdtui.engine.objective import DomainError, Objective, _domain_reason
from gdtui.engine.optimizers import Optimizer
from gdtui.errors import OptionError

__all__ = ["STATUSES", "Run", "StepRecord", "check_run_options", "row_status"]

#: Every status a run can have.
STATUSES = ("running", "converged", "diverged", "domain-error", "max-steps")

def _num(x: float) -> str:
    """Short number for messages: 1e12 not 1e+12, 0.1 not 0.10000000000000001."""
    return f"{x:.6g}".replace("e+", "e")


def check_run_options(objective: Objective, start: Sequence[float], tol: float,
                      max_steps: int) -> list[float]:
    """The checks a :class:`Run` makes of its options (OptionError, one line, when one is
    bad), so a problem can be checked without building a run; returns the start as floats."""
    if objective.uses_data and objective.data is None:
        raise OptionError("this loss uses data columns: choose a data set")
    if max_steps < 0:
        raise OptionError(f"max steps must be >= 0, got {max_steps}")
    if not tol >= 0:
        raise OptionError(f"tol must be >= 0, got {tol}")
    params = objective.params
    try:
        w = [float(x) for x in start]
    except (TypeError, ValueError):
        raise OptionError(f"start point must be numbers, got {start!r}") from None
    if len(w) != len(params):
        raise OptionError(
            f"start point has {len(w)} value(s) but f has {len(params)} parameter(s) ({', '.join(params)})"
        )
    for p, x in zip(params, w):
        if not math.isfinite(x):
            raise OptionError(f"start value of {p} must be a finite number, got {x}")
    return w


class Run:
    """An optimizer stepping an objective from a start point, with an exact history."""

    def __init__(
        self,
        objective: Objective,
        optimizer: Any,
        start: Sequence[float],
        schedule: Any = None,
        sampler: Any = None,
        tol: float = 1e-8,
        max_steps: int = 1_000_000,
        diverge_at: float = 1e12,
        noise: Any = None,
    ) -> None:
        start = check_run_options(objective, start, tol, max_steps)
        self.objective = objective
        self.optimizer = optimizer
        self.schedule = schedule
        self.sampler = None if sampler is None or getattr(sampler, "full_batch", False) else sampler
        self.tol = float(tol)
        self.max_steps = int(max_steps)
        self.diverge_at = float(diverge_at)
        # Gradient noise (a GradientNoise or None): update t sees g + noise.at(t).
        self.noise = noise
        self._fast = objective.scalar_fn is not None and not objective.uses_data and noise is None
        self._needs_hessian = bool(getattr(optimizer, "needs_hessian", False))
        self._errors: dict[int, str] = {}  # row -> domain error message (for recomputing status)
        self.start = start
        self._begin()

    # ------------------------------------------------------------ set up

    def _begin(self) -> None:
        """(Re)create the history with row 0 at the start point."""
        w = list(self.start)
        D = len(w)
        state = tuple(self.optimizer.init_state(w))
        # Remember which state entries are scalars so restored state has the same shape.
        self._scalar_state = tuple(isinstance(s, (int, float)) for s in state)
        names = tuple(getattr(self.optimizer, "state_names", ())) or tuple(f"s{i}" for i in range(len(state)))
        layout = [(n, 1 if sc else len(s)) for n, s, sc in zip(names, state, self._scalar_state)]
        self.history = History(D, layout, max_rows=self.max_steps + 1)
        self._errors = {}
        f, g, err = self._evaluate(w, self._rows(1))
        self.history.append(w, f, g, 0.0, state)
        if err is not None:
            self._errors[0] = err
        self._w, self._f, self._g, self._state = w, f, g, state
        self.status, self.reason = self._judge(0, w, f, g, None, err)

    def _rows(self, t: int) -> Any:
        """Rows of the batch of update t (None: the full data set)."""
        return None if self.sampler is None else self.sampler.rows(t)

    def _evaluate(self, w: list[float], rows: Any) -> tuple[float, list[float], str | None]:
        """Loss and gradient at w; on a domain error nan values and the message."""
        try:
            f, g = self.objective.value_grad(w, rows)
        except DomainError as exc:
            return math.nan, [math.nan] * len(w), str(exc) or "outside the domain of the function"
        return f, g, None

    # ------------------------------------------------------------ status
    def _judge(
        self,
        k: int,
        w: Sequence[float],
        f: float,
        g: Sequence[float],
        w_prev: Sequence[float] | None,
        err: str | None,
    ) -> tuple[str, str]:
        """Status and reason of a run whose last row is k (pure: also used after back/goto)."""
        return row_status(
            self.objective.params, k, w, f, g, w_prev, err, self.tol, self.diverge_at, self.max_steps,
            hessian=hessian_of(self.objective),
        )

    # ------------------------------------------------------------ reading
    @property
    def k(self) -> int:
        """Updates applied so far (row k of the history is the current point)."""
        return len(self.history) - 1

    @property
    def w(self) -> list[float]:
        """Current parameters."""
        return [float(x) for x in self._w]

    @property
    def loss(self) -> float:
        """Loss at the current point (on its batch)."""
        return float(self._f)

    @property
    def grad(self) -> list[float]:
        """Gradient at the current point (on its batch)."""
        return [float(x) for x in self._g]

    @property
    def state(self) -> tuple:
        """The optimizer's raw state after k updates (a copy)."""
        return tuple(s if sc else list(s) for s, sc in zip(self._state, self._scalar_state))

    @property
    def running(self) -> bool:
        """True while the run can take more steps."""
        return self.status == "running"

    def lr_at(self, t: int) -> float:
        """The learning rate of update t (1-based) after the schedule."""
        base = self.optimizer.lr
        return base if self.schedule is None else self.schedule.lr(base, t)

    def batch_rows(self, k: int | None = None) -> Any:
        """Data rows on which row k's loss and gradient were evaluated (None: all rows)."""
        k = self.k if k is None else k
        return self._rows(k + 1)

    def record(self, k: int | None = None) -> StepRecord:
        """Row k (default: the current one) with the optimizer's display state (m̂, v̂ ...)."""
        k = self.k if k is None else (k + len(self.history) if k < 0 else k)
        raw = self.history.row(k)
        state = self._restore_state(k)
        shown = self.optimizer.display_state(state, k)
        disp = {name: _floats(v) for name, v in shown.items()}
        return StepRecord(raw.k, raw.w, raw.loss, raw.grad, raw.update, raw.lr, disp, raw.note)

    def full_loss_grad(self, k: int | None = None) -> tuple[float, list[float]]:
        """Loss and gradient at row k's w on the whole data set (nan outside the domain)."""
        k = self.k if k is None else k
        if self.sampler is None and k == self.k:
            return self.loss, self.grad
        w = self.history.row(k).w
        try:
            return self.objective.value_grad(w, None)
        except DomainError:
            return math.nan, [math.nan] * len(w)

    # ------------------------------------------------------------ moving
    def step(self, n: int = 1) -> int:
        """Take up to n updates; stop early when the status leaves "running". Returns steps taken."""
        if n <= 0 or self.status != "running":
            return 0
        n = min(n, self.max_steps - self.k)
        if n <= 0:
            self.status, self.reason = self._judge(self.k, self._w, self._f, self._g, None, None)
            return 0
        if self._fast and not any(self._scalar_state):
            return self._step_fast(n)
        return self._step_general(n)

    def _step_fast(self, n: int) -> int:
        """The hot loop: a pure function on Python floats through ``scalar_fn``."""
        fn = self.objective.scalar_fn
        opt = self.optimizer
        opt_step = opt.step
        # An elementwise rule's generated code is called directly (what Optimizer.step
        # does for lists, without computing the update, which the history derives).
        cls = type(opt)
        rule = None
        if (
            isinstance(opt, Optimizer)
            and cls.step is Optimizer.step
            and cls.compiled is not None
            and type(self._w) is list
            and not self._needs_hessian
        ):
            rule = cls.compiled.single(len(self._w))
            fixed = opt.fixed
            fsqrt = opt.float_sqrt()
        hess = self.objective.hessian if self._needs_hessian else None
        constant = self.schedule is None or getattr(self.schedule, "kind", "") == "constant"
        sched = None if constant else self.schedule.lr
        base_lr = self.optimizer.lr
        h = self.history
        pending = h.pending
        ext, app = pending.extend, pending.append
        limit = h.pending_limit
        notes = h.notes
        hypot = math.hypot
        inf = math.inf
        da = self.diverge_at
        tol = self.tol
        w, f, g, state = self._w, self._f, self._g, self._state
        k0 = self.k
        t = k0
        err: str | None = None
        stop = False
        for t in range(k0 + 1, k0 + n + 1):
            lr = base_lr if sched is None else sched(base_lr, t)
            if rule is not None:
                w_new, state = rule(w, g, state, t, lr, fixed, fsqrt)
                note = None
            elif hess is None:
                w_new, _, state, note = opt_step(w, g, state, t, lr)
            else:
                w_new, _, state, note = opt_step(w, g, state, t, lr, hessian=lambda w=w: hess(w))
                w_new = [float(x) for x in w_new]
            try:
                f, g = fn(*w_new)
                # One comparison chain per quantity; nan fails it, complex raises TypeError.
                if not (-da <= f <= da and hypot(*w_new) <= da and tol <= hypot(*g) < inf and w_new != w):
                    stop = True
            except TypeError:  # a complex result (e.g. (-8)**0.5): outside the real domain
                if not (type(f) is complex or any(type(x) is complex for x in g)):
                    raise
                f, g, err, stop = math.nan, [math.nan] * len(w_new), _domain_reason(ValueError()), True
            except DomainError as exc:
                f, g, err, stop = math.nan, [math.nan] * len(w_new), str(exc), True
            except (ValueError, ZeroDivisionError) as exc:
                f, g, err, stop = math.nan, [math.nan] * len(w_new), _domain_reason(exc), True
            except OverflowError:
                f, g, stop = math.inf, [math.inf] * len(w_new), True
            ext(w_new)
            app(f)
            ext(g)
            app(lr)
            for s in state:
                ext(s)
            if note is not None:
                notes[t] = note
            if len(pending) >= limit:
                h.flush()
            w_prev, w = w, w_new
            if stop:
                # Rare path: decide exactly (the fast test above is only a filter).
                if err is not None:
                    self._errors[t] = err
                status, reason = self._judge(t, w, f, g, w_prev, err)
                if status != "running":
                    self.status, self.reason = status, reason
                    break
                stop = False
        self._w, self._f, self._g, self._state = w, f, g, state
        if self.status == "running" and t >= self.max_steps:
            self.status, self.reason = self._judge(t, w, f, g, None, None)
        return t - k0

    def _step_general(self, n: int) -> int:
        """Data-driven losses, mini-batches, scalar state and Newton's Hessian."""
        obj = self.objective
        opt_step = self.optimizer.step
        h = self.history
        w, f, g, state = self._w, self._f, self._g, self._state
        k0 = self.k
        t = k0
        rows = self._rows(k0 + 1)
        noise = self.noise
        for t in range(k0 + 1, k0 + n + 1):
            lr = self.lr_at(t)
            if noise is not None:  # the update sees a noisy gradient; the history keeps the true one
                g = [gi + ni for gi, ni in zip(g, noise.at(t).tolist())]
            if self._needs_hessian:
                w_cur, rows_cur = w, rows
                res = opt_step(w, g, state, t, lr, hessian=lambda: obj.hessian(w_cur, rows_cur))
            else:
                res = opt_step(w, g, state, t, lr)
            w_new, _, state, note = res
            w_new = [float(x) for x in w_new]
            rows = self._rows(t + 1)
            f, g, err = self._evaluate(w_new, rows)
            h.append(w_new, f, g, lr, _flat_state(state, self._scalar_state), note)
            if err is not None:
                self._errors[t] = err
            w_prev, w = w, w_new
            status, reason = self._judge(t, w, f, g, w_prev, err)
            if status != "running":
                self.status, self.reason = status, reason
                break
        self._w, self._f, self._g, self._state = w, f, g, state
        return t - k0

    def _restore_state(self, k: int) -> tuple:
        stored = self.history.state_of(k)
        return tuple(s[0] if sc else s for s, sc in zip(stored, self._scalar_state))

    def goto(self, k: int) -> None:
        """Make row k the current point: back by truncating the history, or forward by stepping."""
        if k < 0:
            raise IndexError(f"step {k} does not exist (steps start at 0)")
        if k > self.k:
            self.step(k - self.k)
            return
        h = self.history
        h.truncate(k)
        if self._errors and max(self._errors) > k:
            self._errors = {s: e for s, e in self._errors.items() if s <= k}
        row = h.row(k)
        self._w, self._f, self._g = row.w, row.loss, row.grad
        self._state = self._restore_state(k)
        w_prev = h.row(k - 1).w if k > 0 else None
        self.status, self.reason = self._judge(k, row.w, row.loss, row.grad, w_prev, self._errors.get(k))

    def back(self, n: int = 1) -> None:
        """Undo the last n updates (stops at the start point)."""
        self.goto(max(0, self.k - max(0, n)))

    def reset(self) -> None:
        """Back to the start point (row 0)."""
        self.goto(0)

    def set_start(self, start: Sequence[float]) -> None:
        """Start again from a new point (the history restarts)."""
        self.start = check_run_options(self.objective, start, self.tol, self.max_steps)
        self._begin()

    def __repr__(self) -> str:
        return (
            f"Run({self.optimizer!r}, k={self.k}, status={self.status!r}, "
            f"w={self.w}, loss={self.loss!r})"
        )


def _flat_state(state: tuple, scalar: tuple[bool, ...]) -> list:
    return [[float(s)] if sc else [float(x) for x in s] for s, sc in zip(state, scalar)]


def _floats(v: Any) -> list[float]:
    try:
        return [float(x) for x in v]
    except TypeError:
        return [float(v)]


def _where(params: Sequence[str], w: Sequence[float]) -> str:
    return ", ".join(f"{p} = {_num(x)}" for p, x in zip(params, w))


#: What a stationary point that is not a minimum is, added to the "converged" reason.
NOT_A_MINIMUM = {"saddle": ": a saddle point, not a minimum", "maximum": ": a maximum, not a minimum"}


def hessian_of(objective: Objective) -> Callable[[Sequence[float]], Any] | None:
    """The objective's Hessian at w (full data), or None when it has none (hand-built objectives)."""
    return objective.hessian if getattr(objective, "hessian_fn", None) is not None else None


def _not_a_minimum(hessian: Callable[[Sequence[float]], Any] | None, w: Sequence[float]) -> str:
    if hessian is None:
        return ""
    from gdtui.engine.analysis import classify  # analysis imports this module's users

    try:
        kind = classify(hessian(list(w)))
    except (DomainError, ArithmeticError, ValueError):
        return ""
    return NOT_A_MINIMUM.get(kind, "")


def row_status(
    params: Sequence[str],
    k: int,
    w: Sequence[float],
    f: float,
    g: Sequence[float],
    w_prev: Sequence[float] | None,
    err: str | None,
    tol: float,
    diverge_at: float,
    max_steps: int,
    hessian: Callable[[Sequence[float]], Any] | None = None,
) -> tuple[str, str]:
    """Status and reason for a run whose last row k has w, loss f, gradient g.

    ``w_prev`` is row k-1's w (None at k = 0 or when the stall test is not wanted);
    ``err`` the domain error message raised while evaluating row k, if any.  Shared
    by :class:`Run` and :class:`~gdtui.engine.batch.RunBatch` so both say the same.
    With ``hessian`` (the objective's), a run that stops where the gradient is zero
    but which is a saddle or a maximum says so: "converged" alone would read as a minimum.
    """
    at = "at the start point" if k == 0 else f"at step {k}"
    da = diverge_at
    if err is not None:
        return "domain-error", f"{err} {at} ({_where(params, w)})"
    for p, x in zip(params, w):
        if not math.isfinite(x):
            return "diverged", f"{p} is no longer a finite number {at}; try a smaller learning rate"
        if abs(x) > da:
            return "diverged", f"|{p}| grew past {_num(da)} {at}; try a smaller learning rate"
    if math.isnan(f):
        return "domain-error", f"the loss is not a number {at} ({_where(params, w)}): outside its domain"
    if f < -da:
        return "diverged", f"loss fell below {_num(-da)} {at}: f is unbounded below, there is no minimum that way"
    if f > da:
        return "diverged", f"loss grew past {_num(da)} {at}; try a smaller learning rate"
    for p, x in zip(params, g):
        if not math.isfinite(x):
            return "domain-error", (
                f"the derivative by {p} is not finite {at} ({_where(params, w)}): "
                "f is not differentiable there"
            )
    gn = math.hypot(*g)
    if gn < tol:
        return "converged", f"|grad| = {_num(gn)} is below tol {_num(tol)} {at}" + _not_a_minimum(hessian, w)
    if w_prev is not None and list(w) == list(w_prev):
        return "converged", (
            f"the update no longer changes w {at} (|grad| = {_num(gn)}): the steps are below float precision"
        )
    if k >= max_steps:
        return "max-steps", f"stopped after max steps = {max_steps}"
    return "running", ""
