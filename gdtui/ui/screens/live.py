"""Live running: a timer steps the session in time-bounded batches and redraws.

At slow speeds the timer fires once per step; from 30 steps a second on it fires
~30 times a second and each frame takes the steps owed (see
:class:`~gdtui.ui.controller.Pacer`).  The screen is redrawn after a batch at most
``DRAW_FPS`` times a second (and always when the run stops by itself): each redraw
costs bytes on a slow SSH link, and the numbers cannot be read faster anyway.
Stepping a small problem takes microseconds and a frame never steps for more than
the pacer's budget, so the event loop stays responsive without a thread touching the
run.  Paused means no timer.  The heavy panes redraw less often still, through their
:class:`~gdtui.ui.widgets.frame_gate.FrameGate`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable

from textual.timer import Timer

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from gdtui.ui.controller import Paced

__all__ = ["DRAW_FPS", "LiveRunner"]

DRAW_FPS = 15  # most redraws a second while live (stepping may tick faster)


class LiveRunner:
    """Runs a session (the playground's or the compare view's) live on `node`'s timers
    and calls `on_frame` after each batch;
    `on_running(True/False)` when it starts and stops (also when the run stops by itself)."""

    def __init__(self, node: "MessagePump", session: Callable[[], "Paced | None"],
                 on_frame: Callable[[], None], clock: Callable[[], float] = time.monotonic,
                 on_running: Callable[[bool], None] = lambda running: None) -> None:
        self._node = node
        self._session = session
        self._on_frame = on_frame
        self._on_running = on_running
        self._clock = clock
        self._drawn = -float("inf")
        self.timer: Timer | None = None
        #: Most redraws a second while live; a busy classroom server lowers it per student.
        self.draw_fps: float = DRAW_FPS

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
        self.timer = self._node.set_interval(session.pacer.interval(session.speed), self._tick)
        self._on_running(True)

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
        # a little slack, so ticks ~1/30 s apart give an even 15 redraws a second
        if not self.running or now - self._drawn >= 0.9 / self.draw_fps:
            self._drawn = now
            self._on_frame()
