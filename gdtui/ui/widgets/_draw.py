"""Drawing the landscape views onto a :class:`Canvas` (the maths is in gdtui.engine.landscape)."""

from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from gdtui.engine import landscape as L
from gdtui.engine.objective import Objective
from gdtui.ui.widgets._canvas import Canvas, Glyphs, Ink, head_glyph, line_glyph, tangent_glyph

__all__ = ["arrow_cells", "arrow_length", "put_marker", "curve_background", "curve_overlay", "sample_path", "value_row", "fit_panel", "surface_background", "surface_overlay"]

ARROW_LEN = 5  # columns at ‖∇f‖ = 100; rows count double so the arrow looks the same length in any direction
ARROW_MAX = 8
FLAT = 1e-6  # ‖∇f‖ below this: no arrow (there is no downhill direction to show)


def arrow_length(norm: float) -> int:
    """Cells of the −∇f arrow for a gradient of length ``norm``: one more per factor of
    ten (0.01 → 1, 1 → 3, 100 → 5, 10⁵ → 8); 0 when the gradient is ~0 or not finite."""
    if not math.isfinite(norm) or norm < FLAT:
        return 0
    return int(min(max(3 + round(math.log10(norm)), 1), ARROW_MAX))


def surface_background(objective: Objective, box: L.Box, w: int, h: int,
                       point: Sequence[float], axes: tuple[int, int], g: Glyphs) -> Canvas:
    """f over ``box`` shaded in equal-area bands: one ramp character per cell, blank in
    the lowest band and densest in the highest, so the valley floor is always the
    light part of the picture and the overlay stands out there."""
    canvas = Canvas(w, h)
    z = L.sample_slice(objective, box, w, h, point, axes)
    bands = L.band_index(z, L.contour_levels(z, len(g.ramp)))[::-1]  # top row first
    ramp = np.array(list(g.ramp))
    canvas.chars[:] = np.where(bands >= 0, ramp[np.clip(bands, 0, len(ramp) - 1)], " ")
    canvas.ink[:] = np.where(canvas.chars != " ", Ink.GRID, Ink.NONE)
    return canvas


def sample_path(path: np.ndarray, keep: int = 4000, tail: int = 500) -> np.ndarray:
    """At most ``keep + tail`` rows of a long path: evenly spread, plus the latest ones."""
    n = len(path)
    if n <= keep + tail:
        return path
    idx = np.unique(np.concatenate([np.linspace(0, n - 1, keep).astype(int), np.arange(n - tail, n)]))
    return path[idx]


def arrow_cells(col: int, row: int, dx: float, dy_up: float, length: int) -> list[tuple[int, int]]:
    """Cells (top-down rows) of an arrow leaving (col, row) along a screen direction."""
    norm = math.hypot(dx, dy_up)
    if not math.isfinite(norm) or norm == 0:
        return []
    ux, uy = dx / norm, dy_up / norm
    cells: list[tuple[int, int]] = []
    for t in range(1, length + 1):
        cell = (col + int(round(ux * t)), row - int(round(uy * t / 2)))
        if cell != (col, row) and cell not in cells:
            cells.append(cell)
    return cells


def _draw_arrow(canvas: Canvas, col: int, row: int, dx: float, dy_up: float, g: Glyphs,
                length: int = ARROW_LEN) -> None:
    if length <= 0:
        return
    cells = arrow_cells(col, row, dx, dy_up, length)
    inside = [0 <= c < canvas.width and 0 <= r < canvas.height for c, r in cells]
    cells = cells[: inside.index(False)] if False in inside else cells  # shorter, but with its head
    trail = g.trail or line_glyph(g, 2 * dy_up / dx if dx else math.inf)
    for c, r in cells[:-1]:
        canvas.put(c, r, trail, Ink.POINT)
    if cells:
        canvas.put(*cells[-1], head_glyph(g, dx, dy_up), Ink.POINT)


def put_marker(canvas: Canvas, box: L.Box, point: Sequence[float] | None, glyph: str, ink: Ink) -> None:
    """A single marker at a 2-D point (x, y) in ``box``, if it is in view."""
    if point is None:
        return
    c, r, inside = L.to_cells(np.asarray([point], dtype=float).reshape(1, 2), box, canvas.width, canvas.height)
    if inside[0]:
        canvas.put(int(c[0]), canvas.height - 1 - int(r[0]), glyph, ink)


def surface_overlay(canvas: Canvas, box: L.Box, path: np.ndarray, current: Sequence[float],
                    grad: Sequence[float], g: Glyphs, minimum: Sequence[float] | None = None,
                    best: Sequence[float] | None = None, norm: float | None = None) -> tuple[int, int] | None:
    """Draw the path (n, 2) with its start marked, the known minimum and the best point
    so far, the −∇f arrow (its length says ‖∇f‖ on a log scale, see
    :func:`arrow_length`) and the current point; return the current point's cell."""
    w, h = canvas.width, canvas.height
    cols, rows, ok = L.to_cells(sample_path(path), box, w, h)
    canvas.put_many(cols[ok], h - 1 - rows[ok], g.path, Ink.PATH)
    if len(ok) and ok[0]:
        canvas.put(int(cols[0]), h - 1 - int(rows[0]), g.start, Ink.PATH)
    put_marker(canvas, box, best, g.best, Ink.POINT)
    put_marker(canvas, box, minimum, g.minimum, Ink.FIT)
    c, r, inside = L.to_cells(np.asarray([current], dtype=float), box, w, h)
    if not inside[0]:
        return None
    col, row = int(c[0]), h - 1 - int(r[0])
    gx, gy = (float(v) for v in grad)
    length = arrow_length(math.hypot(gx, gy) if norm is None else norm)
    # −∇f in parameter space, then in screen cells (rows are about twice as tall as columns)
    _draw_arrow(canvas, col, row, -gx * w / box.width, -gy * 2 * h / box.height, g, length)
    canvas.put(col, row, g.point, Ink.POINT)
    return col, row


