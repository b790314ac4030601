"""The state table draws only what changed (issue 13: a live session at 80×24 under 10%
of a core), and says what an inf in it means (an overflow is marked, not shown as if
it were a number).

The drawing is counted through test hooks wrapped around the table's own methods
(`_render_row` draws one row, `refresh` asks Textual to repaint), not through a
counter in the product.
"""

from __future__ import annotations

from textual.geometry import Region

from gdtui.settings import Settings
from gdtui.ui.app import GdApp
from gdtui.ui.widgets.state_table import StateTable


def x_squared() -> GdApp:
    return GdApp(Settings(fn="x^2 + y^2", start={"x": 5, "y": 3}, optimizer="sgd", hyper={"lr": 0.1}))


class Spy:
    """Wraps the table's row drawing and refreshes, counting calls and regions."""

    def __init__(self, table: StateTable, monkeypatch) -> None:
        self.rows = 0
        self.refreshes: list[tuple[Region, ...]] = []
        render_row, refresh = table._render_row, table.refresh

        def counted_row(*args, **kwargs):
            self.rows += 1
            return render_row(*args, **kwargs)

        def counted_refresh(*regions, **kwargs):
            self.refreshes.append(regions)
            return refresh(*regions, **kwargs)

        monkeypatch.setattr(table, "_render_row", counted_row)
        monkeypatch.setattr(table, "refresh", counted_refresh)


def table_text(table: StateTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.row_count + 1)]


async def test_nothing_is_redrawn_when_nothing_changed(ui, monkeypatch) -> None:
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.settle(pilot, steps=1)
        table = app.main_screen.query_one(StateTable)
        shown = table_text(table)
        spy = Spy(table, monkeypatch)
        for _ in range(3):  # a redraw of the screen with the run where it was (e.g. a notice)
            app.main_screen._draw()
            await pilot.pause()
        assert spy.refreshes == [] and spy.rows == 0
        assert table_text(table) == shown  # and the lines come from the cache
        assert spy.rows == 0


async def test_a_step_repaints_only_the_numbers_that_changed(ui, monkeypatch) -> None:
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.settle(pilot, steps=1)
        table = app.main_screen.query_one(StateTable)
        spy = Spy(table, monkeypatch)
        await pilot.press("space")
        await pilot.pause()
        assert app.session.run.k == 2
        assert str(table.get_cell("w", "x")) == "3.2" and str(table.get_cell("w", "y")) == "1.92"
        regions = [r for call in spy.refreshes for r in call]
        assert spy.refreshes and all(call for call in spy.refreshes)  # never the whole table
        label_width = table.columns["_label"].width + 2
        # one region a row, never the header (row 0) or the labels' column
        assert sorted(r.y for r in regions) == list(range(1, table.row_count + 1))
        assert all(r.x >= label_width and r.height == 1 for r in regions)
        # f and ‖∇f‖ have one number each: only the first parameter's column is repainted
        loss_row = 1 + [*table._keys].index("loss")
        (loss_region,) = [r for r in regions if r.y == loss_row]
        assert loss_region.right <= label_width + table.columns["x"].width + 2
        assert 0 < spy.rows <= table.row_count  # the header was not drawn again
        assert "3.2" in table.render_line(1).text


async def test_an_overflow_is_marked_not_shown_as_a_number(ui) -> None:
    # exp(y²) overflows after one step: the loss and gradient are inf there
    app = GdApp(Settings(fn="x^2 + exp(y^2)", start={"x": 1, "y": 5}, optimizer="sgd", hyper={"lr": 0.1}))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.settle(pilot, steps=0)
        table = app.main_screen.query_one(StateTable)
        state = app.main_screen.query_one("#state")
        assert table.note == "" and "overflow" not in str(state.border_subtitle)
        await pilot.press("space")
        await pilot.pause()
        assert app.session.run.status == "diverged"
        assert str(table.get_cell("loss", "x")) == "inf"
        assert table.note == "inf = overflow"
        assert "inf = overflow" in str(state.border_subtitle)
        # the inf cells are drawn in the problem style, the finite ones are not
        problem = table.get_component_styles("state-table--problem").rich_style
        loss_line = table.render_line(1 + table._keys.index("loss"))
        w_line = table.render_line(1 + table._keys.index("w"))
        inf_styles = {seg.style.bgcolor for seg in loss_line if "inf" in seg.text}
        assert inf_styles and all(bg is not None for bg in inf_styles)
        assert problem.bgcolor is not None
        assert not any(seg.style and seg.style.bgcolor in inf_styles for seg in w_line if seg.text.strip())
        await pilot.press("b")  # back to finite numbers: the note goes
        await pilot.pause()
        assert table.note == "" and "overflow" not in str(state.border_subtitle)

