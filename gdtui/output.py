"""Printing runs and checks for the command line: table (people), csv and json (programs)."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import TYPE_CHECKING, Any

from gdtui.sanitize import shown

if TYPE_CHECKING:
    from gdtui.engine.run import Run
    from gdtui.problem import Problem

__all__ = ["format_check", "format_run", "run_rows", "run_to_dict"]


def _num(x: float) -> float | None:
    """JSON has no inf/nan: non-finite values are written as null."""
    x = float(x)
    return x if math.isfinite(x) else None


def _show(x: float) -> str:
    return f"{x + 0.0:.10g}"  # + 0.0 turns -0.0 into 0.0: "-0" only puzzles students


def selected_steps(last: int, every: int) -> list[int]:
    """Rows 0, every, 2*every, ... and always the last one."""
    ks = list(range(0, last + 1, every))
    if ks[-1] != last:
        ks.append(last)
    return ks


def run_rows(run: "Run", every: int = 1) -> list[dict[str, Any]]:
    """Rows k = 0, every, ... with w, loss and gradient at w (full batch), and the note
    the update that made row k carries (Newton's fallback), else None."""
    h = run.history
    W, L, G = h.w, h.loss, h.grad
    full_batch = getattr(run, "sampler", None) is None
    rows = []
    for k in selected_steps(run.k, every):
        w = [float(v) for v in W[k]]
        if full_batch:
            loss, grad = float(L[k]), [float(v) for v in G[k]]
        else:  # the run stepped on mini-batches; report the whole data set's loss
            loss, grad = run.full_loss_grad(k)
        rows.append({"step": k, "w": w, "loss": loss, "grad": grad, "note": h.notes.get(k)})
    return rows


def run_to_dict(problem: "Problem", run: "Run", every: int = 1) -> dict[str, Any]:
    """The documented JSON shape of a run."""
    s = problem.settings
    optimizer = {"name": run.optimizer.name, **run.optimizer.hyperparameters()}
    rows = run_rows(run, every)
    return {
        "function": typed_function(problem),
        "variables": list(problem.objective.params),
        "data": s.data if problem.dataset is not None else None,
        "optimizer": optimizer,
        "schedule": s.schedule,
        "batch_size": s.batch_size if problem.dataset is not None else None,
        "seed": s.seed,
        "noise": s.noise,
        "status": run.status,
        "reason": run.reason,
        "steps": [
            {"step": r["step"], "w": [_num(v) for v in r["w"]], "loss": _num(r["loss"]),
             "grad": [_num(v) for v in r["grad"]], "note": r["note"]}
            for r in rows
        ],
    }


def format_run(problem: "Problem", run: "Run", *, every: int = 1, fmt: str = "table") -> str:
    """A run as text in one of the formats table, csv, json."""
    if fmt == "json":
        return json.dumps(run_to_dict(problem, run, every), indent=1) + "\n"
    params = list(problem.objective.params)
    rows = run_rows(run, every)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["step", *params, "loss", *[f"grad_{p}" for p in params], "note"])
        for r in rows:
            writer.writerow([r["step"], *map(repr, r["w"]), repr(r["loss"]), *map(repr, r["grad"]),
                             r["note"] or ""])
        return buf.getvalue()
    return _run_table(problem, run, params, rows)


