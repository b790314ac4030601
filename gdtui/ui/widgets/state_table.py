"""The state table: one row per quantity (w, ∂f/∂w, Δw, optimizer state, loss),
one column per parameter, for the current step.

Cells are updated in place every frame, and only the cells whose text changed are
refreshed (DataTable's own `update_cell` repaints the whole table, which a slow SSH
link pays for every frame); the rows are rebuilt (one `clear`) only when their
labels change (new function or optimizer, or the width allows longer labels).  Numbers are formatted to the column width, so nothing is ever cut mid-number.
"""

from __future__ import annotations

from rich.text import Text
from textual.coordinate import Coordinate
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from gdtui.ui.controller import StateView
from gdtui.ui.fmt import fmt, label
from gdtui.ui.widgets._canvas import merge_segments

__all__ = ["StateTable"]

CELL = 10  # characters per number


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

    def show(self, view: StateView | None) -> None:
        """Show row k of a run (None: nothing compiled yet)."""
        self._view = view
        if view is None:
            if self._layout is not None or self.row_count:
                self.clear(columns=True)
                self._layout = None
                self._shown.clear()
            return
        rows = self._rows(view)
        names = self._names([key for key, _ in rows], view)
        layout = (view.params, tuple(key for key, _ in rows), tuple(names.values()))
        if layout != self._layout:
            self._rebuild(view.params, rows, names)
            self._layout = layout
            return
        changed = [(key, p, v) for key, values in rows for p, v in zip(view.params, values)
                   if self._shown.get((key, p)) != v.plain]
        if not changed:
            return
        for key, p, v in changed:  # what update_cell does, without its whole-table refresh
            self._data[RowKey(key)][ColumnKey(p)] = v
            self._shown[(key, p)] = v.plain
        self._update_count += 1  # DataTable's render caches are keyed on this
        for key, p, _ in changed:
            self.refresh_coordinate(Coordinate(self.get_row_index(key), self.get_column_index(p)))

    def _rows(self, view: StateView) -> list[tuple[str, list[Text]]]:
        """(row key, cells): the per-parameter rows, then the scalars under the first column."""
        out = [(key, [self._num(v) for v in values]) for key, values in view.rows]
        blank = [Text("")] * (len(view.params) - 1)
        if view.full_loss is not None:
            out.append(("batch", [self._num(view.loss), *blank]))
            out.append(("loss", [self._num(view.full_loss), *blank]))
        else:
            out.append(("loss", [self._num(view.loss), *blank]))
        out.append(("norm", [self._num(view.grad_norm), *blank]))
        return out

    def render_line(self, y: int) -> Strip:
        # DataTable gives each cell its own segments (with click metadata); merged, a row
        # sends a third of the colour codes (Textual writes them again for every segment)
        return merge_segments(super().render_line(y))  # read-only: no cell clicks to keep

    @staticmethod
    def _num(value: float) -> Text:
        return Text(fmt(value, CELL), justify="right")

    def on_resize(self) -> None:
        if self._view is not None:
            self.show(self._view)  # longer labels may fit now (or no longer)

    def _names(self, keys: list[str], view: StateView) -> dict[str, str]:
        """Row labels: the update row says what it is when the table has room for it."""
        names = {key: label(key, self.ascii_only) for key in keys}
        update = "update_sgd" if view.optimizer == "sgd" else "update_long"
        long = {**names, "update": label(update, self.ascii_only)}
        need = max(map(len, long.values())) + 2 + len(view.params) * (CELL + 2)
        return long if 0 < need <= self.size.width else names

    def _rebuild(self, params: tuple[str, ...], rows: list[tuple[str, list[Text]]],
                 names: dict[str, str]) -> None:
        self.clear(columns=True)
        self.add_column("", key="_label", width=max(len(n) for n in names.values()))
        for p in params:
            self.add_column(Text(p, justify="right"), key=p, width=CELL)
        for key, cells in rows:
            self.add_row(Text(names[key], style="bold"), *cells, key=key)
        self._shown = {(key, p): v.plain for key, cells in rows for p, v in zip(params, cells)}
