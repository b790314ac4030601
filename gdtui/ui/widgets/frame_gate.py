"""FrameGate: how often a heavy widget redraws while the run is live.

The landscape, the loss plot, the recent steps and the compare plots are told about
every frame, but while the run is live they redraw at most a few times a second
(each frame costs bytes on a slow SSH link, and nobody reads a plot at 30 fps), with
a trailing redraw so the last frame always shows; when not live (paused, stepping by
key) they redraw at once, so a paused screen is exact right away.  Whether the run is
live is the widget's own ``live`` reactive, which its screen pushes down
(``data_bind``); the gate never looks up the tree.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from textual.message_pump import MessagePump
    from textual.timer import Timer

__all__ = ["FrameGate"]


class FrameGate:
    """Calls ``draw`` at most ``fps`` times a second while ``live()`` is true.

    :meth:`request` draws now when allowed; otherwise it makes sure a trailing draw
    happens on ``node``'s timer when the interval is up, so the newest state is always
    shown in the end.  ``clock`` can be replaced (tests do).
    """

    def __init__(self, node: "MessagePump", fps: float, draw: Callable[[], None],
                 live: Callable[[], bool], clock: Callable[[], float] = time.monotonic) -> None:
        self._node = node
        self.interval = 1.0 / fps
        self.draw = draw
        """What a redraw calls (tests may wrap it to count redraws)."""
        self._live = live
        self.clock = clock
        self._last = -float("inf")
        self._timer: "Timer | None" = None

    def request(self) -> bool:
        """The state changed: draw now (True) or soon (False)."""
        now = self.clock()
        # a little slack: frames ~1/30 s apart should give an even 15 fps, not 10
        if not self._live() or now - self._last >= 0.9 * self.interval:
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
        self._last = self.clock() if now is None else now
        self.draw()
