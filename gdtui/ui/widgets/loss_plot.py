"""LossPlot: the loss against the step number, drawn with plotext.

The owner calls :meth:`LossPlot.show_history` whenever the run moves; the widget
redraws only then (or on resize, theme change, ``log_scale`` change),
and while the run is live at most ``LIVE_FPS`` times a second (a trailing redraw
shows the last frame).  A million-step history is reduced to a min/max pair per
column before plotext sees it, so a frame costs the same at any length.  The plot
is drawn with the line API through a :class:`~gdtui.ui.widgets._canvas.Painter`,
so only the cells that changed are sent to the terminal.
"""

from __future__ import annotations

import math

import numpy as np
from rich.cells import cell_len
from rich.text import Text
from textual.app import RenderResult
from textual.color import Color, ColorParseError
from textual.geometry import Region
from textual.reactive import reactive

from gdtui.ui.charset import charset_of
from gdtui.ui.widgets.frame_gate import FrameGate
from gdtui.ui.textual_compat import set_plot_size
from gdtui.ui.widgets._painted import PaintedWidget
from gdtui.ui.widgets._canvas import Painter, text_grid

__all__ = ["LossPlot", "downsample"]

# Box-drawing characters plotext uses for the frame and ticks, in plain ASCII.
LIVE_FPS = 2  # most replots a second while running live (a plotext build is 5-20 ms)

_ASCII = str.maketrans({"─": "-", "━": "-", "│": "|", "┃": "|", **{c: "+" for c in "┌┐└┘├┤┬┴┼"}})


