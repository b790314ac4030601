"""Pilot tests: help screen, terminal sizes, --ascii, NO_COLOR, data-driven losses,
the landscape's arrow keys, themes and the command palette."""

from __future__ import annotations

import asyncio

import pytest
from ui_waits import palette_run, workers_done
from textual.widgets import Input

from gdtui.settings import Settings
from gdtui.ui.app import GdApp
from gdtui.ui.screens.help import HelpScreen
from gdtui.ui.widgets.state_table import StateTable


def bowl(**kw: object) -> GdApp:
    return GdApp(Settings(fn="x^2 + 3*x*y + y^2", start={"x": 1.5, "y": -2}, optimizer="adam",
                          hyper={"lr": 0.1}, **kw))


async def test_help_opens_on_question_mark_and_closes_on_escape(ui) -> None:
    app = bowl()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "one step back" in ui.screen_text(app)
        await pilot.press("space")  # keys do not reach the playground under the help
        assert app.session.run.k == 0
        await pilot.press("escape")
        assert app.screen is app.main_screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_pane_is_visible_and_numbers_are_whole(size: tuple[int, int], ui) -> None:
    app = bowl()
    async with app.run_test(size=size) as pilot:
        await ui.ready(pilot)
        await pilot.press("n")
        while app.screen.query_one("#recent").showing_update:  # the table with every state row
            await pilot.press("u")
        await pilot.pause()
        text = ui.screen_text(app)
        for title in ("function", "optimizer", "state · step 10", "landscape", "loss"):
            assert title in text, title
        assert "q quit" in text and "? help" in text  # the footer fits
        table = app.screen.query_one(StateTable)
        assert table.region.right <= app.screen.query_one("#left").region.right
        # Each number shown in the table is the whole formatted number.
        for key in ("w", "grad", "m", "v", "m̂", "v̂"):
            for p in ("x", "y"):
                shown = str(table.get_cell(key, p))
                assert shown in text, (key, p, shown)
                float(shown)


async def test_too_small_terminal_says_so_and_resizing_back_works(ui) -> None:
    app = bowl()
    async with app.run_test(size=(50, 15)) as pilot:
        await ui.ready(pilot)
        await pilot.pause()
        assert "too small" in ui.screen_text(app) and "60×20" in ui.screen_text(app)
        await pilot.press("space")  # keys still work, nothing crashes
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert "too small" not in ui.screen_text(app)
        assert "state · step 1" in ui.screen_text(app)


async def test_resizing_while_running_is_fine(ui) -> None:
    app = bowl()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("minus", "minus", "minus", "minus", "p")
        for size in ((120, 40), (55, 18), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.05)
        assert app.main_screen.live
        await pilot.press("p")


