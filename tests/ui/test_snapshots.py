"""Screenshots of the playground, compared with the SVGs in `__snapshots__/`.

The main screen at 80×24 (the SSH classroom terminal) once per built-in theme and at
120×40, the help screen, --ascii and NO_COLOR, then the states a lesson depends on:
an expression error with its caret, a 1-D curve, a 3-D problem's slice, the fit
panel of a data set and the too-small screen.  Unless a test says otherwise the state
is the default problem (`gdtui` with no options) compiled, space pressed three times,
every worker finished.  Animations are off and the cursor does not blink
(`conftest.calm_textual`), no user theme directory is read, and nothing on screen
depends on the clock, so the files change only when the app's look changes.

After a deliberate change of look: `make snapshot-update`, then read the new SVGs
(or the HTML report pytest writes on failure) before committing them.
"""

from __future__ import annotations

import pytest

from gdtui.ui.themes import builtin_theme_dir, load_themes, theme_names

THEMES = theme_names(load_themes([builtin_theme_dir()])[0])


@pytest.fixture(autouse=True)
def same_terminal_everywhere(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """The teacher's own themes and NO_COLOR must not change the pictures."""
    monkeypatch.setenv("GDTUI_THEME_DIR", str(tmp_path))  # an empty directory
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_the_four_built_in_themes_are_all_shot() -> None:
    assert THEMES[:4] == ["chalkboard", "whiteboard", "high-contrast", "mono"]


@pytest.mark.parametrize("theme", THEMES)
def test_main_screen(snap_compare, ui, theme: str) -> None:
    """One shot per theme: the same state, so only the colours differ."""
    assert snap_compare(ui.make_app(theme=theme), terminal_size=(80, 24), run_before=ui.settle)


def test_main_screen_at_120x40(snap_compare, ui) -> None:
    assert snap_compare(ui.make_app(), terminal_size=(120, 40), run_before=ui.settle)


def test_expression_error_with_its_caret_at_80x24(snap_compare, ui) -> None:
    """A typo in the function: the caret under the bad character, the old run kept."""
    async def typo(pilot) -> None:
        await ui.settle(pilot)
        from textual.widgets import Input

        pilot.app.screen.query_one("#fn", Input).focus()
        pilot.app.screen.query_one("#fn", Input).value = "x^2 + x*y + $y"
        await ui.quiet(pilot)

    assert snap_compare(ui.make_app(), terminal_size=(80, 24), run_before=typo)


def test_one_d_curve_of_the_double_well_at_80x24(snap_compare, ui) -> None:
    """A 1-D problem draws f(w) as a curve with the path and the tangent on it."""
    app = ui.make_app(fn="x^4 - 2*x^2 + 0.5*x", start={"x": -1.8}, hyper={"lr": 0.05})
    assert snap_compare(app, terminal_size=(80, 24), run_before=ui.settle)


def test_fit_panel_of_the_hours_data_at_120x40(snap_compare, ui) -> None:
    """Linear regression: the fitted line through the data beside the landscape."""
    assert snap_compare(ui.make_app(preset="hours"), terminal_size=(120, 40), run_before=ui.settle)


def test_too_small_terminal(snap_compare, ui) -> None:
    """Below 60×20 the app says what it needs instead of drawing cut-off panes."""
    assert snap_compare(ui.make_app(), terminal_size=(50, 16), run_before=ui.settle)


def test_help_screen_at_80x24(snap_compare, ui) -> None:
    async def open_help(pilot) -> None:
        await ui.settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(ui.make_app(), terminal_size=(80, 24), run_before=open_help)


def test_ascii_at_80x24(snap_compare, ui) -> None:
    assert snap_compare(ui.make_app(ascii=True), terminal_size=(80, 24), run_before=ui.settle)


def test_no_color_at_80x24(snap_compare, ui, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(ui.make_app(), terminal_size=(80, 24), run_before=ui.settle)



# ------------------------------------------------ issue 7: what a student checks by hand
def test_worked_update_line_parabola_at_80x24(snap_compare, ui) -> None:
    """x₃ = x₂ − η·g₂ = 3.2 − 0.1·6.4 = 2.56 under the state table."""
    assert snap_compare(ui.make_app(preset="parabola"), terminal_size=(80, 24), run_before=ui.settle)


def test_three_parameters_at_80x24(snap_compare, ui) -> None:
    """A 3-D problem: the landscape is the x-y slice through the current z."""
    app = ui.make_app(fn="x^2 + y^2 + z^2", start={"x": 1.0, "y": 2.0, "z": 3.0}, hyper={"lr": 0.1})
    assert snap_compare(app, terminal_size=(80, 24), run_before=ui.settle)


def test_long_status_reason_at_80x24(snap_compare, ui) -> None:
    async def diverge(pilot) -> None:
        await ui.ready(pilot)
        for _ in range(31):  # the lesson preset runs off to -inf at step 298
            await pilot.press("n")
        await ui.quiet(pilot)

    assert snap_compare(ui.make_app(preset="lesson"), terminal_size=(80, 24), run_before=diverge)


def test_mini_batch_with_data_panel_at_80x24(snap_compare, ui) -> None:
    assert snap_compare(ui.make_app(preset="hours", batch_size=1), terminal_size=(80, 24),
                        run_before=ui.settle)


def test_ascii_palette_at_80x24(snap_compare, ui) -> None:
    async def palette(pilot) -> None:
        await ui.settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("o", "p", "t")
        await ui.quiet(pilot)
        from textual.command import CommandList

        steady = 0
        for _ in range(200):  # the hits arrive asynchronously: wait until the list holds still
            hits = pilot.app.screen.query_one(CommandList)
            done = (hits.highlighted == 0 and hits.option_count == 7
                    and not hits.has_class("--populating") and hits.has_class("--visible"))
            steady = steady + 1 if done else 0
            if steady >= 4:
                break
            await pilot.pause(0.05)
        await ui.quiet(pilot)

    assert snap_compare(ui.make_app(ascii=True), terminal_size=(80, 24), run_before=palette)
