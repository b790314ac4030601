"""Glue from Settings and lists of values to an engine :class:`~gdtui.engine.compare.Comparison`.

Used by ``gdtui compare`` and the TUI's compare view alike.  Each run's settings are
built exactly as ``gdtui run`` would build them from the same options (the preset's
defaults, then the user's values), and its run comes from
:meth:`gdtui.problem.Problem.new_run`, so the optimizer, schedule, mini-batches and
noise are the same objects a single run gets.

A hyperparameter applies to the runs whose optimizer takes it (``--optimizer
sgd,momentum --momentum 0.9`` gives momentum 0.9 to the momentum run only); it is
an error when no run's optimizer takes it.  Compiling talks to the symbolic worker:
call :func:`build_comparison` from a thread in a UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from gdtui.engine.compare import Comparison, CompareRun, label_of, product
from gdtui.errors import OptionError
from gdtui.problem import Problem, apply_preset, build_problem, check_point_names
from gdtui.settings import Settings

__all__ = ["Compared", "build_comparison", "run_settings"]

_HYPER = ("lr", "momentum", "beta1", "beta2")


def _takes(optimizer: str) -> tuple[str, ...]:
    """The hyperparameters optimizer ``optimizer`` takes (empty when it is unknown)."""
    from gdtui.engine import optimizers

    cls = getattr(optimizers, "OPTIMIZERS", {}).get(optimizer)
    fields = getattr(cls, "fields", None)
    return tuple(fields()) if callable(fields) else ()


def run_settings(base: Settings, varied: dict[str, Any]) -> tuple[Settings, dict[str, Any]]:
    """The resolved settings of one run (as ``gdtui run`` with these values would use)
    and the varied values that apply to it."""
    s = base.copy()
    for name, value in varied.items():
        if name in _HYPER:
            s.hyper[name] = value
        elif name == "optimizer":
            s.optimizer = value
        elif name == "batch-size":
            s.batch_size = None if value == "full" else int(value)
        elif name == "schedule":
            s.schedule = value
        elif name == "seed":
            s.seed = int(value)
        elif name == "start":
            s.start = dict(value)
        elif name == "noise":
            s.noise = float(value)
    resolved = apply_preset(s)
    if varied.get("batch-size") == "full":
        resolved.batch_size = None  # full also overrides a preset's mini-batches
    takes = _takes(resolved.optimizer or "sgd")
    applied = dict(varied)
    if takes:
        for name in list(resolved.hyper):
            if name not in takes:
                del resolved.hyper[name]
                applied.pop(name, None)
    return resolved, applied


@dataclass
class Compared:
    """A built comparison: the engine object and, per run, its resolved settings."""

    comparison: Comparison
    settings: list[Settings]
    problem: Problem  # the first run's (function, variables, data)

    @property
    def first_settings(self) -> Settings:
        """What the single-run view continues with when the comparison is left."""
        return self.settings[0]


def build_comparison(base: Settings, axes: Sequence[tuple[str, Sequence[Any]]], *,
                     timeout: float = 3.0) -> Compared:
    """Build every run of the product of ``axes`` on the problem of ``base``; OptionError
    (one line) on bad input, naming the run when only one run's settings are wrong."""
    combos = product(axes)
    shown = {n for n, values in axes if len(values) > 1} or {n for n, _ in axes}  # what labels name
    given = {n for n, _ in axes if n in _HYPER} | set(base.hyper) - {"lr"}
    problems: dict[Any, Problem] = {}
    runs: list[CompareRun] = []
    settings: list[Settings] = []
    used_hyper: set[str] = set()
    for varied in combos:
        resolved, applied = run_settings(base, varied)
        used_hyper |= set(resolved.hyper)
        key = (resolved.fn, resolved.data, resolved.rows, resolved.seed if resolved.data else None)
        label = label_of({k: v for k, v in applied.items() if k in shown})
        problem = problems.get(key)
        try:
            if problem is None:
                problem = problems[key] = build_problem(resolved, timeout=timeout)
            check_point_names(resolved.start, problem.objective.params)
            own = Problem(resolved, problem.objective, problem.dataset)
            run = own.new_run()
        except OptionError as exc:
            if len(combos) == 1:
                raise
            raise OptionError(f"run {label}: {exc.lines()[0]}") from None
        runs.append(CompareRun(label, applied, run.objective, run.optimizer, list(run.start),
                               run.schedule, run.sampler, run.noise, key, {"settings": resolved}))
        settings.append(resolved)
    unused = sorted(given - used_hyper)
    if unused:
        raise OptionError(f"--{unused[0]} applies to none of the optimizers compared")
    first = settings[0]
    comparison = Comparison(runs, tol=first.tol, max_steps=first.max_steps)
    first_problem = problems[runs[0].data_key]
    return Compared(comparison, settings, Problem(first, first_problem.objective, first_problem.dataset))
