"""Keeping a comparison: the ``gdtui compare`` command line that reproduces the compare
view, and the files its export key writes (CSV, JSON, Markdown, SVG of the screen).

The CSV and JSON are what that command line prints with ``--format csv|json``: the
export parses the line with the CLI's own parser and builds the comparison the way
``gdtui compare`` does (so a file and the command never disagree).  Files go only
into the folder given, under fresh names, never over an existing file.  No textual.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from gdtui.export import source_args

if TYPE_CHECKING:
    from gdtui.comparison import Compared
    from gdtui.settings import Settings

__all__ = ["compare_args", "compare_command_line", "comparison_markdown", "export_comparison",
           "rebuild_from_args"]

_HYPER = ("lr", "momentum", "beta1", "beta2")


def _r(x: float) -> str:
    """A float as the shortest text that reads back to the same value."""
    return repr(float(x))


def _point(p: dict[str, float]) -> str:
    return ",".join(f"{k}={_r(v)}" for k, v in p.items())


def _axis_value(name: str, values: Sequence[Any]) -> str:
    if name == "start":
        return ";".join(_point(dict(v)) for v in values)
    return ",".join(_r(v) if isinstance(v, float) else str(v) for v in values)


def _args(base: "Settings", axes: Sequence[tuple[str, Sequence[Any]]], steps: int,
          use_preset: bool) -> list[str]:
    s = base
    listed = {name for name, _ in axes}
    args = source_args(s, use_preset)
    if s.start and "start" not in listed:
        args += ["--start", _point(s.start)]
    if s.optimizer and "optimizer" not in listed:
        args += ["--optimizer", s.optimizer]
    for key in _HYPER:
        if key in s.hyper and key not in listed:
            args += [f"--{key}", _r(s.hyper[key])]
    for key in ("eps", "alpha"):
        if key in s.hyper:
            args += [f"--{key}", _r(s.hyper[key])]
    if s.schedule and s.schedule != "constant" and "schedule" not in listed:
        args += ["--schedule", s.schedule]
    if s.batch_size is not None and s.data and "batch-size" not in listed:
        args += ["--batch-size", str(s.batch_size)]
    if s.seed and "seed" not in listed:
        args += ["--seed", str(s.seed)]
    if getattr(s, "noise", 0.0) and "noise" not in listed:
        args += ["--noise", _r(s.noise)]
    for name, values in axes:
        args += [f"--{name}", _axis_value(name, values)]
    args += ["--steps", str(int(steps))]
    if s.tol != 1e-8:
        args += ["--tol", _r(s.tol)]
    return args


def _same_runs(base: "Settings", args: list[str], axes: Sequence[tuple[str, Sequence[Any]]]) -> bool:
    """True when ``gdtui compare ARGS`` resolves every run as ``base`` with ``axes`` does."""
    from gdtui.comparison import run_settings
    from gdtui.engine.compare import product

    try:
        cli_base, cli_axes = rebuild_from_args(args)
    except Exception:  # noqa: BLE001 - any doubt: the explicit --fn form
        return False
    if [n for n, _ in cli_axes] != [n for n, _ in axes]:
        return False
    fields = ("fn", "data", "rows", "start", "optimizer", "hyper", "schedule", "batch_size", "seed", "noise", "tol")
    for a, b in zip(product(axes), product(cli_axes)):
        ra, rb = run_settings(base, a)[0], run_settings(cli_base, b)[0]
        if any(getattr(ra, f) != getattr(rb, f) for f in fields):
            return False
    return True


def compare_args(base: "Settings", axes: Sequence[tuple[str, Sequence[Any]]], steps: int) -> list[str]:
    """The options of ``gdtui compare`` (after the word compare) that rebuild the comparison
    of ``base`` (resolved settings) over ``axes`` and take ``steps`` steps: ``--preset NAME``
    when the preset gives back exactly these runs, else ``--fn`` with every value."""
    if base.preset:
        args = _args(base, axes, steps, use_preset=True)
        if _same_runs(base, args, axes):
            return args
    return _args(base, axes, steps, use_preset=False)


def compare_command_line(base: "Settings", axes: Sequence[tuple[str, Sequence[Any]]], steps: int,
                         fmt: str | None = None) -> str:
    """The ``gdtui compare ...`` line (shell-quoted) of :func:`compare_args`."""
    args = ["gdtui", "compare", *compare_args(base, axes, steps)]
    if fmt is not None and fmt != "table":
        args += ["--format", fmt]
    return " ".join(shlex.quote(a) for a in args)


def rebuild_from_args(args: Sequence[str]) -> tuple["Settings", list[tuple[str, list[Any]]]]:
    """(base settings, axes) exactly as ``gdtui compare ARGS`` reads them (OptionError or
    SystemExit on options the parser refuses)."""
    from gdtui.cli import _subparsers, build_parser
    from gdtui.compare_cli import axes_from_args
    from gdtui.errors import OptionError

    def refuse(status: int = 0, message: str | None = None) -> None:
        # argparse would print to stderr and exit: in the app that is one line instead
        raise OptionError((message or "bad options").strip().split(": error: ")[-1])

    parser = build_parser()
    for p in (parser, _subparsers(parser)["compare"]):
        p.exit = refuse  # type: ignore[method-assign]
    ns = parser.parse_args(["compare", *args])
    return axes_from_args(ns)


def _compared_from_args(args: Sequence[str]) -> "Compared":
    from gdtui.comparison import build_comparison

    base, axes = rebuild_from_args(args)
    compared = build_comparison(base, axes)
    compared.comparison.step(base.max_steps)
    return compared


def _cell(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x + 0.0:.10g}"
    return str(x).replace("|", "\\|")


def comparison_markdown(compared: "Compared", command: str) -> str:
    """A Markdown summary of a comparison: problem, what is compared, 2/λmax, the command
    line that reproduces it and the leaderboard (best first)."""
    from gdtui.compare_output import comparison_to_dict

    d = comparison_to_dict(compared)
    problem = compared.problem
    params = d["variables"]
    c = compared.comparison
    first = compared.settings[0]
    lines = [f"# gdtui compare: {problem.settings.preset or 'f'}", ""]
    lines.append(f"- **function**: `f({', '.join(params)}) = {problem.objective.formula or d['function']}`")
    if problem.dataset is not None:
        lines.append(f"- **data**: `{d['data']}` ({problem.dataset.n_rows} rows)")
    else:
        lines.append("- **data**: none")
    lines.append(f"- **runs**: {c.R}, {c.k} steps taken (at most {first.max_steps}), tol {first.tol:g}")
    labels = ", ".join(f"`{r['label']}`" for r in d["runs"])
    lines.append(f"- **compared**: {labels}")
    if d["max_stable_lr"] is not None:
        lines.append(f"- **2/λmax** = {_cell(d['max_stable_lr'])}: plain descent with a larger lr diverges")
    lines += ["", "Reproduce it:", "", "```", command, "```", ""]
    header = ["rank", "run", "optimizer", "status", "regime", "converged at", "step", *params, "loss",
              *[f"df/d{p}" for p in params]]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join("---:" if h not in ("run", "optimizer", "status", "regime") else "---"
                                for h in header) + "|")
    for r in sorted(d["runs"], key=lambda r: r["rank"]):
        f = r["final"]
        cells = [str(r["rank"]), _cell(r["label"]), r["optimizer"]["name"], r["status"], _cell(r["regime"]),
                 _cell(r["steps_to_converge"]), str(f["step"]), *map(_cell, f["w"]), _cell(f["loss"]),
                 *map(_cell, f["grad"])]
        lines.append("| " + " | ".join(cells) + " |")
    reasons = [(r["label"], r["reason"]) for r in sorted(d["runs"], key=lambda r: r["rank"]) if r["reason"]]
    if reasons:
        lines += ["", "Why the runs stopped:", ""]
        lines += [f"- `{label}`: {reason}" for label, reason in reasons]
    return "\n".join(lines) + "\n"


def export_comparison(args: Sequence[str], directory: str | os.PathLike[str] = ".",
                      svg: str | None = None, name: str = "compare") -> list[Path]:
    """Write the comparison ``gdtui compare ARGS`` builds as CSV, JSON (what that command
    prints with ``--format csv|json``), Markdown (and ``svg``, the screen) into
    ``directory``; returns the paths written (never over a file, never outside)."""
    from gdtui.compare_output import format_comparison
    from gdtui.errors import GdtuiError
    from gdtui.sessionfile import _slug, unique_path, write_new

    folder = Path(directory)
    if not folder.is_dir():
        raise GdtuiError(f"{folder}: not a folder to export into")
    compared = _compared_from_args(args)
    k = compared.comparison.k
    base = f"gdtui-compare-{_slug(name)}"[:70] + f"-step{k}"
    stem = base
    for i in range(2, 1000):
        if not any(os.path.lexists(folder / f"{stem}.{ext}") for ext in ("csv", "json", "md", "svg")):
            break
        stem = f"{base}-{i}"
    command = " ".join(shlex.quote(a) for a in ["gdtui", "compare", *args])
    out = [write_new(unique_path(folder, f"{stem}.csv"), format_comparison(compared, "csv")),
           write_new(unique_path(folder, f"{stem}.json"), format_comparison(compared, "json")),
           write_new(unique_path(folder, f"{stem}.md"), comparison_markdown(compared, command))]
    if svg is not None:
        out.append(write_new(unique_path(folder, f"{stem}.svg"), svg))
    return out
