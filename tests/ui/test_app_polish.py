"""Pilot tests of the polish pass: --ascii everywhere, the footer's keys, the help that
fits 80x24, the recent-steps table, the update row's label, the layout at 80x24."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll

from gdtui.ui.ascii import CHROME
from gdtui.ui.screens.help import HelpScreen
from gdtui.ui.widgets.recent_steps import RecentSteps
from gdtui.ui.widgets.state_table import StateTable


def footer(text: str) -> str:
    return text.rstrip("\n").split("\n")[-1]


@pytest.mark.parametrize("preset", ["rosenbrock", "noisy-line"])
async def test_ascii_main_and_help_screens_are_pure_ascii(ui, preset: str) -> None:
    """Every character on the main and help screens is ASCII, and the panes write it
    themselves: the filter only met what Textual draws (corners, scroll bars, arrows)."""
    app = ui.make_app(preset=preset, ascii=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.settle(pilot, steps=3)
        main = ui.screen_text(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = ui.screen_text(app)
    for name, text in (("main", main), ("help", help_text)):
        bad = sorted({ch for ch in text if not ch.isascii()})
        assert not bad, (name, bad)
    assert app.ascii_filter is not None and app.ascii_filter.replaced <= set(CHROME)
    assert "df/dw" in main and "x10" in footer(main)
    assert "|grad|" in help_text and "dw  " in help_text


async def test_unicode_mode_has_no_ascii_filter(ui) -> None:
    app = ui.make_app(preset="parabola")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        assert app.ascii_filter is None
        assert "×10" in footer(ui.screen_text(app))


@pytest.mark.parametrize("preset, has_fit", [("rosenbrock", False), ("parabola", False),
                                             ("line", True), ("hours", True)])
async def test_footer_offers_fit_only_with_data_and_always_fits(ui, preset: str, has_fit: bool) -> None:
    app = ui.make_app(preset=preset)
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.settle(pilot, steps=1)
        line = footer(ui.screen_text(app))
        assert ("f fit" in line) == has_fit, line
        for key in ("space step", "l log", "? help", "q quit"):
            assert key in line, (key, line)


async def test_help_fits_80x24_without_scrolling(ui) -> None:
    app = ui.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        box = app.screen.query_one("#help", VerticalScroll)
        assert box.max_scroll_y == 0
        text = ui.screen_text(app)
        assert "escape, q or ? closes this help" in text and "q       quit" in text


async def test_help_key_column_lines_up_in_ascii(ui) -> None:
    app = ui.make_app(ascii=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        rows = ui.screen_text(app).split("\n")
    starts = {row.index(word) for row in rows for word in ("the parameters now", "gradient at w",
                                                           "the last update by hand", "the loss")
              if word in row}
    assert len(starts) == 1, starts  # every meaning starts in the same column


async def test_recent_steps_fill_spare_rows_newest_at_the_bottom(ui) -> None:
    app = ui.make_app(preset="rosenbrock")
    async with app.run_test(size=(120, 40)) as pilot:
        await ui.settle(pilot, steps=0)
        await pilot.press("n", "n")
        await pilot.pause()
        recent = app.main_screen.query_one(RecentSteps)
        while recent.view != -1:  # the updates (x's, y's, page by page), then the recent steps
            await pilot.press("u")
        await pilot.pause()
        assert recent.capacity >= 8
        lines = recent.render().plain.split("\n")
        assert lines[0].split() == ["k", "x", "y", "f(w)", "‖∇f‖"]
        ks = [int(line.split()[0]) for line in lines[1:]]
        assert ks == list(range(21 - len(ks), 21)) and len(ks) == min(recent.capacity, 21)
        run = app.session.run
        assert lines[-1].split()[3] == f"{run.loss:.6g}"
        await pilot.press("b")
        await pilot.pause()
        assert recent.render().plain.split("\n")[-1].split()[0] == "19"


async def test_adams_update_fits_80x24_in_pages_and_the_table_keeps_its_rows(ui) -> None:
    app = ui.make_app(preset="rosenbrock")  # adam: four state rows, five equations
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.settle(pilot, steps=1)
        recent = app.main_screen.query_one(RecentSteps)
        state = app.main_screen.query_one("#state").region
        table = app.main_screen.query_one(StateTable)
        assert table.region.bottom <= state.bottom
        seen = []
        while recent.view == 0:  # every page of x's update, each fitting the pane
            assert recent.region.bottom <= state.bottom
            seen += recent.render().plain.split("\n")
            await pilot.press("u")
            await pilot.pause()
        text = "\n".join(seen)
        for target in ("m₁ =", "v₁ =", "m̂₁ =", "v̂₁ =", "x₁ ="):
            assert target in text, (target, text)
        while recent.showing_update:
            await pilot.press("u")
        await pilot.pause()
        assert table.row_count == 8  # the recent view: w, g, m, v, m̂, v̂, f, ‖∇f‖


async def test_left_column_leaves_the_landscape_most_of_80_columns(ui) -> None:
    app = ui.make_app(preset="rosenbrock")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.settle(pilot, steps=1)
        left = app.main_screen.query_one("#left").region
        land = app.main_screen.query_one("#landscape").region
        assert left.width <= 38 and land.width >= 40
        text = ui.screen_text(app)
        for word in ("β1", "β2", "ε", "schedule", "start"):
            assert word in text, word
