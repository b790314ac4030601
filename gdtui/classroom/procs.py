"""What /proc says about a process tree: children, memory (PSS), CPU time.

One place for the classroom's benchmark and tests (and anyone else) to list a
student's processes and measure them.  Linux only: elsewhere every function gives
an empty or zero answer rather than raising.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["children", "cpu_seconds", "is_dead", "pss_kb", "tree"]

_CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def children(pid: int) -> list[int]:
    """Child processes of every thread of ``pid`` (a helper started from a thread is
    that thread's child, so ``/proc/PID/children`` alone would miss it)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            out += [int(p) for p in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except (OSError, ValueError):
            pass
    return out


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children(p))
    return out


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (state is [0])."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def is_dead(pid: int) -> bool:
    """True once ``pid`` has ended (a zombie waiting for its parent counts as ended)."""
    try:
        return _stat(pid)[0] in ("Z", "X")
    except (OSError, IndexError):
        return True


def pss_kb(pid: int) -> int:
    """Proportional set size of ``pid`` in KiB (shared pages split among their users); 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` (all its threads) so far; 0.0 if gone."""
    try:
        fields = _stat(pid)
        return (int(fields[11]) + int(fields[12])) / _CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0
