"""TUI figures: time to first frame (gdtui against a hello-world Textual app) and
bytes written to the terminal while running live and while paused.

Method.  Each app runs as a child process on a pseudo-terminal, as over SSH:
``os.openpty()``, the size set on the slave with ``TIOCSWINSZ``, the slave as the
child's stdin/stdout/stderr, ``TERM=xterm-256color`` and no ``COLORTERM`` or
``NO_COLOR`` (what a student's ssh session usually gets).  We read the master side
all the time (so the child never blocks writing) and count bytes.

- *First frame*: seconds from spawning ``python -m gdtui`` (or ``python
  -m benchmarks.hello_app``) until the bytes written contain the first screen with
  the app's own content: the ``landscape`` pane title for gdtui, ``hello`` for the
  hello app.  The worst case for gdtui (the default problem, not yet compiled: the
  function pane still says "checking…"); *problem ready* is when ``∂f/∂x`` (the
  compiled derivative) has been drawn too.  One warm-up of each, then alternating
  runs; medians.
- *Bytes per second*: ``gdtui --preset rosenbrock`` at 120×40.  After the problem
  is drawn we send ``p`` (run live) and count what is written for a few seconds, at
  the default 30 steps/s and after ``+`` ``+`` at 1000 steps/s; then ``p`` again
  (pause) and count for 3 s idle.  CPU while idle is utime+stime from
  ``/proc/<pid>/stat`` of the app and its children (the symbolic worker) over the
  same 3 s.

Every read has a deadline and every child is killed (its own process group) at the
end, so the benchmark cannot hang.  Figures are printed, not asserted.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# as a module: run as a script, benchmarks/ would come first on sys.path and its
# math.py would hide the standard library's
HELLO = [sys.executable, "-m", "benchmarks.hello_app"]

GDTUI = [sys.executable, "-m", "gdtui"]
GDTUI_MARK = b"landscape"  # a pane title: the main screen has been painted
GDTUI_READY = "∂f/∂x".encode()  # the compiled derivative is on screen
GDTUI_COMPILED = "∂f/∂".encode()  # any problem's derivatives are on screen
HELLO_MARK = b"hello"

REPEATS = 5
TIMEOUT = 30.0  # seconds for anything to appear before we give up
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Child:
    """An app on a pseudo-terminal; `read` drains what it wrote."""

    proc: subprocess.Popen
    master: int
    started: float
    out: bytearray = field(default_factory=bytearray)

    @classmethod
    def spawn(cls, argv: list[str], size: tuple[int, int]) -> "Child":
        cols, rows = size
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        # PYTHONDONTWRITEBYTECODE (set in some benchmark environments) would make every
        # start compile gdtui's modules again: a student's installed gdtui has them cached
        env = {k: v for k, v in os.environ.items()
               if k not in ("NO_COLOR", "COLORTERM", "TEXTUAL_FPS", "TEXTUAL_ANIMATIONS",
                            "TEXTUAL_COLOR_SYSTEM", "TEXTUAL", "PYTHONDONTWRITEBYTECODE")}
        env.update(TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT,
                                env=env, start_new_session=True, close_fds=True)
        os.close(slave)
        return cls(proc, master, started)

    def read(self, seconds: float) -> int:
        """Read for `seconds`; returns the bytes read in that time."""
        n = 0
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            n += self._read_once(left)
        return n

    def wait_for(self, mark: bytes, timeout: float = TIMEOUT) -> float:
        """Seconds from spawn until `mark` was written (reads and keeps everything)."""
        end = time.perf_counter() + timeout
        seen = 0
        while time.perf_counter() < end:
            self._read_once(end - time.perf_counter())
            if self.out.find(mark, max(0, seen - len(mark))) >= 0:
                return time.perf_counter() - self.started
            seen = len(self.out)
            if self.proc.poll() is not None and not self._readable(0):
                break
        tail = bytes(self.out[-300:]).decode(errors="replace")
        raise RuntimeError(f"{mark!r} never appeared (exit {self.proc.poll()}); last output: {tail!r}")

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def cpu_seconds(self, children: bool = True) -> float:
        """utime+stime of the app and (``children``) its direct children (the symbolic worker)."""
        total = 0.0
        for pid in [self.proc.pid, *(self._children() if children else [])]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime
        return total

    def _children(self) -> list[int]:
        pids: list[int] = []
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*"):
            try:
                pids += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                pass
        return pids

    def _readable(self, timeout: float) -> bool:
        return bool(select.select([self.master], [], [], max(0.0, timeout))[0])

    def _read_once(self, timeout: float) -> int:
        if not self._readable(min(timeout, 0.1)):
            return 0
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the child closed the terminal
            time.sleep(min(timeout, 0.05))
            return 0
        self.out += data
        return len(data)

    def close(self) -> None:
        """Ask politely (ctrl+q), then kill the child's process group."""
        try:
            if self.proc.poll() is None:
                self.send(b"\x11")
                self.read(0.3)
                self.proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=5)
        else:  # the symbolic worker may outlive its parent for a moment
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        os.close(self.master)


