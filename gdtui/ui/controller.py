"""The state of one playground session, without Textual.

`Session` owns the compiled :class:`~gdtui.problem.Problem` and the engine
:class:`~gdtui.engine.run.Run`; the screen sends it intents (step, back, reset,
apply options, move the start) and reads back one :class:`StateView` with named
fields (the path, the losses, the gradient to draw, the optimizer's state, notes),
which it hands to the widgets.  No widget reads the run itself.  `Pacer` decides how
many steps a live frame owes.  Neither touches widgets, so both are testable without
an app and one process can hold many sessions.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from gdtui.errors import GdtuiError, OptionError
from gdtui.settings import Settings

if TYPE_CHECKING:
    from gdtui.engine.explain import BatchPosition, WorkedUpdate
    from gdtui.engine.presets import Preset
    from gdtui.engine.run import Run
    from gdtui.problem import Problem

__all__ = ["FRAME", "SPEEDS", "Paced", "Pacer", "Position", "RecentRows", "Session", "StateView"]

#: Live speeds in steps per second (`+` / `-` walk this list).
SPEEDS: tuple[int, ...] = (1, 2, 5, 10, 30, 100, 1000, 10000)
#: Shortest time between two redraws while running (~30 frames a second).
FRAME = 1 / 30


@dataclass
class StateView:
    """Everything the playground shows for row k of the run, by name.

    The screen hands these fields to the widgets: the state table reads ``rows``,
    the landscape ``path``, ``gradient`` and ``best``, the loss plot ``losses``,
    the status bar ``status``, ``reason`` and ``note``.  Arrays are read-only views
    of the run's history (valid until the run changes).
    """

    k: int
    params: tuple[str, ...]
    rows: list[tuple[str, list[float]]]  # (quantity, one value per parameter), in table order
    loss: float
    grad_norm: float
    full_loss: float | None  # the full-data loss when `loss` is a mini-batch loss
    lr: float
    status: str
    reason: str
    note: str | None = None  # e.g. Newton fell back to a gradient step at this update
    optimizer: str = ""  # the rule's name, e.g. "sgd"
    full_grad: list[float] | None = None  # the full-data gradient when `rows` hold a batch one
    full_norm: float | None = None
    worked: "WorkedUpdate | None" = None  # the update that produced row k, as equations
    batch: "BatchPosition | None" = None  # epoch and rows of row k's mini-batch
    w: list[float] = field(default_factory=list)  # the point w_k
    grad: list[float] = field(default_factory=list)  # ∇f(w_k) as the optimizer saw it (batch or full)
    state: dict[str, list[float]] = field(default_factory=dict)  # the optimizer's state by name
    path: "np.ndarray | None" = None  # w_0..w_k, shape (k+1, D)
    losses: "np.ndarray | None" = None  # loss_0..loss_k (batch losses when `is_batch`)
    best: int | None = None  # the step with the lowest loss so far (None: batch, start or k)

    @property
    def gradient(self) -> list[float]:
        """The gradient of the picture of f (the full loss): the one the landscape's
        arrow and tangent show."""
        return self.full_grad if self.full_grad is not None else self.grad

    @property
    def is_batch(self) -> bool:
        """True when loss, gradient and ‖∇f‖ are mini-batch values (full ones beside them)."""
        return self.full_loss is not None


@dataclass(frozen=True)
class Position:
    """Where the run is: step k, the point, its loss, the next update's lr, the status."""

    k: int
    w: tuple[float, ...]
    loss: float
    lr: float
    status: str


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

    def tick_interval(self, speed: float, fps: float) -> float:
        """Seconds between live ticks when the screen is drawn at most ``fps`` times a
        second: one tick per frame, since a tick that draws nothing still costs a wake-up
        (thirty classroom students ticking 30 times a second is 900 wake-ups a second).
        The steps owed are counted by the clock, so the speed holds either way.  Kept at
        :meth:`interval` when that is already longer, or when a frame's worth of steps
        would not fit half the budget (fast speeds keep their ~30 ticks a second)."""
        base = self.interval(speed)
        frame = 1.0 / max(fps, 1e-3)
        if frame <= base or speed * frame * max(self.step_time, 1e-9) > self.budget / 2:
            return base
        return frame

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


@dataclass(kw_only=True)
class Paced:
    """A live speed (steps a second, walked with `+` / `-`) and the :class:`Pacer` that
    keeps it: what the playground's session and the compare view's share."""

    speed_index: int = 4
    pacer: Pacer = field(default_factory=Pacer)

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

    @property
    def running(self) -> bool:
        """True while stepping can go on (the live runner stops when it turns False)."""
        raise NotImplementedError

    def step(self, n: int = 1) -> int:
        """Take up to n steps; returns how many were taken."""
        raise NotImplementedError

    def _timed(self, step: Callable[[int], int], n: int, least: int = 0) -> int:
        """``step(n)``, telling the pacer how long it took per step (counting at least
        ``least`` steps); returns the steps taken."""
        t0 = time.perf_counter()
        taken = step(n)
        self.pacer.measured(max(taken, least), time.perf_counter() - t0)
        return taken


