"""Glue from :class:`~gdtui.settings.Settings` to an engine run.

Used by the CLI and the TUI alike, so both build runs the same way.  Compiling the
expression talks to the symbolic worker process (a second or so the first time), so
the TUI calls :func:`build_problem` from a thread worker, never on the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from gdtui.errors import OptionError
from gdtui.settings import Settings

if TYPE_CHECKING:
    from gdtui.engine.data import Dataset
    from gdtui.engine.objective import Objective
    from gdtui.engine.run import Run

__all__ = ["Problem", "apply_preset", "build_problem", "check_point_names", "suggest_lr",
           "validate_quickly"]

#: Optimizers whose step is lr times the gradient (or a sum of gradients), so that a
#: learning rate from the curvature means something; Adam & co. scale their own steps.
CURVATURE_LR = ("sgd", "momentum", "nesterov")


def apply_preset(settings: Settings) -> Settings:
    """Resolve defaults: fill what the user did not give from ``settings.preset``.

    A preset's start point, data set and batch size only apply when the user did
    not type their own function; the user's own options always win.
    """
    out = settings.copy()
    out.lr_typed = settings.lr_given
    if settings.preset and not settings.fn:
        from gdtui.engine.presets import get_preset

        p = get_preset(settings.preset)
        out.fn = p.fn
        out.start = {**p.start, **settings.start}
        out.data = settings.data if settings.data is not None else p.data
        out.optimizer = settings.optimizer or p.optimizer
        preset_hyper = dict(p.hyper) if out.optimizer == p.optimizer else {}
        out.hyper = {"lr": p.lr, **preset_hyper, **settings.hyper}
        if out.batch_size is None:
            out.batch_size = p.batch_size
        if out.schedule == "constant" and p.schedule:
            out.schedule = p.schedule
    out.optimizer = out.optimizer or "sgd"
    return out


@dataclass
class Problem:
    """A compiled, data-bound problem with its optimizer settings, ready to make runs.

    Treat it as a value: change settings with :meth:`with_start` or
    ``dataclasses.replace`` (a new Problem), never in place, because the UI may be
    showing this one while a worker builds the next.
    """

    settings: Settings
    objective: "Objective"
    dataset: "Dataset | None"
    columns: tuple[str, ...] = ()
    """The data set's column names, a typed function may use them (also when this
    function uses none of them and so holds no data set)."""

    @property
    def start(self) -> list[float]:
        """The start point in parameter order (unnamed parameters start at 0)."""
        return [float(self.settings.start.get(p, 0.0)) for p in self.objective.params]

    def with_start(self, start: Mapping[str, float]) -> "Problem":
        """The same problem starting from ``start`` (parameter name -> value)."""
        return replace(self, settings=self.settings.copy(start={p: float(v) for p, v in start.items()}))

    def check(self) -> None:
        """Raise the engine's one-line error when a setting is bad (optimizer,
        hyperparameters, schedule, batches, noise, start, steps), without making a run."""
        from gdtui.engine.run import check_run_options

        self._parts()
        s = self.settings
        check_run_options(self.objective, self.start, s.tol, s.max_steps)

    def _parts(self) -> dict[str, Any]:
        from gdtui.engine.data import BatchSampler
        from gdtui.engine.noise import make_noise
        from gdtui.engine.optimizers import make_optimizer
        from gdtui.engine.schedules import make_schedule

        s = self.settings
        sampler = None
        if self.dataset is not None and s.batch_size is not None:
            sampler = BatchSampler(self.dataset.n_rows, s.batch_size, s.seed)
        return dict(
            optimizer=make_optimizer(s.optimizer, **s.hyper),
            schedule=make_schedule(s.schedule),
            sampler=sampler,
            noise=make_noise(s.noise or None, self.objective.dims, s.seed),
        )

    def new_run(self, start: list[float] | None = None) -> "Run":
        """A fresh run of this problem (optionally from another start point)."""
        from gdtui.engine.run import Run

        s = self.settings
        parts = self._parts()
        return Run(
            self.objective,
            parts["optimizer"],
            self.start if start is None else start,
            schedule=parts["schedule"],
            sampler=parts["sampler"],
            tol=s.tol,
            max_steps=s.max_steps,
            noise=parts["noise"],
        )


def build_problem(
    settings: Settings, *, timeout: float = 3.0, progress: "Callable[[float], None] | None" = None
) -> Problem:
    """Compile the function, load and bind the data, check options; GdtuiError on bad input.

    ``progress`` is called with 0..1 while a CSV file loads (from this thread).
    """
    from gdtui.expr import compile_function

    s = apply_preset(settings)
    if not s.fn.strip():
        raise OptionError("no function given: use --fn EXPR or --preset NAME")
    dataset = None
    columns: tuple[str, ...] = ()
    if s.data:
        from gdtui.engine.data import load_dataset

        dataset = load_dataset(s.data, rows=s.rows, seed=s.seed, progress=progress)
        columns = tuple(dataset.column_names)
    objective = compile_function(s.fn, columns, timeout=timeout)
    if dataset is not None:
        if not objective.columns:
            dataset = None  # the function does not use the data: a plain function
        else:
            objective = objective.bind(dataset.columns)
    check_point_names(s.start, objective.params)
    if s.batch_size is not None and s.batch_size < 1:
        raise OptionError(f"--batch-size must be at least 1, got {s.batch_size}")
    problem = Problem(s, objective, dataset, columns)
    problem.check()  # optimizer, hyperparameters, schedule: refused now, with one line
    return problem


def suggest_lr(problem: Problem) -> Problem:
    """For the playground: when the user gave no learning rate and no preset chose one,
    the problem with 1/λmax at the start rounded down to 1, 2 or 5 × 10^n (see
    :func:`gdtui.engine.analysis.suggested_lr`), saying so in ``settings.lr_note``;
    else ``problem`` itself.  (``gdtui run`` keeps torch's defaults.)"""
    from gdtui.engine.analysis import suggested_lr

    s = problem.settings
    if s.lr_given or s.preset or s.optimizer not in CURVATURE_LR:
        return problem
    lr = suggested_lr(problem.objective, problem.start)
    if lr is None:
        return problem
    settings = s.copy(lr_note="suggested from curvature")
    settings.hyper["lr"] = lr
    return replace(problem, settings=settings)


def validate_quickly(settings: Settings) -> Settings:
    """Check everything that can be checked without sympy, so the TUI can refuse bad
    options with one line before any screen is drawn.  Returns the resolved settings."""
    from gdtui.engine.optimizers import make_optimizer
    from gdtui.engine.schedules import make_schedule
    from gdtui.expr.parse import parse, split_variables

    s = apply_preset(settings)
    columns: tuple[str, ...] = ()
    if s.data:
        from gdtui.engine.data import dataset_columns

        columns = tuple(dataset_columns(s.data, rows=s.rows, seed=s.seed))  # header only: fast
    params, _ = split_variables(parse(s.fn, columns), columns, s.fn)  # ExprError with the column
    check_point_names(s.start, params)
    make_optimizer(s.optimizer, **s.hyper)
    make_schedule(s.schedule)
    if s.theme is not None:
        from gdtui.theme_catalog import check_theme_name

        check_theme_name(s.theme)
    return s


def check_point_names(point: dict[str, float], params: Sequence[str], option: str = "--start") -> None:
    """OptionError when ``point`` names something that is not a parameter."""
    unknown = sorted(set(point) - set(params))
    if unknown:
        raise OptionError(
            f"{option} names {unknown[0]!r}, which is not a parameter of the function "
            f"(parameters: {', '.join(params)})"
        )