def first_frame(argv: list[str], mark: bytes, ready: bytes | None = None) -> tuple[float, float, float | None]:
    """(seconds to first frame, CPU seconds the app used until then, seconds until
    `ready` is drawn or None), at 80×24."""
    child = Child.spawn(argv, (80, 24))
    try:
        t_frame = child.wait_for(mark)
        cpu = child.cpu_seconds(children=False)
        child.read(0.05)
        if child.proc.poll() is not None:  # e.g. the mark was in a traceback
            tail = bytes(child.out[-300:]).decode(errors="replace")
            raise RuntimeError(f"{argv[-1]} exited ({child.proc.returncode}) after {mark!r}: {tail!r}")
        t_ready = child.wait_for(ready) if ready else None
        return t_frame, cpu, t_ready
    finally:
        child.close()


def first_frame_cpu(what: str) -> float:
    """CPU seconds gdtui (``what`` = "gdtui") or the hello app had used at its first
    frame, as benchmarks/first_frame_probe.py records it."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cpu"
        child = Child.spawn([sys.executable, "-m", "benchmarks.first_frame_probe", str(out), what], (80, 24))
        try:
            child.wait_for(GDTUI_MARK if what == "gdtui" else HELLO_MARK)
            end = time.perf_counter() + TIMEOUT
            while not out.exists() and time.perf_counter() < end:
                child.read(0.05)
            return float(out.read_text())
        finally:
            child.close()


def measure_first_frames(repeats: int = REPEATS) -> dict[str, list[float]]:
    """Wall and CPU times to the first frame of gdtui and of the hello app, alternating.

    The wall time is what a student waits; the CPU time (benchmarks/first_frame_probe.py)
    is what the start-up costs whatever else the machine is doing.  Warm-up runs first
    write the byte-code caches."""
    first_frame(GDTUI, GDTUI_MARK)  # warm-up: disk cache, .pyc files
    first_frame(HELLO, HELLO_MARK)
    times: dict[str, list[float]] = {"hello": [], "gdtui": [], "gdtui ready": [],
                                     "hello cpu": [], "gdtui cpu": []}
    for _ in range(repeats):
        t_hello, _, _ = first_frame(HELLO, HELLO_MARK)
        t_frame, _, t_ready = first_frame(GDTUI, GDTUI_MARK, GDTUI_READY)
        times["hello"].append(t_hello)
        times["gdtui"].append(t_frame)
        times["gdtui ready"].append(t_ready or float("nan"))
        times["hello cpu"].append(first_frame_cpu("hello"))
        times["gdtui cpu"].append(first_frame_cpu("gdtui"))
    return times


def measure_output(size: tuple[int, int] = (120, 40)) -> dict[str, float]:
    """Bytes/s live (30 and 1000 steps/s) and idle, and idle CPU, of the rosenbrock preset."""
    child = Child.spawn([*GDTUI, "--preset", "rosenbrock"], size)
    try:
        child.wait_for(GDTUI_READY)
        child.read(1.0)  # the first frames and the compile's redraw are not "live"
        figures: dict[str, float] = {}
        child.send(b"p")  # run live at the default speed (30 steps/s)
        child.read(0.3)
        figures["live 30 steps/s"] = child.read(5.0) / 5.0
        child.send(b"++")  # 100, then 1000 steps/s (rosenbrock needs ~2300 steps)
        child.read(0.3)
        figures["live 1000 steps/s"] = child.read(1.5) / 1.5
        child.send(b"p")  # pause
        child.read(0.5)
        cpu0 = child.cpu_seconds()
        figures["paused"] = child.read(3.0) / 3.0
        figures["paused cpu %"] = 100 * (child.cpu_seconds() - cpu0) / 3.0
        return figures
    finally:
        child.close()


#: The live-CPU cases: (label, extra argv).  Each runs live at the default 30 steps/s.
LIVE_CASES = [("default problem", []), ("hours --batch-size 1", ["--preset", "hours", "--batch-size", "1"]),
              ("rosenbrock", ["--preset", "rosenbrock"])]
LIVE_SECONDS = 4.0  # the default problem converges after ~185 steps (6 s at 30 steps/s)


def measure_live_cpu(extra: list[str], size: tuple[int, int] = (80, 24),
                     seconds: float = LIVE_SECONDS) -> tuple[float, float]:
    """(% of one core used by the app process, KB/s written) while running live at the
    default speed, over ``seconds`` starting half a second after ``p``."""
    child = Child.spawn([*GDTUI, *extra], size)
    try:
        child.wait_for(GDTUI_COMPILED)
        child.read(1.0)  # the first frames and the compile's redraw are not "live"
        child.send(b"p")
        child.read(0.5)
        cpu0 = child.cpu_seconds(children=False)
        t0 = time.perf_counter()
        n = child.read(seconds)
        elapsed = time.perf_counter() - t0
        return 100 * (child.cpu_seconds(children=False) - cpu0) / elapsed, n / elapsed / 1000
    finally:
        child.close()


def main() -> None:
    print(f"TUI (pty, TERM=xterm-256color, {os.cpu_count()} cores):")
    try:
        times = measure_first_frames()
    except (RuntimeError, OSError) as exc:
        print(f"  first frame: failed: {exc}")
    else:
        med = {key: statistics.median(values) for key, values in times.items()}
        hello, gd, ready = med["hello"], med["gdtui"], med["gdtui ready"]
        print(f"  first frame at 80x24, median of {REPEATS} (byte-code cached):")
        print(f"    hello-world Textual app   {hello * 1000:7.0f} ms   {med['hello cpu'] * 1000:5.0f} ms CPU")
        print(f"    gdtui (default problem)   {gd * 1000:7.0f} ms   {med['gdtui cpu'] * 1000:5.0f} ms CPU")
        print(f"    gdtui / hello             {gd / hello:7.2f}x wall, "
              f"{med['gdtui cpu'] / max(med['hello cpu'], 1e-9):4.2f}x CPU   (target <= 1.5x)")
        print(f"    gdtui problem compiled    {ready * 1000:7.0f} ms   (derivatives on screen)")
    try:
        out = measure_output()
    except (RuntimeError, OSError) as exc:
        print(f"  terminal output: failed: {exc}")
    else:
        print("  terminal output, gdtui --preset rosenbrock at 120x40:")
        for label in ("live 30 steps/s", "live 1000 steps/s", "paused"):
            print(f"    {label:<22} {out[label] / 1000:8.1f} KB/s   (target: live <= ~100, paused ~0)")
        print(f"    {'paused CPU':<22} {out['paused cpu %']:8.1f} %      (app + symbolic worker, 3 s)")
    print(f"  live CPU at 80x24, 30 steps/s, {LIVE_SECONDS:.0f} s (% of one core, the app process; target <= 10):")
    for label, extra in LIVE_CASES:
        try:
            cpu, kbs = measure_live_cpu(extra)
        except (RuntimeError, OSError) as exc:
            print(f"    {label:<22} failed: {exc}")
        else:
            print(f"    {label:<22} {cpu:8.1f} %   {kbs:6.1f} KB/s written")


if __name__ == "__main__":
    main()
