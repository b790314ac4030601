"""The compare view's panes: every run's path on the landscape, every run's loss on one
plot, the live leaderboard and the basin strip (1-D problems).

Each run has a colour AND its own marker character (``MARKERS``): paths and the loss
curves are drawn with the marker, so they read in ``--theme mono``, NO_COLOR and
``--ascii`` too; the current point of a run is its marker in reverse video.  The
maths (view boxes, samples, curves) comes from :mod:`gdtui.engine.landscape`; the
drawing helpers from :mod:`gdtui.ui.widgets._draw`.  All four draw through a
:class:`~gdtui.ui.widgets._canvas.Painter`, so a frame sends only the cells that
changed, and the heavy ones redraw at most a few times a second while live.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.color import Color, ColorParseError
from textual.geometry import Region

from gdtui.engine import landscape as L
from gdtui.engine.objective import Objective
from gdtui.ui.charset import charset_of
from gdtui.ui.widgets.frame_gate import FrameGate
from gdtui.ui.widgets import _draw as D
from gdtui.ui.widgets._canvas import Painter, put_text, text_grid
from gdtui.ui.widgets._painted import PaintedWidget

__all__ = ["BasinStrip", "CompareLandscape", "CompareLoss", "Leaderboard", "RUN_COLOURS", "run_colour"]

#: Run colours, cycled (markers, not colours, tell runs apart beyond eight).
RUN_COLOURS = ("#ff6b6b", "#4dabf7", "#69db7c", "#ffd43b", "#da77f2", "#ff922b", "#3bc9db", "#f783ac")
LIVE_FPS = 8


def run_colour(i: int) -> str:
    return RUN_COLOURS[i % len(RUN_COLOURS)]


def _plain_colours(app: Any) -> bool:
    """True when runs must not be told apart by colour (mono theme, NO_COLOR)."""
    return getattr(app, "theme", "") == "mono" or bool(getattr(app, "no_color", False))


def _theme_colour(app: Any, var: str) -> Any:
    try:
        return Color.parse(app.theme_variables[var]).rich_color
    except (KeyError, ColorParseError):
        return None


class _Painted(PaintedWidget):
    """A PaintedWidget that redraws through a FrameGate when told something moved."""

    FPS = 15

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._painter = Painter()
        self._gate = FrameGate(self, self.FPS, self.refresh_changed, self.is_live)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh())

    def request(self) -> None:
        """The comparison moved: redraw (now, or soon while live)."""
        self._gate.request()

    def _text_paint(self, text: Text) -> list[Region] | None:
        W, H = self.size
        return self._painter.show(*text_grid(text, W, H, self.app.console), self.rich_style)


# ------------------------------------------------------------------------ landscape
class CompareLandscape(_Painted):
    """All runs' paths on the loss surface (2-D: shading; 1-D: the curve)."""

    DEFAULT_CSS = "CompareLandscape { width: 1fr; height: 1fr; min-height: 4; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._obj: Objective | None = None
        self._paths: list[np.ndarray] = []
        self._markers: list[str] = []
        self._diverged: list[bool] = []
        self._box: L.Box | None = None
        self._bg_key: tuple | None = None
        self._bg: Any = None

    def set_problem(self, objective: Objective) -> None:
        self._obj = objective
        self._box = None
        self.refresh()

    def show_paths(self, paths: Sequence[np.ndarray], markers: Sequence[str], diverged: Sequence[bool]) -> None:
        """Each run's points w_0..w_k (k its current row), its marker and whether it is
        running away (diverged, or its loss climbing): the view is not fitted to those."""
        self._paths = [np.asarray(p, dtype=float) for p in paths]
        self._markers = list(markers)
        self._diverged = list(diverged)
        self.request()

    @property
    def box(self) -> L.Box | None:
        """The view (for 1-D: x0..x1 is the parameter's range)."""
        return self._box

    def _fit_points(self) -> np.ndarray:
        """The points the view must hold: every start, the paths of runs that did not
        diverge, and only the first steps of those that did (else one run's escape to
        infinity would shrink all the others to a dot)."""
        pts = []
        for p, gone in zip(self._paths, self._diverged):
            pts.append(D.sample_path(p[:3] if gone else p))
        return np.vstack(pts) if pts else np.zeros((0, self._obj.dims if self._obj else 1))

    def _paint(self) -> list[Region] | None:
        W, H = self.size
        obj = self._obj
        if obj is None or not self._paths or W < 6 or H < 3:
            from gdtui.ui.lang import t

            return self._text_paint(Text(t(self, "cmp.compiling") if obj is None else ""))
        g = charset_of(self).glyphs
        h = H - 1
        pts = self._fit_points()
        current = np.array([p[-1] for p in self._paths])
        live = np.array([not d for d in self._diverged])
        if obj.dims == 1:
            bg, box, caption = self._curve_bg(W, h, pts, current[live] if live.any() else current, g)
        else:
            bg, box, caption = self._surface_bg(W, h, pts, current[live] if live.any() else current, g)
        chars = np.full((H, W), " ", dtype="<U1")
        ink = np.zeros((H, W), dtype=np.int16)
        chars[1:], ink[1:] = bg.chars, bg.ink.astype(np.int16)
        for j, ch in enumerate(caption[:W]):
            chars[0, j] = ch
        R = len(self._paths)
        # styles: 0 none, 1..5 the Ink ones, then per run: 6 + 2i path, 7 + 2i current point
        for i, (p, m) in enumerate(zip(self._paths, self._markers)):
            cols, rows, ok = self._cells(obj, p, box, W, h)
            chars[1 + rows[ok], cols[ok]] = m
            ink[1 + rows[ok], cols[ok]] = 6 + 2 * i
        for i, (p, m) in enumerate(zip(self._paths, self._markers)):
            cols, rows, ok = self._cells(obj, p[-1:], box, W, h)
            if ok.any():
                chars[1 + rows[0], cols[0]] = m
                ink[1 + rows[0], cols[0]] = 7 + 2 * i
        return self._painter.show(chars, ink, self._styles(R), self.rich_style)

    def _cells(self, obj: Objective, p: np.ndarray, box: L.Box, w: int, h: int) -> tuple:
        pts = D.sample_path(p)
        if obj.dims == 1:
            fs = L.values_at(obj, pts)
            xy = np.column_stack([pts[:, 0], fs])
        else:
            xy = pts[:, :2]
        cols, rows, ok = L.to_cells(xy, box, w, h)
        return cols, h - 1 - rows, ok

    def _styles(self, R: int) -> list[Style]:
        plain = _plain_colours(self.app)
        grid = Style(color=None if plain else _theme_colour(self.app, "gd-plot-grid"), dim=plain)
        out = [Style.null(), grid, Style.null(), Style.null(), Style.null(), grid]
        for i in range(R):
            colour = None if plain else run_colour(i)
            out.append(Style(color=colour, bold=True))
            out.append(Style(color=colour, bold=True, reverse=True))
        return out

    def _surface_bg(self, w: int, h: int, pts: np.ndarray, current: np.ndarray, g: Any) -> tuple:
        obj = self._obj
        assert obj is not None
        box = self._box
        if box is None or not box.contains(current[:, :2]) or self._bg_key and self._bg_key[1:3] != (w, h):
            start = pts[:1, :2]
            box = self._box = L.view_box(obj, start[0], pts[:, :2], pts[0], (0, 1), cells=(w, h))
        key = (box, w, h, charset_of(self).ascii, id(obj))
        if key != self._bg_key:
            self._bg = D.surface_background(obj, box, w, h, pts[0], (0, 1), g)
            self._bg_key = key
        p = obj.params
        from gdtui.ui.lang import t

        slice_note = "  " + t(self, "land.slice") if obj.dims > 2 else ""
        return self._bg, box, f"{p[0]} {box.x0:.3g}..{box.x1:.3g}  {p[1]} {box.y0:.3g}..{box.y1:.3g}{slice_note}"

    def _curve_bg(self, w: int, h: int, pts: np.ndarray, current: np.ndarray, g: Any) -> tuple:
        obj = self._obj
        assert obj is not None
        box = self._box
        inside = box is not None and bool(((current[:, 0] >= box.x0) & (current[:, 0] <= box.x1)).all())
        if box is None or not inside or self._bg_key and self._bg_key[1:3] != (w, h):
            box = self._box = L.view_span(obj, float(pts[0, 0]), pts[:, 0], w)
        key = (box, w, h, charset_of(self).ascii, id(obj))
        if key != self._bg_key:
            xs, ys = L.curve(obj, box.x0, box.x1, w)
            self._bg = D.curve_background(xs, ys, box.y0, box.y1, h, g)
            self._bg_key = key
        p = obj.params[0]
        return self._bg, box, f"{p} {box.x0:.3g}..{box.x1:.3g}  f {box.y0:.3g}..{box.y1:.3g}"


