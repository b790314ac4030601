"""Comparisons: up to 64 runs of one problem that differ in some settings, stepped together.

What is compared
    Any of ``lr``, ``optimizer``, ``momentum``, ``beta1``, ``beta2``, ``batch-size``
    (``full`` allowed), ``schedule``, ``seed``, ``start`` and ``noise`` may take a list
    (:func:`parse_values`); the runs are the product of the lists in the order given
    (:func:`product`).  More than :data:`MAX_RUNS` runs is an error that says how many.

Regimes: what a run did, in words (:func:`regime`; this is the contract)
    ``diverges``      the run's status is diverged;
    ``domain-error``  the run's status is domain-error;
    ``converges``     status converged, and consecutive updates point against each other
                      (Δw_k · Δw_{k+1} < 0) in fewer than half of the steps;
    ``zigzags``       status converged, and consecutive updates point against each other
                      in at least half of the steps (it overshoots the minimum every step);
    ``too-slow``      status max-steps and the final loss is below the loss at the start;
    ``oscillates``    status max-steps and the final loss is not below the loss at the start.
    A run still running has no regime yet (None).  "Half of the steps": with K updates
    there are K - 1 pairs of consecutive updates; zigzags when 2 * (opposed pairs) >= K - 1
    (and K >= 2).  Losses are on the whole data set (mini-batch runs included).

Ranking (:func:`rank_order`): converged runs first by steps to converge, then the runs
that stopped at max steps (or still run) by loss, then diverged / domain-error runs.

2/λmax (:func:`max_stable_lr`): when the Hessian is the same at the start points and
around them (a quadratic), plain gradient descent is stable for lr <= 2/λmax and
diverges above; the comparison reports it (None otherwise).

Exactness: each run's rows are bit for bit the rows of a single
:class:`~gdtui.engine.run.Run` with the same settings (what ``gdtui run`` prints).
A pure function steps in ``Run`` through ``scalar_fn`` on Python floats, whose ``x**2``
and ``exp`` call the C library, while numpy's vectorised ``**`` and ``exp`` round
differently in the last bit (Rosenbrock with rmsprop parts ways at step 134).  So
runs whose single run goes through numpy anyway (data-driven losses) are stepped
together in one :class:`~gdtui.engine.batch.RunBatch` per (data set, batch size,
seed); runs of a pure function are stepped as single runs, in step with each other.
Either way the comparison moves all runs together: step, back, goto and reset act on
every run, and a run that stops keeps its final row while the others go on.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from gdtui.engine.batch import RunBatch, RunSpec
from gdtui.engine.objective import DomainError, Objective
from gdtui.engine.run import Run, row_status
from gdtui.engine.optimizers.hyperparameters import parse_hyperparameter
from gdtui.engine.points import parse_point
from gdtui.errors import OptionError

__all__ = [
    "LISTABLE",
    "MAX_RUNS",
    "REGIMES",
    "axes_text",
    "parse_compare_text",
    "Basins",
    "CompareRun",
    "Comparison",
    "basins",
    "max_stable_lr",
    "parse_axis",
    "parse_values",
    "product",
    "rank_order",
    "regime",
]

#: The most runs one comparison holds.
MAX_RUNS = 64

#: The settings that may take a list of values, by their option names.
LISTABLE = ("lr", "optimizer", "momentum", "beta1", "beta2", "batch-size", "schedule", "seed", "start",
            "noise")

#: Every regime a stopped run can have (see the module docstring).
REGIMES = ("converges", "zigzags", "too-slow", "oscillates", "diverges", "domain-error")

_MAX_TEXT = 4000  # longest list text accepted (typed text is bounded)


# --------------------------------------------------------------------------- lists
def _number(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise OptionError(f"--{name}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise OptionError(f"--{name}: {text!r} is not a finite number")
    return value


def _whole(name: str, text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise OptionError(f"--{name}: {text!r} is not a whole number") from None
    if value < minimum:
        raise OptionError(f"--{name}: {value} is below {minimum}")
    return value


def parse_values(name: str, text: str) -> list[Any]:
    """The values of a listable option from its text: ``"0.01,0.1"`` -> ``[0.01, 0.1]``.

    ``start`` takes ``;``-separated points (``"x=1,y=1;x=-1,y=2"``), ``batch-size``
    takes ``full`` or whole numbers >= 1, ``optimizer`` and ``schedule`` names (a
    schedule's own ``:`` parameters are kept).  One-line OptionError on bad text.
    """
    name = name.strip().replace("_", "-")
    if name not in LISTABLE:
        raise OptionError(f"{name!r} cannot be compared: use one of {', '.join(LISTABLE)}")
    if len(text) > _MAX_TEXT:
        raise OptionError(f"--{name}: the list is longer than {_MAX_TEXT} characters")
    parts = [p.strip() for p in text.split(";" if name == "start" else ",")]
    parts = [p for p in parts if p]
    if not parts:
        raise OptionError(f"--{name}: no values given")
    if len(parts) > MAX_RUNS:
        raise OptionError(f"--{name}: {len(parts)} values, but a comparison has at most {MAX_RUNS} runs")
    values: list[Any] = []
    for p in parts:
        if name in ("lr", "momentum", "beta1", "beta2"):
            # the one validator of each hyperparameter (as gdtui run and the TUI)
            v: Any = parse_hyperparameter(name, p)
        elif name == "noise":
            v = _number(name, p)
            if v < 0:
                raise OptionError(f"--noise: {p} is below 0")
        elif name == "batch-size":
            v = "full" if p.lower() == "full" else _whole(name, p, 1)
        elif name == "seed":
            v = _whole(name, p, 0)
        elif name == "start":
            v = parse_point(p, "--start", listed=True)
        elif name == "optimizer":
            from gdtui.engine.optimizers import make_optimizer

            make_optimizer(p)  # OptionError naming the optimizers for an unknown one
            v = p
        else:  # schedule
            from gdtui.engine.schedules import make_schedule

            make_schedule(p)
            v = p
        values.append(v)
    return values


def parse_axis(text: str) -> tuple[str, list[Any]]:
    """``"lr=0.01,0.1"`` (the syntax of ``--compare``) -> ``("lr", [0.01, 0.1])``."""
    name, eq, rest = text.partition("=")
    if not eq or not name.strip():
        raise OptionError(
            f"--compare takes NAME=LIST like lr=0.01,0.1 (names: {', '.join(LISTABLE)}), got {text[:60]!r}"
        )
    return name.strip().replace("_", "-"), parse_values(name, rest)


def product(axes: Sequence[tuple[str, Sequence[Any]]]) -> list[dict[str, Any]]:
    """Every combination of the lists, in the order given (the first list varies slowest)."""
    names = [n for n, _ in axes]
    dup = [n for n in names if names.count(n) > 1]
    if dup:
        raise OptionError(f"{dup[0]} is listed twice")
    total = 1
    for _, values in axes:
        total *= len(values)
    if total > MAX_RUNS:
        sizes = " x ".join(str(len(v)) for _, v in axes)
        raise OptionError(f"{total} runs asked for ({sizes}), but a comparison has at most {MAX_RUNS}")
    return [dict(zip(names, combo)) for combo in itertools.product(*[v for _, v in axes])]


#: The largest step limit a comparison text may ask for.
MAX_STEPS = 1_000_000


def parse_compare_text(text: str) -> tuple[list[tuple[str, list[Any]]], int | None]:
    """``"lr=0.1,0.7 optimizer=sgd,adam steps=200"`` -> (axes, steps or None)."""
    if len(text) > 2000:
        raise OptionError("the comparison text is longer than 2000 characters")
    axes: list[tuple[str, list[Any]]] = []
    steps = None
    for token in text.split():
        if token.startswith("steps="):
            try:
                steps = int(token[6:])
            except ValueError:
                raise OptionError(f"steps must be a whole number, got {token[6:]!r}") from None
            if not 1 <= steps <= MAX_STEPS:
                raise OptionError(f"steps must be between 1 and {MAX_STEPS:,}, got {steps}")
            continue
        axes.append(parse_axis(token))
    if not axes:
        raise OptionError("nothing to compare: type lists like lr=0.01,0.1,0.7")
    product(axes)  # too many runs or a name twice
    return axes, steps


def axes_text(axes: Sequence[tuple[str, Sequence[Any]]], steps: int | None = None) -> str:
    """The text of ``axes`` (what :func:`parse_compare_text` reads back)."""
    parts = []
    for name, values in axes:
        if name == "start":
            shown = ";".join(",".join(f"{k}={v:.10g}" for k, v in p.items()) for p in values)
        else:
            shown = ",".join(show_value(name, v) for v in values)
        parts.append(f"{name}={shown}")
    if steps:
        parts.append(f"steps={steps}")
    return " ".join(parts)


def show_value(name: str, value: Any) -> str:
    """A value as a label shows it: ``0.1``, ``adam``, ``full``, ``(1,-2)``."""
    if name == "start":
        return "(" + ",".join(f"{v:g}" for v in value.values()) + ")"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def label_of(varied: dict[str, Any]) -> str:
    """The label of a run: its varied settings, ``lr=0.1 optimizer=adam``."""
    return " ".join(f"{k}={show_value(k, v)}" for k, v in varied.items()) or "run"


# --------------------------------------------------------------------------- regimes
def opposed_updates(w: np.ndarray) -> tuple[int, int]:
    """(pairs of consecutive updates pointing against each other, pairs) in rows ``w`` (K+1, D)."""
    w = np.asarray(w, dtype=float)
    if len(w) < 3:
        return 0, 0
    d = np.diff(w, axis=0)
    dots = np.einsum("kd,kd->k", d[:-1], d[1:])
    return int(np.count_nonzero(dots < 0)), len(dots)


def regime(status: str, w: np.ndarray, start_loss: float, final_loss: float) -> str | None:
    """The regime of a run from its status, its rows ``w`` (K+1, D) and its losses (see module doc)."""
    if status == "diverged":
        return "diverges"
    if status == "domain-error":
        return "domain-error"
    if status == "converged":
        opposed, pairs = opposed_updates(w)
        return "zigzags" if pairs and 2 * opposed >= pairs else "converges"
    if status == "max-steps":
        return "too-slow" if final_loss < start_loss else "oscillates"
    return None


def rank_order(statuses: Sequence[str], steps: Sequence[int | None], losses: Sequence[float]) -> list[int]:
    """Run indices best first: converged by steps to converge, then the others by loss,
    diverged and domain-error last (ties keep the order given)."""

    def key(i: int) -> tuple:
        s = statuses[i]
        tier = 0 if s == "converged" else 2 if s in ("diverged", "domain-error") else 1
        loss = losses[i]
        return (tier, steps[i] if tier == 0 and steps[i] is not None else 0,
                loss if math.isfinite(loss) else math.inf, i)

    return sorted(range(len(statuses)), key=key)


def max_stable_lr(objective: Objective, starts: Sequence[Sequence[float]], rtol: float = 1e-9) -> float | None:
    """2/λmax when the Hessian is constant-ish (equal at the starts and at points around
    them, within ``rtol``) and has a positive eigenvalue; None otherwise."""
    from gdtui.engine.analysis import max_stable_lr as two_over_lambda

    points = []
    for s in starts:
        s = np.asarray(s, dtype=float)
        scale = max(1.0, float(np.abs(s).max()) if s.size else 1.0)
        points.append(s)
        for j in range(len(s)):
            for step in (scale, -0.5 * scale):
                p = s.copy()
                p[j] += step
                points.append(p)
    try:
        hs = [np.asarray(objective.hessian(p.tolist()), dtype=float) for p in points]
    except (ArithmeticError, ValueError, TypeError):
        return None
    h0 = hs[0]
    if not all(np.all(np.isfinite(h)) for h in hs):
        return None
    size = max(1.0, float(np.abs(h0).max()))
    if any(float(np.abs(h - h0).max()) > rtol * size for h in hs):
        return None
    lr = two_over_lambda(h0)
    return float(lr) if math.isfinite(lr) and lr > 0 else None


# --------------------------------------------------------------------------- runs
@dataclass
class CompareRun:
    """One run of a comparison, fully built (the glue in :mod:`gdtui.comparison` makes them)."""

    label: str
    varied: dict[str, Any]  # option name -> value, for every varied option that applies
    objective: Objective
    optimizer: Any
    start: list[float]
    schedule: Any = None
    sampler: Any = None  # a BatchSampler for mini-batches, None for the full batch
    noise: Any = None
    data_key: Any = None  # runs with equal keys share one data set (and objective)
    extra: dict[str, Any] = field(default_factory=dict)  # what the glue wants to keep (settings)


def _sampler_key(sampler: Any) -> Any:
    if sampler is None or getattr(sampler, "full_batch", False):
        return None
    return (sampler.n_rows, sampler.batch_size, sampler.seed)


class _Batch:
    """Runs stepped in one RunBatch (columns ``cols`` of the comparison)."""

    def __init__(self, runs: list[CompareRun], cols: list[int], tol: float, max_steps: int) -> None:
        first = runs[0]
        specs = [RunSpec(r.optimizer, r.start, r.schedule, r.label, r.noise) for r in runs]
        self.cols = cols
        self.batch = RunBatch(first.objective, specs, sampler=first.sampler, tol=tol, max_steps=max_steps)

    @property
    def k(self) -> int:
        return self.batch.k

    @property
    def running(self) -> bool:
        return self.batch.running

    def step(self, n: int) -> None:
        self.batch.step(n)

    def goto(self, k: int) -> None:
        self.batch.goto(k)

    def last_row(self, j: int) -> int:
        stop = self.batch.stopped_at[j]
        return self.batch.k if stop < 0 else min(stop, self.batch.k)

    def status(self, j: int) -> tuple[str, str]:
        return self.batch.status[j], self.batch.reason[j]

    def rows(self, j: int, upto: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        b = self.batch
        return b.history_w[: upto + 1, j], b.history_loss[: upto + 1, j], b.history_grad[: upto + 1, j]

    def state(self, j: int, k: int) -> dict[str, list[float]]:
        return self.batch.state_of(j, k)


class _Single:
    """One run stepped alone (``cols`` holds its column)."""

    def __init__(self, run: CompareRun, col: int, tol: float, max_steps: int) -> None:
        self.cols = [col]
        self.run = Run(run.objective, run.optimizer, run.start, schedule=run.schedule, sampler=run.sampler,
                       tol=tol, max_steps=max_steps, noise=run.noise)

    @property
    def k(self) -> int:
        return self.run.k

    @property
    def running(self) -> bool:
        return self.run.running

    def step(self, n: int) -> None:
        self.run.step(n)

    def goto(self, k: int) -> None:
        self.run.goto(k)

    def last_row(self, j: int) -> int:
        return self.run.k

    def status(self, j: int) -> tuple[str, str]:
        return self.run.status, self.run.reason

    def rows(self, j: int, upto: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        h = self.run.history
        return h.w[: upto + 1], h.loss[: upto + 1], h.grad[: upto + 1]

    def state(self, j: int, k: int) -> dict[str, list[float]]:
        names = getattr(self.run.optimizer, "state_names", ())
        return {name: [float(x) for x in v] for name, v in zip(names, self.run.history.state_of(k))}


def _batchable(run: CompareRun) -> bool:
    """True when the single run of ``run`` evaluates through numpy too (a data-driven
    loss), so a RunBatch gives the same bits; Newton goes alone (its solve differs)."""
    return run.objective.uses_data and not getattr(run.optimizer, "needs_hessian", False)


class Comparison:
    """R runs of one problem moved together: step, back, goto, reset; per-run status,
    regime, steps to converge and rank; each run exactly a single run's rows."""

    def __init__(self, runs: Sequence[CompareRun], *, tol: float = 1e-8, max_steps: int = 100_000) -> None:
        runs = list(runs)
        if not runs:
            raise OptionError("a comparison needs at least one run")
        if len(runs) > MAX_RUNS:
            raise OptionError(f"{len(runs)} runs asked for, but a comparison has at most {MAX_RUNS}")
        self.runs = runs
        self.R = len(runs)
        self.tol = float(tol)
        self.max_steps = int(max_steps)
        groups: dict[Any, list[int]] = {}
        singles: list[int] = []
        for i, r in enumerate(runs):
            if _batchable(r):
                groups.setdefault((r.data_key, id(r.objective), _sampler_key(r.sampler)), []).append(i)
            else:
                singles.append(i)
        self._engines: list[Any] = []
        self._where: list[tuple[Any, int]] = [None] * self.R  # type: ignore[list-item]
        for cols in groups.values():
            eng = _Batch([runs[i] for i in cols], cols, self.tol, self.max_steps)
            self._engines.append(eng)
            for j, i in enumerate(cols):
                self._where[i] = (eng, j)
        for i in sorted(singles):
            eng = _Single(runs[i], i, self.tol, self.max_steps)
            self._engines.append(eng)
            self._where[i] = (eng, 0)
        self._full_cache: dict[tuple[int, int], tuple[tuple, tuple[float, list[float]]]] = {}
        self._start_loss = [self._full_loss_grad(i, 0)[0] for i in range(self.R)]

    # ------------------------------------------------------------ moving
    @property
    def k(self) -> int:
        """Steps taken (the furthest row of any run)."""
        return max(e.k for e in self._engines)

    @property
    def running(self) -> bool:
        """True while at least one run can take more steps."""
        return any(e.running for e in self._engines)

    def step(self, n: int = 1) -> int:
        """Up to n more steps of every running run; returns how far the comparison moved."""
        k0 = self.k
        target = min(k0 + max(0, int(n)), self.max_steps)
        for e in self._engines:
            if e.running and e.k < target:
                e.step(target - e.k)
        return self.k - k0

    def goto(self, k: int) -> None:
        """Every run to row k (a run that stopped earlier stays at its last row)."""
        if k < 0:
            raise IndexError(f"step {k} does not exist (steps start at 0)")
        if k > self.k:
            self.step(k - self.k)
            return
        for e in self._engines:
            if e.k > k:
                e.goto(k)

    def back(self, n: int = 1) -> None:
        """Undo n steps of every run, exactly."""
        self.goto(max(0, self.k - max(0, int(n))))

    def reset(self) -> None:
        """Every run back to its start point."""
        self.goto(0)

    # ------------------------------------------------------------ reading
    @property
    def labels(self) -> list[str]:
        return [r.label for r in self.runs]

    def last_row(self, i: int) -> int:
        """Run i's current row: where it stopped, or the comparison's step."""
        eng, j = self._where[i]
        return eng.last_row(j)

    def status(self, i: int) -> str:
        eng, j = self._where[i]
        return eng.status(j)[0]

    def reason(self, i: int) -> str:
        """Why run i stopped, in the words a single run uses."""
        eng, j = self._where[i]
        status, reason = eng.status(j)
        if status == "domain-error" and isinstance(eng, _Batch):
            # the batch sees only nan; ask the objective for the message a single run gives
            k = self.last_row(i)
            w = self.path(i)[k].tolist()
            run = self.runs[i]
            rows = None if run.sampler is None else run.sampler.rows(k + 1)
            try:
                run.objective.value_grad(w, rows)
            except DomainError as exc:
                prev = self.path(i)[k - 1].tolist() if k > 0 else None
                return row_status(run.objective.params, k, w, math.nan, [math.nan] * len(w), prev,
                                  str(exc) or "outside the domain of the function", self.tol, math.inf,
                                  self.max_steps)[1]
        return reason

    def path(self, i: int) -> np.ndarray:
        """Run i's points w_0 .. w_k (k = its current row), shape (k+1, D)."""
        eng, j = self._where[i]
        return eng.rows(j, self.last_row(i))[0]

    def losses(self, i: int) -> np.ndarray:
        """Run i's losses row 0 .. k (on each row's batch for mini-batch runs)."""
        eng, j = self._where[i]
        return eng.rows(j, self.last_row(i))[1]

    def state(self, i: int, k: int | None = None) -> dict[str, list[float]]:
        """Run i's raw optimizer state after row k (default: its current row)."""
        eng, j = self._where[i]
        return eng.state(j, self.last_row(i) if k is None else k)

    def _full_loss_grad(self, i: int, k: int) -> tuple[float, list[float]]:
        """Loss and gradient at run i's row k on the whole data set (as ``gdtui run`` prints them)."""
        run = self.runs[i]
        eng, j = self._where[i]
        w, loss, grad = (a[k] for a in eng.rows(j, k))
        if run.sampler is None or getattr(run.sampler, "full_batch", False):
            return float(loss), [float(g) for g in grad]
        point = tuple(w.tolist())
        hit = self._full_cache.get((i, k))
        if hit is not None and hit[0] == point:  # the leaderboard asks every frame
            return hit[1]
        try:
            out = run.objective.value_grad(list(point), None)
        except DomainError:
            out = (math.nan, [math.nan] * len(point))
        if len(self._full_cache) > 4 * MAX_RUNS:  # bounded
            self._full_cache.clear()
        self._full_cache[(i, k)] = (point, out)
        return out

    def final(self, i: int) -> dict[str, Any]:
        """Run i's current row as ``gdtui run`` prints its last one: step, w, loss, grad
        (full batch)."""
        k = self.last_row(i)
        loss, grad = self._full_loss_grad(i, k)
        return {"step": k, "w": [float(v) for v in self.path(i)[k]], "loss": float(loss),
                "grad": [float(g) for g in grad]}

    def grad_norm(self, i: int) -> float:
        """‖∇f‖ at run i's current row (full batch)."""
        g = self.final(i)["grad"]
        return math.hypot(*g) if all(math.isfinite(x) for x in g) else math.nan

    def steps_to_converge(self, i: int) -> int | None:
        """The step at which run i converged, or None."""
        return self.last_row(i) if self.status(i) == "converged" else None

    def regime(self, i: int) -> str | None:
        """Run i's regime (see the module docstring); None while it runs."""
        status = self.status(i)
        if status == "running":
            return None
        return regime(status, self.path(i), self._start_loss[i], self.final(i)["loss"])

    def ranking(self) -> list[int]:
        """Run indices best first (see :func:`rank_order`)."""
        return rank_order([self.status(i) for i in range(self.R)],
                          [self.steps_to_converge(i) for i in range(self.R)],
                          [self.final(i)["loss"] for i in range(self.R)])

    def max_stable_lr(self) -> float | None:
        """2/λmax of the first run's problem when its Hessian is constant-ish (see module doc)."""
        obj = self.runs[0].objective
        starts = [r.start for r in self.runs if r.objective is obj]
        return max_stable_lr(obj, starts)


# --------------------------------------------------------------------------- basins
@dataclass(frozen=True)
class Basins:
    """Where runs from many start points end, for a 1-D problem.

    ``ends[name][s]`` is the index into ``minima`` of the minimum the run of optimizer
    ``name`` from ``starts[s]`` ended in, -1 when it diverged or failed, -2 when it had
    not settled after ``steps`` steps.
    """

    starts: np.ndarray
    minima: list[float]
    ends: dict[str, list[int]]
    steps: int


def basins(objective: Objective, lo: float, hi: float, n: int,
           optimizers: Sequence[tuple[str, Any]], steps: int = 2000, tol: float = 1e-6) -> Basins:
    """Run each optimizer from ``n`` starts evenly across [lo, hi] (cell centres) and say
    which minimum each run ends in.  Minima are where the converged runs stopped, merged
    when closer than 1/1000 of the span (a picture, so a RunBatch is fine here)."""
    if objective.dims != 1:
        raise OptionError("basins are drawn for functions of one parameter")
    n = max(1, int(n))
    starts = lo + (np.arange(n) + 0.5) * (hi - lo) / n
    specs = [RunSpec(opt, [float(x)], label=name) for name, opt in optimizers for x in starts]
    batch = RunBatch(objective, specs, tol=tol, max_steps=steps)
    batch.step(steps)
    final = batch.W[:, 0].copy()
    status = list(batch.status)
    settled = [s == "converged" for s in status]
    merge = 1e-3 * max(hi - lo, 1e-12)
    minima: list[float] = []
    for x in sorted(float(final[i]) for i in range(len(specs)) if settled[i]):
        if not minima or x - minima[-1] > merge:
            minima.append(x)
    ends: dict[str, list[int]] = {}
    for o, (name, _) in enumerate(optimizers):
        row = []
        for s in range(n):
            i = o * n + s
            if settled[i]:
                row.append(int(np.argmin([abs(final[i] - m) for m in minima])))
            elif status[i] == "max-steps":
                row.append(-2)
            else:
                row.append(-1)
        ends[name] = row
    return Basins(starts, minima, ends, steps)