async def test_ascii_mode_has_no_box_drawing_or_braille(ui) -> None:
    app = bowl(ascii=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("n")
        await pilot.pause()
        text = ui.screen_text(app)
        bad = [ch for ch in text if 0x2500 <= ord(ch) <= 0x259F or 0x2800 <= ord(ch) <= 0x28FF]
        assert not bad, sorted(set(bad))
        assert "df/dw" in text


async def test_no_color_still_shows_everything(monkeypatch: pytest.MonkeyPatch, ui) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = bowl()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        assert app.no_color
        await pilot.press("space")
        assert "state · step 1" in ui.screen_text(app)


async def test_data_driven_loss_shows_batch_settings_and_batch_loss(ui) -> None:
    app = GdApp(Settings(fn="(w*x - y)^2", data="hours", start={"w": 0.5}, optimizer="sgd",
                         hyper={"lr": 0.01}, batch_size=1, seed=3))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.pause()
        assert app.screen.query_one("#data-row").display
        assert app.screen.query_one("#batch", Input).value == "1"
        assert app.screen.query_one("#seed", Input).value == "3"
        await pilot.press("space")
        await pilot.pause()
        table = app.screen.query_one(StateTable)
        labels = {key: str(table.get_cell(key, "_label")) for key in
                  ("grad", "grad_full", "batch", "loss", "norm", "norm_full")}
        assert labels == {"grad": "∂f/∂w batch", "grad_full": "∂f/∂w full", "batch": "f batch",
                          "loss": "f full", "norm": "‖∇f‖ batch", "norm_full": "‖∇f‖ full"}
        run = app.session.run
        full_loss, full_grad = run.full_loss_grad()
        assert table.get_cell("loss", "w").plain == f"{full_loss:.6g}"
        assert table.get_cell("batch", "w").plain == f"{run.loss:.6g}"
        assert table.get_cell("grad_full", "w").plain == f"{full_grad[0]:.6g}"
        assert table.get_cell("grad", "w").plain == f"{run.grad[0]:.6g}"
        assert full_loss != run.loss  # both are shown because they differ
        text = ui.screen_text(app)
        assert "batch loss" in text or "batch " in text  # the loss plot's title says whose loss
        assert "mini-batch gradient" in text or "1/2" in text  # the worked update says whose g


async def test_pure_function_hides_batch_settings(ui) -> None:
    app = bowl()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        assert not app.screen.query_one("#data-row").display


async def test_arrow_keys_on_the_landscape_move_the_start_and_restart(ui) -> None:
    app = bowl()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("space", "space")
        assert app.focused is app.screen.query_one("#landscape")
        before = app.session.start_point()
        await pilot.press("right")
        await pilot.pause()
        after = app.session.start_point()
        assert after[0] > before[0] and after[1] == before[1]
        assert app.session.run.k == 0 and app.session.run.w == after
        assert app.screen.query_one("#start-x", Input).value == f"{after[0]:.6g}"


async def test_t_cycles_themes_and_l_toggles_log_scale(ui) -> None:
    app = bowl()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        first = app.theme
        await pilot.press("t")
        assert app.theme != first
        plot = app.screen.query_one("#loss")
        log = plot.log_scale
        await pilot.press("l")
        assert plot.log_scale is not log


async def test_command_palette_switches_optimizer(ui) -> None:
    app = bowl()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await palette_run(pilot, "optimizer: momentum")
        assert app.session.problem.settings.optimizer == "momentum"


async def test_default_problem_is_the_default_preset(ui) -> None:
    from gdtui.problem import validate_quickly
    from gdtui.settings import DEFAULT_PRESET

    app = GdApp(validate_quickly(Settings(preset=DEFAULT_PRESET)))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        assert app.session.problem.settings.preset == DEFAULT_PRESET
        assert app.screen.query_one("#preset").value == DEFAULT_PRESET
        assert app.screen.query_one("#fn", Input).value == app.session.problem.settings.fn
        assert app.session.problem.objective.dims == 2


async def test_picking_a_data_preset_loads_it_with_batch_settings(ui) -> None:
    from textual.widgets import Select

    app = bowl()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        app.screen.query_one("#preset", Select).value = "hours"
        for _ in range(100):
            await workers_done(app)
            await pilot.pause()
            if app.session.problem.settings.preset == "hours":
                break
            await asyncio.sleep(0.05)
        assert app.session.problem.objective.uses_data
        assert app.screen.query_one("#fn", Input).value == "(w*x - y)^2"
        assert app.screen.query_one("#batch").display
        await pilot.press("space")
        assert app.session.run.k == 1


async def test_the_palette_offers_every_key_binding_with_a_tooltip(ui) -> None:
    """The palette is derived from the bindings: each one with a tooltip that means
    something now is a command that names its key."""
    from textual.binding import Binding

    from gdtui.ui.palette import GdCommands

    app = bowl()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        helps = [h for _, _, h in GdCommands(app.screen)._commands()]
        for node in (app.main_screen, app):
            for b in type(node).BINDINGS:
                if isinstance(b, Binding) and b.tooltip and node.available(b.action.split("(")[0]):
                    key = app.get_key_display(b)
                    assert any(h.startswith(f"key: {key}") for h in helps), b.action
