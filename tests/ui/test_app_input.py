"""Pilot tests: typing into fields never steps, bad expressions keep the last good
function running, and the optimizer pane shows only the chosen optimizer's settings."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from gdtui.settings import Settings
from gdtui.ui.app import GdApp
from gdtui.ui.widgets.state_table import StateTable


def x_squared() -> GdApp:
    return GdApp(Settings(fn="x^2", start={"x": 5}, optimizer="sgd", hyper={"lr": 0.1}))


def info(app: GdApp) -> str:
    return str(app.screen.query_one("#fn-info", Static).render())


async def test_typing_run_keys_into_the_function_input_never_steps(ui) -> None:
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.click("#fn")
        fn = app.screen.query_one("#fn", Input)
        assert app.focused is fn
        fn.value = ""
        await pilot.press(*"p n b r q +", "space", "minus", "l", "t", "question_mark")
        await pilot.pause()
        assert fn.value == "p n b r q + -lt?"
        assert app.session.run.k == 0
        assert app.session.speed == 30  # + and - typed, did not change speed
        assert app.is_running  # q typed, did not quit
        assert app.screen is app.main_screen  # ? typed, no help screen


async def test_typing_into_the_lr_input_never_steps(ui) -> None:
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.click("#hp-lr")
        lr = app.screen.query_one("#hp-lr", Input)
        assert app.focused is lr
        await pilot.press("end", "space", "n", "p", "b")
        assert app.session.run.k == 0
        assert not app.main_screen.live


async def test_bad_expression_shows_caret_and_keeps_last_good_function(ui) -> None:
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("space")
        await pilot.click("#fn")
        fn = app.screen.query_one("#fn", Input)
        fn.value = "x^2 + $"
        await ui.quiet(pilot)  # validate-as-you-type
        text = info(app)
        assert "^" in text and "'$'" in text, text
        caret_line = text.splitlines()[0]
        # The caret sits under the '$' of the input (same screen column).
        assert fn.region.x + 6 == app.screen.query_one("#fn-info").content_region.x + caret_line.index("^")
        await pilot.press("enter")  # applying a bad function changes nothing
        await ui.quiet(pilot)
        assert "'$'" in info(app)
        assert app.session.problem.objective.text == "x^2"
        await pilot.press("escape", "space")  # leave the field; space steps the old function
        await pilot.pause()
        assert app.session.run.k == 2
        assert str(app.screen.query_one(StateTable).get_cell("w", "x")) == "3.2"


async def test_good_expression_shows_derivatives_and_enter_applies(ui) -> None:
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.click("#fn")
        fn = app.screen.query_one("#fn", Input)
        fn.value = "x^2 + 3*x*y + y^2"
        await ui.quiet(pilot)
        assert "∂f/∂y" in info(app)
        await pilot.press("enter")
        await ui.quiet(pilot)
        assert app.session.problem.objective.params == ("x", "y")
        assert app.session.start_point() == [5.0, 0.0]  # x keeps its start, y starts at 0
        assert app.focused is app.screen.query_one("#landscape")  # run keys work again
        await pilot.press("space")
        assert app.session.run.k == 1


async def test_changing_optimizer_shows_only_its_settings(ui) -> None:
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)

        def shown(name: str) -> bool:
            return app.screen.query_one(f"#hp-{name}").display and \
                app.screen.query_one("#hyper-row").display

        assert not any(shown(n) for n in ("momentum", "beta1", "beta2", "eps", "alpha"))
        app.screen.query_one("#opt", Select).value = "adam"
        await pilot.pause()
        assert app.session.problem.settings.optimizer == "adam"
        assert all(shown(n) for n in ("beta1", "beta2", "eps"))
        assert not shown("momentum") and not shown("alpha")
        assert app.screen.query_one("#hp-lr", Input).value == "0.1"  # the lr the user gave is kept
        recent = app.screen.query_one("#recent")
        while recent.showing_update:  # the update view shows the state; the recent view the table
            await pilot.press("u")
        await pilot.pause()
        rows = {str(app.screen.query_one(StateTable).get_cell(k, "_label")) for k in ("m", "v")}
        assert rows == {"m", "v"}
        app.screen.query_one("#opt", Select).value = "momentum"
        await pilot.pause()
        assert shown("momentum") and not shown("beta1")


async def test_invalid_option_shows_one_line_and_is_not_applied(ui) -> None:
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("space")
        await pilot.click("#hp-lr")
        app.screen.query_one("#hp-lr", Input).value = "-1"
        await pilot.press("enter")
        await pilot.pause()
        err = str(app.screen.query_one("#opt-error", Static).render())
        assert "lr" in err and err.count("\n") == 0
        assert app.session.problem.settings.hyper["lr"] == 0.1
        assert app.session.run.k == 1  # the run was not restarted
        app.screen.query_one("#hp-lr", Input).value = "abc"
        await pilot.press("enter")
        assert "lr must be a number, got 'abc'" in str(app.screen.query_one("#opt-error", Static).render())
        app.screen.query_one("#hp-lr", Input).value = "0.3"
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.problem.settings.hyper["lr"] == 0.3
        assert not app.screen.query_one("#opt-error").display
        await pilot.press("space")
        assert app.session.run.w[0] == 5 - 0.3 * 10
