"""Live ticks come once per drawn frame, and the heavy panes redraw in proportion to the frame rate.

A tick that draws nothing still wakes the process (thirty classroom students at 30
ticks a second is 900 wake-ups a second), so the runner ticks at its frame rate and
takes the steps owed by the clock; the panes' frame gates follow the runner's rate.
No clocks are real here: the timers are recorded, not run.
"""

from __future__ import annotations

import pytest

from gdtui.ui.controller import FRAME, Pacer
from gdtui.ui.screens.live import DRAW_FPS, LiveRunner
from gdtui.ui.widgets.frame_gate import FULL_FPS, FrameGate


def test_a_tick_per_frame_when_the_steps_owed_fit_the_budget() -> None:
    pacer = Pacer()
    assert pacer.tick_interval(30, 5) == pytest.approx(1 / 5)  # 6 steps a tick, drawn every tick
    assert pacer.tick_interval(30, 15) == pytest.approx(1 / 15)
    assert pacer.tick_interval(1, 5) == pytest.approx(1.0)  # slow: one step a tick, as before
    assert pacer.tick_interval(10_000, 5) == pytest.approx(FRAME)  # 2,000 steps would not fit a tick
    slow = Pacer(step_time=1e-3)  # a step of a big data set: 1 ms
    assert slow.tick_interval(100, 5) == pytest.approx(FRAME)  # 20 ms a tick: over half the 12 ms budget
    assert slow.tick_interval(10, 5) == pytest.approx(1 / 5)  # 2 ms a tick fits


class Timer:
    def __init__(self, interval: float) -> None:
        self.interval, self.stopped = interval, False

    def stop(self) -> None:
        self.stopped = True


class Node:
    def __init__(self) -> None:
        self.timers: list[Timer] = []

    def set_interval(self, interval: float, callback: object) -> Timer:
        self.timers.append(Timer(interval))
        return self.timers[-1]


class Session:
    speed, running = 30, True

    def __init__(self) -> None:
        self.pacer = Pacer()

    def step(self, n: int) -> int:
        return n


def test_a_new_frame_rate_retimes_the_ticks_and_tells_the_panes() -> None:
    node, session, rates = Node(), Session(), []
    runner = LiveRunner(node, lambda: session, lambda: None, on_rate=rates.append)  # type: ignore[arg-type]
    runner.start()
    assert node.timers[-1].interval == pytest.approx(1 / DRAW_FPS)
    runner.draw_fps = 5  # the classroom server asks for fewer frames
    assert node.timers[0].stopped and node.timers[-1].interval == pytest.approx(1 / 5)
    assert rates == [5]
    runner.draw_fps = 5.1  # a small change keeps the timer (and the panes' rates)
    assert len(node.timers) == 2 and rates == [5]
    runner.stop()
    runner.draw_fps = 10  # paused: nothing ticks, the panes still hear of it
    assert len(node.timers) == 2 and rates == [5, 10]
    runner.start()
    assert node.timers[-1].interval == pytest.approx(1 / 10)
    runner.interval_scale = 0.96  # a classroom student's own phase drift
    runner.start()
    assert node.timers[-1].interval == pytest.approx(0.96 / 10)


def test_the_runners_own_adaptation_stops_at_its_floor() -> None:
    cpu = [0.0]
    wall = [0.0]
    session = Session()
    runner = LiveRunner(Node(), lambda: session, lambda: cpu.__setitem__(0, cpu[0] + 0.05),  # type: ignore[arg-type]
                        clock=lambda: wall[0], cpu_clock=lambda: cpu[0])
    runner.min_fps = 5  # a classroom: the server's governor decides, not this process's share
    runner.start()
    for _ in range(300):  # 50 ms a frame: far over the process's CPU target
        wall[0] += 1 / 30
        runner._tick()
    assert runner.fps == 5


def test_frame_gates_draw_in_proportion_to_the_frame_rate() -> None:
    gate = FrameGate(None, 2, lambda: None, live=lambda: True)  # type: ignore[arg-type]
    assert gate.interval == pytest.approx(0.5)
    gate.frame_rate(5)  # a third of the full rate: a third as many draws
    assert gate.interval == pytest.approx(1.5) and gate.trailing == pytest.approx(0.2)
    gate.frame_rate(FULL_FPS * 2)  # never more than the gate's own rate
    assert gate.interval == pytest.approx(0.5)


async def test_the_screen_pushes_the_rate_down_to_the_heavy_panes() -> None:
    from gdtui.settings import Settings
    from gdtui.ui.app import GdApp
    from gdtui.ui.widgets.landscape import Landscape
    from gdtui.ui.widgets.loss_plot import LossPlot
    from gdtui.ui.widgets.recent_steps import RecentSteps

    app = GdApp(Settings(preset="rosenbrock"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.main_screen
        screen.runner.draw_fps = 5
        await pilot.pause()
        loss, land, recent = (screen.query_one(t) for t in (LossPlot, Landscape, RecentSteps))
        assert loss.live_fps == land.live_fps == recent.live_fps == 5
        assert loss._gate.interval == pytest.approx(1.5)  # 2 a second at full rate, a third now
        assert land._gate.interval == pytest.approx(1 / 5)  # the landscape: every frame