# ------------------------------------------------------------------------ loss plot
def _short(step: int) -> str:
    if step < 10_000:
        return str(step)
    return f"{step / 1000:.0f}k" if step < 1_000_000 else f"{step / 1_000_000:.3g}M"


class CompareLoss(_Painted):
    """Every run's loss against the step, drawn with its marker (log scale by default)."""

    DEFAULT_CSS = "CompareLoss { width: 1fr; height: 1fr; min-height: 4; }"
    FPS = LIVE_FPS
    #: Most curves drawn (the best-ranked); plotext's time grows with each one.
    MAX_CURVES = 16

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.log_scale = True
        self.note = ""
        self._series: list[tuple[int, str, np.ndarray]] = []
        self._k = 0

    def show_losses(self, series: Sequence[tuple[int, str, np.ndarray]], k: int) -> None:
        """(run index, marker, losses row 0..its k) per run, best first; ``k`` the step."""
        self._series = list(series)
        self._k = int(k)
        self.request()

    def toggle_log(self) -> None:
        self.log_scale = not self.log_scale
        self.refresh()

    def _paint(self) -> list[Region] | None:
        W, H = self.size
        if W < 16 or H < 5 or not self._series:
            from gdtui.ui.lang import t

            return self._text_paint(Text(t(self, "cmp.loss")))
        chars, ink, styles = self._grid(W, H)
        return self._painter.show(chars, ink, styles, self.rich_style)

    def _grid(self, W: int, H: int) -> tuple[np.ndarray, np.ndarray, list[Style]]:
        """The plot as a character grid: y labels on the left, step labels below, each
        run's (min, max per column) losses drawn with its marker, the leader on top."""
        from gdtui.ui.widgets.loss_plot import downsample

        chars = np.full((H, W), " ", dtype="<U1")
        ink = np.zeros((H, W), dtype=np.int16)
        shown = self._series[: self.MAX_CURVES]
        lm = 9  # y labels
        w, h = W - lm - 1, H - 3  # plot area: below the title, above the step labels
        data = [(i, m, *downsample(loss, max(w // 2, 1))) for i, m, loss in shown]
        every = np.concatenate([d[3] for d in data]) if data else np.empty(0)
        log = self.log_scale
        self.note = ""
        from gdtui.ui.lang import t

        if log and every.size and every.min() <= 0:
            log, self.note = False, t(self, "cmp.loss.linear")
        right = float(max(self._k, 1))
        extra = t(self, "cmp.loss.of", n=len(shown), total=len(self._series)) if len(self._series) > len(shown) else ""
        title = t(self, "cmp.loss.title", k=self._k) + (" " + t(self, "loss.log") if log else "") + extra
        if self.note and cell_len(title) + cell_len(self.note) + 2 <= W:
            title += "  " + self.note
        put_text(chars, 0, 0, title)
        with np.errstate(all="ignore"):
            vals = np.log10(every) if log else every
        vals = vals[np.isfinite(vals)]
        if vals.size == 0 or w < 4 or h < 2:
            return chars, ink, [Style.null()]
        lo, hi = float(vals.min()), float(vals.max())
        if lo == hi:
            lo, hi = lo - 1, hi + 1
        axis = "|" if charset_of(self).ascii else "│"
        chars[1 : 1 + h, lm] = axis
        chars[1 + h, lm:] = "-" if charset_of(self).ascii else "─"
        ink[1 : 2 + h, lm:][ink[1 : 2 + h, lm:] == 0] = 0
        for r in (0, h // 2, h - 1):  # three y labels: top, middle, bottom
            v = hi - (hi - lo) * r / max(h - 1, 1)
            label = f"{10 ** v if log else v:.3g}"[: lm - 1].rjust(lm - 1)
            for j, ch in enumerate(label):
                chars[1 + r, j] = ch
        for frac in (0.0, 0.5, 1.0):  # three step labels
            step = int(round(right * frac))
            label = _short(step)
            col = lm + 1 + int(round(frac * (w - 1)))
            col = min(max(col - len(label) // 2, lm + 1), W - len(label))
            for j, ch in enumerate(label):
                chars[2 + h, col + j] = ch
        plain = _plain_colours(self.app)
        styles = [Style.null()]
        for n, (i, m, xs, ys) in enumerate(reversed(data)):  # the worst first: the leader on top
            with np.errstate(all="ignore"):
                v = np.log10(ys) if log else ys
            ok = np.isfinite(v)
            cols = lm + 1 + np.round(xs[ok] / right * (w - 1)).astype(int)
            rows = 1 + (h - 1) - np.round((v[ok] - lo) / (hi - lo) * (h - 1)).astype(int)
            inside = (cols > lm) & (cols < W) & (rows >= 1) & (rows <= h)
            chars[rows[inside], cols[inside]] = m
            ink[rows[inside], cols[inside]] = len(styles)
            styles.append(Style(color=None if plain else run_colour(i), bold=True))
        return chars, ink, styles


# ------------------------------------------------------------------------ leaderboard
_STATUS_SHORT = {"converged": "converged", "max-steps": "max-steps", "diverged": "diverged",
                 "domain-error": "domain-err", "running": "running"}


def _ljust(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal cells (a Korean character takes two)."""
    return text + " " * max(0, width - cell_len(text))


def _rjust(text: str, width: int) -> str:
    return " " * max(0, width - cell_len(text)) + text


def _num(x: float) -> str:
    if not math.isfinite(x):
        return str(x)
    return f"{x + 0.0:.3g}" if abs(x) < 1e5 else f"{x:.2e}".replace("e+", "e")


class Leaderboard(_Painted):
    """The runs, best first: marker, label, status, regime, steps to converge, loss, ‖∇f‖."""

    DEFAULT_CSS = "Leaderboard { width: 1fr; height: auto; }"
    FPS = 10

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[Any] = []
        self._lr_max: float | None = None
        self._k = 0

    def show_rows(self, rows: Sequence[Any], lr_max: float | None, k: int) -> None:
        grow = len(rows) != len(self._rows) or (lr_max is None) != (self._lr_max is None)
        self._rows, self._lr_max, self._k = list(rows), lr_max, k
        if grow:
            self.styles.height = self.lines_needed
        self.request()

    @property
    def lines_needed(self) -> int:
        return 1 + len(self._rows) + (1 if self._lr_max is not None else 0)

    def _paint(self) -> list[Region] | None:
        W, H = self.size
        if W < 1 or H < 1:
            return self._text_paint(Text(""))
        lines, marks = self._lines(W)
        chars = np.full((H, W), " ", dtype="<U1")
        ink = np.zeros((H, W), dtype=np.int16)
        for r, line in enumerate(lines[:H]):
            put_text(chars, r, 0, line)  # Korean words take two cells each
        ink[0, :] = 1  # the header, bold
        plain = _plain_colours(self.app)
        styles = [Style.null(), Style(bold=True)]
        for r, index in marks:
            if r < H:
                ink[r, 3] = len(styles)
                styles.append(Style(color=None if plain else run_colour(index), bold=True))
        return self._painter.show(chars, ink, styles, self.rich_style)

    def _lines(self, width: int) -> tuple[list[str], list[tuple[int, int]]]:
        """The rows as plain text (padded by terminal cells: a Korean word is two cells a
        character) and (row, run) of each marker (at column 3)."""
        from gdtui.ui.lang import t

        dash = "-" if charset_of(self).ascii else "—"
        grad = "|grad|" if charset_of(self).ascii else "‖∇f‖"
        wide = width >= 76
        label_w = max(8, width - (62 if wide else 48))
        head = (f"{'#':>2} {'':1} {_ljust(t(self, 'cmp.col.run'), label_w)} {_ljust(t(self, 'cmp.col.status'), 10)} "
                f"{_ljust(t(self, 'cmp.col.regime'), 10)} {_rjust(t(self, 'cmp.col.conv'), 6)} "
                f"{_rjust(t(self, 'cmp.col.loss'), 9)}")
        if wide:
            head += f" {grad:>9} {_rjust(t(self, 'cmp.col.step'), 6)}"
        from gdtui.ui.lang import node_lang

        words = node_lang(self) != "en"  # status and regime in the user's words
        lines, marks = [head], []
        for r in self._rows:
            label = r.label + (" *" if r.above_lr_max else "")
            if len(label) > label_w:
                label = label[: label_w - 1] + ("~" if charset_of(self).ascii else "…")
            steps = dash if r.steps is None else str(r.steps)
            status = t(self, f"run.{r.status}") if words else _STATUS_SHORT.get(r.status, r.status)
            regime = t(self, f"regime.{r.regime}") if words and r.regime else r.regime or dash
            line = (f"{r.rank:>2} {r.marker} {label:<{label_w}} {_ljust(status, 10)} "
                    f"{_ljust(regime, 10)} {steps:>6} {_num(r.loss):>9}")
            if wide:
                line += f" {_num(r.grad_norm):>9} {r.k:>6}"
            marks.append((len(lines), r.index))
            lines.append(line)
        if self._lr_max is not None:
            lam = "lambda_max" if charset_of(self).ascii else "λmax"
            lines.append(t(self, "cmp.lrmax", lam=lam, v=f"{self._lr_max:.4g}"))
        return lines, marks


# ------------------------------------------------------------------------ basins
_BASIN_CHARS = "abcdefghij"


class BasinStrip(_Painted):
    """For a 1-D problem: each start across the landscape's x range, marked by the
    minimum its run ends in, for plain descent and, below, for momentum."""

    DEFAULT_CSS = "BasinStrip { width: 1fr; height: 3; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._basins: Any = None
        self._names: list[str] = []
        self._message = ""  # the screen says "computing" in the app's language

    def show_basins(self, basins: Any, names: Sequence[str]) -> None:
        """``basins`` from :func:`gdtui.engine.compare.basins` (one start per column of the
        landscape above), one row per name in ``names``."""
        self._basins, self._names = basins, list(names)
        self.refresh()

    def show_message(self, text: str) -> None:
        self._basins, self._message = None, text
        self.refresh()

    def _paint(self) -> list[Region] | None:
        return self._text_paint(self._text(self.size.width))

    def _text(self, width: int) -> Text:
        b = self._basins
        if b is None:
            return Text(self._message, no_wrap=True, end="")
        plain = _plain_colours(self.app)
        legend = " ".join(f"{_BASIN_CHARS[j]}={m:.3g}" for j, m in enumerate(b.minima[: len(_BASIN_CHARS)]))
        rows = "/".join(self._names)
        head = f"ends ({rows}): {legend}  ~gone ?moving"
        out = Text(head[:width] + "\n", no_wrap=True, end="")
        for r, name in enumerate(self._names):
            line = Text()
            for e in b.ends[name][:width]:
                ch = "~" if e == -1 else "?" if e == -2 else _BASIN_CHARS[e % len(_BASIN_CHARS)]
                colour = None if plain or e < 0 else run_colour(e + 2)
                line.append(ch, style=Style(color=colour, bold=e >= 0))
            out.append_text(line)
            if r < len(self._names) - 1:
                out.append("\n")
        return out
