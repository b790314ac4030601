"""The last update worked out by hand, and the recent steps (step k, each w, f, ‖∇f‖).

In its "update" view (the default) the widget first shows how the last update was
made for one parameter (``x₂₀ = x₁₉ − η·g₁₉ = …``, see :mod:`gdtui.ui.worked`);
:meth:`RecentSteps.cycle` (key ``u``) moves to the next parameter, then to the
recent steps alone.  Recent steps fill the rows that are left, newest at the bottom.

It fills the rows the state table leaves free.  The owner asks how many rows fit
(:attr:`RecentSteps.capacity`) and passes just those rows to :meth:`show`; the widget
keeps no history of its own, so a frame costs the same at any run length.  Columns that
do not fit the width are left out (‖∇f‖ first, then the last parameters) and the
header says how many (``+1``); numbers are formatted to their column, never cut.

While the run is live the rows are redrawn at most ``LIVE_FPS`` times a second (with
a trailing redraw, see :class:`~gdtui.ui.widgets.frame_gate.FrameGate`), and drawn with the
line API through a :class:`~gdtui.ui.widgets._canvas.Painter`, so only the cells that
changed go to the terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Region
from textual.message import Message

from gdtui.engine.explain import WorkedUpdate
from gdtui.ui.charset import charset_of
from gdtui.ui.controller import RecentRows
from gdtui.ui.fmt import fmt
from gdtui.ui.worked import worked_pages
from gdtui.ui.widgets.frame_gate import FrameGate
from gdtui.ui.widgets._painted import PaintedWidget
from gdtui.ui.widgets._canvas import Painter, text_grid

__all__ = ["RecentSteps"]

CELL = 9  # characters per number (8 when that fits one more parameter)
MIN_ROWS = 2  # fewer free rows than this: the widget hides
LIVE_FPS = 10  # most redraws a second while running live


class RecentSteps(PaintedWidget):
    """A few lines of text; `show(rows, params)` replaces them."""

    DEFAULT_CSS = """
    RecentSteps { height: 1fr; }
    """

    class Resized(Message):
        """The number of rows that fit changed: the owner should send new rows."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text()
        self._capacity = 0
        self._rows: RecentRows | None = None
        self._params: tuple[str, ...] = ()
        self._worked: WorkedUpdate | None = None
        self.view = 0
        """Which parameter's update is worked out (-1: recent steps only)."""
        self.page = 0
        """Which page of that update (when it does not fit at once)."""
        self._pages = 1
        self._through = 0  # the last parameter whose update is shown
        self._painter = Painter()
        self._gate = FrameGate(self, LIVE_FPS, self._redraw, self.is_live)
        self._title: str | None = None
        self._title_markup: str | None = None
        self._title_only = False

    @property
    def capacity(self) -> int:
        """How many steps fit under the rule and the header (0: too small to show)."""
        rows = self.outer_size.height - 2  # the rule with its title, the header
        return rows if rows >= MIN_ROWS and self.size.width >= 20 else 0

    def on_resize(self) -> None:
        capacity = self.capacity
        self.set_class(self.outer_size.height < 2 or self.size.width < 20, "-empty")
        if capacity != self._capacity:
            self._capacity = capacity
            self.post_message(self.Resized())

    def show(self, rows: RecentRows | None, params: tuple[str, ...],
             worked: WorkedUpdate | None = None) -> None:
        """Show these rows (oldest first) under the worked update (None at step 0)."""
        self._rows, self._params, self._worked = rows, params, worked
        if params and self.view >= len(params):
            self.view, self.page = 0, 0
        self._gate.request()

    def show_title(self, title: str) -> None:
        """Put ``title`` on the rule, repainting only the rule's row (while live the title
        changes with every redraw; the rows under it have their own refreshes)."""
        if title == self._title and self.border_title == self._title_markup:
            return  # (compared as set: someone else may have set border_title since)
        self._title_only = True
        try:
            self.border_title = title  # Textual refreshes the whole widget here: see refresh
        finally:
            self._title_only = False
        self._title, self._title_markup = title, self.border_title

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> "RecentSteps":
        if self._title_only and not regions and repaint and not (layout or recompose) and self.is_mounted:
            x, y = self.content_offset  # the rule is the row above the content
            return super().refresh(Region(-x, -y, self.outer_size.width, 1))
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    @property
    def showing_update(self) -> bool:
        """True in the update view (the state table leaves the optimizer state to it)."""
        return self.view >= 0

    def title(self) -> str:
        """The rule's title for the current view (in the app's language)."""
        from gdtui.ui.lang import t

        if self.view < 0:
            return t(self, "recent.title")
        worked = self._worked
        last = max(self.view, self._through)
        nxt = t(self, "recent.recent") if last + 1 >= len(self._params) else self._params[last + 1]
        if worked is None:
            return charset_of(self).text(t(self, "recent.last", nxt=nxt))
        of = t(self, "recent.of", p=self._params[self.view]) if len(self._params) > 1 and last == self.view else ""
        span = f"{worked.k - 1}→{worked.k}"
        if self.page + 1 < self._pages:
            return charset_of(self).text(t(self, "recent.update", span=span, of=of, page=f" {self.page + 1}/{self._pages}",
                           nxt=t(self, "recent.more")))
        page = f" {self.page + 1}/{self._pages}" if self._pages > 1 else ""
        return charset_of(self).text(t(self, "recent.update", span=span, of=of, page=page, nxt=nxt))

    def cycle(self) -> None:
        """Next view: the next page of this update, the next parameter's update, then
        the recent steps alone."""
        n = len(self._params)
        if self.view >= 0 and self.page + 1 < self._pages:
            self.page += 1
        else:
            self.page = 0
            last = max(self.view, self._through)
            self.view = last + 1 if self.view >= 0 and last + 1 < n else (-1 if self.view >= 0 else 0)
            self._through = self.view
        self._redraw()

    def _redraw(self) -> None:
        rows = self._rows
        text = Text(no_wrap=True, end="")
        room = self.outer_size.height - 1  # under the rule
        width = self.size.width
        if self.view >= 0 and room > 0 and self._params:
            lines = self._update_lines(width, room)
            text.append("\n".join(lines))
            room -= len(lines)
            if rows is not None and rows.ks and room >= 3:
                text.append("\n")
            else:
                rows = None
        ok = rows is not None and rows.ks and room >= MIN_ROWS and width >= 20
        if ok:
            text.append_text(self._build(rows, self._params, room - 1))  # type: ignore[arg-type]
        self._text = text
        # The title names the update worked out under it, so it changes with these lines
        # (set from every frame's state instead, it ran ahead of them while live).
        self.show_title(charset_of(self).text(self.title()))
        self.refresh_changed()

    def _update_lines(self, width: int, rows: int) -> list[str]:
        worked = self._worked
        if worked is None:
            self._pages = 1
            from gdtui.ui.lang import t, wrap_cells

            lines = wrap_cells(charset_of(self).text(t(self, "recent.none")), width)
            if len(lines) > max(rows, 1):  # one row: the short form, whole
                lines = wrap_cells(charset_of(self).text(t(self, "recent.none.short")), width)
            return lines[: max(rows, 1)]
        from gdtui.ui.lang import node_lang

        pages = worked_pages(worked, self.view, width, rows, charset_of(self), lang=node_lang(self))
        self._pages = len(pages)
        self.page = min(self.page, len(pages) - 1)
        lines = list(pages[self.page])
        self._through = self.view
        if len(pages) == 1 and len(self._params) > 1:
            # room to spare: the next parameters' updates too, whole, each under its name
            blocks = [[f"{self._params[self.view]}:", *lines]]
            for i in range(self.view + 1, len(self._params)):
                used = sum(map(len, blocks))
                more = worked_pages(worked, i, width, rows - used - 1, charset_of(self), node_lang(self))
                if len(more) != 1 or used + 1 + len(more[0]) > rows:
                    break
                blocks.append([f"{self._params[i]}:", *more[0]])
                self._through = i
            if len(blocks) > 1:
                lines = [line for block in blocks for line in block]
        return lines

    def _paint(self) -> list[Region] | None:
        width, height = self.size
        return self._painter.show(*text_grid(self._text, width, height, self.app.console), self.rich_style)

    def render(self) -> Text:
        """What is shown, as Text (the screen uses :meth:`render_line`)."""
        return self._text

    def _build(self, rows: RecentRows, params: tuple[str, ...], limit: int | None = None) -> Text:
        """Header and the last ``limit`` rows: every parameter that fits, then f, then ‖∇f‖;
        "+N" at the end of the header when N parameters did not fit."""
        n = len(rows.ks) if limit is None else max(0, min(limit, len(rows.ks)))
        first = len(rows.ks) - n
        kw = max(len(str(rows.ks[-1])), 2)
        room = self.size.width - kw
        from rich.cells import cell_len

        from gdtui.ui.lang import t

        f_label = t(self, "recent.batch_f") if rows.batch else "f(w)"
        cell = CELL
        shown_w = 0
        for cell in (CELL, 8):
            more = 3  # room for the " +N" marker when some are left out
            shown_w = max(0, min(len(params), (room - (cell + 1)) // (cell + 1)))
            if shown_w < len(params):
                shown_w = max(0, min(len(params), (room - more - (cell + 1)) // (cell + 1)))
            if shown_w == len(params):
                break
        hidden = len(params) - shown_w
        with_norm = not hidden and room >= (shown_w + 2) * (cell + 1)
        head = [p for p in params[:shown_w]] + [f_label] + ([charset_of(self).label("norm")] if with_norm else [])
        text = Text(no_wrap=True, end="")
        marker = f" +{hidden}" if hidden else ""
        # right-aligned in cells (a Korean label is two cells a character)
        heads = "".join(" " + " " * max(0, cell - cell_len(h)) + h for h in head)
        text.append(f"{'k':>{kw}}" + heads + marker + "\n", style="bold")
        lines = []
        for i in range(first, len(rows.ks)):
            k = rows.ks[i]
            cells = [fmt(float(v), cell) for v in rows.w[i, :shown_w]] + [fmt(float(rows.loss[i]), cell)]
            if with_norm:
                cells.append(fmt(float(rows.grad_norm[i]), cell))
            lines.append(f"{k:>{kw}}" + "".join(f" {c:>{cell}}" for c in cells))
        text.append("\n".join(lines))
        return text