def downsample(loss: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """(steps, losses) with at most ``2 * buckets`` points: the min and max of each
    bucket of consecutive steps, so spikes survive.  Non-finite losses are dropped."""
    y = np.asarray(loss, dtype=float)
    n = len(y)
    if n <= 2 * buckets:
        ok = np.isfinite(y)
        return np.arange(n, dtype=float)[ok], y[ok]
    if not np.isfinite(y).all():
        y = np.where(np.isfinite(y), y, np.nan)
    starts = np.linspace(0, n, buckets + 1).astype(int)[:-1]
    lo = np.fmin.reduceat(y, starts)  # fmin/fmax skip nan unless a bucket is all nan
    hi = np.fmax.reduceat(y, starts)
    mid = (starts + np.append(starts[1:], n) - 1) / 2.0
    xs, ys = np.repeat(mid, 2), np.column_stack([lo, hi]).ravel()
    ok = np.isfinite(ys)
    return xs[ok], ys[ok]


class LossPlot(PaintedWidget):
    """Loss per step with the current step marked; a log scale, and ASCII under ``--ascii``."""

    DEFAULT_CSS = """
    LossPlot { width: 1fr; height: 1fr; min-height: 5; }
    """

    log_scale: reactive[bool] = reactive(True)
    """Plot the loss on a log axis (falls back to linear, with a note, if a loss is ≤ 0)."""

    def __init__(
        self, *, log_scale: bool = True,
        name: str | None = None, id: str | None = None, classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(LossPlot.log_scale, log_scale)
        self._loss: np.ndarray | tuple = ()  # (no numpy before the first frame)
        self._step = 0
        self._batch = False
        self._version = 0
        self._cache_key: tuple | None = None
        self._cache: Text = Text()
        self.note = ""
        """Why the plot is not what was asked for (e.g. log scale with a negative loss)."""
        self._painter = Painter()
        self._drawn: tuple | None = None  # the inputs of the picture last drawn
        self._gate = FrameGate(self, LIVE_FPS, self._new_picture, self.is_live)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh())

    # ------------------------------------------------------------------ API
    def show_history(self, loss: np.ndarray, current_step: int, batch: bool = False) -> None:
        """Show the losses of steps 0..len(loss)-1 and mark ``current_step``; ``batch``:
        they are mini-batch losses (the title says so)."""
        self._loss = np.asarray(loss, dtype=float).ravel()
        self._step = int(current_step)
        self._batch = bool(batch)
        self._gate.request()

    def toggle_log(self) -> None:
        """Switch between a log and a linear loss axis."""
        self.log_scale = not self.log_scale

    # ------------------------------------------------------------ rendering
    def _colour(self, variable: str, fallback: str) -> str | tuple[int, int, int]:
        """A theme colour as plotext wants it; "default" under NO_COLOR."""
        if getattr(self.app, "no_color", False):
            return "default"
        variables = self.app.theme_variables
        try:
            return Color.parse(variables.get(variable) or variables.get(fallback, "")).rgb
        except ColorParseError:
            return "default"

    def _new_picture(self) -> None:
        """Replot the newest history and refresh only the cells that changed; nothing at
        all when what the plot is drawn from did not change (a redraw for a notice)."""
        inputs = self._inputs()
        if self._drawn is not None and _same_inputs(inputs, self._drawn):
            return
        self._drawn = inputs
        self._version += 1
        self.refresh_changed()

    def _inputs(self) -> tuple:
        """What the picture is drawn from (at most two points a column of the history)."""
        width = self.size.width
        xs, ys = downsample(self._loss, max(width - 8, 1))
        k = min(max(self._step, 0), len(self._loss) - 1)
        current = float(self._loss[k]) if len(self._loss) else None
        return (len(self._loss), k, current, self._batch, width, xs, ys)

    def _paint(self) -> list[Region] | None:
        width, height = self.size
        text = self.render()
        assert isinstance(text, Text)
        return self._painter.show(*text_grid(text, width, height, self.app.console), self.rich_style)

    def render(self) -> RenderResult:
        """The plot as Text, cached until something shown changes (the screen uses
        :meth:`render_line`)."""
        width, height = self.size.width, self.size.height
        key = (self._version, width, height, self.log_scale, charset_of(self).ascii, self.app.theme,
               getattr(self.app, "no_color", False))
        if key != self._cache_key:
            self._cache = self._build(width, height)
            self._cache_key = key
        return self._cache

    def _build(self, width: int, height: int) -> Text:
        if width < 10 or height < 4:
            from gdtui.ui.lang import t

            return Text(t(self, "cmp.loss"))
        from gdtui.ui.lang import node_lang, t

        loss = self._loss
        if len(loss) == 0:
            return Text(t(self, "loss.none"))
        xs, ys = downsample(loss, max(width - 8, 1))
        k = min(max(self._step, 0), len(loss) - 1)
        current = float(loss[k])
        title = t(self, "loss.title.batch" if self._batch else "loss.title", k=k, v=f"{current:.4g}")
        log = self.log_scale
        self.note = ""
        if log and len(ys) and ys.min() <= 0:
            log, self.note = False, t(self, "loss.lognotpos")
        if not math.isfinite(current):
            self.note = t(self, "loss.notfinite", v=current, k=k)
        if len(ys) == 0:
            return Text(f"{title}\n{t(self, 'loss.nofinite')}")
        lang = node_lang(self)
        # plotext counts characters, not cells: a heading with Korean is drawn above the plot
        own_heading = lang != "en"
        try:
            out = self._plot(width, height - own_heading, xs, ys, k, current, log,
                             "" if own_heading else title)
        except Exception as exc:  # plotext edge cases must never take the app down
            out = f"{title}\n{t(self, 'loss.failed', err=type(exc).__name__)}"
            own_heading = False
        if charset_of(self).ascii:
            out = out.translate(_ASCII)
        text = Text.from_ansi(out, no_wrap=True, end="")
        if own_heading:
            head = _heading(title, self.note, log, width, lang)
            pad = max(0, (width - cell_len(head)) // 2)
            text = Text(" " * pad + head + "\n", no_wrap=True, end="") + text
        return text

    def _plot(self, width: int, height: int, xs: np.ndarray, ys: np.ndarray,
              k: int, current: float, log: bool, title: str) -> str:
        from textual_plotext.plot import Plot  # imported after the first frame

        plt = Plot()
        set_plot_size(plt, width, height)
        plt.theme("clear")
        plt.canvas_color("default")  # transparent: the widget's own background shows
        plt.axes_color("default")
        plt.ticks_color(self._colour("gd-plot-grid", "foreground"))
        if title:
            plt.title(_heading(title, self.note, log, width))
        if log:  # plot log10 and label the ticks in loss units: plotext's own log axis mislabels ylim
            ys = np.log10(ys)
        marker = "*" if charset_of(self).ascii else "hd"
        plt.plot(xs.tolist(), ys.tolist(), marker=marker, color=self._colour("gd-plot-line", "primary"))
        point = self._colour("gd-point", "accent")
        plt.vline(k, color=point)
        if math.isfinite(current) and (current > 0 or not log):
            y_now = math.log10(current) if log else current
            plt.scatter([k], [y_now], marker="X" if charset_of(self).ascii else "●", color=point)
        right = max(float(len(self._loss) - 1), 1.0)
        plt.xlim(0, right)
        xt = sorted({int(round(v)) for v in np.linspace(0, right, min(5, max(2, width // 12)))})
        plt.xticks(xt, [_short(v) for v in xt])
        lo, hi = float(ys.min()), float(ys.max())
        if lo == hi:  # plotext needs a non-empty range
            lo, hi = lo - 1, hi + 1
        plt.ylim(lo, hi)
        yt = np.linspace(lo, hi, min(5, max(2, height // 3)))
        plt.yticks(yt.tolist(), [f"{10 ** v if log else v:.3g}" for v in yt])
        return plt.build()


def _same_inputs(a: tuple, b: tuple) -> bool:
    """True when two plots' inputs are equal (the arrays compared by value, nan equal to nan)."""
    return a[:5] == b[:5] and all(np.array_equal(x, y, equal_nan=True) for x, y in zip(a[5:], b[5:]))


def _short(step: int) -> str:
    """A step number in at most five characters: 950, 12k, 1.5M."""
    if step < 10_000:
        return str(step)
    if step < 1_000_000:
        return f"{step / 1000:.0f}k"
    return f"{step / 1_000_000:.3g}M"


#: Why a log-scale plot is drawn linear (shortened to "(linear)" when narrow).
LOG_NEEDS_POSITIVE = "log scale needs positive losses"


def _heading(title: str, note: str, log: bool, width: int, lang: str = "en") -> str:
    """The plot's title line, shortened to fit: plotext drops a title wider than the
    plot area (the widget less about 8 columns of y-axis labels).  The scale is always
    named: "(log)" or "(linear)" (in ``lang``)."""
    from gdtui.i18n import tr

    room = width - 10
    scale = tr("loss.log" if log else "loss.linear", lang)
    tight = title.replace("step ", "k ").replace("batch loss", "batch").replace("  loss", "  f")
    candidates = [f"{title}  {note}", f"{title}  {scale}"] if note else [f"{title}  {scale}"]
    candidates += [f"{tight} {scale}", tight, tight.split("  ")[-1]]
    for heading in candidates:
        if cell_len(heading) <= room:
            return heading
    return candidates[-1]
