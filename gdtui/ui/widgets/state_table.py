"""The state table: one row per quantity (w, ∂f/∂w, optimizer state, loss), one
column per parameter, every number belonging to the current step (the pane's title
says which).  The update that led here is worked out under it (see RecentSteps).

A mini-batch run labels its batch values as such and shows the full-data ones
beside them.  When not every parameter fits the width, the columns shown are the
ones asked for first (the landscape's pair) and :attr:`StateTable.hidden` names
the others, so the owner can say so.  Numbers are formatted to the column width,
so nothing is ever cut mid-number.

It looks like Textual's DataTable (same component classes and CSS: a bold header,
zebra stripes) but draws its own lines: a live run updates the table every frame,
and DataTable renders every cell of a row through Rich padding and styling again
whenever any cell changes.  Here each row's Strip is cached until its text changes,
:meth:`StateTable.show` refreshes only the cells that changed (one region per row,
from the first to the last changed cell), and nothing at all when no text changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.color import Color
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from gdtui.ui.charset import charset_of
from gdtui.ui.controller import StateView
from gdtui.ui.fmt import fmt
from gdtui.ui.widgets._canvas import merge_segments

__all__ = ["CELL", "Column", "StateTable"]

CELL = 10  # characters per number (9 or 8 when that fits one more parameter)
PAD = 1  # blank columns either side of a cell (DataTable's cell_padding)
#: Per-parameter rows that are optimizer state (hidden when the worked update shows them).
_BASE_ROWS = ("w", "grad", "grad_full")
_LABEL = "_label"  # the key of the first column (the row labels)
_NOT_FINITE = {"inf", "-inf", "nan"}  # what fmt writes for numbers that are not finite


def _note(shown: set[str], status: str) -> str:
    """Why the table shows inf or nan: a diverged run's inf is an overflow (the value
    passed the float range); otherwise the status line says what went wrong."""
    if not shown & _NOT_FINITE:
        return ""
    if status == "diverged" and shown & {"inf", "-inf"}:
        return "inf = overflow"
    return "not finite: see the status line"


def bottom_edge(hidden: tuple[str, ...], note: str, room: int, msg: "Callable[..., str]") -> str:
    """What the state pane's bottom edge says in at most ``room`` cells: the parameters
    that did not fit (``+1 more: z (x: axes)``, shorter forms when that is too long) and
    what an inf or nan means (``note``, already in the user's language).  Shortened, never
    cut: the hidden parameters go first, then their names, then the note (the marked
    cells still show it).  ``msg(id, **values)`` gives a catalog message."""
    n, names = len(hidden), ", ".join(hidden)
    more = [msg("main.hidden", n=n, names=names), msg("main.hidden.names", n=n, names=names),
            msg("main.hidden.axes", n=n), msg("main.hidden.short", n=n)] if hidden else [""]
    candidates = [f"{note} · {m}" if m else note for m in more] if note else []
    candidates += more
    return next((c for c in candidates if cell_len(c) <= room), candidates[-1])


@dataclass(frozen=True)
class Column:
    """One column: its key, heading and width in cells (without padding)."""

    key: str
    label: Text
    width: int


class StateTable(ScrollView, can_focus=True):
    """A read-only table fed with `show(view)`; looks like a DataTable without a cursor."""

    COMPONENT_CLASSES = {"datatable--header", "datatable--odd-row", "datatable--even-row",
                         "state-table--problem"}
    # DataTable's own look (textual 8.2.8), for the parts a table without cursor uses
    DEFAULT_CSS = """
    StateTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 1fr;
        &:focus {
            background-tint: $foreground 5%;
            & > .datatable--header { background-tint: $foreground 5%; }
        }
        &:dark > .datatable--even-row { background: $surface-darken-1 40%; }
        & > .datatable--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .datatable--header { background: ansi_bright_blue; color: ansi_default; }
        & > .datatable--odd-row { }
        & > .datatable--even-row { background: $surface-lighten-1 50%; }
        /* inf and nan: marked like the status line of a diverged run */
        & > .state-table--problem { background: $error 45%; text-style: bold; }
    }
    """
    BINDINGS = [  # a focused DataTable without a cursor scrolls with these
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+home", "scroll_home", "Top", show=False),
        Binding("ctrl+end", "scroll_end", "Bottom", show=False),
        Binding("home", "scroll_home", "Home", show=False),
        Binding("end", "scroll_end", "End", show=False),
    ]

    _looks: tuple | None = None  # see _styles_now

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._layout: tuple | None = None
        self._view: StateView | None = None
        self._columns_: list[Column] = []
        self._keys: list[str] = []  # row keys, top to bottom (under the header)
        self._cells: dict[str, list[Text]] = {}  # row key -> its cells, the label first
        self._strips: dict[int, tuple[tuple, Strip]] = {}  # line -> (what it showed, strip)
        self.priority: tuple[int, ...] = (0, 1)
        """Parameters (indices) to show first when not all fit."""
        self.show_state = True
        """Show the optimizer's state rows (off while the worked update shows them)."""
        self.hidden: tuple[str, ...] = ()
        """Parameters that did not fit the width (the owner says so)."""
        self.note = ""
        """What an inf or nan on show means ("" when every number is finite); the owner says it."""
        self._cell = CELL
        self._masked: dict[int, frozenset[str]] = {}

    def mask(self, rows_at: dict[int, frozenset[str]] | None = None) -> None:
        """Show ``?`` in the rows (keys: grad, norm, loss ...) ``rows_at`` names for a step
        while the table shows that step: a lesson keeps the answers of its questions off the
        screen until their reveals.  None: every number shows again."""
        rows_at = {k: rows for k, rows in (rows_at or {}).items() if rows}
        if rows_at == self._masked:
            return
        self._masked = rows_at
        if self._view is not None:
            self.show(self._view)

    # ------------------------------------------------------------ what DataTable offered
    @property
    def row_count(self) -> int:
        """Rows under the header."""
        return len(self._keys)

    @property
    def columns(self) -> dict[str, Column]:
        """The columns by key, the labels' column first."""
        return {c.key: c for c in self._columns_}

    def get_cell(self, row_key: str, column_key: str) -> Text:
        """The Text shown in a cell (KeyError when there is no such row or column)."""
        cells = self._cells[row_key]
        for i, column in enumerate(self._columns_):
            if column.key == column_key:
                return cells[i]
        raise KeyError(column_key)

    # ------------------------------------------------------------ feeding
    def show(self, view: StateView | None) -> None:
        """Show row k of a run (None: nothing compiled yet)."""
        self._view = view
        if view is None:
            if self._layout is not None or self._keys:
                self._set_table([], [], {})
                self._layout = None
            self.note = ""
            return
        keys = [key for key, _ in view.rows if self.show_state or key in _BASE_ROWS]
        keys += ["batch", "loss", "norm", "norm_full"] if view.is_batch else ["loss", "norm"]
        names = self._names(keys, view)
        cols, self._cell = self._columns(view, names)
        self.hidden = tuple(p for i, p in enumerate(view.params) if i not in cols)
        params = tuple(view.params[i] for i in cols)
        rows = self._rows(view, cols, keys)
        self.note = _note({v.plain for _, values in rows for v in values}, view.status)
        layout = (params, tuple(keys), tuple(names.values()), self._cell)
        if layout != self._layout:
            columns = [Column(_LABEL, Text(""), max(cell_len(n) for n in names.values()))]
            columns += [Column(p, Text(p, justify="right"), self._cell) for p in params]
            cells = {key: [Text(names[key], style="bold"), *values] for key, values in rows}
            self._set_table(columns, keys, cells)
            self._layout = layout
            return
        self._update_cells(rows)

    def _set_table(self, columns: list[Column], keys: list[str], cells: dict[str, list[Text]]) -> None:
        """New rows or columns: everything is drawn again."""
        self._columns_, self._keys, self._cells = columns, keys, cells
        self._strips.clear()
        width = sum(c.width + 2 * PAD for c in columns)
        self.virtual_size = Size(width, 1 + len(keys) if columns else 0)
        self.refresh(layout=True)

    def _update_cells(self, rows: list[tuple[str, list[Text]]]) -> None:
        """Replace the numbers; refresh only the cells whose text changed."""
        scroll_x, scroll_y = self.scroll_offset
        for y, (key, values) in enumerate(rows, start=1):
            old = self._cells[key]
            changed = [i for i, v in enumerate(values, start=1) if old[i].plain != v.plain]
            if not changed:
                continue
            self._cells[key] = [old[0], *values]
            x0 = sum(c.width + 2 * PAD for c in self._columns_[: changed[0]])
            x1 = sum(c.width + 2 * PAD for c in self._columns_[: changed[-1] + 1])
            row = y - scroll_y if y - scroll_y >= 1 else None  # the header never scrolls
            if row is not None and row < self.size.height:
                self.refresh(Region(x0 - scroll_x, row, x1 - x0, 1))

    def _columns(self, view: StateView, names: dict[str, str]) -> tuple[list[int], int]:
        """Which parameters fit (the priority ones first, shown in their own order) and
        the cell width: the widest cell that shows the most parameters."""
        label_w = max(map(cell_len, names.values())) + 2
        room = self.size.width or 80
        order = [i for i in self.priority if i < len(view.params)]
        order += [i for i in range(len(view.params)) if i not in order]
        fits = [(min(len(order), max(1, (room - label_w) // (cell + 2))), cell) for cell in (CELL, 9, 8)]
        n = max(f for f, _ in fits)
        cell = next(c for f, c in fits if f == n)  # the widest cell that shows that many
        return sorted(order[:n]), cell

    def _rows(self, view: StateView, cols: list[int], keys: list[str]) -> list[tuple[str, list[Text]]]:
        """(row key, cells): the per-parameter rows, then the scalars under the first column."""
        values = dict(view.rows)
        scalars = {"batch": view.loss, "loss": view.loss if view.full_loss is None else view.full_loss,
                   "norm": view.grad_norm, "norm_full": view.full_norm}
        blank = [Text("")] * (len(cols) - 1)
        rows_masked = self._masked.get(view.k, frozenset())
        out = []
        for key in keys:
            if key in rows_masked:
                hidden = [Text("?", justify="right")]
                out.append((key, hidden + (blank if key in scalars else hidden * (len(cols) - 1))))
            elif key in scalars:
                out.append((key, [self._num(scalars[key]), *blank]))
            else:
                out.append((key, [self._num(values[key][i]) for i in cols]))
        return out

    def _num(self, value: float | None) -> Text:
        return Text(fmt(value, self._cell), justify="right")

    def on_resize(self) -> None:
        self._strips.clear()
        if self._view is not None:
            self.show(self._view)  # longer labels may fit now (or no longer)

    def _names(self, keys: list[str], view: StateView) -> dict[str, str]:
        """Row labels; a mini-batch run says which values are the batch's and which the
        full data's, in short labels when the long ones leave no room for two columns."""
        cs = charset_of(self)
        names = {key: cs.label(key) for key in keys}
        if not view.is_batch:
            return names
        from gdtui.ui.lang import t

        g, n = cs.label("grad"), cs.label("norm")
        b, f = t(self, "state.batch"), t(self, "state.full")  # the words in the app's language
        long = {**names, "grad": f"{g} {b}", "grad_full": f"{g} {f}", "batch": f"f {b}",
                "loss": f"f {f}", "norm": f"{n} {b}", "norm_full": f"{n} {f}"}
        short = {**long, "grad": f"g {b}", "grad_full": f"g {f}", "norm": f"|g| {b}", "norm_full": f"|g| {f}"}
        need = max(map(cell_len, long.values())) + 2 + min(2, len(view.params)) * (8 + 2)
        return long if need <= (self.size.width or 80) else short

    # ------------------------------------------------------------ drawing
    def notify_style_update(self) -> None:
        self._looks = None  # new CSS for this widget (a theme, focus, a class)
        super().notify_style_update()

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> "StateTable":
        if not regions:  # the whole widget: look up the styles again too
            self._looks = None
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _styles_now(self) -> tuple[Style, tuple[Style, ...], Color]:
        """(the widget's style, the header / even / odd row / problem styles, the background under
        it), worked out once per look: Textual recomputes a widget's style on every call
        after a refresh, and this widget is refreshed a few cells at a time every frame."""
        key = (self.app.theme, self.has_focus, self.size)
        if self._looks is None or self._looks[0] != key:
            rows = tuple(self.get_component_styles(name).rich_style
                         for name in ("datatable--header", "datatable--even-row", "datatable--odd-row",
                                      "state-table--problem"))
            self._looks = (key, self.rich_style, rows, self.background_colors[1])
        return self._looks[1], self._looks[2], self._looks[3]

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the header, then the rows (scrolled under it)."""
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        line = y if y < 1 else y + scroll_y
        base, rows, under = self._styles_now()
        if not self._columns_ or line > len(self._keys):
            return Strip.blank(width, base)
        key = self._keys[line - 1] if line else None
        cells = self._cells[key] if key is not None else [c.label for c in self._columns_]
        # DataTable's row styles: the header, then zebra stripes from the first row
        style = rows[0] if line == 0 else rows[2 if (line - 1) % 2 else 1]
        shown = (tuple(c.plain for c in cells), scroll_x, width, base, style, under)
        cached = self._strips.get(line)
        if cached is not None and cached[0] == shown:
            return cached[1]
        strip = self._render_row(cells, style, rows[3], base, under, scroll_x, width)
        self._strips[line] = (shown, strip)
        return strip

    def _render_row(self, cells: list[Text], style: Style, problem: Style, base: Style,
                    under: Color, scroll_x: int, width: int) -> Strip:
        """One row as DataTable draws it: each cell padded, in the row's style, then the
        rest of the width in a paler shade of it."""
        segments: list[Segment] = []
        for column, cell in zip(self._columns_, cells):
            text = cell.plain
            fill = column.width - cell_len(text)
            if fill < 0:
                text, fill = set_cell_size(text, column.width), 0
            right = cell.justify == "right"
            own = cell.style
            cell_style = style + (Style.parse(own) if isinstance(own, str) else own) if own else style
            if cell.plain in _NOT_FINITE:
                cell_style = style + problem
            # the fill belongs to the text (as Rich justifies it), the padding to the row
            text = " " * fill + text if right else text + " " * fill
            pad = " " * PAD
            if cell_style == style:  # one segment a cell: DataTable's cells never merge with their neighbours
                segments.append(Segment(pad + text + pad, style))
            else:
                segments += [Segment(pad, style), Segment(text, cell_style), Segment(pad, style)]
        table_width = sum(c.width + 2 * PAD for c in self._columns_)
        if style.bgcolor is not None:  # DataTable extends a row in a faded shade of it
            faded = Color.from_rich_color(style.bgcolor).blend(under, factor=0.25)
            extend = Style.from_color(color=style.color, bgcolor=faded.rich_color)
        else:
            extend = Style.from_color(style.color, style.bgcolor)
        segments.append(Segment(" " * max(0, width - table_width), extend))
        strip = Strip(segments).crop(scroll_x, scroll_x + width)
        return merge_segments(strip.adjust_cell_length(width, base))
