"""The gradient-check panel: analytic against numerical partials, and the choice of h.

Per parameter at the run's current point: the analytic ∂f/∂w, the forward
difference (f(w+h) − f(w))/h, the central difference (f(w+h) − f(w−h))/2h and
their errors, for an h the keys change by ×10 / ÷10.  Under it, the error of both
differences against h from 1e-1 to 1e-12 on log-log axes: truncation error on the
right (large h), round-off on the left (tiny h), the best h of each marked.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from gdtui.ui.charset import charset_of
from gdtui.ui.screens.math_panel import MathPanel, PanelInput
from gdtui.ui.widgets.math_plots import CanvasView, loglog_canvas

__all__ = ["GradCheckPanel"]

#: The exponents h may take with the keys (h = 10^e).
H_RANGE = (-15, 0)


class GradCheckPanel(MathPanel):
    """Analytic vs forward and central differences, and the V of error against h."""

    VIEW = "gradcheck"
    DEFAULT_CSS = """
    GradCheckPanel #math-text { height: auto; }
    GradCheckPanel #gc-plot { height: 1fr; min-height: 6; }
    GradCheckPanel #gc-legend { height: auto; color: $text-muted; }
    """
    BINDINGS = [
        Binding("plus,equals_sign", "h_times(1)", "h×10", id="gd.gc.up", key_display="+",
                tooltip="h ten times larger"),
        Binding("minus", "h_times(-1)", "h÷10", id="gd.gc.down", key_display="-",
                tooltip="h ten times smaller"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.h_exp = -5
        self._h: float | None = None  # an h given by set_h that is not a power of ten

    @property
    def h(self) -> float:
        """The step of the differences in the table (a power of ten, unless set_h gave another)."""
        return self._h if self._h is not None else float(f"1e{self.h_exp}")

    def set_h(self, h: float) -> None:
        """Show the differences for ``h`` (the h a lesson's question names); + and - go on
        from the nearest power of ten."""
        exp = round(math.log10(h))
        self.h_exp = min(max(exp, H_RANGE[0]), H_RANGE[1])
        self._h = None if float(f"1e{self.h_exp}") == h else float(h)
        if self.is_mounted:
            self.poll()

    def compose_body(self) -> ComposeResult:
        yield Static(id="math-text")
        yield Static(id="gc-legend")
        yield CanvasView(id="gc-plot")

    def settings_key(self) -> tuple:
        return (self.h,)

    def action_h_times(self, direction: int) -> None:
        """h ×10 (direction 1) or ÷10 (-1), within 1e-15 .. 1."""
        self.h_exp = min(max(self.h_exp + direction, H_RANGE[0]), H_RANGE[1])
        self._h = None
        self.poll()

    def compute_function(self, inp: PanelInput) -> Callable[[], Any]:
        obj, w, h = inp.problem.objective, list(inp.w), self.h

        def compute() -> dict[str, Any]:
            from gdtui.engine import analysis as A

            sweep = A.h_sweep(obj, w)
            return {"check": A.gradcheck(obj, w, h), "sweep": sweep,
                    "best": {"forward": A.best_h(sweep, "forward"), "central": A.best_h(sweep, "central")}}

        return compute

    def show(self, result: Any) -> None:
        text_widget = self.query_one("#math-text", Static)
        legend = self.query_one("#gc-legend", Static)
        plot = self.query_one("#gc-plot", CanvasView)
        if result is None or self.input is None:
            self.blank()
            return
        chk = result["check"]
        params = self.input.problem.objective.params
        n = self.n
        out = Text()
        out.append(self.t(f"h = {chk.h:.0e}   (+ / −: h ×10 / ÷10)"), style="bold")
        out.append("\n")
        d = self.t("∂f/∂")
        r = _rjust
        head = (f"{'':<6}{r(self.m('gc.analytic'), 12)}  {r(self.m('gc.forward'), 12)} {r(self.m('gc.error'), 9)}  "
                f"{r(self.m('gc.central'), 12)} {r(self.m('gc.error'), 9)}")
        out.append(head + "\n", style="bold")
        for p, a, fw, fe, ce_v, ce in zip(params, chk.analytic, chk.forward, chk.forward_errors,
                                          chk.central, chk.central_errors):
            name = (d + p)[:6]
            out.append(f"{name:<6}{n(a, 12):>12}  {n(fw, 12):>12} {_e(fe):>9}"
                       f"  {n(ce_v, 12):>12} {_e(ce):>9}\n")
        out.append(self.m("gc.formulas"), style="dim")
        text_widget.update(out)
        best = result["best"]
        legend.update(Text(self.m("gc.legend") + "\n" + self.m("gc.best", central=_h(best["central"]),
                                                                forward=_h(best["forward"]))))
        sweep = result["sweep"]
        g = charset_of(self).glyphs
        hs = [r.h for r in sweep]
        fe = [r.forward_error for r in sweep]
        ce = [r.central_error for r in sweep]
        plot.set_draw(lambda w, h: loglog_canvas(w, h, hs, fe, ce, best, chk.h, g))


def _rjust(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal cells (Korean takes two a character)."""
    from rich.cells import cell_len

    return " " * max(0, width - cell_len(text)) + text


def _e(x: float) -> str:
    """An error in 9 characters (scientific)."""
    if x != x:
        return "nan"
    return f"{x:.1e}"


def _h(h: float | None) -> str:
    return "-" if h is None else f"{h:.0e}"
