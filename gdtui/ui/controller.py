"""The state of one playground session, without Textual.

`Session` owns the compiled :class:`~gdtui.problem.Problem` and the engine
:class:`~gdtui.engine.run.Run`; the screen sends it intents (step, back, reset,
apply options, move the start) and reads back a :class:`StateView` to draw.
`Pacer` decides how many steps a live frame owes.  Neither touches widgets, so
both are testable without an app and one process can hold many sessions.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

import numpy as np

from gdtui.errors import GdtuiError, OptionError
from gdtui.settings import Settings

if TYPE_CHECKING:
    from gdtui.engine.explain import BatchPosition, WorkedUpdate
    from gdtui.engine.run import Run
    from gdtui.problem import Problem

__all__ = ["FRAME", "SPEEDS", "Pacer", "RecentRows", "Session", "StateView"]

#: Live speeds in steps per second (`+` / `-` walk this list).
SPEEDS: tuple[int, ...] = (1, 2, 5, 10, 30, 100, 1000, 10000)
#: Shortest time between two redraws while running (~30 frames a second).
FRAME = 1 / 30


@dataclass
class StateView:
    """What the state table and status bar show for row k of the run."""

    k: int
    params: tuple[str, ...]
    rows: list[tuple[str, list[float]]]  # (quantity, one value per parameter)
    loss: float
    grad_norm: float
    full_loss: float | None  # the full-data loss when `loss` is a mini-batch loss
    lr: float
    status: str
    reason: str
    note: str | None = None
    optimizer: str = ""  # the rule's name, e.g. "sgd"
    full_grad: list[float] | None = None  # the full-data gradient when `rows` hold a batch one
    full_norm: float | None = None
    worked: "WorkedUpdate | None" = None  # the update that produced row k, as equations
    batch: "BatchPosition | None" = None  # epoch and rows of row k's mini-batch

    @property
    def is_batch(self) -> bool:
        """True when loss, gradient and ‖∇f‖ are mini-batch values (full ones beside them)."""
        return self.full_loss is not None


@dataclass
class RecentRows:
    """The last few rows of the run, for the recent-steps table (copies, not views)."""

    ks: list[int]
    w: "np.ndarray"  # (n, D)
    loss: "np.ndarray"
    grad_norm: "np.ndarray"
    batch: bool  # the losses are mini-batch losses


@dataclass
class Pacer:
    """How many steps a live frame owes at a given speed, within a time budget.

    Steps are owed in proportion to the time elapsed, so the speed holds whatever
    the frame rate; a frame never spends more than ``budget`` seconds stepping, so
    the event loop stays responsive even when the engine is slower than asked.
    """

    budget: float = 0.012
    step_time: float = 2e-5  # running estimate of seconds per step
    capped: bool = False  # the last frame could not take every step owed
    _carry: float = 0.0
    _last: float | None = None

    def start(self, now: float | None = None) -> None:
        """Begin pacing from now (forget any owed fraction)."""
        self._last = time.monotonic() if now is None else now
        self._carry = 0.0

    @staticmethod
    def interval(speed: float) -> float:
        """Seconds between frames: one step per frame when slow, else ~30 fps."""
        return max(1.0 / speed, FRAME)

    def owed(self, speed: float, now: float | None = None) -> int:
        """Steps owed since the last call (at least 1), capped by the budget."""
        now = time.monotonic() if now is None else now
        last = now - self.interval(speed) if self._last is None else self._last
        self._last = now
        want = speed * (now - last) + self._carry
        steps = max(1, int(want))
        cap = max(1, int(self.budget / max(self.step_time, 1e-9)))
        self.capped = steps > cap
        if self.capped:
            steps, self._carry = cap, 0.0  # the engine cannot keep up: drop the backlog
        else:
            self._carry = max(0.0, want - steps)
        return steps

    def top_speed(self) -> int:
        """Roughly the most steps a second live running can reach on this problem."""
        return int(self.budget / max(self.step_time, 1e-9) / FRAME)

    def measured(self, steps: int, seconds: float) -> None:
        """Feed back how long `steps` took, to size the next frames."""
        if steps > 0:
            self.step_time = 0.7 * self.step_time + 0.3 * (seconds / steps)


@dataclass
class Session:
    """One user's problem, run, and live speed; all state lives here, nothing global."""

    settings: Settings
    problem: "Problem | None" = None
    run: "Run | None" = None
    columns: tuple[str, ...] = ()  # data columns a typed function may use
    speed_index: int = 4
    pacer: Pacer = field(default_factory=Pacer)

    # ------------------------------------------------------------ problem
    def set_problem(self, problem: "Problem", columns: Sequence[str] = ()) -> None:
        """Adopt a freshly compiled problem and start a new run from its start."""
        run = problem.new_run()
        self.problem, self.run, self.columns = problem, run, tuple(columns)

    @property
    def ready(self) -> bool:
        """True once a problem is compiled and a run exists."""
        return self.run is not None

    @property
    def params(self) -> tuple[str, ...]:
        """The parameter names (empty before the first problem)."""
        return self.problem.objective.params if self.problem else ()

    def start_point(self) -> list[float]:
        """The run's start point in parameter order."""
        return self.problem.start if self.problem else []

    def apply_options(
        self,
        optimizer: str,
        hyper: dict[str, float],
        schedule: str,
        start: dict[str, float],
        batch_size: int | None,
        seed: int,
        lr_typed: bool = True,
    ) -> None:
        """Validate new optimizer settings and restart the run with them.

        Raises :class:`GdtuiError` (one line) and changes nothing when a value is bad.
        """
        if self.problem is None:
            raise OptionError("no function yet: wait for it to compile")
        from gdtui.problem import Problem

        if batch_size is not None and batch_size < 1:
            raise OptionError(f"batch size must be at least 1, got {batch_size}")
        settings = self.problem.settings.copy(
            optimizer=optimizer, schedule=schedule, batch_size=batch_size, seed=seed
        )
        settings.hyper = dict(hyper)
        if lr_typed or hyper.get("lr") != self.problem.settings.hyper.get("lr"):
            settings.lr_note = ""  # the lr is no longer the one gdtui suggested
        settings.lr_typed = lr_typed
        settings.start = {p: float(v) for p, v in start.items() if p in self.params}
        candidate = Problem(settings, self.problem.objective, self.problem.dataset)
        try:
            run = candidate.new_run()  # make_optimizer / make_schedule validate here
        except GdtuiError:
            raise
        except (ValueError, TypeError) as exc:  # an engine check that is not yet a GdtuiError
            raise OptionError(str(exc)) from None
        self.problem, self.run = candidate, run

    def set_start(self, start: Sequence[float]) -> None:
        """Restart the run from a new start point (parameter order)."""
        if self.problem is None:
            return
        self.problem.settings.start = {p: float(v) for p, v in zip(self.params, start)}
        self.run = self.problem.new_run()

    # ------------------------------------------------------------ stepping
    def step(self, n: int = 1) -> int:
        """Take up to n steps; returns how many were taken (0 once stopped)."""
        if self.run is None:
            return 0
        t0 = time.perf_counter()
        taken = self.run.step(n)
        self.pacer.measured(taken, time.perf_counter() - t0)
        return taken

    def back(self, n: int = 1) -> None:
        """Undo n steps exactly (the history holds every row)."""
        if self.run is not None and self.run.k > 0:
            self.run.back(min(n, self.run.k))

    def reset(self) -> None:
        """Back to step 0 of the current run."""
        if self.run is not None:
            self.run.reset()

    @property
    def speed(self) -> int:
        """Live speed in steps per second."""
        return SPEEDS[self.speed_index]

    def faster(self) -> None:
        """Next speed up (stays at the top)."""
        self.speed_index = min(self.speed_index + 1, len(SPEEDS) - 1)

    def slower(self) -> None:
        """Next speed down (stays at the bottom)."""
        self.speed_index = max(self.speed_index - 1, 0)

    # ------------------------------------------------------------ reading
    def view(self) -> StateView | None:
        """The current row of the run, as labelled numbers for the state table."""
        run, problem = self.run, self.problem
        if run is None or problem is None:
            return None
        from gdtui.engine.explain import batch_position, worked_update

        rec = run.record(run.k)
        rows: list[tuple[str, list[float]]] = [("w", list(rec.w)), ("grad", list(rec.grad))]
        full = full_grad = full_norm = None
        if problem.objective.uses_data and getattr(run, "sampler", None) is not None:
            full, full_grad = run.full_loss_grad(rec.k)  # on the whole data set: once per redraw
            full_grad = [float(v) for v in full_grad]
            full_norm = math.hypot(*full_grad)
            rows.append(("grad_full", full_grad))
        rows += [(name, [float(x) for x in vals]) for name, vals in rec.state.items()]
        return StateView(
            k=rec.k,
            params=problem.objective.params,
            rows=rows,
            loss=float(rec.loss),
            grad_norm=rec.grad_norm,
            full_loss=full,
            lr=float(rec.lr),
            status=run.status,
            reason=run.reason,
            note=rec.note,
            optimizer=run.optimizer.name,
            full_grad=full_grad,
            full_norm=full_norm,
            worked=worked_update(run),
            batch=batch_position(run),
        )

    def recent(self, n: int) -> RecentRows | None:
        """The last ``n`` rows up to the current one (k, w, loss, ‖∇f‖), oldest first."""
        run = self.run
        if run is None or n <= 0:
            return None
        k = run.k
        a = max(0, k - n + 1)
        hist = run.history
        return RecentRows(
            ks=list(range(a, k + 1)),
            w=np.array(hist.w[a : k + 1], dtype=float),
            loss=np.array(hist.loss[a : k + 1], dtype=float),
            grad_norm=hist.grad_norms(a, k + 1),
            batch=self.problem is not None and run.sampler is not None,
        )
