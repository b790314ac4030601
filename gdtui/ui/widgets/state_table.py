"""The state table: one row per quantity (w, ∂f/∂w, optimizer state, loss), one
column per parameter, every number belonging to the current step (the pane's title
says which).  The update that led here is worked out under it (see RecentSteps).

A mini-batch run labels its batch values as such and shows the full-data ones
beside them.  When not every parameter fits the width, the columns shown are the
ones asked for first (the landscape's pair) and :attr:`StateTable.hidden` names
the others, so the owner can say so.

Cells are updated in place every frame, and only the cells whose text changed are
refreshed (DataTable's own `update_cell` repaints the whole table, which a slow SSH
link pays for every frame); the rows are rebuilt (one `clear`) only when their
labels change (new function or optimizer, or the width allows longer labels).  Numbers are formatted to the column width, so nothing is ever cut mid-number.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.coordinate import Coordinate
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from gdtui.ui.controller import StateView
from gdtui.ui.fmt import fmt, label
from gdtui.ui.widgets._canvas import merge_segments

__all__ = ["StateTable"]

CELL = 10  # characters per number (9 or 8 when that fits one more parameter)
#: Per-parameter rows that are optimizer state (hidden when the worked update shows them).
_BASE_ROWS = ("w", "grad", "grad_full")


class StateTable(DataTable):
    """A read-only DataTable fed with `show(view)`."""

    DEFAULT_CSS = """
    StateTable { height: auto; max-height: 1fr; }
    """

    def __init__(self, *, ascii_only: bool = False, id: str | None = None) -> None:
        # Labels are an ordinary first column: DataTable sizes row labels lazily, on idle.
        super().__init__(id=id, cursor_type="none", zebra_stripes=True, show_cursor=False,
                         show_row_labels=False)
        self.ascii_only = ascii_only
        self._layout: tuple | None = None
        self._view: StateView | None = None
        self._shown: dict[tuple[str, str], str] = {}  # (row, param) -> the text in that cell
        self.priority: tuple[int, ...] = (0, 1)
        """Parameters (indices) to show first when not all fit."""
        self.show_state = True
        """Show the optimizer's state rows (off while the worked update shows them)."""
        self.hidden: tuple[str, ...] = ()
        """Parameters that did not fit the width (the owner says so)."""
        self._cell = CELL

    def show(self, view: StateView | None) -> None:
        """Show row k of a run (None: nothing compiled yet)."""
        self._view = view
        if view is None:
            if self._layout is not None or self.row_count:
                self.clear(columns=True)
                self._layout = None
                self._shown.clear()
            return
        keys = [key for key, _ in view.rows if self.show_state or key in _BASE_ROWS]
        keys += ["batch", "loss", "norm", "norm_full"] if view.is_batch else ["loss", "norm"]
        names = self._names(keys, view)
        cols, self._cell = self._columns(view, names)
        self.hidden = tuple(p for i, p in enumerate(view.params) if i not in cols)
        params = tuple(view.params[i] for i in cols)
        rows = self._rows(view, cols, keys)
        layout = (params, tuple(keys), tuple(names.values()), self._cell)
        if layout != self._layout:
            self._rebuild(params, rows, names)
            self._layout = layout
            return
        changed = [(key, p, v) for key, values in rows for p, v in zip(params, values)
                   if self._shown.get((key, p)) != v.plain]
        if not changed:
            return
        for key, p, v in changed:  # what update_cell does, without its whole-table refresh
            self._data[RowKey(key)][ColumnKey(p)] = v
            self._shown[(key, p)] = v.plain
        self._update_count += 1  # DataTable's render caches are keyed on this
        for key, p, _ in changed:
            self.refresh_coordinate(Coordinate(self.get_row_index(key), self.get_column_index(p)))

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
        out = []
        for key in keys:
            if key in scalars:
                out.append((key, [self._num(scalars[key]), *blank]))
            else:
                out.append((key, [self._num(values[key][i]) for i in cols]))
        return out

    def render_line(self, y: int) -> Strip:
        # DataTable gives each cell its own segments (with click metadata); merged, a row
        # sends a third of the colour codes (Textual writes them again for every segment)
        return merge_segments(super().render_line(y))  # read-only: no cell clicks to keep

    def _num(self, value: float | None) -> Text:
        return Text(fmt(value, self._cell), justify="right")

    def on_resize(self) -> None:
        if self._view is not None:
            self.show(self._view)  # longer labels may fit now (or no longer)

    def _names(self, keys: list[str], view: StateView) -> dict[str, str]:
        """Row labels; a mini-batch run says which values are the batch's and which the
        full data's, in short labels when the long ones leave no room for two columns."""
        a = self.ascii_only
        names = {key: label(key, a) for key in keys}
        if not view.is_batch:
            return names
        from gdtui.ui.lang import t

        g, n = label("grad", a), label("norm", a)
        b, f = t(self, "state.batch"), t(self, "state.full")  # the words in the app's language
        long = {**names, "grad": f"{g} {b}", "grad_full": f"{g} {f}", "batch": f"f {b}",
                "loss": f"f {f}", "norm": f"{n} {b}", "norm_full": f"{n} {f}"}
        short = {**long, "grad": f"g {b}", "grad_full": f"g {f}", "norm": f"|g| {b}", "norm_full": f"|g| {f}"}
        need = max(map(cell_len, long.values())) + 2 + min(2, len(view.params)) * (8 + 2)
        return long if need <= (self.size.width or 80) else short

    def _rebuild(self, params: tuple[str, ...], rows: list[tuple[str, list[Text]]],
                 names: dict[str, str]) -> None:
        self.clear(columns=True)
        self.add_column("", key="_label", width=max(cell_len(n) for n in names.values()))
        for p in params:
            self.add_column(Text(p, justify="right"), key=p, width=self._cell)
        for key, cells in rows:
            self.add_row(Text(names[key], style="bold"), *cells, key=key)
        self._shown = {(key, p): v.plain for key, cells in rows for p, v in zip(params, cells)}