def curve_background(xs: np.ndarray, ys: np.ndarray, y0: float, y1: float, h: int, g: Glyphs) -> Canvas:
    """The curve f(w), one column per sample, gaps between columns filled vertically."""
    canvas = Canvas(len(xs), h)
    with np.errstate(all="ignore"):
        rows = np.floor((ys - y0) / (y1 - y0) * h)
    prev: int | None = None
    for col, r in enumerate(rows):
        if not np.isfinite(r):
            prev = None
            continue
        r = int(min(max(r, -1), h))  # one beyond each edge, so steep walls still draw
        lo, hi = (r, r) if prev is None else (min(r, prev), max(r, prev))
        for rr in range(max(lo, 0), min(hi, h - 1) + 1):
            canvas.put(col, h - 1 - rr, g.curve, Ink.GRID)
        prev = r
    return canvas


def value_row(y: float, y0: float, y1: float, h: int) -> int | None:
    """The top-down row of value ``y`` in a band [y0, y1] of ``h`` rows, or None outside."""
    if not math.isfinite(y) or not (y0 <= y <= y1):
        return None
    return h - 1 - min(int((y - y0) / (y1 - y0) * h), h - 1)


def fit_panel(x: np.ndarray, y: np.ndarray, predict: Callable[[np.ndarray], np.ndarray],
              w: int, h: int, g: Glyphs, batch: Sequence[int] | None = None) -> Canvas:
    """The data (x, y) as points and the current model's line across them; the rows of
    the current mini-batch (``batch``, indices into x and y) stand out."""
    canvas = Canvas(w, h)
    ok = np.isfinite(x) & np.isfinite(y)
    if w < 2 or h < 2 or not ok.any():
        return canvas
    box = L.Box(*L.fit_span(x[ok], pad=0.05, min_span=1e-9), *L.fit_span(y[ok], pad=0.1, min_span=1e-9))
    xs = L.grid_centres(box.x0, box.x1, w)
    with np.errstate(all="ignore"):
        line = np.asarray(predict(xs), dtype=float)
    slope_cells = np.gradient(line) / box.height * h * 2 if w > 1 else np.zeros(w)
    for col, (yy, s) in enumerate(zip(line, slope_cells)):
        row = value_row(float(yy), box.y0, box.y1, h)
        if row is not None:
            canvas.put(col, row, line_glyph(g, float(s)), Ink.FIT)
    cols, rows, inside = L.to_cells(sample_path(np.column_stack([x[ok], y[ok]]), 2000, 0), box, w, h)
    canvas.put_many(cols[inside], h - 1 - rows[inside], g.data, Ink.FIT)
    if batch is not None and len(batch):
        idx = np.asarray(batch, dtype=int)
        idx = idx[(idx >= 0) & (idx < len(x))]
        sel = idx[ok[idx]]
        cols, rows, inside = L.to_cells(np.column_stack([x[sel], y[sel]]), box, w, h)
        canvas.put_many(cols[inside], h - 1 - rows[inside], g.batch, Ink.POINT)
    return canvas


def curve_overlay(canvas: Canvas, objective: Objective, box: L.Box, xs_path: np.ndarray,
                  w_now: float, grad: Sequence[float], g: Glyphs, minimum: float | None = None,
                  best: float | None = None) -> None:
    """Draw the tangent at ``w_now``, the visited points, the known minimum and the best
    point so far, the −f' arrow (length by |f'|, log scale) and the current point."""
    w, h = canvas.width, canvas.height
    slope = float(grad[0]) if len(grad) else math.nan
    f_now = float(L.values_at(objective, np.array([[w_now]]))[0])
    xs = L.grid_centres(box.x0, box.x1, w)
    col_now = L.to_cells(np.array([[w_now, box.y0]]), box, w, h)[0][0]
    if math.isfinite(slope) and math.isfinite(f_now):
        visual = 2 * slope * (box.width / w) / (box.height / h)
        glyph = tangent_glyph(g, visual)  # dashed: the arrow keeps the solid glyphs
        reach = max(w // 4, 2)
        for col in range(max(col_now - reach, 0), min(col_now + reach + 1, w)) if col_now >= 0 else ():
            row = value_row(f_now + slope * (xs[col] - w_now), box.y0, box.y1, h)
            if row is not None:
                canvas.put(col, row, glyph, Ink.TANGENT)
    pts = sample_path(np.asarray(xs_path, dtype=float)[:, None])
    fs = L.values_at(objective, pts)
    cols, rows, ok = L.to_cells(np.column_stack([pts[:, 0], fs]), box, w, h)
    canvas.put_many(cols[ok], h - 1 - rows[ok], g.path, Ink.PATH)
    if len(ok) and ok[0]:
        canvas.put(int(cols[0]), h - 1 - int(rows[0]), g.start, Ink.PATH)
    for x, glyph, ink in ((best, g.best, Ink.POINT), (minimum, g.minimum, Ink.FIT)):
        if x is not None:
            fx = float(L.values_at(objective, np.array([[x]]))[0])
            put_marker(canvas, box, (x, fx), glyph, ink)
    row = value_row(f_now, box.y0, box.y1, h)
    if col_now < 0 or row is None:
        return
    if math.isfinite(slope) and slope != 0:
        _draw_arrow(canvas, int(col_now), row, -slope, 0.0, g, arrow_length(abs(slope)))
    canvas.put(int(col_now), row, g.point, Ink.POINT)
