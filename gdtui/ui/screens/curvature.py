"""The curvature panel: Hessian, eigenvalues, kind of point, Taylor and Newton.

At the run's current point: the Hessian H with its eigenvalues and eigenvectors,
the kind of point (or "not stationary" with the local convexity), 2/λmax for plain
gradient descent, the next plain gradient step −η·g beside Newton's step −H⁻¹g (or
why there is none), and the first- and second-order Taylor predictions of the loss
after the gradient step beside the loss it actually reaches.  The picture: for two
parameters both steps as arrows on the contour shading; for one, the curve with
its tangent (first order) and quadratic model (second order).
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from gdtui.ui.charset import charset_of
from gdtui.ui.screens.math_panel import MathPanel, PanelInput
from gdtui.ui.widgets._canvas import Ink
from gdtui.ui.widgets.math_plots import CanvasView, arrows_canvas, curves_canvas

__all__ = ["CurvaturePanel"]


class CurvaturePanel(MathPanel):
    """What the second derivative says at the current point."""

    VIEW = "curvature"
    DEFAULT_CSS = """
    CurvaturePanel #cv-row { height: 1fr; }
    CurvaturePanel #cv-text { width: 48; height: 1fr; scrollbar-size-vertical: 1; }
    CurvaturePanel #math-text { height: auto; padding: 0 1 0 0; }
    CurvaturePanel #cv-side { width: 1fr; height: 1fr; }
    CurvaturePanel #cv-caption { height: auto; color: $text-muted; }
    CurvaturePanel #cv-plot { height: 1fr; }
    """

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="cv-row"):
            from textual.containers import VerticalScroll

            with VerticalScroll(id="cv-text"):  # short terminals: the lowest rows scroll, not lost
                yield Static(id="math-text")
            with Horizontal(id="cv-side"):
                from textual.containers import Vertical

                with Vertical():
                    yield Static(id="cv-caption")
                    yield CanvasView(id="cv-plot")

    def _plot_size(self) -> tuple[int, int]:
        try:
            size = self.query_one("#cv-plot", CanvasView).size
        except Exception:  # noqa: BLE001 - not mounted yet
            return (0, 0)
        return (size.width, size.height)

    def settings_key(self) -> tuple:
        return self._plot_size()

    def compute_function(self, inp: PanelInput) -> Callable[[], Any]:
        obj, w = inp.problem.objective, list(inp.w)
        lr = inp.lr if inp.lr > 0 and math.isfinite(inp.lr) else 1e-3  # a schedule decayed to 0
        width, height = self._plot_size()
        ramp = len(charset_of(self).glyphs.ramp)

        def compute() -> dict[str, Any]:
            from gdtui.engine import analysis as A

            cur = A.curvature(obj, w, lr)
            return {"curvature": cur, "picture": _picture(obj, cur, width, height, ramp)}

        return compute

    def show(self, result: Any) -> None:
        text = self.query_one("#math-text", Static)
        caption = self.query_one("#cv-caption", Static)
        plot = self.query_one("#cv-plot", CanvasView)
        if result is None or self.input is None:
            self.blank()
            return
        c = result["curvature"]
        text.update(self._text(c))
        g = charset_of(self).glyphs
        pic = result["picture"]
        if pic is None:
            caption.update(self.m("curv.nopic"))
            plot.set_draw(lambda w, h: None)
            return
        if pic["kind"] == "1d":
            caption.update(Text(self.m("curv.cap1d", curve=g.curve, line=g.lines[1], point=g.point)))
            plot.set_draw(lambda w, h: curves_canvas(w, h, pic["xs"], pic["f"], pic["tangent"], pic["quad"],
                                                     c.w[0], pic["marks"](g), g) if w == len(pic["xs"]) else None)
        else:
            caption.update(Text(self.m("curv.cap2d", point=g.point)))
            plot.set_draw(lambda w, h: arrows_canvas(
                w, h, pic["bands"] if pic["bands"].shape == (h, w) else None, pic["box"], c.w[:2],
                [(c.step.gradient_step, "g", Ink.PATH), (c.step.newton_step, "N", Ink.FIT)], g))

    def _text(self, c: Any) -> Text:
        n, t, m = self.n, self.t, self.m
        params = self.input.problem.objective.params if self.input else ()
        out = Text()
        out.append(m("curv.hessian") + "\n", style="bold")
        for row in c.hessian[:6]:
            out.append(" [" + " ".join(f"{n(v, 8):>8}" for v in row[:4]) + (" …" if len(row) > 4 else "") + " ]\n")
        out.append(m("curv.eigen") + "\n", style="bold")
        for i, (lam, vec) in enumerate(zip(c.eigenvalues[:6], c.eigenvectors[:6])):
            shown = ", ".join(n(v, 6) for v in vec[:4]) + (", …" if len(vec) > 4 else "")
            out.append(t(f" λ{i + 1} = {n(lam, 9):<9} v = ({shown})\n"))
        if c.stationary:
            out.append(m("curv.kind", kind=m(f"kind.{c.kind}")) + "\n", style="bold")
        else:
            gn = math.hypot(*c.gradient) if all(math.isfinite(v) for v in c.gradient) else math.nan
            out.append(m("curv.notstat", g=n(gn, 8)) + "\n", style="bold")
        out.append(t(_convexity(c.convexity, m)) + "\n")
        lr = c.step.lr
        if math.isfinite(c.max_stable_lr):
            out.append(m("curv.maxlr", v=n(c.max_stable_lr, 9), lr=n(lr, 8)) + "\n")
        else:
            out.append(m("curv.nomaxlr") + "\n")
        s = c.step
        out.append(f"{'':<7}{_rjust(m('curv.grad'), 14)}  {_rjust(m('curv.newton'), 14)}\n", style="bold")
        for i, p in enumerate(params[:6]):
            newton = n(s.newton_step[i], 14) if s.newton_step is not None else (m("curv.none") if i == 0 else "")
            out.append(t(f"{('Δ' + p)[:7]:<7}{n(s.gradient_step[i], 14):>14}  {_rjust(newton, 14)}\n"))
        if s.newton_step is None:
            out.append(m("curv.newton.why", why=_newton_reason(s.newton_reason, m)) + "\n", style="dim")
        out.append(m("curv.after", lr=n(lr, 8)) + "\n", style="bold")
        for label, value in ((m("curv.t1"), s.linear), (m("curv.t2"), s.quadratic), (m("curv.actual"), s.actual)):
            out.append(f" {_ljust(label, 28)}{n(value, 12):>12}\n")
        out.rstrip()
        return out


def _ljust(text: str, width: int) -> str:
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def _rjust(text: str, width: int) -> str:
    from rich.cells import cell_len

    return " " * max(0, width - cell_len(text)) + text


#: The engine's sentences about the shape (gdtui.engine.analysis.local_convexity), by message id.
_CONVEXITY = {
    "locally convex (all curvatures > 0)": "convex.convex",
    "locally concave (all curvatures < 0)": "convex.concave",
    "neither: curves up one way and down another": "convex.neither",
    "flat in some direction (an eigenvalue is 0)": "convex.flat",
    "undefined (the Hessian is not finite here)": "convex.undefined",
}


def _convexity(text: str, m: Any) -> str:
    msg_id = _CONVEXITY.get(text)
    return m(msg_id) if msg_id else text


def _newton_reason(text: str, m: Any) -> str:
    """Why there is no Newton step (gdtui.engine.analysis.newton_step) in the app's language."""
    import re

    if text == "the gradient or Hessian is not finite here":
        return m("newton.notfinite")
    if text.startswith("the Hessian is singular"):
        return m("newton.singular")
    found = re.match(r"^the Hessian is not positive definite \(eigenvalues (.*)\): ", text)
    if found:
        return m("newton.notpd", eig=found.group(1))
    return text


