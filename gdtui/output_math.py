"""Printing the 'inside the math' outputs: h sweeps, gradient/Newton steps with Taylor, graphs.

``gdtui check --h-sweep`` and ``--lr`` add to what :func:`gdtui.output.format_check`
prints (JSON keys or table lines); ``gdtui graph`` prints a computation graph.
Numbers come from :mod:`gdtui.engine.analysis` and :mod:`gdtui.engine.graph`.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from gdtui.engine.analysis import StepAnalysis, SweepRow
    from gdtui.engine.graph import GraphResult
    from gdtui.engine.objective import Objective

__all__ = ["check_extras_json", "check_extras_table", "format_graph", "graph_to_dict"]


def _num(x: float) -> float | None:
    """JSON has no inf/nan: non-finite values are written as null."""
    x = float(x)
    return x + 0.0 if math.isfinite(x) else None


def _show(x: float) -> str:
    return f"{float(x) + 0.0:.10g}"


def _vec(xs: Sequence[float]) -> str:
    return "[" + ", ".join(_show(x) for x in xs) + "]"


# ------------------------------------------------------------------ check --h-sweep / --lr
def sweep_to_json(rows: "Sequence[SweepRow]") -> list[dict[str, Any]]:
    """The ``h_sweep`` list of ``gdtui check --format json``."""
    return [{"h": r.h, "forward": [_num(v) for v in r.forward], "central": [_num(v) for v in r.central],
             "forward_error": _num(r.forward_error), "central_error": _num(r.central_error)} for r in rows]


def step_to_json(step: "StepAnalysis") -> dict[str, Any]:
    """``gradient_step``, ``newton_step`` (+ ``newton_reason`` when null) and ``taylor``."""
    out: dict[str, Any] = {
        "lr": step.lr,
        "gradient_step": [_num(v) for v in step.gradient_step],
        "newton_step": None if step.newton_step is None else [_num(v) for v in step.newton_step],
    }
    if step.newton_step is None:
        out["newton_reason"] = step.newton_reason
    out["taylor"] = {"step": [_num(v) for v in step.gradient_step], "linear": _num(step.linear),
                     "quadratic": _num(step.quadratic), "actual": _num(step.actual)}
    return out


def check_extras_json(objective: "Objective", point: list[float], *, h_sweep: bool,
                      lr: float | None) -> dict[str, Any]:
    """The keys ``--h-sweep`` and ``--lr`` add to the JSON of ``gdtui check``."""
    from gdtui.engine import analysis

    out: dict[str, Any] = {}
    if h_sweep:
        out["h_sweep"] = sweep_to_json(analysis.h_sweep(objective, point))
    if lr is not None:
        out.update(step_to_json(analysis.step_analysis(objective, point, lr)))
    return out


def check_extras_table(objective: "Objective", point: list[float], *, h_sweep: bool,
                       lr: float | None) -> list[str]:
    """The lines ``--h-sweep`` and ``--lr`` add to the table of ``gdtui check``."""
    from gdtui.engine import analysis

    lines: list[str] = []
    if h_sweep:
        rows = analysis.h_sweep(objective, point)
        best = {w: analysis.best_h(rows, w) for w in ("forward", "central")}
        lines += ["", "h sweep (error = max over parameters of |numerical - symbolic|):",
                  f"  {'h':>7}  {'forward error':>13}  {'central error':>13}"]
        for r in rows:
            marks = [w for w in ("forward", "central") if best[w] == r.h]
            note = ("  <- best " + " and ".join(marks)) if marks else ""
            lines.append(f"  {r.h:>7.0e}  {r.forward_error:>13.3e}  {r.central_error:>13.3e}{note}")
        lines.append("  large h: truncation error; tiny h: round-off error")
    if lr is not None:
        s = analysis.step_analysis(objective, point, lr)
        lines += ["", f"next gradient step with lr = {_show(lr)}:",
                  f"  step d = -lr*g = {_vec(s.gradient_step)}",
                  f"  Taylor 1st order f + g.d           = {_show(s.linear)}",
                  f"  Taylor 2nd order f + g.d + d'Hd/2  = {_show(s.quadratic)}",
                  f"  actual f(w + d)                    = {_show(s.actual)}"]
        if s.newton_step is None:
            lines += ["Newton step -H^-1 g: none", f"  {s.newton_reason}"]
        else:
            lines.append(f"Newton step -H^-1 g = {_vec(s.newton_step)}")
    return lines


# ------------------------------------------------------------------ gdtui graph
def graph_to_dict(function: str, at: dict[str, float], res: "GraphResult",
                  data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The documented JSON of ``gdtui graph`` (``data``: name, rows, row drawn and its values)."""
    g = res.graph
    nodes = []
    for n in g.nodes:
        item: dict[str, Any] = {"id": n.id, "op": n.op, "children": list(n.children),
                                "value": _num(res.values[n.id]), "adjoint": _num(res.adjoints[n.id])}
        if n.op == "var":
            item["name"] = n.name
        if n.op == "const":
            item["const"] = n.const
        nodes.append(item)
    out: dict[str, Any] = {"function": function, "at": dict(at)}
    if data is not None:
        out["data"] = data
    out.update({"nodes": nodes, "output": g.output,
                "gradient": {k: _num(v) for k, v in res.gradient.items()}})
    return out


def format_graph(function: str, at: dict[str, float], res: "GraphResult", *, fmt: str = "text",
                 data: dict[str, Any] | None = None) -> str:
    """A computation graph with forward values and adjoints, as text or JSON."""
    if fmt == "json":
        return json.dumps(graph_to_dict(function, at, res, data), indent=1) + "\n"
    g = res.graph
    point = ", ".join(f"{k} = {_show(v)}" for k, v in at.items())
    lines = [f"f = {function}", f"at {point}"]
    if data is not None:
        from gdtui.sanitize import shown as safe

        shown = ", ".join(f"{k} = {_show(v)}" for k, v in data["values"].items())
        lines.append(f"data '{safe(data['name'])}': row {data['row']} of {data['rows']} drawn ({shown}); "
                     f"gradient = mean over the {data['rows']} rows")
    lines.append("")
    table = [["node", "op", "children", "value", "adjoint df/dnode"]]
    for n in g.nodes:
        what = n.op if n.op not in ("var", "const") else f"{n.op} {n.label}"
        kids = ",".join(map(str, n.children)) or "-"
        adj = _show(res.adjoints[n.id]) if n.needs_grad else "(constant)"
        table.append([str(n.id), what, kids, _show(res.values[n.id]), adj])
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        lines.append("  ".join(c.rjust(w) if i in (0, 3, 4) else c.ljust(w)
                               for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    lines.append(f"output: node {g.output}; nodes are listed children before parents")
    grad = ", ".join(f"df/d{k} = {_show(v)}" for k, v in res.gradient.items())
    lines.append(f"gradient by reverse mode{' (mean over rows)' if data is not None else ''}: {grad}")
    return "\n".join(lines) + "\n"
