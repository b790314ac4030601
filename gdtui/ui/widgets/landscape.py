"""Landscape: f around the path — contour shading (2-D), curve + tangent (1-D), slices (3+).

The owner calls :meth:`Landscape.set_problem` once per problem and
:meth:`Landscape.show_path` whenever the run moves.  The shaded background is
sampled only when the view box, the size, the axes or (for slices) the fixed
coordinates change; each frame only overlays the path, the −∇f arrow and the point.
The widget draws with the line API through a :class:`~gdtui.ui.widgets._canvas.Painter`:
a frame refreshes only the cells that changed (the path, arrow and point move a few
cells), and while the run is live it redraws at most ``LIVE_FPS`` times a second.
With focus, the arrow keys move the start point and post :class:`Landscape.StartMoved`.

When the data set has columns ``x`` and ``y`` and the parameters include ``w``
(and optionally ``b``), a side panel shows the data and the line y = w·x + b at the
current point (key ``f`` toggles it; narrow widgets show it instead of the landscape).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive

from gdtui.engine import landscape as L
from gdtui.engine.objective import Objective
from gdtui.ui.charset import charset_of
from gdtui.ui.lang import localize_bindings
from gdtui.ui.widgets import _draw as D
from gdtui.ui.widgets.frame_gate import FrameGate
from gdtui.ui.widgets._painted import PaintedWidget
from gdtui.ui.widgets._canvas import Canvas, Ink, Painter, ink_styles, text_grid

__all__ = ["Landscape"]

_INK_VARS = {Ink.GRID: ("gd-plot-grid", False), Ink.PATH: ("gd-plot-path", True),
             Ink.POINT: ("gd-point", True), Ink.FIT: ("gd-plot-fit", False),
             Ink.TANGENT: ("gd-point", False)}
_MOVES = [("left", -1, 0), ("right", 1, 0), ("up", 0, 1), ("down", 0, -1)]
NARROW = 36  # below this width the data panel replaces the landscape instead of sitting beside it
LIVE_FPS = 15  # most redraws a second while running live


class Landscape(PaintedWidget, can_focus=True):
    """The loss surface around the run, the path on it and the way downhill."""

    DEFAULT_CSS = """
    Landscape { width: 1fr; height: 1fr; min-height: 6; }
    """
    BINDINGS = [
        *[Binding(k, f"move({dx}, {dy}, 20)", "Move start", show=False) for k, dx, dy in _MOVES],
        *[Binding(f"shift+{k}", f"move({dx}, {dy}, 5)", "Move start more", show=False) for k, dx, dy in _MOVES],
        Binding("f", "toggle_fit", "fit", id="gd.landscape.fit", tooltip="Show or hide the data and current fit"),
    ]

    axes: reactive[tuple[int, int]] = reactive((0, 1))
    """The two parameters a 3+-D slice shows."""
    fit_panel: reactive[bool] = reactive(True)
    """Show the data-and-fit panel when the problem has one."""

    @dataclass
    class StartMoved(Message):
        """The user moved the start point (the app resets the run from there)."""

        start: list[float]

    def __init__(self, *, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        localize_bindings(self)  # "fit" in the footer, in the app's language
        self._obj: Objective | None = None
        self._data: Mapping[str, np.ndarray] | None = None
        self._start: list[float] = []
        self._path: np.ndarray | tuple = ()  # set with the problem (no numpy before the first frame)
        self._k = 0
        self._grad: list[float] = []
        self._minimum: list[float] | None = None  # where the minimum is, when known
        self._best: int | None = None  # the step with the lowest loss so far
        self._batch: Any = None  # the current mini-batch (epoch, batch, rows), if any
        self._box: L.Box | None = None  # 2-D view, or (lo, hi) as x0/x1 for 1-D
        self._bg_key: tuple | None = None
        self._bg: Canvas | None = None
        self._layout: tuple[int, int, int] = (0, 0, 0)  # area origin col, width, height
        self._painter = Painter()
        self._gate = FrameGate(self, LIVE_FPS, self._repaint, self.is_live)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh())

    # ------------------------------------------------------------------ API
    def set_problem(self, objective: Objective, start: Sequence[float], data: Any = None,
                    minimum: Sequence[float] | None = None) -> None:
        """A new loss and start point; ``data`` (a mapping or Dataset) defaults to the
        objective's; ``minimum``: where f is lowest, when known (marked)."""
        self._obj = objective
        self._minimum = None if minimum is None else [float(v) for v in minimum]
        self._best, self._batch = None, None
        cols = getattr(data, "columns", data)
        self._data = cols if isinstance(cols, Mapping) else objective.data
        self._start = [float(v) for v in start]
        self._path = np.asarray([self._start], dtype=float).reshape(1, objective.dims)
        self._k = 0
        try:
            self._grad = objective.value_grad(self._start)[1]
        except ArithmeticError:
            self._grad = [math.nan] * objective.dims
        self._box = None
        self.set_reactive(Landscape.axes, (0, 1))
        self.refresh()
        self.refresh_bindings()  # `f` is offered only when the problem has data to fit

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`f` (data and fit) only for a problem whose data set the fit panel can show."""
        if action == "toggle_fit":
            obj = self._obj
            return obj is not None and L.linear_fit(obj.params, self._start or [0.0] * obj.dims,
                                                    self._data) is not None
        return True

    def show_path(self, w_history: np.ndarray, current_step: int, grad: Sequence[float],
                  best: int | None = None, batch: Any = None) -> None:
        """Show the points w_0..w_k (rows of ``w_history``), the current one and −∇f there;
        ``best``: the step with the lowest loss so far (marked); ``batch``: the current
        mini-batch's position (epoch, batch, rows: shown in the data panel)."""
        if self._obj is None:
            return
        self._path = np.asarray(w_history, dtype=float).reshape(-1, self._obj.dims)
        self._k = min(max(int(current_step), 0), len(self._path) - 1)
        self._grad = [float(v) for v in grad]
        self._best, self._batch = best, batch
        # The view must hold the whole path even when frames are skipped at speed:
        # widen it now, on every call, not only on the frames that get drawn.
        self._keep_in_view()
        self._gate.request()

    def _keep_in_view(self) -> None:
        obj, box = self._obj, self._box
        if obj is None or box is None or len(self._path) == 0:
            return
        if obj.dims == 1:
            xs = self._path[: self._k + 1, 0]
            fin = xs[np.isfinite(xs)]
            if len(fin) and not (box.x0 <= fin.min() and fin.max() <= box.x1):
                self._box = None
            return
        pts = D.sample_path(self._path[: self._k + 1])[:, list(self.axes)]
        fin = pts[np.isfinite(pts).all(axis=1)]
        if len(fin) and not box.contains(fin):
            self._box = None

    def next_axes(self) -> tuple[int, int]:
        """Show the next pair of parameters (3+ parameters); returns the new pair."""
        pairs = L.axis_pairs(self._obj.dims if self._obj else 0)
        if pairs:
            i = pairs.index(self.axes) if self.axes in pairs else -1
            self.axes = pairs[(i + 1) % len(pairs)]
            self._box = None
        return self.axes

    def point_cell(self, w: Sequence[float]) -> tuple[int, int] | None:
        """Where the point ``w`` is drawn, as (x, y) in the widget, or None if off view."""
        obj, box = self._obj, self._box
        x0, aw, ah = self._layout
        if obj is None or box is None or aw <= 0:
            return None
        if obj.dims == 1:
            f = obj.value(list(w))
            c, _, ok = L.to_cells(np.array([[w[0], box.y0]]), box, aw, ah)
            row = D.value_row(f, box.y0, box.y1, ah)
            return None if not ok[0] or row is None else (x0 + int(c[0]), 1 + row)
        i, j = self.axes
        c, r, ok = L.to_cells(np.array([[w[i], w[j]]]), box, aw, ah)
        return (x0 + int(c[0]), 1 + ah - 1 - int(r[0])) if ok[0] else None

    # -------------------------------------------------------------- actions
    def action_move(self, dx: int, dy: int, fraction: int) -> None:
        """Move the start by 1/``fraction`` of the view and tell the app."""
        if self._obj is None or self._box is None:
            return
        start = list(self._start)
        start[self.axes[0] if self._obj.dims > 1 else 0] += dx * self._box.width / fraction
        if self._obj.dims > 1:
            start[self.axes[1]] += dy * self._box.height / fraction
        elif dy:
            return
        self._start = start
        self._path, self._k = np.asarray([start]), 0
        try:  # the arrow at the new start until the app sends the reset run
            self._grad = self._obj.value_grad(start)[1]
        except ArithmeticError:
            self._grad = [math.nan] * self._obj.dims
        self.post_message(self.StartMoved(start))
        self.refresh()

    def action_toggle_fit(self) -> None:
        """Show or hide the data-and-fit panel."""
        self.fit_panel = not self.fit_panel

    # ------------------------------------------------------------ rendering
    def _styles(self) -> dict[int, Style]:
        return ink_styles(self.app.theme_variables, _INK_VARS)

    def _repaint(self) -> None:
        """The run moved: refresh only the cells whose picture changed."""
        self.refresh_changed()

    def _paint(self) -> list[Region] | None:
        picture = self._picture()
        if isinstance(picture, Canvas):
            styles = self._styles()
            table = [styles.get(i, Style.null()) for i in range(max(Ink) + 1)]
            table[0] = Style.null()
            return self._painter.show(picture.chars, picture.ink, table, self.rich_style)
        W, H = self.size
        return self._painter.show(*text_grid(picture, W, H, self.app.console), self.rich_style)

    def render(self) -> RenderResult:
        """The whole picture as Text (the screen uses :meth:`render_line`)."""
        picture = self._picture()
        return picture.to_text(self._styles()) if isinstance(picture, Canvas) else picture

    def _picture(self) -> Canvas | Text:
        W, H = self.size.width, self.size.height
        obj = self._obj
        if obj is None or obj.dims == 0 or W < 4 or H < 3:
            from gdtui.ui.lang import t

            return Text(t(self, "land.nofn") if obj is None else "")
        g = charset_of(self).glyphs
        canvas = Canvas(W, H)
        current = self._path[self._k]
        fit = L.linear_fit(obj.params, current, self._data) if self.fit_panel else None
        fw = 0 if fit is None else (W if W < NARROW else max(12, W // 3))
        aw, ah = W - fw - (1 if 0 < fw < W else 0), H - 1
        self._layout = (0, aw, ah)
        caption = ""
        if aw >= 4:
            area, caption = (self._surface if obj.dims > 1 else self._curve)(aw, ah, current, g)
            canvas.paste(area, 0, 1)
        batch = self._batch
        from gdtui.ui.lang import t

        if fit is not None:
            rows = None if batch is None else batch.rows
            canvas.paste(D.fit_panel(*fit, fw, ah, g, rows), W - fw, 1)
            if fw < W:
                canvas.put_many(np.full(ah, aw), np.arange(1, H), g.separator, Ink.GRID)
                canvas.text(0, 0, caption[:aw])
                caption = _batch_caption(batch, fw, self) if batch is not None else t(self, "land.fit.short")
                canvas.text(0, W - fw, charset_of(self).text(caption))
                return canvas
            caption = _batch_caption(batch, fw, self) if batch is not None else t(self, "land.fit")
        canvas.text(0, 0, charset_of(self).text(caption)[:W])
        return canvas

    def _surface(self, w: int, h: int, current: np.ndarray, g: Any) -> tuple[Canvas, str]:
        obj, (i, j) = self._obj, self.axes
        assert obj is not None
        pts = D.sample_path(self._path[: self._k + 1])[:, [i, j]]  # sample first: no copy of a long path
        if self._box is None or self._bg_key and self._bg_key[1:3] != (w, h):
            self._box = self._fit_view(pts, w, h, current)
        fixed = tuple(current) if obj.dims > 2 else ()
        key = (self._box, w, h, (i, j), fixed, charset_of(self).ascii, id(obj))
        if key != self._bg_key or self._bg is None:
            self._bg = D.surface_background(obj, self._box, w, h, current, (i, j), g)
            self._bg_key = key
        canvas = self._bg.copy()
        ok = len(self._grad) == obj.dims
        grad = (self._grad[i], self._grad[j]) if ok else (math.nan, math.nan)
        norm = math.hypot(*self._grad) if ok else math.nan
        minimum = None if self._minimum is None or obj.dims != 2 else self._minimum
        best = None if self._best is None or self._best >= len(self._path) else self._path[self._best, [i, j]]
        D.surface_overlay(canvas, self._box, pts, current[[i, j]], grad, g, minimum, best, norm)
        b, p = self._box, obj.params
        from gdtui.ui.lang import t

        slice_note = " " + t(self, "land.slice") if obj.dims > 2 else ""
        return canvas, _caption(w, [(p[i], b.x0, b.x1), (p[j], b.y0, b.y1)], slice_note)

    def _fit_view(self, pts: np.ndarray, w: int, h: int, current: np.ndarray) -> L.Box:
        """A box around the start, the path and the lowest point nearby (the engine decides)."""
        obj, (i, j) = self._obj, self.axes
        assert obj is not None
        start = np.asarray(self._start, dtype=float)[[i, j]] if self._start else pts[0]
        return L.view_box(obj, start, pts, current, (i, j), cells=(w, h))

    def _curve(self, w: int, h: int, current: np.ndarray, g: Any) -> tuple[Canvas, str]:
        obj = self._obj
        assert obj is not None
        xs_path = self._path[: self._k + 1, 0]
        box = self._box
        if box is None or self._bg_key and self._bg_key[1:3] != (w, h):
            start = self._start[0] if self._start else float(xs_path[0])
            box = self._box = L.view_span(obj, start, D.sample_path(xs_path[:, None])[:, 0], w)
        key = (box, w, h, (0, 0), (), charset_of(self).ascii, id(obj))
        if key != self._bg_key or self._bg is None:
            xs, ys = L.curve(obj, box.x0, box.x1, w)
            self._bg, self._bg_key = D.curve_background(xs, ys, box.y0, box.y1, h, g), key
        canvas = self._bg.copy()
        minimum = None if self._minimum is None else self._minimum[0]
        best = None if self._best is None or self._best >= len(self._path) else float(self._path[self._best, 0])
        D.curve_overlay(canvas, obj, box, xs_path, float(current[0]), self._grad, g, minimum, best)
        p = obj.params[0]
        return canvas, _caption(w, [(p, box.x0, box.x1), ("f", box.y0, box.y1)], "")


def _caption(width: int, ranges: list[tuple[str, float, float]], tail: str) -> str:
    """"x -0.73..5.75  f -1.61..33.7": the view's ranges, with fewer digits until it fits
    (a range is never cut in the middle of a number)."""
    for digits, sep in ((3, "  "), (2, " "), (1, " ")):
        text = sep.join(f"{name} {lo:.{digits}g}..{hi:.{digits}g}" for name, lo, hi in ranges) + tail
        text = text.replace("e+", "e")
        if cell_len(text) <= width:  # cells: a Korean word takes two a character
            return text
    return text if cell_len(text) <= width else ""


def _batch_caption(batch: Any, width: int, node: Any = None) -> str:
    """Which epoch and batch the current row used and its data rows (1-based), shortened
    to fit (in the language of ``node``'s app)."""
    from rich.cells import cell_len

    from gdtui.ui.lang import t

    rows = [r + 1 for r in batch.rows]
    listed = ",".join(map(str, rows[:6])) + ("…" if len(rows) > 6 else "")
    e, b, n = batch.epoch, batch.batch, batch.batches_per_epoch
    for text in (t(node, "land.batch.long", e=e, b=b, n=n, rows=listed), t(node, "land.batch", e=e, b=b, n=n),
                 t(node, "land.batch.short", e=e, b=b, n=n), f"e{e} {b}/{n}"):
        if cell_len(text) <= width:
            return text
    return ""
