"""The compare view: sweep, race, batch sizes, basins, the saddle with noise, all runs
moved together (space/n/p/b/r), leaving it, the key, the palette and help, 64 runs."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from ui_waits import workers_done

from gdtui.engine.run import Run
from gdtui.settings import Settings
from gdtui.ui.screens.compare import CompareScreen


async def compare_ready(pilot, timeout: float = 30.0) -> CompareScreen:
    """Wait until the compare view's comparison is built and its workers are done."""
    app = pilot.app
    for _ in range(int(timeout / 0.05)):
        await workers_done(app)
        await pilot.pause()
        screen = app.screen
        if isinstance(screen, CompareScreen) and screen.session is not None:
            await workers_done(app)
            await pilot.pause()
            return screen
        await asyncio.sleep(0.05)
    raise AssertionError("the comparison was never built")


def single_run(screen: CompareScreen, i: int, steps: int) -> Run:
    """Run i of the comparison as a single run with the same settings, `steps` steps."""
    from gdtui.problem import Problem

    compared = screen.session.compared
    s = compared.settings[i]
    run = Problem(s, compared.comparison.runs[i].objective, compared.problem.dataset).new_run()
    run.step(steps)
    return run


async def test_learning_rate_sweep_regimes_and_2_over_lambda(ui):
    app = ui.make_app(preset="parabola", compare=(("lr", (0.001, 0.1, 0.7, 1.0, 1.1)),))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        screen = await compare_ready(pilot)
        for _ in range(10):
            await pilot.press("n")
        await pilot.pause()
        c = screen.session.comparison
        assert c.k == 100
        assert [c.regime(i) for i in range(5)] == ["too-slow", "converges", "zigzags", "oscillates", "diverges"]
        text = ui.screen_text(app)
        for word in ("zigzags", "converges", "too-slow", "oscillates", "diverges", "2/λmax = 1", "lr=1.1 *"):
            assert word in text, word
        # the leader first: lr=0.7 converged in the fewest steps
        board = [line for line in text.splitlines() if "lr=" in line and "│" in line]
        assert "lr=0.7" in board[0] and "lr=1.1" in board[-1]


async def test_optimizer_race_moves_all_runs_together_and_back_is_exact(ui):
    app = ui.make_app(preset="rosenbrock", compare=(("optimizer", ("sgd", "momentum", "adam")),))
    async with app.run_test(size=(120, 40)) as pilot:
        await ui.ready(pilot)
        screen = await compare_ready(pilot)
        c = screen.session.comparison
        await pilot.press("space", "n", "n")
        assert c.k == 21
        paths = [c.path(i).copy() for i in range(3)]
        await pilot.press("b")
        assert c.k == 20
        await pilot.press("space")
        for i in range(3):
            np.testing.assert_array_equal(c.path(i), paths[i])
            np.testing.assert_array_equal(c.path(i), single_run(screen, i, 21).history.w)
        land = ui.screen_text(app)
        for marker in "123":
            assert marker in land
        await pilot.press("r")
        assert c.k == 0
        await pilot.press("p")  # live: every run steps
        for _ in range(40):
            await asyncio.sleep(0.05)
            await pilot.pause()
            if c.k > 5:
                break
        await pilot.press("p")
        assert c.k > 5 and not screen.live
        for i in range(3):  # a run that stopped keeps its place, the others reach step k
            assert c.path(i).shape[0] == c.last_row(i) + 1
            assert c.status(i) != "running" or c.last_row(i) == c.k


async def test_batch_sizes_are_exact_single_runs(ui):
    app = ui.make_app(preset="noisy-line", compare=(("batch-size", ("full", 10, 1)),))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        screen = await compare_ready(pilot)
        for _ in range(3):
            await pilot.press("n")
        c = screen.session.comparison
        assert c.labels == ["batch-size=full", "batch-size=10", "batch-size=1"]
        for i in range(3):
            run = single_run(screen, i, 30)
            np.testing.assert_array_equal(c.path(i), run.history.w)
            assert c.final(i)["loss"] == run.full_loss_grad()[0]
        assert "batch-size=1" in ui.screen_text(app)


async def test_basin_strip_shows_momentum_rolling_past_the_local_minimum(ui):
    app = ui.make_app(preset="double-well", compare=(("optimizer", ("sgd", "momentum")),))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        screen = await compare_ready(pilot)
        for _ in range(60):
            await workers_done(app)
            await pilot.pause()
            if screen.query_one("#cmp-basins")._basins is not None:
                break
            await asyncio.sleep(0.05)
        strip = screen.query_one("#cmp-basins")
        b = strip._basins
        assert b is not None and len(b.minima) == 2
        right = [j for j, x in enumerate(b.starts) if x > 1.2]
        assert right and all(b.ends["sgd"][j] == 1 for j in right)  # sgd stays in the local valley
        assert any(b.ends["momentum"][j] == 0 for j in right)  # momentum rolls on to the deeper one
        text = ui.screen_text(app)
        cells = [line.split("│")[1] for line in text.splitlines() if line.count("│") >= 2]
        rows = [c for c in cells if len(c) > 10 and set(c) <= set("ab?~")]
        assert len(rows) == 2 and rows[0] != rows[1]


