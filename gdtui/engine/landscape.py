"""The maths behind the landscape view: view boxes, grids, contour levels, tangents.

Pure numpy.  The UI (``gdtui.ui.widgets.landscape``) only turns what these
functions return into characters; nothing here knows about terminals except that
a grid has ``nx`` columns and ``ny`` rows.

Conventions
-----------
* A 2-D view is a :class:`Box` in parameter space; grids are sampled at cell
  centres and returned with **row 0 at the bottom** (``y0``) — the widget flips.
* For more than two parameters the view is a *slice*: parameters ``axes[0]`` and
  ``axes[1]`` vary over the box, every other parameter is fixed at the current
  point.
* Non-finite values (outside the domain, overflow) are ``nan`` and never raise.
* The "data fit" convention: when the bound data set has columns ``x`` and ``y``
  and the parameters include ``w`` (optionally ``b``), the model shown is
  ``y ≈ w*x + b`` (``b`` = 0 when absent); see :func:`linear_fit`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from gdtui.engine.objective import Objective

__all__ = [
    "Box",
    "axis_pairs",
    "band_index",
    "contour_levels",
    "curve",
    "fit_box",
    "fit_span",
    "grid_centres",
    "linear_fit",
    "low_point",
    "low_point_1d",
    "sample_slice",
    "tangent",
    "to_cells",
    "values_at",
    "view_box",
    "view_span",
]

#: Views never grow beyond this magnitude (a diverging run must not make the grid useless).
MAX_ABS = 1e6


@dataclass(frozen=True)
class Box:
    """A rectangle [x0, x1] × [y0, y1] in parameter space (x0 < x1, y0 < y1)."""

    x0: float
    x1: float
    y0: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def contains(self, points: np.ndarray) -> bool:
        """True when every finite point of ``points`` (n, 2) lies inside the box."""
        p = np.asarray(points, dtype=float).reshape(-1, 2)
        p = p[np.isfinite(p).all(axis=1)]
        if len(p) == 0:
            return True
        return bool(
            (p[:, 0] >= self.x0).all() and (p[:, 0] <= self.x1).all()
            and (p[:, 1] >= self.y0).all() and (p[:, 1] <= self.y1).all()
        )

    def grow(self, factor: float) -> "Box":
        """The box scaled by ``factor`` about its centre."""
        cx, cy = (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2
        hw, hh = self.width * factor / 2, self.height * factor / 2
        return Box(cx - hw, cx + hw, cy - hh, cy + hh)


def _finite_rows(points: np.ndarray, dims: int) -> np.ndarray:
    p = np.asarray(points, dtype=float).reshape(-1, dims)
    p = p[np.isfinite(p).all(axis=1)]
    return np.clip(p, -MAX_ABS, MAX_ABS)


def fit_span(values: np.ndarray, pad: float = 0.15, min_span: float = 2.0) -> tuple[float, float]:
    """An interval holding every finite value, padded, at least ``min_span`` wide
    (or half the values' magnitude, whichever is larger, so a far start still has context)."""
    v = _finite_rows(values, 1).ravel()
    if len(v) == 0:
        return -min_span / 2, min_span / 2
    lo, hi = float(v.min()), float(v.max())
    span = max((hi - lo) * (1 + 2 * pad), min_span, 0.5 * max(abs(lo), abs(hi)))
    mid = (lo + hi) / 2
    return mid - span / 2, mid + span / 2


def fit_box(
    points: np.ndarray,
    pad: float = 0.15,
    min_span: float = 2.0,
    cells: tuple[int, int] | None = None,
    cell_aspect: float = 2.0,
) -> Box:
    """The smallest padded box holding every finite point of ``points`` (n, 2).

    With ``cells=(nx, ny)`` the shorter side is widened (by at most 3×) so one unit
    looks the same length across and down, given cells ``cell_aspect`` times taller
    than wide; then circles look round and −∇f looks perpendicular to contours.
    """
    p = _finite_rows(points, 2)
    x0, x1 = fit_span(p[:, 0], pad, min_span)
    y0, y1 = fit_span(p[:, 1], pad, min_span)
    if cells is not None and cells[0] > 0 and cells[1] > 0:
        nx, ny = cells
        # units per visual length unit, across and down
        ux, uy = (x1 - x0) / nx, (y1 - y0) / (ny * cell_aspect)
        if ux > uy:
            grow = min(ux / uy, 3.0)
            c, h = (y0 + y1) / 2, (y1 - y0) * grow / 2
            y0, y1 = c - h, c + h
        elif uy > ux:
            grow = min(uy / ux, 3.0)
            c, h = (x0 + x1) / 2, (x1 - x0) * grow / 2
            x0, x1 = c - h, c + h
    return Box(x0, x1, y0, y1)


def grid_centres(lo: float, hi: float, n: int) -> np.ndarray:
    """The ``n`` cell centres of [lo, hi] split into ``n`` equal cells."""
    step = (hi - lo) / max(n, 1)
    return lo + step * (np.arange(max(n, 1)) + 0.5)


def _evaluate(objective: Objective, axes: list, max_rows: int) -> np.ndarray:
    try:
        z = objective.values_on(*axes, max_rows=max_rows)
    except (ArithmeticError, ValueError, TypeError):
        shape = np.broadcast_shapes(*[np.shape(a) for a in axes])
        return np.full(shape, np.nan)
    z = np.asarray(z, dtype=float)
    if np.iscomplexobj(z):  # pragma: no cover - generated code returns real arrays
        z = np.where(np.imag(z) == 0, np.real(z), np.nan)
    return np.where(np.isfinite(z), z, np.nan)


def sample_slice(
    objective: Objective,
    box: Box,
    nx: int,
    ny: int,
    point: Sequence[float],
    axes: tuple[int, int] = (0, 1),
    max_rows: int = 200,
) -> np.ndarray:
    """f on an ``ny`` × ``nx`` grid of cell centres over ``box`` (row 0 = bottom).

    Parameters other than ``axes`` are fixed at ``point`` (a slice through it).
    """
    xs = grid_centres(box.x0, box.x1, nx)[None, :]
    ys = grid_centres(box.y0, box.y1, ny)[:, None]
    args: list = [float(v) for v in point]
    args[axes[0]], args[axes[1]] = xs, ys
    z = _evaluate(objective, args, max_rows)
    return np.broadcast_to(z, (ny, nx)).copy()


def curve(
    objective: Objective,
    lo: float,
    hi: float,
    n: int,
    point: Sequence[float] = (0.0,),
    axis: int = 0,
    max_rows: int = 200,
) -> tuple[np.ndarray, np.ndarray]:
    """(w, f(w)) at ``n`` cell centres of [lo, hi] along parameter ``axis`` through ``point``."""
    xs = grid_centres(lo, hi, n)
    args: list = [float(v) for v in point] or [0.0]
    args[axis] = xs
    ys = np.broadcast_to(_evaluate(objective, args, max_rows), xs.shape).copy()
    return xs, ys


def low_point(objective: Objective, box: Box, point: Sequence[float],
              axes: tuple[int, int] = (0, 1), n: int = 41, grow: int = 0) -> tuple[float, float] | None:
    """The lowest of an n×n coarse grid over ``box`` (a hint at the optimum region), or None.

    With ``grow`` > 0, a lowest point on the grid's edge means f keeps falling beyond it:
    the box is extended three times its size that way and searched again (at most ``grow``
    times), and None is returned if the lowest point is still on the edge (f unbounded
    below, or the optimum too far away to show)."""
    for attempt in range(grow + 1):
        z = sample_slice(objective, box, n, n, point, axes)
        if not np.isfinite(z).any():
            return None
        r, c = np.unravel_index(int(np.nanargmin(z)), z.shape)
        xs, ys = grid_centres(box.x0, box.x1, n), grid_centres(box.y0, box.y1, n)
        edge_x = -1 if c == 0 else (1 if c == n - 1 else 0)
        edge_y = -1 if r == 0 else (1 if r == n - 1 else 0)
        if grow == 0 or (edge_x == 0 and edge_y == 0):
            return float(xs[c]), float(ys[r])
        if attempt == grow:
            return None
        wx, wy = box.width * 3, box.height * 3
        box = Box(
            max(box.x0 - (wx if edge_x < 0 else 0), -MAX_ABS), min(box.x1 + (wx if edge_x > 0 else 0), MAX_ABS),
            max(box.y0 - (wy if edge_y < 0 else 0), -MAX_ABS), min(box.y1 + (wy if edge_y > 0 else 0), MAX_ABS),
        )
    return None  # pragma: no cover - the loop always returns


def low_point_1d(objective: Objective, lo: float, hi: float, n: int = 201, grow: int = 0) -> float | None:
    """The lowest of ``n`` samples of a one-parameter f on [lo, hi], or None.

    ``grow`` works as in :func:`low_point`: a lowest sample at an end widens the
    interval that way (three times its width) and searches again."""
    for attempt in range(grow + 1):
        xs, ys = curve(objective, lo, hi, n)
        if not np.isfinite(ys).any():
            return None
        i = int(np.nanargmin(ys))
        if grow == 0 or 0 < i < n - 1:
            return float(xs[i])
        if attempt == grow:
            return None
        width = 3 * (hi - lo)
        lo, hi = (max(lo - width, -MAX_ABS), hi) if i == 0 else (lo, min(hi + width, MAX_ABS))
    return None  # pragma: no cover - the loop always returns


def view_box(objective: Objective, start: Sequence[float], path: np.ndarray, point: Sequence[float],
             axes: tuple[int, int] = (0, 1), cells: tuple[int, int] | None = None) -> Box:
    """The 2-D view: the start, the path (n, 2 — already the two axes) and the lowest
    point of a coarse grid around them (where the run is heading), padded and made
    round for ``cells``."""
    p = np.asarray(path, dtype=float).reshape(-1, 2)
    every = np.vstack([np.asarray(start, dtype=float).reshape(-1, 2), p])
    low = low_point(objective, fit_box(every).grow(3.0), point, axes, n=31, grow=3)
    if low is not None:
        every = np.vstack([every, np.asarray([low])])
    return fit_box(every, cells=cells)


def view_span(objective: Objective, start: float, path: np.ndarray, n: int) -> Box:
    """The 1-D view as a Box (x: parameter, y: f): the start, the path and the lowest
    point found around them, and the range of f over that interval (``n`` samples)."""
    every = np.concatenate([[float(start)], np.asarray(path, dtype=float).ravel()])
    lo, hi = fit_span(every)
    low = low_point_1d(objective, lo - (hi - lo), hi + (hi - lo), grow=3)
    if low is not None:
        lo, hi = fit_span(np.append(every, low))
    _, ys = curve(objective, lo, hi, max(n, 2))
    fin = ys[np.isfinite(ys)]
    y0, y1 = (float(fin.min()), float(fin.max())) if len(fin) else (-1.0, 1.0)
    pad = (y1 - y0) * 0.05 or 1.0
    return Box(lo, hi, y0 - pad, y1 + pad)


def values_at(objective: Objective, points: np.ndarray, max_rows: int = 200) -> np.ndarray:
    """f at each row of ``points`` (n, D); nan where undefined."""
    p = np.asarray(points, dtype=float).reshape(-1, objective.dims)
    z = _evaluate(objective, [p[:, d] for d in range(objective.dims)], max_rows)
    return np.broadcast_to(z, (len(p),)).copy()


def contour_levels(z: np.ndarray, bands: int = 10) -> np.ndarray:
    """Strictly increasing thresholds splitting the finite values of ``z`` into
    (at most) ``bands`` bands of roughly equal area — equal-area bands show both a
    deep narrow valley and a wide plateau, where evenly spaced levels show neither."""
    v = np.asarray(z, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0 or bands < 2:
        return np.empty(0)
    q = np.quantile(v, np.linspace(0, 1, bands + 1)[1:-1])
    return np.unique(q)


def band_index(z: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """The band (0 = lowest) of each value of ``z``; -1 where ``z`` is not finite."""
    z = np.asarray(z, dtype=float)
    idx = np.searchsorted(levels, z, side="right")
    return np.where(np.isfinite(z), idx, -1)


def to_cells(points: np.ndarray, box: Box, nx: int, ny: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Columns, rows (row 0 = bottom) and an inside-the-box mask for points (n, 2)."""
    p = np.asarray(points, dtype=float).reshape(-1, 2)
    with np.errstate(all="ignore"):
        fx = (p[:, 0] - box.x0) / box.width * nx
        fy = (p[:, 1] - box.y0) / box.height * ny
    ok = np.isfinite(fx) & np.isfinite(fy) & (fx >= 0) & (fx <= nx) & (fy >= 0) & (fy <= ny)
    cols = np.where(ok, np.minimum(np.floor(np.where(ok, fx, 0)), nx - 1), -1).astype(int)
    rows = np.where(ok, np.minimum(np.floor(np.where(ok, fy, 0)), ny - 1), -1).astype(int)
    return cols, rows, ok


def tangent(w: float, f: float, slope: float, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """The tangent line y = f + slope·(x − w) at its two ends x = lo and x = hi."""
    xs = np.array([lo, hi], dtype=float)
    return xs, f + slope * (xs - w)


def axis_pairs(dims: int) -> list[tuple[int, int]]:
    """The pairs of parameters a slice can show, in the order ``next_axes`` cycles them."""
    return [(i, j) for i in range(dims) for j in range(i + 1, dims)]


def linear_fit(
    params: Sequence[str], w: Sequence[float], data: Mapping[str, np.ndarray] | None
) -> tuple[np.ndarray, np.ndarray, Callable[[np.ndarray], np.ndarray]] | None:
    """(x, y, predict) for the "data and current fit" panel, or None.

    Shown when the bound data has columns ``x`` and ``y`` and the parameters
    include ``w``: predict(x) = w·x + b with ``b`` the parameter named ``b`` (0 if
    there is none).  Other models are not guessed at.
    """
    params = tuple(params)
    if data is None or "x" not in data or "y" not in data or "w" not in params:
        return None
    slope = float(w[params.index("w")])
    icpt = float(w[params.index("b")]) if "b" in params else 0.0
    if not (math.isfinite(slope) and math.isfinite(icpt)):
        return None
    x = np.asarray(data["x"], dtype=float)
    y = np.asarray(data["y"], dtype=float)
    return x, y, lambda xs: slope * np.asarray(xs, dtype=float) + icpt
