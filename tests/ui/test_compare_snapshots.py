"""Screenshots of the compare view (see test_snapshots.py for how shots are kept stable):
a learning-rate sweep of 4 runs at 80x24 (chalkboard, mono, --ascii, NO_COLOR), 8 runs
at 120x40 (chalkboard, mono), and the double well's basin strip at 80x24."""

from __future__ import annotations

import asyncio

import pytest
from ui_waits import workers_done

from gdtui.ui.screens.compare import CompareScreen

SWEEP = (("lr", (0.1, 0.5, 0.9, 1.05)),)
EIGHT = (("lr", (0.001, 0.005, 0.01, 0.02, 0.03, 0.038, 0.04, 0.042)),)


@pytest.fixture(autouse=True)
def same_terminal_everywhere(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("GDTUI_THEME_DIR", str(tmp_path))
    monkeypatch.delenv("NO_COLOR", raising=False)


def settled(ui, presses: int):
    async def run_before(pilot) -> None:
        app = pilot.app
        await ui.ready(pilot)
        for _ in range(600):
            await workers_done(app)
            await pilot.pause()
            screen = app.screen
            if isinstance(screen, CompareScreen) and screen.session is not None:
                break
            await asyncio.sleep(0.05)
        for _ in range(presses):
            await pilot.press("n")
        for _ in range(5):  # the basin strip's thread, then its redraw
            await workers_done(app)
            await pilot.pause()
        await ui.quiet(pilot)

    return run_before


@pytest.mark.parametrize("theme", ["chalkboard", "mono"])
def test_sweep_of_four_at_80x24(snap_compare, ui, theme: str) -> None:
    app = ui.make_app(preset="lesson-bowl", theme=theme, compare=SWEEP)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled(ui, 2))


def test_sweep_ascii_at_80x24(snap_compare, ui) -> None:
    app = ui.make_app(preset="lesson-bowl", ascii=True, compare=SWEEP)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled(ui, 2))


def test_sweep_no_color_at_80x24(snap_compare, ui, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = ui.make_app(preset="lesson-bowl", compare=SWEEP)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled(ui, 2))


@pytest.mark.parametrize("theme", ["chalkboard", "mono"])
def test_eight_runs_at_120x40(snap_compare, ui, theme: str) -> None:
    app = ui.make_app(preset="ill-conditioned", theme=theme, compare=EIGHT)
    assert snap_compare(app, terminal_size=(120, 40), run_before=settled(ui, 5))


def test_basins_of_the_double_well_at_80x24(snap_compare, ui) -> None:
    app = ui.make_app(preset="double-well", compare=(("optimizer", ("sgd", "momentum")), ("momentum", (0.9,))))
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled(ui, 8))
