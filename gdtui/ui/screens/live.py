"""Live running: a timer steps the session in time-bounded batches and redraws.

At slow speeds the timer fires once per step; faster, it fires once per frame drawn
(at most ``DRAW_FPS`` times a second, fewer when the rate is lowered) and each tick
takes the steps owed by the clock (see :class:`~gdtui.ui.controller.Pacer`), so a
tick that would draw nothing never wakes the process; only speeds whose steps would
not fit a frame's budget tick ~30 times a second.  The screen is redrawn after a batch
at most ``DRAW_FPS`` times a second (and always when the run stops by itself): each
redraw costs bytes on a slow SSH link, and the numbers cannot be read faster anyway.  When
drawing makes the process use more than ``CPU_TARGET`` of a core, the runner draws
less often (never below ``MIN_FPS``), so that a class of thirty fits the machine.
Stepping a small problem takes microseconds and a frame never steps for more than
the pacer's budget, so the event loop stays responsive without a thread touching the
run.  Paused means no timer.  The heavy panes redraw less often still, through their
:class:`~gdtui.ui.widgets.frame_gate.FrameGate`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable

from textual.timer import Timer

from gdtui.ui.widgets.frame_gate import FULL_FPS

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from gdtui.ui.controller import Paced

__all__ = ["DRAW_FPS", "LiveRunner"]

DRAW_FPS = FULL_FPS  # most redraws a second while live (15; stepping may tick faster)
#: Share of one core a live session may use before it draws less often (issue 13: <= 10%).
CPU_TARGET = 0.07
MIN_FPS = 3  # the fewest redraws a second the adaptation goes down to
ADAPT_EVERY = 0.5  # seconds between two looks at the process's CPU time


class LiveRunner:
    """Runs a session (the playground's or the compare view's) live on `node`'s timers
    and calls `on_frame` after each batch; `on_running(True/False)` when it starts and
    stops (also when the run stops by itself)."""

    def __init__(self, node: "MessagePump", session: Callable[[], "Paced | None"],
                 on_frame: Callable[[], None], clock: Callable[[], float] = time.monotonic,
                 cpu_clock: Callable[[], float] = time.process_time,
                 on_running: Callable[[bool], None] = lambda running: None,
                 on_rate: Callable[[float], None] = lambda fps: None) -> None:
        self._node = node
        self._session = session
        self._on_frame = on_frame
        self._on_running = on_running
        self._on_rate = on_rate
        self._rate_told = DRAW_FPS
        self._clock = clock
        self._cpu_clock = cpu_clock
        self._drawn = -float("inf")
        self._window = (clock(), cpu_clock())
        self.timer: Timer | None = None
        self.interval = 0.0
        """Seconds between the running timer's ticks."""
        self._draw_fps: float = DRAW_FPS
        self.fps: float = DRAW_FPS
        """Redraws a second the process can afford (see :meth:`_adapt`); at most ``draw_fps``."""
        self.interval_scale = 1.0
        """Ticks come this much sooner than the rate says (a classroom student takes a
        slightly different value each, 0.95 to 1: students who pressed p together drift
        apart within seconds instead of all drawing at the same moments)."""
        self.min_fps: float = MIN_FPS
        """The fewest redraws a second :meth:`_adapt` goes down to (a classroom raises it:
        there the server's governor decides how busy the machine may be)."""

    @property
    def draw_fps(self) -> float:
        """Most redraws a second while live; a busy classroom server lowers it per student."""
        return self._draw_fps

    @draw_fps.setter
    def draw_fps(self, fps: float) -> None:
        self._draw_fps = fps
        self._retime()

    @property
    def running(self) -> bool:
        """True while the timer is running."""
        return self.timer is not None

    def start(self) -> None:
        """Start (or restart at the current speed)."""
        self.stop()
        session = self._session()
        if session is None:
            return
        session.pacer.start()
        self._drawn = self._clock()  # the owner redraws right after starting
        self._window = (self._drawn, self._cpu_clock())
        self._set_timer(session)
        self._on_running(True)

    def _set_timer(self, session: "Paced") -> None:
        if self.timer is not None:
            self.timer.stop()
        self.interval = session.pacer.tick_interval(session.speed, self.rate) * self.interval_scale
        self.timer = self._node.set_interval(self.interval, self._tick)

    @property
    def rate(self) -> float:
        """Live frames a second now: the outside cap or what the process affords."""
        return min(self.draw_fps, self.fps)

    def _retime(self) -> None:
        """The frame rate changed: tell ``on_rate`` (the panes redraw in proportion) and
        tick at the new rate (the steps owed go on from the last tick, so no step is lost
        or doubled).  Small changes keep the timer."""
        rate = self.rate
        if abs(rate - self._rate_told) > 0.05 * self._rate_told:
            self._rate_told = rate
            self._on_rate(rate)
        session = self._session() if self.running else None
        if session is None:
            return
        interval = session.pacer.tick_interval(session.speed, rate) * self.interval_scale
        if abs(interval - self.interval) > 0.1 * self.interval:
            self._set_timer(session)

    def stop(self) -> None:
        """Pause: stop the timer, so nothing runs while paused."""
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
            self._on_running(False)

    def respeed(self) -> None:
        """The speed changed: restart the timer at its new interval."""
        if self.running:
            self.start()

    def _tick(self) -> None:
        session = self._session()
        if session is None:
            self.stop()
            return
        taken = session.step(session.pacer.owed(session.speed))
        if taken == 0 or not session.running:
            self.stop()  # converged, diverged, domain error or max steps: stop by itself
        now = self._clock()
        self._adapt(now)
        # a little slack, so ticks ~1/30 s apart give an even 15 redraws a second
        if not self.running or now - self._drawn >= 0.9 / self.rate:
            self._drawn = now
            self._on_frame()

    def _adapt(self, now: float) -> None:
        """Every ``ADAPT_EVERY`` seconds: when the process used more than ``CPU_TARGET`` of a core, draw
        less often (in proportion, down to ``MIN_FPS``); when well under it, more often
        again (up to ``draw_fps``).  Stepping keeps its speed either way: only the
        redraws are spaced out, and every one shows the newest step."""
        t0, c0 = self._window
        if now - t0 < ADAPT_EVERY:
            return
        cpu = self._cpu_clock()
        share = (cpu - c0) / (now - t0)
        self._window = (now, cpu)
        fps = min(self.fps, self.draw_fps)
        if share > CPU_TARGET:
            self.fps = max(self.min_fps, fps * max(0.5, CPU_TARGET / share))
        elif share < 0.6 * CPU_TARGET:
            self.fps = min(self.draw_fps, fps * 1.25)
        self._retime()  # also when the pacer's step time has changed