def _picture(obj: Any, c: Any, width: int, height: int, ramp: int) -> dict[str, Any] | None:
    """What the plot needs, sampled in the worker thread (engine calls only)."""
    from gdtui.engine import analysis as A
    from gdtui.engine import landscape as L

    steps = [np.asarray(c.step.gradient_step, float)]
    if c.step.newton_step is not None:
        steps.append(np.asarray(c.step.newton_step, float))
    if obj.dims == 1:
        w0 = c.w[0]
        reach = max([4 * abs(float(steps[0][0]))] + [1.5 * abs(float(s[0])) for s in steps[1:]]
                    + [0.25 * (1 + abs(w0))])
        reach = reach if math.isfinite(reach) else 1.0
        xs = np.linspace(w0 - reach, w0 + reach, max(width, 8))
        f, tangent, quad = A.taylor_curves(obj, w0, xs)
        g_end = w0 + float(steps[0][0])
        points: list[tuple[float, float, str | None]] = [(g_end, c.step.actual, "g")]
        if c.step.newton_step is not None:
            n_end = w0 + c.step.newton_step[0]
            points.append((n_end, obj.value([n_end]), "N"))
        points.append((w0, c.value, None))  # last: the current point stays visible

        def marks(g: Any) -> list[tuple[float, float, str]]:
            return [(x, y, ch or g.point) for x, y, ch in points]

        return {"kind": "1d", "xs": xs, "f": f, "tangent": tangent, "quad": quad, "marks": marks}
    if obj.dims != 2 or width < 8 or height < 4:
        return None
    ratio = 2 * height / width  # a cell is about twice as tall as wide: equal units both ways
    r = 0.0
    for s in steps:
        if np.all(np.isfinite(s)):
            r = max(r, abs(float(s[0])), abs(float(s[1])) / ratio)
    r = 1.35 * r if r > 0 else 0.5
    r = max(r, 1e-6 * (1 + max(abs(v) for v in c.w)))
    x, y = c.w
    box = L.Box(x - r, x + r, y - r * ratio, y + r * ratio)
    z = L.sample_slice(obj, box, width, height, c.w, (0, 1))
    bands = L.band_index(z, L.contour_levels(z, ramp))[::-1]
    return {"kind": "2d", "bands": bands, "box": (box.x0, box.x1, box.y0, box.y1)}
