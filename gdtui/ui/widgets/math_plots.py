"""Small plots for the 'inside the math' panels, drawn on a :class:`Canvas` from numbers
the engine computed (no maths here beyond placing points in cells).

* :func:`loglog_canvas`: error against h on log-log axes, the best h marked;
* :func:`curves_canvas`: a 1-D curve with its tangent and quadratic model;
* :func:`arrows_canvas`: contour shading with two steps drawn from the point.

:class:`CanvasView` shows whatever canvas its ``draw`` callback returns for its size.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np
from rich.style import Style
from textual.app import RenderResult
from textual.widget import Widget

from gdtui.ui.widgets._canvas import Canvas, Glyphs, Ink, head_glyph, ink_styles, line_glyph

__all__ = ["CanvasView", "arrows_canvas", "curves_canvas", "loglog_canvas"]

_INK_VARS = {Ink.GRID: ("gd-plot-grid", False), Ink.PATH: ("gd-plot-path", True),
             Ink.POINT: ("gd-point", True), Ink.FIT: ("gd-plot-fit", True),
             Ink.TANGENT: ("gd-plot-line", False)}


class CanvasView(Widget):
    """A plot: ``draw(width, height)`` returns the Canvas to show (or None: blank)."""

    DEFAULT_CSS = """
    CanvasView { width: 1fr; height: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.draw: Callable[[int, int], Canvas | None] = lambda w, h: None

    def set_draw(self, draw: Callable[[int, int], Canvas | None]) -> None:
        """Show what ``draw`` returns (redrawn now and on every resize)."""
        self.draw = draw
        self.refresh()

    def _styles(self) -> dict[int, Style]:
        return ink_styles(self.app.theme_variables, _INK_VARS)

    def render(self) -> RenderResult:
        canvas = self.draw(self.size.width, self.size.height)
        if canvas is None:
            canvas = Canvas(self.size.width, self.size.height)
        return canvas.to_text(self._styles())


def _log10(values: Sequence[float], floor: float) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    with np.errstate(all="ignore"):
        out = np.log10(np.where(v > 0, v, floor))
    return np.where(np.isfinite(v), out, np.nan)


def _segment(canvas: Canvas, c0: int, r0: int, c1: int, r1: int, char: str, ink: Ink) -> None:
    """A straight run of ``char`` between two cells (both ends excluded)."""
    n = max(abs(c1 - c0), abs(r1 - r0))
    for t in range(1, n):
        canvas.put(c0 + round((c1 - c0) * t / n), r0 + round((r1 - r0) * t / n), char, ink)


def loglog_canvas(width: int, height: int, hs: Sequence[float], forward: Sequence[float],
                  central: Sequence[float], best: dict[str, float | None], current_h: float | None,
                  g: Glyphs) -> Canvas | None:
    """Errors of the forward (``f``) and central (``c``) differences against h, log-log.

    Small h on the left, large on the right; the best h of each difference is drawn
    as a capital letter (``F``, ``C``), the current h as ``^`` under the axis.
    Errors of exactly 0 are drawn on the bottom edge.
    """
    label_w = 6
    pw, ph = width - label_w - 1, height - 2
    if pw < 12 or ph < 4 or not hs:
        return None
    lx = np.log10(np.asarray(hs, dtype=float))
    errs = np.concatenate([np.asarray(forward, float), np.asarray(central, float)])
    pos = errs[np.isfinite(errs) & (errs > 0)]
    if pos.size == 0:
        return None
    top = math.ceil(math.log10(pos.max()))
    bottom = min(math.floor(math.log10(pos.min())), top - 1)
    x0, x1 = float(lx.min()), float(lx.max())
    canvas = Canvas(width, height)

    def col(x: float) -> int:
        return label_w + 1 + int(round((x - x0) / (x1 - x0) * (pw - 1))) if x1 > x0 else label_w + 1

    def row(y: float) -> int:
        y = min(max(y, bottom), top)
        return int(round((top - y) / (top - bottom) * (ph - 1)))

    # axes and labels
    for r in range(ph):
        canvas.put(label_w, r, g.lines[2], Ink.GRID)
    for c in range(label_w, width):
        canvas.put(c, ph, g.lines[0], Ink.GRID)
    for y in sorted({top, (top + bottom) // 2, bottom}):
        canvas.text(row(y), 0, f"1e{y}".rjust(label_w), Ink.GRID)
    ticks = [x for x in (-12, -9, -6, -3, -1) if x0 <= x <= x1]
    for x in ticks:
        text = f"1e{x}"
        c = min(max(col(x) - len(text) // 2, label_w + 1), width - len(text))
        canvas.text(ph + 1, c, text, Ink.GRID)
    if current_h is not None and current_h > 0:
        c = col(math.log10(current_h))
        if label_w < c < width:
            canvas.put(c, ph, "^", Ink.POINT)
    capitals = []
    for values, letter, ink, which in ((forward, "f", Ink.PATH, "forward"),
                                       (central, "c", Ink.FIT, "central")):
        ly = _log10(values, 10.0 ** bottom)
        cells = [(col(x), row(y)) if np.isfinite(y) else None for x, y in zip(lx, ly)]
        for a, b in zip(cells, cells[1:]):
            if a and b:
                _segment(canvas, *a, *b, ".", ink)
        for (h, cell) in zip(hs, cells):
            if cell:
                canvas.put(*cell, letter, ink)
                if best.get(which) == h:
                    capitals.append((cell, letter.upper(), ink))
    for cell, letter, ink in capitals:  # last, so a best h is never hidden under the other curve
        if canvas.chars[cell[1], cell[0]] in ("F", "C"):
            cell = (cell[0], cell[1] - 1 if cell[1] > 0 else cell[1] + 1)  # both in one cell: stack
        canvas.put(*cell, letter, ink)
    return canvas


def curves_canvas(width: int, height: int, xs: np.ndarray, f: np.ndarray, tangent: np.ndarray,
                  quad: np.ndarray, w0: float, marks: Sequence[tuple[float, float, str]], g: Glyphs
                  ) -> Canvas | None:
    """A 1-D curve (``g.curve``), its tangent (line glyphs) and quadratic model (``:``) around w0.

    ``marks`` are (x, f, char) points drawn on top (the current point, the next steps).
    The value range follows the curve (the models may leave it).
    """
    ph = height - 1
    if width < 8 or ph < 4 or len(xs) != width:
        return None
    fin = f[np.isfinite(f)]
    if fin.size == 0:
        return None
    lo, hi = float(fin.min()), float(fin.max())
    pad = (hi - lo) * 0.1 or 1.0
    lo, hi = lo - pad, hi + pad
    canvas = Canvas(width, height)

    def row(y: float) -> int | None:
        if not math.isfinite(y) or not lo <= y <= hi:
            return None
        return ph - 1 - min(int((y - lo) / (hi - lo) * ph), ph - 1)

    for c in range(width):
        r = row(float(quad[c]))
        if r is not None:
            canvas.put(c, r, ":", Ink.FIT)
        slope = float(tangent[min(c + 1, width - 1)] - tangent[max(c - 1, 0)])
        r = row(float(tangent[c]))
        if r is not None:
            visual = 2 * slope / max(1, (min(c + 1, width - 1) - max(c - 1, 0))) / ((hi - lo) / ph)
            canvas.put(c, r, line_glyph(g, visual), Ink.TANGENT)
        r = row(float(f[c]))
        if r is not None:
            canvas.put(c, r, g.curve, Ink.GRID)
    x0, x1 = float(xs[0]), float(xs[-1])
    for x, y, char in marks:
        r = row(y)
        if r is not None and x0 <= x <= x1 and x1 > x0:
            c = int(round((x - x0) / (x1 - x0) * (width - 1)))
            canvas.put(c, r, char, Ink.POINT)
    canvas.text(ph, 0, f"{x0:.3g}", Ink.GRID)
    right = f"{x1:.3g}"
    canvas.text(ph, width - len(right), right, Ink.GRID)
    return canvas


def arrows_canvas(width: int, height: int, bands: np.ndarray | None, box: tuple[float, float, float, float],
                  point: Sequence[float], steps: Sequence[tuple[Sequence[float] | None, str, Ink]],
                  g: Glyphs) -> Canvas | None:
    """Contour bands (top row first, -1 blank) with arrows from ``point`` to ``point + step``.

    Each arrow is drawn as a line ending in an arrow head, then its letter just past
    the head; ``None`` steps are skipped.  ``box`` is (x0, x1, y0, y1).
    """
    if width < 8 or height < 4:
        return None
    canvas = Canvas(width, height)
    if bands is not None and bands.shape == (height, width):
        ramp = np.array(list(g.ramp))
        canvas.chars[:] = np.where(bands >= 0, ramp[np.clip(bands, 0, len(ramp) - 1)], " ")
        canvas.ink[:] = np.where(canvas.chars != " ", Ink.GRID, Ink.NONE)
    x0, x1, y0, y1 = box

    def cell(p: Sequence[float]) -> tuple[int, int]:
        c = int(math.floor((p[0] - x0) / (x1 - x0) * width))
        r = height - 1 - int(math.floor((p[1] - y0) / (y1 - y0) * height))
        return c, r

    pc, pr = cell(point)
    for step, letter, ink in steps:
        if step is None or not all(math.isfinite(v) for v in step):
            continue
        end = (point[0] + step[0], point[1] + step[1])
        ec, er = cell(end)
        dx, dy = ec - pc, -(er - pr) * 2
        if (ec, er) == (pc, pr):  # shorter than a cell: its letter beside the point, on its side
            sx = (step[0] > 0) - (step[0] < 0)
            sy = (step[1] < 0) - (step[1] > 0)
            canvas.put(pc + (sx or 1), pr + sy, letter, ink)
            continue
        trail = line_glyph(g, dy / dx if dx else math.inf)
        _segment(canvas, pc, pr, ec, er, trail, ink)
        canvas.put(ec, er, head_glyph(g, dx, dy), ink)
        n = max(abs(ec - pc), abs(er - pr))
        lc = ec + int(round((ec - pc) / n)) if n else ec
        lr = er + int(round((er - pr) / n)) if n else er
        canvas.put(lc, lr, letter, ink)
    canvas.put(pc, pr, g.point, Ink.POINT)
    return canvas
