"""Off-the-loop jobs for the main screen: validate as you type, compile a problem.

Each job runs in a thread worker (sympy lives in the expression worker process; the
thread only waits for it) and reports with `post_message`, which is thread-safe.
Jobs in the same group are exclusive: a newer one cancels the older, and a
cancelled job posts nothing.  Also: the option lists the panes are built from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from textual.worker import get_current_worker

from gdtui.errors import GdtuiError
from gdtui.settings import Settings
from gdtui.ui.messages import PreviewReady, ProblemFailed, ProblemReady

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.worker import Worker

__all__ = ["compile_problem", "optimizer_specs", "preset_options", "preview"]


def _error(exc: Exception) -> GdtuiError:
    """Any failure as a one-line user error (a bug must not crash the TUI)."""
    if isinstance(exc, GdtuiError):
        return exc
    from gdtui.sanitize import shown

    return GdtuiError(f"could not build the problem ({type(exc).__name__}: {shown(exc, 120)})")


def preview(node: "DOMNode", text: str, columns: Sequence[str]) -> None:
    """Check `text` (syntax first, then a full compile) and post a `PreviewReady`."""

    def job() -> None:
        from gdtui.expr import check_syntax, compile_function

        worker = get_current_worker()
        try:
            err = check_syntax(text, tuple(columns))
            if err is not None:
                result = PreviewReady(text, None, err)
            else:
                if worker.is_cancelled:
                    return
                result = PreviewReady(text, compile_function(text, tuple(columns), store=False), None)
        except Exception as exc:  # noqa: BLE001 - shown as one line, never raised
            result = PreviewReady(text, None, _error(exc))
        if not worker.is_cancelled:
            node.post_message(result)

    node.run_worker(job, thread=True, exclusive=True, group="preview", exit_on_error=False)


def compile_problem(node: "DOMNode", settings: Settings, text: str,
                    keep_start: dict[str, float] | None = None) -> None:
    """Build the problem for `settings` and post `ProblemReady` or `ProblemFailed`.

    `keep_start`: start values to carry over to parameters of the same name.
    """

    def job() -> None:
        from gdtui.problem import build_problem, suggest_lr

        worker = get_current_worker()
        report = _data_progress(node, worker)
        try:
            # the worker makes new values only: the UI's settings and problem stay as they are
            problem = build_problem(settings, progress=report)
            if keep_start:
                params = problem.objective.params
                problem = problem.with_start({p: v for p, v in keep_start.items() if p in params})
            problem = suggest_lr(problem)  # no lr given: one from the curvature at the start
            result: ProblemReady | ProblemFailed = ProblemReady(text, problem)
        except Exception as exc:  # noqa: BLE001 - shown as one line, never raised
            result = ProblemFailed(text, _error(exc))
        report.done()
        if not worker.is_cancelled:
            node.post_message(result)

    node.run_worker(job, thread=True, exclusive=True, group="compile", exit_on_error=False)


class _data_progress:  # noqa: N801 - used like a function
    """Progress of a CSV file loading in this thread, shown in the status line.

    The load runs in the thread worker, so the app stays responsive; this hands
    "loading data… 40%" to the screen's ``notice`` on the event loop, at most
    every 5%, and clears it when the load is over.
    """

    STEP = 0.05

    def __init__(self, node: "DOMNode", worker: "Worker[None]") -> None:
        self.node, self.worker, self.last, self.shown = node, worker, -1.0, False

    def _show(self, text: str) -> None:
        notice = getattr(self.node, "notice", None)
        if notice is None or self.worker.is_cancelled:
            return
        try:
            self.node.app.call_from_thread(notice, text)
        except RuntimeError:  # the app is closing
            pass

    def __call__(self, fraction: float) -> None:
        if fraction - self.last < self.STEP and fraction < 1.0:
            return
        self.last = fraction
        self.shown = True
        from gdtui.ui.lang import t

        self._show(t(self.node, "data.loading", pct=f"{fraction:.0%}"))

    def done(self) -> None:
        if self.shown:
            self._show("")


def preset_options() -> list[tuple[str, str]]:
    """(label, name) for the preset Select; empty while presets do not exist."""
    try:
        from gdtui.engine.presets import PRESETS
    except ImportError:
        return []
    return [(name, name) for name in PRESETS]


#: The hyperparameters the UI offers (the ones Settings and the CLI know), in order.
HYPER_NAMES = ("lr", "momentum", "beta1", "beta2", "eps", "alpha")


def optimizer_specs() -> dict[str, dict[str, float]]:
    """Optimizer name -> {hyperparameter: default} (lr first), from the engine."""
    try:
        from gdtui.engine.optimizers import OPTIMIZERS
    except ImportError:
        return {"sgd": {"lr": 0.1}}
    specs: dict[str, dict[str, float]] = {}
    for name, cls in OPTIMIZERS.items():
        defaults = cls.defaults()
        specs[name] = {n: float(v) for n, v in defaults.items() if n in HYPER_NAMES}
    return specs
