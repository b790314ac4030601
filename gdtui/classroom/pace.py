"""How fast live runs are drawn in a classroom: the server watches the machine and tells every student.

A class of 30 live runs on two cores asks for more CPU than there is.  When the
machine is saturated every process waits its turn, so a key press waits behind
everyone's frames (seconds, not milliseconds).  The remedy is to ask for less
than the machine has: :class:`Governor` reads how busy the CPUs were over the
last second (``/proc/stat``; the load average elsewhere) and moves the live frame
rate of every student up or down so that the machine stays below ``target``
(80% busy).  With that headroom a key press is drawn at once: keys come first,
live frames take what is left.  A student's app applies the rate only to live
redraws; stepping, keys and a paused screen are never slowed.

The rate is held at or above :data:`FPS_MIN` (5 a second, what issue 13 asks of a
class of thirty) as long as the machine can give that: the governor keeps the machine
out of saturation while frames are cheap enough (a frame costs a student a few
milliseconds of CPU, see ``make bench ARGS=classroom``).  On a machine too slow for
that (the class saturates it even at the floor) the rate goes on down to
:data:`FPS_LOWEST`: keys come first, since a class that types and waits a second for
each key is worse off than one whose live runs move a few times a second.  It goes
below :data:`FPS_MIN` only while the machine is saturated, and climbs back as soon as
there is room.  Past that the kernel shares the CPU, with the students below the
server (``nice``).  The server tells the students one after another across the
second, not all at once, so their frames do not fall into step.

Per student the server may lower the rate further: a client whose link is behind
(its output waiting in the server) gets :data:`BEHIND_FPS` (the floor) until it has
caught up; slower than that, the link's own backpressure paces the app (the server
stops reading its terminal, see :mod:`gdtui.classroom.server`).
"""

from __future__ import annotations

import os
from typing import Callable

__all__ = ["BEHIND_FPS", "FPS_LOWEST", "FPS_MAX", "FPS_MIN", "Governor", "cpu_busy_reader"]

#: The most live redraws a second (the app's own rate) and the least a busy server gives.
FPS_MAX = 15.0
FPS_MIN = 5.0
#: The least a saturated machine gives (see the module's docstring): a run still moves.
FPS_LOWEST = 2.0
#: Live redraws a second for a student whose client has not read what was sent.
BEHIND_FPS = FPS_MIN


def _proc_stat() -> tuple[float, float] | None:
    """(busy, total) CPU time of the whole machine since boot, from /proc/stat; None elsewhere."""
    try:
        with open("/proc/stat", "rb") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != b"cpu":
        return None
    values = [float(v) for v in fields[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0.0)  # idle + iowait
    total = sum(values[:8])  # guest time is already inside user
    return total - idle, total


def cpu_busy_reader() -> Callable[[], float | None]:
    """A function giving the machine's busy fraction (0..1) since its previous call."""
    last = _proc_stat()
    cores = os.cpu_count() or 1

    def busy() -> float | None:
        nonlocal last
        now = _proc_stat()
        if now is None or last is None:
            try:  # not Linux: the one-minute load average per core (slow, but something)
                return min(1.0, os.getloadavg()[0] / cores)
            except OSError:
                return None
        (b0, t0), (b1, t1) = last, now
        last = now
        if t1 <= t0:
            return None
        return max(0.0, min(1.0, (b1 - b0) / (t1 - t0)))

    return busy


class Governor:
    """The live frame rate for every student, from how busy the machine is.

    Call :meth:`update` about once a second; it returns the new rate when it
    changed enough to tell the students (else None).  Saturated (busy ≥ 0.97):
    the rate falls by a third at once, since how far over is unknown, down to
    ``lowest``.  Otherwise it moves by the ratio ``target / busy``, at most ×1.3 up
    (a cautious climb) and within [``low``, ``high``]; a rate below ``low`` (left by
    saturation) is not lowered further, only raised.
    """

    def __init__(self, busy: Callable[[], float | None] | None = None, target: float = 0.80,
                 low: float = FPS_MIN, high: float = FPS_MAX, lowest: float = FPS_LOWEST) -> None:
        self.busy = busy or cpu_busy_reader()
        self.target, self.low, self.high = target, low, high
        self.lowest = min(lowest, low)
        self.fps = high
        self.last_busy: float | None = None
        self._told = high

    def update(self) -> float | None:
        """Look at the machine again; the new rate to announce, or None."""
        busy = self.busy()
        if busy is None:
            return None
        self.last_busy = busy
        if busy >= 0.97:
            factor, floor = 0.67, self.lowest
        else:
            factor = 1.3 if busy <= 0.05 else min(1.3, self.target / busy)
            if abs(factor - 1.0) < 0.08:  # close enough: no change, no message
                factor = 1.0
            floor = min(self.low, self.fps)  # busy but not saturated: not below low
        self.fps = max(floor, min(self.high, self.fps * factor))
        if abs(self.fps - self._told) / self._told >= 0.1 or (self.fps != self._told and
                                                              self.fps in (self.lowest, self.low, self.high)):
            self._told = self.fps
            return self.fps
        return None
