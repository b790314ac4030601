"""Recent steps: the last rows of the run (step k, each w, f, ‖∇f‖), newest at the bottom.

It fills the rows the state table leaves free.  The owner asks how many rows fit
(:attr:`RecentSteps.capacity`) and passes just those rows to :meth:`show`; the widget
keeps no history of its own, so a frame costs the same at any run length.  Columns that
do not fit the width are left out (‖∇f‖ first, then the last parameters); numbers are
formatted to their column, never cut.

While the run is live the rows are redrawn at most ``LIVE_FPS`` times a second (with
a trailing redraw, see :class:`~gdtui.ui.screens.live.FrameGate`), and drawn with the
line API through a :class:`~gdtui.ui.widgets._canvas.Painter`, so only the cells that
changed go to the terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Region
from textual.message import Message

from gdtui.ui.controller import RecentRows
from gdtui.ui.fmt import fmt, label
from gdtui.ui.screens.live import FrameGate
from gdtui.ui.widgets._painted import PaintedWidget
from gdtui.ui.widgets._canvas import Painter, text_grid

__all__ = ["RecentSteps"]

CELL = 9  # characters per number
MIN_ROWS = 2  # fewer free rows than this: the widget hides
LIVE_FPS = 10  # most redraws a second while running live


class RecentSteps(PaintedWidget):
    """A few lines of text; `show(rows, params)` replaces them."""

    DEFAULT_CSS = """
    RecentSteps { height: 1fr; }
    """

    class Resized(Message):
        """The number of rows that fit changed: the owner should send new rows."""

    def __init__(self, *, ascii_only: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ascii_only = ascii_only
        self._text = Text()
        self._capacity = 0
        self._rows: RecentRows | None = None
        self._params: tuple[str, ...] = ()
        self._painter = Painter()
        self._gate = FrameGate(self, LIVE_FPS, self._redraw)

    @property
    def capacity(self) -> int:
        """How many steps fit under the rule and the header (0: too small to show)."""
        rows = self.outer_size.height - 2  # the rule with its title, the header
        return rows if rows >= MIN_ROWS and self.size.width >= 20 else 0

    def on_resize(self) -> None:
        capacity = self.capacity
        self.set_class(capacity == 0, "-empty")
        if capacity != self._capacity:
            self._capacity = capacity
            self.post_message(self.Resized())

    def show(self, rows: RecentRows | None, params: tuple[str, ...]) -> None:
        """Show these rows (oldest first); None or no rows clears the table."""
        self._rows, self._params = rows, params
        self._gate.request()

    def _redraw(self) -> None:
        rows = self._rows
        ok = rows is not None and rows.ks and self.capacity > 0
        self._text = self._build(rows, self._params) if ok else Text()  # type: ignore[arg-type]
        self.refresh_changed()

    def _paint(self) -> list[Region] | None:
        width, height = self.size
        return self._painter.show(*text_grid(self._text, width, height, self.app.console), self.rich_style)

    def render(self) -> Text:
        """What is shown, as Text (the screen uses :meth:`render_line`)."""
        return self._text

    def _build(self, rows: RecentRows, params: tuple[str, ...]) -> Text:
        kw = max(len(str(rows.ks[-1])), 4)
        room = self.size.width - kw
        f_label = "batch f" if rows.batch else "f(w)"
        shown_w = max(0, min(len(params), (room - (CELL + 1)) // (CELL + 1)))
        with_norm = room >= (shown_w + 2) * (CELL + 1)
        head = [p for p in params[:shown_w]] + [f_label] + ([label("norm", self.ascii_only)] if with_norm else [])
        text = Text(no_wrap=True, end="")
        text.append(f"{'k':>{kw}}" + "".join(f" {h:>{CELL}}" for h in head) + "\n", style="bold")
        lines = []
        for i, k in enumerate(rows.ks):
            cells = [fmt(float(v), CELL) for v in rows.w[i, :shown_w]] + [fmt(float(rows.loss[i]), CELL)]
            if with_norm:
                cells.append(fmt(float(rows.grad_norm[i]), CELL))
            lines.append(f"{k:>{kw}}" + "".join(f" {c:>{CELL}}" for c in cells))
        text.append("\n".join(lines))
        return text
