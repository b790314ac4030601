"""Printing a comparison for the command line: table (the leaderboard), csv (one row per
run) and json (the documented contract, full-precision floats)."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import TYPE_CHECKING, Any

from gdtui.sanitize import shown

if TYPE_CHECKING:
    from gdtui.comparison import Compared

__all__ = ["comparison_to_dict", "format_comparison", "json_settings"]


def _num(x: float) -> float | None:
    """JSON has no inf/nan: non-finite values are written as null."""
    x = float(x)
    return x if math.isfinite(x) else None


def _show(x: float) -> str:
    return f"{x + 0.0:.10g}"


def json_settings(varied: dict[str, Any]) -> dict[str, Any]:
    """The varied settings of a run as JSON values (``batch-size`` is ``batch_size``)."""
    return {name.replace("-", "_"): (dict(v) if isinstance(v, dict) else v) for name, v in varied.items()}


def _rows(compared: "Compared") -> list[dict[str, Any]]:
    """One dict per run (in the order of the runs), ranks filled in."""
    c = compared.comparison
    order = c.ranking()
    rank = {i: r + 1 for r, i in enumerate(order)}
    rows = []
    for i, run in enumerate(c.runs):
        opt = run.optimizer
        rows.append({
            "label": run.label,
            "settings": json_settings(run.varied),
            "optimizer": {"name": opt.name, **opt.hyperparameters()},
            "status": c.status(i),
            "reason": c.reason(i),
            "regime": c.regime(i),
            "steps_to_converge": c.steps_to_converge(i),
            "final": c.final(i),
            "rank": rank[i],
        })
    return rows


def comparison_to_dict(compared: "Compared") -> dict[str, Any]:
    """The documented JSON shape of a comparison."""
    problem = compared.problem
    lr = compared.comparison.max_stable_lr()
    runs = []
    for r in _rows(compared):
        f = r["final"]
        r["final"] = {"step": f["step"], "w": [_num(v) for v in f["w"]], "loss": _num(f["loss"]),
                      "grad": [_num(v) for v in f["grad"]]}
        runs.append(r)
    return {
        "function": problem.objective.text or problem.settings.fn,
        "variables": list(problem.objective.params),
        "data": problem.settings.data if problem.dataset is not None else None,
        "max_stable_lr": lr,
        "runs": runs,
    }


def format_comparison(compared: "Compared", fmt: str = "table") -> str:
    """A comparison as text in one of the formats table, csv, json."""
    if fmt == "json":
        return json.dumps(comparison_to_dict(compared), indent=1) + "\n"
    params = list(compared.problem.objective.params)
    rows = _rows(compared)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["rank", "label", "optimizer", "status", "regime", "steps_to_converge", "step",
                         *params, "loss", *[f"grad_{p}" for p in params], "reason"])
        for r in rows:
            f = r["final"]
            steps = r["steps_to_converge"]
            writer.writerow([r["rank"], r["label"], r["optimizer"]["name"], r["status"], r["regime"] or "",
                             "" if steps is None else steps, f["step"], *map(repr, f["w"]), repr(f["loss"]),
                             *map(repr, f["grad"]), r["reason"]])
        return buf.getvalue()
    return _table(compared, params, rows)


def _table(compared: "Compared", params: list[str], rows: list[dict[str, Any]]) -> str:
    problem = compared.problem
    c = compared.comparison
    first = compared.settings[0]
    obj = problem.objective
    lines = [f"f({', '.join(params)}) = {obj.formula or obj.text}"]
    if problem.dataset is not None:
        lines.append(f"mean over data '{shown(problem.settings.data)}' ({problem.dataset.n_rows} rows)")
    lines.append(f"{c.R} runs, at most {first.max_steps} steps, tol {first.tol:g}")
    lr_max = c.max_stable_lr()
    above: set[int] = set()
    if lr_max is not None:
        for i, run in enumerate(c.runs):
            if run.optimizer.name == "sgd" and run.optimizer.lr > lr_max:
                above.add(i)
        note = "; * marks sgd runs above it" if above else ""
        lines.append(f"2/lambda_max = {_show(lr_max)}: the largest stable lr of plain descent here{note}")
    header = ["rank", "run", "status", "regime", "steps", *params, "loss", "|grad|"]
    table = []
    for i in sorted(range(len(rows)), key=lambda i: rows[i]["rank"]):
        r = rows[i]
        f = r["final"]
        steps = r["steps_to_converge"]
        g = f["grad"]
        gn = math.hypot(*g) if all(math.isfinite(x) for x in g) else math.nan
        table.append([str(r["rank"]), r["label"] + (" *" if i in above else ""), r["status"],
                      r["regime"] or "-", "-" if steps is None else str(steps), *map(_show, f["w"]),
                      _show(f["loss"]), _show(gn)])
    widths = [max(len(h), *(len(t[j]) for t in table)) for j, h in enumerate(header)]
    left = {1, 2, 3}  # label, status and regime read left to right

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if j in left else c.rjust(w) for j, (c, w) in enumerate(zip(cells, widths))).rstrip()

    lines.append(line(header))
    lines.extend(line(t) for t in table)
    lines.append("steps: the step at which the run converged (- when it did not); "
                 "w, loss and |grad| at the run's last step")
    return "\n".join(lines) + "\n"