def _run_table(problem: "Problem", run: "Run", params: list[str], rows: list[dict[str, Any]]) -> str:
    hyper = ", ".join(f"{k}={_show(v)}" for k, v in run.optimizer.hyperparameters().items())
    start = ", ".join(f"{p}={_show(v)}" for p, v in zip(params, rows[0]["w"]))
    lines = [f"f({', '.join(params)}) = {typed_function(problem)}"]
    if problem.dataset is not None:
        batch = problem.settings.batch_size
        lines.append(f"mean over data '{shown(problem.settings.data)}' ({problem.dataset.n_rows} rows"
                     + (f", mini-batches of {batch}, seed {problem.settings.seed})" if batch else ", full batch)"))
    noise = f"  gradient noise {_show(problem.settings.noise)} (seed {problem.settings.seed})" if problem.settings.noise else ""
    lines.append(f"{run.optimizer.name}({hyper})  schedule {problem.settings.schedule}  start {start}{noise}")
    header = ["step", *params, "loss", *[f"df/d{p}" for p in params]]
    table = [[str(r["step"]), *map(_show, r["w"]), _show(r["loss"]), *map(_show, r["grad"])] for r in rows]
    widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(header)]
    lines.append("  ".join(h.rjust(wd) for h, wd in zip(header, widths)))
    for r, t in zip(rows, table):
        lines.append("  ".join(c.rjust(wd) for c, wd in zip(t, widths)))
        if r["note"]:
            lines.append(f"      note: {r['note']} (update {r['step']})")
    printed = {r["step"] for r in rows}
    hidden = sorted(k for k in run.history.notes if k not in printed)
    if hidden:
        listed = ", ".join(map(str, hidden[:8])) + (" …" if len(hidden) > 8 else "")
        lines.append(f"note on {len(hidden)} update(s) not shown ({listed}): {run.history.notes[hidden[0]]}")
    lines.append(f"status: {run.status}" + (f" ({run.reason})" if run.reason else ""))
    return "\n".join(lines) + "\n"


def typed_function(problem: "Problem") -> str:
    """The function as the user typed it (or as the preset spells it), not sympy's form."""
    return problem.settings.fn.strip() or problem.objective.text


def format_check(problem: "Problem", point: list[float], *, h: float = 1e-5, fmt: str = "table") -> str:
    """Symbolic and numerical gradient, Hessian, eigenvalues and kind of point."""
    from gdtui.engine.analysis import check_point, point_description

    from gdtui.errors import OptionError

    obj = problem.objective
    res = check_point(obj, point, h=h)
    at = ", ".join(f"{p} = {_show(v)}" for p, v in zip(obj.params, point))
    if res.domain_error is not None:
        raise OptionError(f"domain error at {at}: {res.domain_error}; f is not defined there")
    if fmt == "json":
        data = {
            "function": typed_function(problem),
            "variables": list(obj.params),
            "at": dict(zip(obj.params, point)),
            "value": _num(res.value),
            "derivatives": dict(zip(obj.params, obj.derivative_formulas)),
            "gradient": [_num(v) for v in res.gradient],
            "numerical_gradient": [_num(v) for v in res.numerical_gradient],
            "h": h,
            "max_abs_error": _num(res.max_abs_error),
            "hessian": [[_num(v) for v in row] for row in res.hessian],
            "eigenvalues": [_num(v) for v in res.eigenvalues],
            "kind": res.kind,
            "stationary": res.stationary,
            "max_stable_lr": _num(res.max_stable_lr),
            "suggested_lr": res.suggested_lr,
        }
        return json.dumps(data, indent=1) + "\n"
    width = max(len(f) for f in obj.derivative_formulas)
    lines = [f"f({', '.join(obj.params)}) = {typed_function(problem)}", f"at {at}",
             f"f = {_show(res.value)}", ""]
    for p, formula, g, ng in zip(obj.params, obj.derivative_formulas, res.gradient, res.numerical_gradient):
        lines.append(f"df/d{p} = {formula:<{width}}  = {_show(g):>14}   central difference {_show(ng)}")
    lines.append(f"max |symbolic - numerical| = {res.max_abs_error:.3g}  (h = {h:g})")
    lines.append("")
    lines.append("Hessian:")
    cells = [[_show(v) for v in row] for row in res.hessian]
    cw = max(len(c) for row in cells for c in row)
    lines.extend("  [ " + "  ".join(c.rjust(cw) for c in row) + " ]" for row in cells)
    lines.append("eigenvalues: " + ", ".join(_show(v) for v in res.eigenvalues))
    lines.append(f"kind: {point_description(res)}")
    if math.isfinite(res.max_stable_lr):
        lines.append(f"gradient descent on the local quadratic diverges for lr > 2/lambda_max = {_show(res.max_stable_lr)}")
    if res.suggested_lr is not None:
        lines.append(f"suggested lr from the curvature here: {_show(res.suggested_lr)} "
                     "(1/lambda_max rounded down to 1, 2 or 5 x 10^n)")
    return "\n".join(lines) + "\n"
