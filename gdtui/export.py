"""Keeping what was shown: a run as Markdown, the command line that reproduces it, and
the files the app's export key writes (CSV, JSON, Markdown, SVG of the screen).

CSV and JSON are exactly what ``gdtui run --format csv|json`` prints; the Markdown is
what ``gdtui run --format md`` prints.  Files go only into the folder given (the
working directory or ``--save-dir``), under fresh names, never over an existing file.
"""

from __future__ import annotations

import math
import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gdtui.output import _show, format_run, run_rows

if TYPE_CHECKING:
    from gdtui.engine.run import Run
    from gdtui.problem import Problem

__all__ = ["command_line", "export_run", "markdown_every", "run_markdown"]

#: Rows the Markdown table of an app export aims at (every N-th step).
MD_ROWS = 20


def _point(params: Any, values: Any) -> str:
    return ",".join(f"{p}={_show(v)}" for p, v in zip(params, values))


def source_args(settings: Any, use_preset: bool) -> list[str]:
    """The options that name the problem: ``--preset`` or ``--fn`` (``--fn=-x^2`` when the
    text starts with '-', which argparse would read as an option), then the data set."""
    s = settings
    if use_preset:
        args = ["--preset", str(s.preset)]
    elif s.fn.lstrip().startswith("-"):
        args = [f"--fn={s.fn}"]
    else:
        args = ["--fn", s.fn]
    if s.data:
        args += ["--data", s.data]
    if s.rows is not None:
        args += ["--rows", str(s.rows)]
    return args


def command_line(settings: Any, steps: int | None = None, params: Any = None,
                 every: int | None = None, fmt: str | None = None) -> str:
    """The ``gdtui run`` command line that reproduces ``settings`` (resolved) for ``steps``."""
    s = settings
    args = ["gdtui", "run", *source_args(s, use_preset=bool(s.preset))]
    if s.start:
        names = list(params) if params else list(s.start)
        start = {p: s.start[p] for p in names if p in s.start}
        if start:
            args += ["--start", _point(start, start.values())]
    if s.optimizer:
        args += ["--optimizer", s.optimizer]
    for key in ("lr", "momentum", "beta1", "beta2", "eps", "alpha"):
        if key in s.hyper:
            args += [f"--{key}", repr(float(s.hyper[key]))]
    if s.schedule and s.schedule != "constant":
        args += ["--schedule", s.schedule]
    if s.batch_size is not None and s.data:
        args += ["--batch-size", str(s.batch_size)]
    if s.seed:
        args += ["--seed", str(s.seed)]
    if getattr(s, "noise", 0.0):
        args += ["--noise", repr(float(s.noise))]
    if s.tol != 1e-8:
        args += ["--tol", repr(float(s.tol))]
    if steps is not None:
        args += ["--steps", str(steps)]
    if every is not None and every != 1:
        args += ["--every", str(every)]
    if fmt is not None and fmt != "table":
        args += ["--format", fmt]
    return " ".join(shlex.quote(a) for a in args)


def markdown_every(k: int, rows: int = MD_ROWS) -> int:
    """N so that rows 0, N, 2N ... of a run of k steps make about ``rows`` rows."""
    return max(1, math.ceil(k / rows)) if k > 0 else 1


def _cell(x: float) -> str:
    return _show(x) if math.isfinite(x) else str(x)


def run_markdown(problem: "Problem", run: "Run", every: int = 1) -> str:
    """A Markdown summary of a run: problem, settings, outcome, command line, table."""
    s = problem.settings
    params = list(problem.objective.params)
    rows = run_rows(run, every)
    last = run_rows(run, max(1, run.k))[-1]
    hyper = ", ".join(f"{k} = {_show(v)}" for k, v in run.optimizer.hyperparameters().items())
    lines = [f"# gdtui run: {s.preset or 'f'}", ""]
    lines.append(f"- **function**: `f({', '.join(params)}) = {problem.objective.formula or problem.objective.text}`")
    if problem.dataset is not None:
        batch = s.batch_size
        how = f"mini-batches of {batch}, seed {s.seed}" if batch else "full batch"
        lines.append(f"- **data**: `{s.data}` ({problem.dataset.n_rows} rows, {how})")
    else:
        lines.append("- **data**: none")
    lines.append(f"- **optimizer**: {run.optimizer.name} ({hyper}), schedule {s.schedule}")
    lines.append(f"- **start** (step 0): {', '.join(f'{p} = {_cell(v)}' for p, v in zip(params, rows[0]['w']))}")
    lines.append(f"- **status** after {run.k} steps: {run.status}" + (f" ({run.reason})" if run.reason else ""))
    lines.append(f"- **final** (step {run.k}): "
                 + ", ".join(f"{p} = {_cell(v)}" for p, v in zip(params, last["w"]))
                 + f", loss = {_cell(last['loss'])}")
    lines += ["", "Reproduce it:", "", "```", command_line(s, run.k, params), "```", ""]
    lines.append(f"Every {every} step(s) and the last:" if every > 1 else "Every step:")
    lines.append("")
    header = ["step", *params, "loss", *[f"df/d{p}" for p in params]]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join("---:" for _ in header) + "|")
    for r in rows:
        cells = [str(r["step"]), *map(_cell, r["w"]), _cell(r["loss"]), *map(_cell, r["grad"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def export_run(problem: "Problem", run: "Run", directory: str | os.PathLike[str] = ".",
               svg: str | None = None) -> list[Path]:
    """Write the run as CSV, JSON, Markdown (and the screen as SVG) into ``directory``.

    Names come from the problem (``gdtui-parabola-step20.csv`` ...), never overwrite a
    file, never leave the folder.  Returns the paths written.
    """
    from gdtui.sessionfile import session_filename, unique_path, write_new

    folder = Path(directory)
    if not folder.is_dir():
        from gdtui.errors import GdtuiError

        raise GdtuiError(f"{folder}: not a folder to export into")
    base = session_filename(problem.settings, suffix="")[: 60] + f"-step{run.k}"
    # One free stem for all four files, so they belong together.
    stem = base
    for i in range(2, 1000):
        if not any(os.path.lexists(folder / f"{stem}.{ext}") for ext in ("csv", "json", "md", "svg")):
            break
        stem = f"{base}-{i}"
    out = []
    out.append(write_new(unique_path(folder, f"{stem}.csv"), format_run(problem, run, fmt="csv")))
    out.append(write_new(unique_path(folder, f"{stem}.json"), format_run(problem, run, fmt="json")))
    md = run_markdown(problem, run, markdown_every(run.k))
    out.append(write_new(unique_path(folder, f"{stem}.md"), md))
    if svg is not None:
        out.append(write_new(unique_path(folder, f"{stem}.svg"), svg))
    return out
