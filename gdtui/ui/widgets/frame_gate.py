"""FrameGate: how often a heavy widget redraws while the run is live.

The landscape, the loss plot, the recent steps and the compare plots are told about
every frame, but while the run is live they redraw at most a few times a second
(each frame costs bytes on a slow SSH link, and nobody reads a plot at 30 fps), with
a trailing redraw so the last frame always shows; when not live (paused, stepping by
key) they redraw at once, so a paused screen is exact right away.  Whether the run is
live is the widget's own ``live`` reactive, which its screen pushes down
(``data_bind``); the gate never looks up the tree.

When the live runner draws less often than its full rate (a busy classroom server, or
a process over its CPU share), each gate's rate falls in proportion
(:meth:`FrameGate.frame_rate`, pushed down as the widget's ``live_fps``): at a third of
the frames, the loss plot replots a third as often.  The landscape, drawn at the full
rate, keeps drawing every frame.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from textual.message_pump import MessagePump
    from textual.timer import Timer

__all__ = ["FULL_FPS", "FrameGate"]

#: The live runner's full frame rate (gdtui.ui.screens.live.DRAW_FPS is this).
FULL_FPS = 15.0


class FrameGate:
    """Calls ``draw`` at most ``fps`` times a second while ``live()`` is true.

    :meth:`request` draws now when allowed; otherwise it makes sure a trailing draw
    happens on ``node``'s timer a frame after the interval is up (the next live frame's
    request usually draws first), so the newest state is always shown in the end.
    ``clock`` can be replaced (tests do).
    """

    def __init__(self, node: "MessagePump", fps: float, draw: Callable[[], None],
                 live: Callable[[], bool], clock: Callable[[], float] = time.monotonic) -> None:
        self._node = node
        self.fps = fps
        """Most draws a second while live when frames come at the full rate."""
        self.interval = 1.0 / fps
        self.trailing = 1.0 / FULL_FPS
        """How much later than its interval a trailing draw comes: one live frame, so
        the next frame usually draws first and the trailing draw rarely comes at all."""
        self.draw = draw
        """What a redraw calls (tests may wrap it to count redraws)."""
        self._live = live
        self.clock = clock
        self._last = -float("inf")
        self._timer: "Timer | None" = None

    def frame_rate(self, fps: float) -> None:
        """Live frames now come ``fps`` times a second: draw in proportion (the full
        ``self.fps`` at :data:`FULL_FPS` frames a second, never more)."""
        frames = max(min(float(fps), FULL_FPS), 0.1)
        self.interval = 1.0 / (self.fps * frames / FULL_FPS)
        self.trailing = 1.0 / frames

    def request(self) -> bool:
        """The state changed: draw now (True) or soon (False)."""
        now = self.clock()
        # a little slack: frames ~1/30 s apart should give an even 15 fps, not 10
        if not self._live() or now - self._last >= 0.9 * self.interval:
            self._fire(now)
            return True
        if self._timer is None:
            # a frame late: while live the next frame's request comes first and draws with
            # every other pane (one screen update, not one per pane); this is the last resort
            self._timer = self._node.set_timer(max(self._last + self.interval - now, 0.001) + self.trailing,
                                               self._fire, name="frame-gate")
        return False

    def _fire(self, now: float | None = None) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._last = self.clock() if now is None else now
        self.draw()
