"""Many runs of the same objective stepped together as (R, D) numpy arrays.

Use it to compare learning rates, start points or optimizers side by side.  Runs
with the same optimizer class (and schedule) form a group that takes one
vectorised ``optimizer.step`` per update, its hyperparameters as (R_g, 1) arrays
when they differ between runs.  Each run has its own status, decided by the same
rules and words as :class:`~gdtui.engine.run.Run`; a run that stops is frozen (its
rows repeat) while the others go on.

History: W (n+1, R, D), loss (n+1, R), grad (n+1, R, D) and every group's state,
in preallocated blocks that grow by doubling, so ``back`` restores exactly.
Memory is ``R * (2D + 1 + S) * 8`` bytes a step (64 Adam runs in 2-D: 4.6 kB), so
the default step limit is lower than a single run's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Sequence

import numpy as np

from gdtui.engine.objective import Objective
from gdtui.engine.run import row_status
from gdtui.errors import OptionError

__all__ = ["RunBatch", "RunSpec"]


@dataclass(frozen=True)
class RunSpec:
    """One run of a batch: its optimizer (with lr), start point, schedule and a label."""

    optimizer: Any
    start: Sequence[float]
    schedule: Any = None
    label: str = ""


def _hyper_is_flag(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number))


def _schedule_key(schedule: Any) -> Any:
    if schedule is None or getattr(schedule, "kind", "") == "constant":
        return None
    try:
        hash(schedule)
        return schedule
    except TypeError:
        return id(schedule)


class _Group:
    """Runs sharing one optimizer class and schedule: one array step per update."""

    def __init__(self, idx: np.ndarray, specs: list[RunSpec]) -> None:
        self.idx = idx
        n = len(idx)
        contiguous = n > 0 and np.array_equal(idx, np.arange(idx[0], idx[0] + n))
        self.sel: slice | np.ndarray = slice(int(idx[0]), int(idx[0]) + n) if contiguous else idx
        first = specs[0].optimizer
        cls = type(first)
        self.name = getattr(first, "name", cls.__name__)
        self.schedule = specs[0].schedule
        self.constant = _schedule_key(self.schedule) is None
        # One optimizer for the group: a hyperparameter equal in every run stays a
        # float, one that differs becomes an (R_g, 1) column.
        names = [f.name for f in fields(cls)] if is_dataclass(first) else ["lr"]
        hyper: dict[str, Any] = {}
        for name in names:
            vals = [getattr(s.optimizer, name) for s in specs]
            if all(v == vals[0] for v in vals) or _hyper_is_flag(vals[0]):
                hyper[name] = vals[0]
            else:
                hyper[name] = np.array(vals, dtype=float)[:, None]
        base = hyper.get("lr", first.lr)
        self.base_lr = base
        self.optimizer = cls(**hyper) if is_dataclass(first) else first
        self.state_names: tuple[str, ...] = tuple(getattr(first, "state_names", ()))
        self.needs_hessian = bool(getattr(first, "needs_hessian", self.name == "newton"))

    def lr(self, t: int) -> Any:
        return self.base_lr if self.constant else self.schedule.lr(self.base_lr, t)


class RunBatch:
    """R runs of one objective stepped together; per-run status, exact back/reset."""

    def __init__(
        self,
        objective: Objective,
        runs: Sequence[RunSpec],
        *,
        sampler: Any = None,
        tol: float = 1e-8,
        max_steps: int = 100_000,
        diverge_at: float = 1e12,
        capacity: int = 256,
    ) -> None:
        if not runs:
            raise OptionError("a batch needs at least one run")
        if objective.uses_data and objective.data is None:
            raise OptionError("this loss uses data columns: choose a data set")
        self.objective = objective
        self.specs = list(runs)
        self.sampler = None if sampler is None or getattr(sampler, "full_batch", False) else sampler
        self.tol = float(tol)
        self.max_steps = int(max_steps)
        self.diverge_at = float(diverge_at)
        D = objective.dims
        self.R = R = len(self.specs)
        starts = []
        for i, s in enumerate(self.specs):
            w = [float(x) for x in s.start]
            if len(w) != D or not all(math.isfinite(x) for x in w):
                raise OptionError(
                    f"run {i} ({s.label or 'unlabelled'}): start must be {D} finite numbers "
                    f"({', '.join(objective.params)}), got {list(s.start)}"
                )
            starts.append(w)
        self.start = np.array(starts, dtype=float).reshape(R, D)
        # group by optimizer class, schedule and flag-valued hyperparameters
        keys: dict[Any, list[int]] = {}
        for i, s in enumerate(self.specs):
            opt = s.optimizer
            flags = ()
            if is_dataclass(opt):
                flags = tuple(
                    (f.name, getattr(opt, f.name)) for f in fields(opt) if _hyper_is_flag(getattr(opt, f.name))
                )
            keys.setdefault((type(opt), _schedule_key(s.schedule), flags), []).append(i)
        self.groups = [_Group(np.array(ix), [self.specs[i] for i in ix]) for ix in keys.values()]
        self._cap = max(2, int(capacity))
        self.reset()

    # ------------------------------------------------------------- set up
    def reset(self) -> None:
        """Every run back to its start point (row 0); history cleared."""
        R, D = self.R, self.objective.dims
        cap = self._cap
        self._HW = np.empty((cap, R, D))
        self._HL = np.empty((cap, R))
        self._HG = np.empty((cap, R, D))
        self._states = [tuple(np.asarray(s, dtype=float) for s in g.optimizer.init_state(self.start[g.sel])) for g in self.groups]
        # per group, per state entry: (cap, R_g, D)
        self._HS = [[np.empty((cap, len(g.idx), D)) for _ in st] for g, st in zip(self.groups, self._states)]
        self.notes: dict[tuple[int, int], str] = {}
        self._n = 0
        self.W = self.start.copy()
        with np.errstate(all="ignore"):
            self.loss, self.G = self._evaluate(self.W, self._rows(1))
        self._store()
        self._stopped_at = np.full(R, -1)
        self.status = ["running"] * R
        self.reason = [""] * R
        self._active = np.ones(R, dtype=bool)
        self._judge(0, np.arange(R), None)

    def _rows(self, t: int) -> Any:
        return None if self.sampler is None else self.sampler.rows(t)

    def _evaluate(self, W: np.ndarray, rows: Any) -> tuple[np.ndarray, np.ndarray]:
        obj = self.objective
        if obj.uses_data:
            loss, grad = obj.value_grad_many(W, rows)
            return np.ascontiguousarray(loss, dtype=float), np.ascontiguousarray(grad, dtype=float)
        R, D = W.shape
        f, g = obj.array_fn(*[W[:, j] for j in range(D)])
        loss = np.empty(R)
        loss[:] = f
        grad = np.empty((R, D))
        for j in range(D):
            grad[:, j] = g[j]
        return loss, grad

    def _hessian(self, W: np.ndarray, rows: Any) -> np.ndarray:
        """(R, D, D) Hessians at the rows of W."""
        obj = self.objective
        R, D = W.shape
        cols = obj._cols(rows)
        args = [W[:, j, None] if cols else W[:, j] for j in range(D)]
        with np.errstate(all="ignore"):
            h = obj.hessian_fn(*args, *[c[None, :] for c in cols])
            out = np.empty((R, D, D))
            for i, row in enumerate(h):
                for j, hij in enumerate(row):
                    if cols:
                        out[:, i, j] = np.broadcast_to(hij, (R, len(cols[0]))).mean(axis=1)
                    else:
                        out[:, i, j] = hij
        return out

    def _store(self) -> None:
        """Write the current arrays as row n (growing the blocks if needed)."""
        n = self._n
        if n >= len(self._HL):
            new_cap = 2 * len(self._HL)
            self._HW = _grow(self._HW, new_cap)
            self._HL = _grow(self._HL, new_cap)
            self._HG = _grow(self._HG, new_cap)
            self._HS = [[_grow(h, new_cap) for h in hs] for hs in self._HS]
        self._HW[n] = self.W
        self._HL[n] = self.loss
        self._HG[n] = self.G
        for hs, st in zip(self._HS, self._states):
            for h, s in zip(hs, st):
                h[n] = s
        self._n = n + 1

    # ------------------------------------------------------------- status
    def _judge(self, k: int, runs: np.ndarray, W_prev: np.ndarray | None) -> None:
        """Decide the status of ``runs`` at row k (a Python loop, but only over runs that look done)."""
        params = self.objective.params
        for i in runs.tolist():
            status, reason = row_status(
                params, k, self.W[i].tolist(), float(self.loss[i]), self.G[i].tolist(),
                None if W_prev is None else W_prev[i].tolist(), None,
                self.tol, self.diverge_at, self.max_steps,
            )
            if status != "running":
                self.status[i], self.reason[i] = status, reason
                self._stopped_at[i] = k
                self._active[i] = False

    # ------------------------------------------------------------- stepping
    @property
    def k(self) -> int:
        """Updates applied so far (the last history row)."""
        return self._n - 1

    def step(self, n: int = 1) -> int:
        """Up to n updates of every running run; returns the updates made (0 when all stopped)."""
        n = min(n, self.max_steps - self.k)
        taken = 0
        da, tol2, inf = self.diverge_at, self.tol * self.tol, math.inf
        groups = self.groups
        R = self.R
        one_group = len(groups) == 1 and isinstance(groups[0].sel, slice) and len(groups[0].idx) == R
        rows = self._rows(self.k + 1)
        with np.errstate(all="ignore"):
            for _ in range(max(0, n)):
                active = self._active
                all_active = bool(active.all())
                if not all_active and not active.any():
                    break
                t = self.k + 1
                W = self.W
                if one_group:
                    g = groups[0]
                    res = self._group_step(g, W, self.G, self._states[0], t, rows, active)
                    W_new = res.w
                    new_states = [res.state]
                else:
                    W_new = np.empty_like(W)
                    new_states = []
                    for g, st in zip(groups, self._states):
                        sel = g.sel
                        res = self._group_step(g, W[sel], self.G[sel], st, t, rows, active)
                        W_new[sel] = res.w
                        new_states.append(res.state)
                rows = self._rows(t + 1)
                loss, G = self._evaluate(W_new, rows)
                if not all_active:  # frozen runs keep their last row
                    frozen = ~active
                    W_new[frozen] = W[frozen]
                    loss[frozen] = self.loss[frozen]
                    G[frozen] = self.G[frozen]
                    for g, old, new in zip(groups, self._states, new_states):
                        fz = frozen[g.sel]
                        if fz.any():
                            for o, s in zip(old, new):
                                s[fz] = o[fz]
                self.W, self.loss, self.G, self._states = W_new, loss, G, new_states
                self._store()
                taken += 1
                # Which runs may have stopped?  nan fails every comparison.
                g2 = np.einsum("ij,ij->i", G, G)
                if all_active and t < self.max_steps:
                    # cheap whole-batch test first: the common case is "nobody stopped"
                    if (
                        np.abs(loss).max() <= da
                        and np.abs(W_new).max() <= da
                        and tol2 <= g2.min()
                        and g2.max() < inf
                        and (W_new != W).any(axis=1).all()
                    ):
                        continue
                ok = (np.abs(loss) <= da) & (np.abs(W_new).max(axis=1) <= da) & (g2 >= tol2) & (g2 < inf)
                ok &= (W_new != W).any(axis=1)
                if t >= self.max_steps:
                    ok[:] = False
                suspects = active & ~ok
                if suspects.any():
                    self._judge(t, np.flatnonzero(suspects), W)
        return taken

    def _group_step(self, g: _Group, W: np.ndarray, G: np.ndarray, st: tuple, t: int, rows: Any, active: np.ndarray) -> Any:
        if not g.needs_hessian:
            return g.optimizer.step(W, G, st, t, g.lr(t))
        res = g.optimizer.step(W, G, st, t, g.lr(t), hessian=lambda: self._hessian(W, rows))
        if res.note is not None:
            for j, note in zip(g.idx.tolist(), res.note):
                if note is not None and active[j]:
                    self.notes[(t, j)] = note
        return res

    def back(self, n: int = 1) -> None:
        """Undo the last n updates of every run (exactly: state is stored per row)."""
        self.goto(max(0, self.k - max(0, n)))

    def goto(self, k: int) -> None:
        """Make row k current (back by truncation, forward by stepping)."""
        if k < 0:
            raise IndexError(f"step {k} does not exist (steps start at 0)")
        if k > self.k:
            self.step(k - self.k)
            return
        self._n = k + 1
        self.W = self._HW[k].copy()
        self.loss = self._HL[k].copy()
        self.G = self._HG[k].copy()
        self._states = [tuple(h[k].copy() for h in hs) for hs in self._HS]
        self.notes = {key: v for key, v in self.notes.items() if key[0] <= k}
        revive = self._stopped_at > k
        for i in np.flatnonzero(revive).tolist():
            self.status[i], self.reason[i] = "running", ""
        self._stopped_at[revive] = -1
        self._active |= revive
        if k >= self.max_steps:  # the limit itself is not undone by going back
            self._judge(k, np.flatnonzero(self._active), None)

    # ------------------------------------------------------------- reading
    @property
    def labels(self) -> list[str]:
        """Each run's label (or 'run i')."""
        return [s.label or f"run {i}" for i, s in enumerate(self.specs)]

    @property
    def history_w(self) -> np.ndarray:
        """W per row, (n+1, R, D): a read-only view."""
        return _ro(self._HW[: self._n])

    @property
    def history_loss(self) -> np.ndarray:
        """Loss per row, (n+1, R)."""
        return _ro(self._HL[: self._n])

    @property
    def history_grad(self) -> np.ndarray:
        """Gradient per row, (n+1, R, D)."""
        return _ro(self._HG[: self._n])

    def state_of(self, run: int, k: int | None = None) -> dict[str, list[float]]:
        """Run ``run``'s optimizer state after row k (default: now), by state name."""
        k = self.k if k is None else k
        for g, hs in zip(self.groups, self._HS):
            where = np.flatnonzero(g.idx == run)
            if where.size:
                j = int(where[0])
                return {name: h[k, j].tolist() for name, h in zip(g.state_names, hs)}
        raise IndexError(f"no run {run} (runs 0..{self.R - 1})")

    @property
    def running(self) -> bool:
        """True while at least one run is still running."""
        return bool(self._active.any())

    def __repr__(self) -> str:
        return f"RunBatch(R={self.R}, k={self.k}, running={int(self._active.sum())})"


def _grow(a: np.ndarray, cap: int) -> np.ndarray:
    new = np.empty((cap, *a.shape[1:]), dtype=a.dtype)
    new[: len(a)] = a
    return new


def _ro(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a
