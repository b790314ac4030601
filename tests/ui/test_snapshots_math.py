"""Screenshots of the 'inside the math' panels (compared with the SVGs in `__snapshots__/`).

Each panel at 80x24 on a course example, the graph mid-way through the backward pass
at 120x40, and the curvature panel in mono with --ascii.  Taken after the panel drew
the engine's result for the start point; no user theme, no NO_COLOR.
"""

from __future__ import annotations

import asyncio

import pytest
from ui_waits import workers_done


@pytest.fixture(autouse=True)
def same_terminal_everywhere(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("GDTUI_THEME_DIR", str(tmp_path))  # an empty directory
    monkeypatch.delenv("NO_COLOR", raising=False)


async def _ready(pilot) -> None:
    from gdtui.ui.screens.math_panel import MathPanel

    app = pilot.app
    for _ in range(600):
        await workers_done(app)
        await pilot.pause()
        screen = app.screen
        if app.session.ready and isinstance(screen, MathPanel) and screen.settled:
            break
        await asyncio.sleep(0.05)
    await workers_done(app)
    await pilot.pause()


def test_gradcheck_panel(snap_compare, ui) -> None:
    app = ui.make_app(preset="rosenbrock", view="gradcheck")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_ready)


def test_curvature_panel_2d(snap_compare, ui) -> None:
    app = ui.make_app(fn="x^2 + 3*y^2", start={"x": 2.0, "y": 1.0}, hyper={"lr": 0.1}, view="curvature")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_ready)


def test_curvature_panel_1d_mono_ascii(snap_compare, ui) -> None:
    app = ui.make_app(fn="x^4 - 3*x^2 + x", start={"x": 2.0}, hyper={"lr": 0.01}, view="curvature",
                      theme="mono", ascii=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_ready)


def test_graph_panel(snap_compare, ui) -> None:
    app = ui.make_app(fn="sigmoid(w*x + b)", start={"w": 0.5, "b": 0.1, "x": 2.0}, view="graph")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_ready)


def test_graph_panel_backward_with_data_at_120x40(snap_compare, ui) -> None:
    async def steps(pilot) -> None:
        await _ready(pilot)
        await pilot.press("right", "right", "right", "right")
        await pilot.pause()

    app = ui.make_app(preset="line", view="graph")
    assert snap_compare(app, terminal_size=(120, 40), run_before=steps)
