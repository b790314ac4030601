"""Live running: a timer steps the session in time-bounded batches and redraws.

At slow speeds the timer fires once per step; from 30 steps a second on it fires
~30 times a second and each frame takes the steps owed (see
:class:`~gdtui.ui.controller.Pacer`).  The screen is redrawn after a batch at most
``DRAW_FPS`` times a second (and always when the run stops by itself): each redraw
costs bytes on a slow SSH link, and the numbers cannot be read faster anyway.  When
drawing makes the process use more than ``CPU_TARGET`` of a core, the runner draws
less often (never below ``MIN_FPS``), so that a class of thirty fits the machine.  Stepping a small problem is microseconds
per step and a frame never steps for more than the pacer's budget, so the event
loop stays responsive without a thread touching the run.  Paused means no timer.

Every pane is told about every frame, but the heavy ones (landscape, loss plot,
recent steps) redraw through a :class:`FrameGate`: while the screen runs live they
redraw at most a few times a second (each frame costs bytes on a slow SSH link, and
nobody reads a plot at 30 fps), with a trailing redraw so the last frame always
shows; when not live (paused, stepping by key) they redraw at once.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable

from textual.timer import Timer

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from gdtui.ui.controller import Session

__all__ = ["DRAW_FPS", "FrameGate", "LiveRunner"]

DRAW_FPS = 15  # most redraws a second while live (stepping may tick faster)
#: Share of one core a live session may use before it draws less often (issue 13: <= 10%).
CPU_TARGET = 0.08
MIN_FPS = 3  # the fewest redraws a second the adaptation goes down to
ADAPT_EVERY = 1.0  # seconds between two looks at the process's CPU time


class LiveRunner:
    """Runs a session live on `node`'s timers and calls `on_frame` after each batch."""

    def __init__(self, node: "MessagePump", session: Callable[[], "Session"],
                 on_frame: Callable[[], None], clock: Callable[[], float] = time.monotonic,
                 cpu_clock: Callable[[], float] = time.process_time) -> None:
        self._node = node
        self._session = session
        self._on_frame = on_frame
        self._clock = clock
        self._cpu_clock = cpu_clock
        self._drawn = -float("inf")
        self._window = (clock(), cpu_clock())
        self.timer: Timer | None = None
        self.ticks = 0
        """Batches stepped (for tests); ``frames`` counts the redraws asked for."""
        self.frames = 0
        #: Most redraws a second while live; a busy classroom server lowers it per student.
        self.draw_fps: float = DRAW_FPS
        self.fps: float = DRAW_FPS
        """Redraws a second the process can afford (see :meth:`_adapt`); at most ``draw_fps``."""

    @property
    def running(self) -> bool:
        """True while the timer is running."""
        return self.timer is not None

    def start(self) -> None:
        """Start (or restart at the current speed)."""
        self.stop()
        session = self._session()
        session.pacer.start()
        self._drawn = self._clock()  # the owner redraws right after starting
        self._window = (self._drawn, self._cpu_clock())
        self.timer = self._node.set_interval(session.pacer.interval(session.speed), self._tick)

    def stop(self) -> None:
        """Pause: stop the timer, so nothing runs while paused."""
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def respeed(self) -> None:
        """The speed changed: restart the timer at its new interval."""
        if self.running:
            self.start()

    def _tick(self) -> None:
        session = self._session()
        taken = session.step(session.pacer.owed(session.speed))
        self.ticks += 1
        run = session.run
        if run is None or taken == 0 or run.status != "running":
            self.stop()  # converged, diverged, domain error or max steps: stop by itself
        now = self._clock()
        self._adapt(now)
        # a little slack, so ticks ~1/30 s apart give an even 15 redraws a second
        if not self.running or now - self._drawn >= 0.9 / min(self.draw_fps, self.fps):
            self._drawn = now
            self.frames += 1
            self._on_frame()

    def _adapt(self, now: float) -> None:
        """Once a second: when the process used more than ``CPU_TARGET`` of a core, draw
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
            self.fps = max(MIN_FPS, fps * max(0.5, CPU_TARGET / share))
        elif share < 0.6 * CPU_TARGET:
            self.fps = min(self.draw_fps, fps * 1.25)


def is_live(node: "MessagePump") -> bool:
    """True while the screen ``node`` is on runs live (its ``live`` attribute)."""
    try:
        screen = node.screen  # type: ignore[attr-defined]
    except Exception:  # not mounted yet, or no screen
        return False
    return bool(getattr(screen, "live", False))


class FrameGate:
    """Calls ``draw`` at most ``fps`` times a second while ``node``'s screen runs live.

    :meth:`request` draws now when allowed; otherwise it makes sure a trailing draw
    happens when the interval is up, so the newest state is always shown in the end.
    When not live it always draws at once (so a paused screen is exact right away).
    ``draws`` counts the draws (for tests), ``clock`` can be replaced (for tests).
    """

    def __init__(self, node: "MessagePump", fps: float, draw: Callable[[], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._node = node
        self.interval = 1.0 / fps
        self._draw = draw
        self._clock = clock
        self._last = -float("inf")
        self._timer: Timer | None = None
        self.draws = 0

    def request(self) -> bool:
        """The state changed: draw now (True) or soon (False)."""
        now = self._clock()
        # a little slack: frames ~1/30 s apart should give an even 15 fps, not 10
        if not is_live(self._node) or now - self._last >= 0.9 * self.interval:
            self._fire(now)
            return True
        if self._timer is None:
            self._timer = self._node.set_timer(max(self._last + self.interval - now, 0.001),
                                               self._fire, name="frame-gate")
        return False

    def _fire(self, now: float | None = None) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._last = self._clock() if now is None else now
        self.draws += 1
        self._draw()