async def test_saddle_with_gradient_noise_escapes_from_the_palette(ui):
    app = ui.make_app(preset="bowl")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        saddle = Settings(fn="x^2 - y^2", start={"x": 1.0, "y": 0.0}, hyper={"lr": 0.1}, seed=1)
        app.action_compare("noise=0,0.01 steps=300", saddle)
        screen = await compare_ready(pilot)
        for _ in range(30):
            await pilot.press("n")
        c = screen.session.comparison
        assert c.status(0) == "converged" and c.path(0)[-1][1] == 0.0  # stalls at the saddle
        assert c.status(1) == "diverged"  # the noise pushed it off the ridge
        assert "noise=0.01" in ui.screen_text(app)


async def test_leaving_returns_to_the_single_view_with_the_first_runs_settings(ui):
    app = ui.make_app(preset="parabola", compare=(("optimizer", ("adam", "sgd")), ("lr", (0.3, 0.1))))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await compare_ready(pilot)
        await pilot.press("escape")
        for _ in range(100):
            await workers_done(app)
            await pilot.pause()
            p = app.session.problem
            if p is not None and p.settings.optimizer == "adam":
                break
            await asyncio.sleep(0.05)
        assert not isinstance(app.screen, CompareScreen)
        s = app.session.problem.settings
        assert s.optimizer == "adam" and s.hyper["lr"] == 0.3
        assert app.session.run.optimizer.name == "adam"


async def test_key_v_opens_a_sweep_around_the_current_lr_and_help_lists_it(ui):
    app = ui.make_app(preset="parabola")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        from textual.widgets import Static

        from gdtui.ui.screens.help import HelpScreen

        await pilot.press("question_mark")  # what a teacher does: open help, read, close
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.query_one("#help-keys", Static).render())
        assert "compare runs side by side" in keys
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("v")
        screen = await compare_ready(pilot)
        assert screen.text == "lr=0.01,0.1,0.5,1 steps=100"
        assert screen.session.R == 4


async def test_palette_lists_the_compare_view(ui):
    from gdtui.ui.palette import GdCommands, _compare_commands

    app = ui.make_app(preset="parabola")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        titles = [t for t, _, _ in _compare_commands(app, app.msg)]
        assert titles[0] == "compare: learning rates" and len(titles) == 4
        provider = GdCommands(app.screen)
        assert any(t.startswith("compare:") for t, _, _ in provider._commands())


async def test_bad_text_is_one_line_and_keeps_the_last_comparison(ui):
    app = ui.make_app(preset="parabola", compare=(("lr", (0.1, 0.2)),))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        screen = await compare_ready(pilot)
        before = screen.session
        await pilot.press("tab")
        field = screen.query_one("#cmp-input")
        field.value = "lr=0.1,abc"
        await pilot.press("enter")
        for _ in range(40):
            await workers_done(app)
            await pilot.pause()
            if "error" in ui.screen_text(app):
                break
        status = ui.screen_text(app).splitlines()[-2]
        assert "error:" in status and "'abc'" in status and "lr" in status
        assert screen.session is before
        await pilot.press("space")  # the run keys work again
        assert before.comparison.k == 1
        assert "'abc'" in ui.screen_text(app).splitlines()[-2]  # the error stays until the next build


async def test_sixty_four_runs_scroll_and_all_paths_draw(ui):
    lrs = tuple(round(0.05 * (i + 1), 2) for i in range(8))
    starts = tuple({"x": 4 * np.cos(a), "y": 3 * np.sin(a)} for a in np.linspace(0, 2 * np.pi, 9)[:-1])
    app = ui.make_app(preset="bowl", compare=(("start", starts), ("lr", lrs)))
    async with app.run_test(size=(120, 40)) as pilot:
        await ui.ready(pilot)
        screen = await compare_ready(pilot)
        await pilot.press("space")
        assert screen.session.R == 64
        pane = screen.query_one("#cmp-board-pane")
        assert pane.max_scroll_y > 0  # the leaderboard scrolls
        land = screen.query_one("#cmp-landscape")
        chars = set(land._painter.chars.ravel().tolist())
        from gdtui.ui.compare_session import MARKERS

        drawn = {screen.session.marker(i) for i in range(64)} & chars
        assert len(drawn) >= 56, len(drawn)  # (a few paths may hide under others)
        assert MARKERS[63] == "?" and len(set(MARKERS)) == 64
