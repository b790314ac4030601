"""Live running: a timer steps the session in time-bounded batches, one redraw a frame.

At slow speeds the timer fires once per step; from 30 steps a second on it fires
~30 times a second and each frame takes the steps owed (see
:class:`~gdtui.ui.controller.Pacer`).  Stepping a small problem is microseconds
per step and a frame never steps for more than the pacer's budget, so the event
loop stays responsive without a thread touching the run.  Paused means no timer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from textual.timer import Timer

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from gdtui.ui.controller import Session

__all__ = ["LiveRunner"]


class LiveRunner:
    """Runs a session live on `node`'s timers and calls `on_frame` after each batch."""

    def __init__(self, node: "MessagePump", session: Callable[[], "Session"],
                 on_frame: Callable[[], None]) -> None:
        self._node = node
        self._session = session
        self._on_frame = on_frame
        self.timer: Timer | None = None

    @property
    def running(self) -> bool:
        """True while the timer is running."""
        return self.timer is not None

    def start(self) -> None:
        """Start (or restart at the current speed)."""
        self.stop()
        session = self._session()
        session.pacer.start()
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
        run = session.run
        if run is None or taken == 0 or run.status != "running":
            self.stop()  # converged, diverged, domain error or max steps: stop by itself
        self._on_frame()
