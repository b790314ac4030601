"""Pilot tests: stepping, back, reset, ten steps and live running on x² from 5 (sgd, lr 0.1).

Each update is w ← w − 0.1·2w = 0.8·w, so from 5: 4, 3.2, 2.56, ...
"""

from __future__ import annotations

import re

import pytest

from gdtui.settings import Settings
from gdtui.ui.app import GdApp
from gdtui.ui.widgets.state_table import StateTable
from gdtui.ui.widgets.status_bar import StatusBar


def x_squared() -> GdApp:
    return GdApp(Settings(fn="x^2", start={"x": 5}, optimizer="sgd", hyper={"lr": 0.1}))


def cell(app: GdApp, row: str, param: str = "x") -> str:
    return str(app.screen.query_one(StateTable).get_cell(row, param))


def status_text(app: GdApp) -> str:
    return str(app.screen.query_one(StatusBar).render())


async def test_three_spaces_reach_2_56(ui) -> None:
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        assert cell(app, "w") == "5"
        for _ in range(3):
            await pilot.press("space")
        await pilot.pause()
        assert app.session.run.k == 3
        assert app.session.run.w[0] == pytest.approx(2.56)
        assert cell(app, "w") == "2.56"
        assert cell(app, "grad") == "5.12"
        # the update that made 2.56, worked out with the gradient that made it (step 2's)
        recent = app.screen.query_one("#recent").render().plain
        assert "x₃ = x₂ − η·g₂\n   = 3.2 − 0.1·6.4 = 2.56\n" in recent
        assert "step 3" in app.screen.query_one("#state").border_title


async def test_back_is_exact_and_reset_returns_to_start(ui) -> None:
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("space", "space")
        before = list(app.session.run.w)
        await pilot.press("space", "b")
        await pilot.pause()
        assert app.session.run.k == 2
        assert app.session.run.w == before  # exactly, not approximately
        assert cell(app, "w") == "3.2"
        await pilot.press("r")
        await pilot.pause()
        assert app.session.run.k == 0
        assert app.session.run.w == [5.0]
        assert cell(app, "w") == "5"
        await pilot.press("b")  # back at step 0 does nothing, and does not crash
        assert app.session.run.k == 0


async def test_n_takes_ten_steps(ui) -> None:
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert app.session.run.k == 10
        assert app.session.run.w[0] == pytest.approx(5 * 0.8**10)
        assert "step 10" in app.screen.query_one("#state").border_title


async def test_live_run_stops_by_itself_on_convergence(ui) -> None:
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("plus", "plus")  # 30 → 100 → 1000 steps/s
        assert app.session.speed == 1000
        await pilot.press("p")  # (Pilot's press waits while the live timer keeps the app busy)
        for _ in range(300):
            await pilot.pause(0.02)
            if not app.main_screen.live:
                break
        assert not app.main_screen.live, "the live run never stopped"
        assert app.session.run.status == "converged"
        assert app.session.run.k > 10
        assert "converged" in status_text(app)
        # Paused and stopped: no timer left running.
        assert app.main_screen.runner.timer is None


async def test_p_pauses_a_live_run_and_speed_keys_change_speed(ui) -> None:
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("minus", "minus", "minus", "minus", "minus")
        assert app.session.speed == 1  # the slowest speed
        await pilot.press("p")
        assert app.main_screen.live
        assert "running" in status_text(app)
        await pilot.press("p")
        assert not app.main_screen.live
        k = app.session.run.k
        await pilot.pause(0.3)
        assert app.session.run.k == k  # nothing moves while paused
        assert "1 step/s" in status_text(app)


async def test_space_while_running_pauses_and_steps_once(ui) -> None:
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("minus", "minus", "minus", "minus", "minus", "p")
        k = app.session.run.k
        await pilot.press("space")
        assert not app.main_screen.live
        assert app.session.run.k == k + 1


async def test_live_run_puts_the_step_in_the_status_line_not_the_pane_title(ui) -> None:
    # A changing border title would redraw the whole state pane every frame.
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("minus", "minus")  # 5 steps/s: still running when we look
        await pilot.press("p")
        await pilot.pause(0.5)
        assert app.screen.query_one("#state").border_title == "state · live"
        assert re.search(r"step \d+ · running", status_text(app))
        await pilot.press("p")
        await pilot.pause()
        k = app.session.run.k
        assert k > 0
        assert app.screen.query_one("#state").border_title == f"state · step {k}"