@dataclass
class Session(Paced):
    """One user's problem, run, and live speed; all state lives here, nothing global."""

    settings: Settings
    problem: "Problem | None" = None
    run: "Run | None" = None
    columns: tuple[str, ...] = ()  # data columns a typed function may use

    # ------------------------------------------------------------ problem
    def set_problem(self, problem: "Problem") -> None:
        """Adopt a freshly compiled problem and make its one run, from its start."""
        run = problem.new_run()
        self.problem, self.run, self.columns = problem, run, tuple(problem.columns)

    @property
    def running(self) -> bool:
        """True while the run can step on (status "running")."""
        return self.run is not None and self.run.status == "running"

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
        candidate = replace(self.problem, settings=settings)
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
        self.problem = self.problem.with_start(dict(zip(self.params, start)))
        self.run = self.problem.new_run()

    def preset_lr(self) -> dict[str, float]:
        """{optimizer: lr} of the preset the problem came from (empty otherwise)."""
        preset = self._preset()
        return {} if preset is None else {preset.optimizer: preset.lr}

    def known_minimum(self) -> list[float] | None:
        """Where the preset's function is lowest, in parameter order, when the preset says
        (and the function is still the preset's)."""
        preset, problem = self._preset(), self.problem
        if preset is None or problem is None:
            return None
        params = problem.objective.params
        if preset.minimum is None or preset.fn != problem.settings.fn or set(preset.minimum) != set(params):
            return None
        return [preset.minimum[q] for q in params]

    def _preset(self) -> "Preset | None":
        """The preset the problem came from, if it still exists."""
        name = self.problem.settings.preset if self.problem is not None else None
        if not name:
            return None
        try:
            from gdtui.engine.presets import get_preset

            return get_preset(name)
        except Exception:  # noqa: BLE001 - a preset that no longer exists: nothing from it
            return None

    # ------------------------------------------------------------ stepping
    def step(self, n: int = 1) -> int:
        """Take up to n steps; returns how many were taken (0 once stopped)."""
        if self.run is None:
            return 0
        return self._timed(self.run.step, n)

    def back(self, n: int = 1) -> None:
        """Undo n steps exactly (the history holds every row)."""
        if self.run is not None and self.run.k > 0:
            self.run.back(min(n, self.run.k))

    def reset(self) -> None:
        """Back to step 0 of the current run."""
        if self.run is not None:
            self.run.reset()

    # ------------------------------------------------------------ reading
    def position(self) -> "Position | None":
        """Where the run is now, in brief (for panels that follow it); None before the
        first problem compiled."""
        run = self.run
        if run is None or self.problem is None:
            return None
        rec = run.record(run.k)
        try:
            lr = float(run.lr_at(rec.k + 1))  # the learning rate of the next update
        except Exception:  # noqa: BLE001 - a schedule that cannot say: the base rate
            lr = float(run.optimizer.lr)
        return Position(rec.k, tuple(float(v) for v in rec.w), float(rec.loss), lr, run.status)

    def view(self) -> StateView | None:
        """The current row of the run, as labelled numbers for the state table."""
        run, problem = self.run, self.problem
        if run is None or problem is None:
            return None
        from gdtui.engine.explain import batch_position, best_step, worked_update

        rec = run.record(run.k)
        w, grad = list(rec.w), list(rec.grad)
        rows: list[tuple[str, list[float]]] = [("w", w), ("grad", grad)]
        full = full_grad = full_norm = None
        if problem.objective.uses_data and getattr(run, "sampler", None) is not None:
            full, full_grad = run.full_loss_grad(rec.k)  # on the whole data set: once per redraw
            full_grad = [float(v) for v in full_grad]
            full_norm = math.hypot(*full_grad)
            rows.append(("grad_full", full_grad))
        state = {name: [float(x) for x in vals] for name, vals in rec.state.items()}
        rows += list(state.items())
        hist, k = run.history, rec.k
        path, losses = hist.w[: k + 1], hist.loss[: k + 1]
        # the best point by the loss the history holds (batch losses would mislead); the
        # start and the current point have their own marks
        best = None if full is not None else best_step(losses)
        if best in (0, k):
            best = None
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
            w=w,
            grad=grad,
            state=state,
            path=_read_only(path),
            losses=_read_only(losses),
            best=best,
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


def _read_only(a: "np.ndarray") -> "np.ndarray":
    """A view of ``a`` that cannot be written through (widgets only read the history)."""
    view = a.view()
    view.flags.writeable = False
    return view
