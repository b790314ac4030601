"""The live runner draws less often when the process is busy, and steps as fast as ever.

Both clocks are fakes: the wall clock moves 1/30 s a tick, the CPU clock by what the
test says a tick costs, so nothing here depends on the machine's speed.
"""

from __future__ import annotations

from gdtui.ui.screens import live
from gdtui.ui.screens.live import DRAW_FPS, LiveRunner


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Session:
    class Pacer:
        def start(self) -> None: ...
        def owed(self, speed: float) -> int: return 1
        def interval(self, speed: float) -> float: return 1 / 30
        def tick_interval(self, speed: float, fps: float) -> float: return 1 / 30

    speed = 30
    running = True  # the run never stops by itself here

    def __init__(self) -> None:
        self.pacer, self.steps = self.Pacer(), 0

    def step(self, n: int) -> int:
        self.steps += n
        return n


class Node:
    def set_interval(self, *a: object) -> object:
        return type("T", (), {"stop": lambda self: None})()


def run_for(seconds: float, cost_per_frame: float, cost_per_tick: float = 0.0,
            runner: LiveRunner | None = None, clocks=None):
    """Tick for ``seconds`` at 30 ticks a second; a drawn frame costs ``cost_per_frame``
    of CPU time.  Returns (runner, session, frames drawn per second in the last second)."""
    wall, cpu = clocks or (Clock(), Clock())
    session = Session()
    frames: list[float] = []

    def frame() -> None:
        cpu.now += cost_per_frame
        frames.append(wall.now)

    if runner is None:
        runner = LiveRunner(Node(), lambda: session, frame, clock=wall, cpu_clock=cpu)  # type: ignore[arg-type]
        runner.start()
    else:
        runner._session = lambda: session
        runner._on_frame = frame
    for _ in range(int(seconds * 30)):
        wall.now += 1 / 30
        cpu.now += cost_per_tick
        runner._tick()
    last = [t for t in frames if t > wall.now - 1.0]
    return runner, session, len(last)


def test_a_cheap_frame_keeps_the_full_rate() -> None:
    runner, session, fps = run_for(5, cost_per_frame=0.001)  # 15 fps: 1.5% of a core
    assert runner.fps == DRAW_FPS and DRAW_FPS - 1 <= fps <= DRAW_FPS + 1
    assert session.steps == 150  # 30 steps a second, every tick


def test_an_expensive_frame_lowers_the_rate_to_fit_the_target_and_steps_on() -> None:
    # 20 ms a frame: 15 fps would be 30% of a core
    runner, session, fps = run_for(8, cost_per_frame=0.020)
    assert fps * 0.020 <= live.CPU_TARGET * 1.3  # about the target: a frame is ~1/fps s apart
    assert live.MIN_FPS <= runner.fps < DRAW_FPS
    assert session.steps == 240  # stepping never slowed down


def test_the_rate_never_drops_below_the_floor() -> None:
    runner, session, fps = run_for(8, cost_per_frame=0.2)  # hopeless: 200 ms a frame
    assert runner.fps == live.MIN_FPS and fps >= live.MIN_FPS - 1
    assert session.steps == 240


def test_the_rate_comes_back_when_the_process_is_idle_again() -> None:
    clocks = (Clock(), Clock())
    runner, _, _ = run_for(8, cost_per_frame=0.05, clocks=clocks)
    low = runner.fps
    assert low < DRAW_FPS
    runner, _, fps = run_for(10, cost_per_frame=0.0005, runner=runner, clocks=clocks)
    assert runner.fps == DRAW_FPS > low and fps >= DRAW_FPS - 1


def test_an_outside_cap_still_wins() -> None:
    """The classroom server sets ``draw_fps`` lower when the machine is busy."""
    clocks = (Clock(), Clock())
    session = Session()
    frames: list[float] = []
    runner = LiveRunner(Node(), lambda: session, lambda: frames.append(clocks[0].now),  # type: ignore[arg-type]
                        clock=clocks[0], cpu_clock=clocks[1])
    runner.draw_fps = 5
    runner.start()
    for _ in range(60):
        clocks[0].now += 1 / 30
        runner._tick()
    assert len([t for t in frames if t > clocks[0].now - 1.0]) <= 6


async def test_a_gate_draws_on_the_next_frame_not_in_between() -> None:
    """While live, a request that comes too soon is drawn by the next frame's request
    (all panes in one screen update); the trailing timer is only the last resort."""
    from textual.app import App
    from textual.widgets import Static

    from gdtui.ui.widgets.frame_gate import FrameGate

    draws: list[float] = []
    clock = Clock()

    class GateApp(App[None]):
        def compose(self):
            yield Static("x")

    app = GateApp()
    async with app.run_test() as pilot:
        gate = FrameGate(app.screen, 10, lambda: draws.append(clock.now), live=lambda: True, clock=clock)
        assert gate.request() and draws == [0.0]
        clock.now = 0.04  # too soon for 10 a second: a trailing draw is set up ...
        assert not gate.request()
        clock.now = 0.10  # ... but the next frame comes first and draws
        assert gate.request() and draws == [0.0, 0.10]
        await pilot.pause(0.3)  # the trailing timer was cancelled: no draw in between
        assert draws == [0.0, 0.10]
        clock.now = 0.15
        assert not gate.request()  # too soon, and no frame follows (the run was paused)
        for _ in range(100):  # due 0.1 s later; a busy machine may fire the timer late
            await pilot.pause(0.1)
            if len(draws) == 3:
                break
        assert draws == [0.0, 0.10, 0.15]  # the trailing draw still comes
