"""Start-up order (issue 13): the first frame is the panes' frames saying "loading…"; the
panes come right after it and compiling after them.  Keys pressed before the first
problem is ready are neither lost nor a crash: the run keys are acted on, in order,
once it is ready.

Each stage is held back by hand (the panes' mount, the compile), so what a key meets
does not depend on how fast the machine is.
"""

from __future__ import annotations

import pytest

from gdtui.settings import Settings
from gdtui.ui.app import GdApp
from gdtui.ui.screens.main import MainScreen


def x_squared() -> GdApp:
    return GdApp(Settings(fn="x^2", start={"x": 5}, optimizer="sgd", hyper={"lr": 0.1}))


#: space, space, n (×10), b: 11 updates; + : 30 → 100 steps/s; l: the loss axis linear
KEYS = ("space", "space", "n", "b", "plus", "l")


def hold_compile(monkeypatch) -> list:
    """jobs.compile_problem only records its call (released by `release`)."""
    from gdtui.ui import jobs

    held: list = []
    monkeypatch.setattr(jobs, "compile_problem", lambda *args, **kw: held.append((args, kw)))
    return held


def release(held: list, monkeypatch) -> None:
    monkeypatch.undo()
    from gdtui.ui import jobs

    (args, kw), = held
    jobs.compile_problem(*args, **kw)


def hold_panes(monkeypatch) -> tuple[list[MainScreen], object]:
    """Keep the panes from mounting after the first frame: (the screens that asked, the
    real ``_mount_panes`` to call later with :func:`mount_held`)."""
    held: list[MainScreen] = []

    async def hold(self: MainScreen) -> None:
        held.append(self)

    real_mount = MainScreen._mount_panes
    monkeypatch.setattr(MainScreen, "_mount_panes", hold)
    return held, real_mount


async def mount_held(pilot, screen: MainScreen, real_mount) -> None:
    """Run the held-back ``_mount_panes`` on the screen's own message loop."""
    screen.call_next(real_mount, screen)
    for _ in range(200):
        await pilot.pause()
        if screen._panes_mounted:
            return
    raise AssertionError("the panes never came")


def assert_keys_acted_on(app: GdApp) -> None:
    from gdtui.ui.widgets.loss_plot import LossPlot

    assert app.session.run.k == 11
    assert app.session.run.w[0] == pytest.approx(5 * 0.8 ** 11)
    assert app.session.speed == 100
    assert app.main_screen.query_one(LossPlot).log_scale is False  # it starts on


async def test_the_first_frame_is_the_pane_frames_saying_loading(ui, monkeypatch) -> None:
    held_panes, real_mount = hold_panes(monkeypatch)
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = ui.screen_text(app)
        for title in ("function", "optimizer", "state", "landscape", "loss"):
            assert f"─ {title} ─" in text
        assert text.count("loading…") == 4  # function, state, landscape, loss
        assert "compiling…" in text
        assert held_panes == [app.main_screen]
        await mount_held(pilot, held_panes[0], real_mount)
        await ui.ready(pilot)
        text = ui.screen_text(app)
        assert "loading…" not in text
        assert "f = x^2" in text and "∂f/∂x = 2*x" in text


async def test_keys_before_the_panes_exist_are_acted_on_once_the_problem_is_ready(ui, monkeypatch) -> None:
    held_panes, real_mount = hold_panes(monkeypatch)
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # every run key, plus the ones that act on panes, while only placeholders exist
        await pilot.press(*KEYS, "u", "x", "escape", "t")
        await pilot.pause()
        assert app.session.run is None and "loading…" in ui.screen_text(app)
        monkeypatch.undo()
        await mount_held(pilot, held_panes[0], real_mount)
        await ui.ready(pilot)
        await pilot.pause()
        # u (the recent steps instead of the update) was kept too: it is the screen's to show
        assert app.session.run.k == 11
        assert app.session.speed == 100


async def test_keys_while_compiling_are_acted_on_in_order_once_ready(ui, monkeypatch) -> None:
    held = hold_compile(monkeypatch)
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):  # the panes come right after the first frame
            await pilot.pause()
            if held:
                break
        assert held, "compiling never started"
        await pilot.press(*KEYS)
        await pilot.pause()
        assert app.session.run is None  # not compiled: the keys wait
        release(held, monkeypatch)
        await ui.ready(pilot)
        await pilot.pause()
        assert_keys_acted_on(app)
        await pilot.press("space")  # from now on keys act at once
        await pilot.pause()
        assert app.session.run.k == 12


async def test_kept_keys_are_bounded(ui, monkeypatch) -> None:
    from gdtui.ui.screens.main import PENDING_KEYS

    held = hold_compile(monkeypatch)
    app = x_squared()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            await pilot.pause()
            if held:
                break
        await pilot.press(*["space"] * (PENDING_KEYS + 10))
        await pilot.pause()
        release(held, monkeypatch)
        await ui.ready(pilot)
        await pilot.pause()
        assert app.session.run.k == PENDING_KEYS
