"""Resizing the terminal while a live run is going: 80×24 → 40×12 → 200×60 → 80×24.

The run keeps running through every size, the 40×12 terminal gets the
"terminal too small" note instead of squashed panes, the big one shows every pane,
and afterwards the keys still work: pausing stops the run and a step moves it by one.
"""

from __future__ import annotations

from ui_waits import until

from gdtui.ui.widgets.state_table import StateTable

PANES = ("function", "optimizer", "state · ", "landscape", "loss")  # "state · live" while running


async def test_resizing_during_a_live_run_keeps_running_and_responding(ui) -> None:
    screen_text = ui.screen_text
    app = ui.make_app()  # the default problem, as `gdtui` opens it
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("minus", "minus")  # 5 steps/s: still running when we pause
        assert app.session.speed == 5
        await pilot.press("p")
        assert app.main_screen.live
        run = app.session.run
        k_start = run.k

        await pilot.resize_terminal(40, 12)
        await until(pilot, lambda: "terminal too small" in screen_text(app))
        text = screen_text(app)
        assert "terminal too small" in text
        assert "need 60×20, have 40×12" in text
        assert "landscape" not in text  # no squashed panes behind the note
        assert len(text.splitlines()) == 12 and max(len(line) for line in text.splitlines()) == 40

        await pilot.resize_terminal(200, 60)
        await until(pilot, lambda: len(screen_text(app).splitlines()) == 60 and "landscape" in screen_text(app))
        text = screen_text(app)
        assert "too small" not in text
        for title in PANES:
            assert title in text, title
        assert len(text.splitlines()) == 60

        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: len(screen_text(app).splitlines()) == 24 and "landscape" in screen_text(app))
        text = screen_text(app)
        assert "too small" not in text
        for title in PANES:
            assert title in text, title

        assert app.main_screen.live, "resizing stopped the live run"
        await until(pilot, lambda: run.k > k_start, timeout=5.0)
        assert run.k > k_start, "the live run did not advance while resizing"
        assert app.session.run is run  # resizing did not restart anything

        await pilot.press("p")  # pause
        assert not app.main_screen.live
        k = run.k
        await pilot.pause(0.3)
        assert run.k == k  # paused means paused
        await pilot.press("space")
        await pilot.pause()
        assert run.k == k + 1
        assert f"state · step {k + 1}" in screen_text(app)
        assert app.screen.query_one(StateTable).row_count > 0
        assert app._exception is None
        assert app.is_running
