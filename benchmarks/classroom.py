"""Classroom figures: N students live at once over SSH on loopback, and an opt-in soak.

Method.  `gdtui classroom --no-auth` runs as its own process on a free loopback
port with every student starting on the Rosenbrock preset (a run that stays live
for minutes).  This process connects N asyncssh clients, each with an 80×24 pty,
waits for each app's first screen (*session start*: connect to first screen),
then presses ``p`` in every session (run live at the default 30 steps/s) and for
``SECONDS`` seconds:

- *frames/s per session*: bursts of output (a gap of more than 10 ms ends one),
  over the window, per session; min and median are reported;
- *keystroke to screen*: each session every ~3 s presses space (pause and one
  step) and times until the state pane's new title ``state · step N`` arrives,
  then presses ``p`` again; p50 and p95 over all probes;
- *PSS*: ``/proc/PID/smaps_rollup`` summed over every student process and its
  children (a symbolic helper, if one started), at the end of the window; also
  the server and the zygote;
- *CPU*: utime+stime of the students' processes over the window, per session,
  as a share of one core; and *CPU per frame*: the students', the server's and this
  process's (the SSH clients') CPU time over the window divided by the frames that
  reached the clients.  Unlike frames/s this hardly depends on what else the machine
  is doing, so it is the figure to compare between runs on a shared machine (the
  load average at the start and end of the window is printed too).

Dropped sessions (a connection that ended) are counted.  Every wait has a
deadline; the server is stopped with SIGTERM (and killed if it lingers).  The
server sets the students' live frame rate from the machine's load (see
gdtui.classroom.pace: 15 frames a second down to a floor of 5), so frames/s is
what the machine gives while keeping key presses quick.

The soak (``classroom --soak SECONDS [--sessions 10] [--sample 60]``; also
``python -m benchmarks soak`` with GDTUI_SOAK_MINUTES) keeps N sessions live
for that long: each student restarts their run every minute (r, p); half the
students stay throughout, and of the other half one leaves and a new one arrives
every two minutes; PSS of the server, the zygote and every student's process tree
is sampled.  Samples in the warm-up (default
300 s, at most a sixth of the soak: students' pages copied from the zygote, caches
filling to their bounds) are shown but not judged; after it the total must stay
within 10% of its first value (and the server's alone too).  Figures are printed,
not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gdtui.classroom import procs

TIMEOUT = 120.0
SECONDS = 20.0
GAP = 0.010
TITLE = "state · step".encode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`gdtui classroom` in a child process."""

    def __init__(self, max_sessions: int) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="gdtui-bench-classroom-"))
        (self.dir / "setup.toml").write_text('preset = "rosenbrock"\n')
        self.port = _free_port()
        env = dict(os.environ, XDG_STATE_HOME=str(self.dir / "state"))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gdtui", "classroom", "--no-auth", "--no-dashboard",
             "--port", str(self.port), "--max-sessions", str(max_sessions),
             "--session", str(self.dir / "setup.toml"), "--log", str(self.dir / "log.txt")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
            start_new_session=True)

    async def ready(self) -> None:
        end = time.monotonic() + TIMEOUT
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("the classroom server exited: " + self.proc.stderr.read().decode()[-300:])
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.2)
        raise RuntimeError("the classroom server did not start")

    def zygote(self) -> int | None:
        for pid in procs.children(self.proc.pid):
            try:
                if b"zygote" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return pid
            except OSError:
                pass
        return None

    def students(self) -> list[int]:
        z = self.zygote()
        return procs.children(z) if z else []

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


class Student:
    """One SSH client with a pty: counts output bursts and times keystrokes."""

    def __init__(self) -> None:
        self.bursts = 0
        self.bytes = 0
        self.last = 0.0
        self.waiting: tuple[float, bytearray] | None = None
        self.latencies: list[float] = []
        self.ended = False
        self.started = 0.0
        self.first_screen = 0.0

    async def connect(self, port: int, name: str) -> None:
        import asyncssh

        t0 = time.monotonic()
        self.conn = await asyncssh.connect("127.0.0.1", port, username=name, known_hosts=None,
                                           client_keys=None, agent_path=None)
        self.proc = await self.conn.create_process(term_type="xterm-256color", term_size=(80, 24),
                                                   encoding=None)
        seen = b""
        while b"landscape" not in seen:
            chunk = await asyncio.wait_for(self.proc.stdout.read(65536), TIMEOUT)
            if not chunk:
                raise RuntimeError("session ended before its first screen")
            seen += chunk
        self.first_screen = time.monotonic() - t0
        self.task = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        while True:
            data = await self.proc.stdout.read(65536)
            now = time.monotonic()
            if not data:
                self.ended = True
                return
            self.bytes += len(data)
            if now - self.last > GAP:
                self.bursts += 1
            self.last = now
            if self.waiting is not None:
                t0, buf = self.waiting
                buf += data
                if TITLE in buf:
                    self.latencies.append(now - t0)
                    self.waiting = None
                    self.proc.stdin.write(b"p")  # back to live

    def press(self, keys: bytes) -> None:
        self.proc.stdin.write(keys)

    async def probe(self) -> None:
        if self.waiting is None and not self.ended:
            self.waiting = (time.monotonic(), bytearray())
            self.press(b" ")

    def close(self) -> None:
        self.task.cancel()
        self.conn.close()


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _memory(server: Server, stay: int = 0) -> dict[str, float]:
    """PSS in MB now: the server process, the zygote, every student's process tree;
    ``first``: the mean of the ``stay`` oldest students (they stay all the soak)."""
    zygote = server.zygote()
    pids = sorted(procs.children(zygote)) if zygote else []  # oldest first (pids grow; no wrap in an hour)
    students = [sum(procs.pss_kb(p) for p in procs.tree(pid)) / 1024 for pid in pids]
    return {
        "first": statistics.mean(students[:stay]) if stay and len(students) >= stay else float("nan"),
        "server": procs.pss_kb(server.proc.pid) / 1024,
        "zygote": procs.pss_kb(zygote) / 1024 if zygote else 0.0,
        "students": sum(students),
        "n": len(students),
        "per_session": statistics.mean(students) if students else float("nan"),
    }


async def _session(n: int, seconds: float, soak: float = 0.0, sample: float = 60.0,
                   warmup: float = 300.0, restart: float = 60.0) -> dict[str, object]:
    """N students live for ``seconds`` (or ``soak`` seconds, sampling memory every ``sample``)."""
    server = Server(max_sessions=n + 5)
    students = [Student() for _ in range(n)]
    try:
        await server.ready()
        for i, s in enumerate(students):  # one after another, like a class arriving
            await s.connect(server.port, f"student{i}")
        for s in students:
            s.press(b"p")
        await asyncio.sleep(2.0)  # everyone is live
        pids = server.students()
        cpu0 = {p: procs.cpu_seconds(p) for p in pids}
        server_cpu0, client_cpu0 = procs.cpu_seconds(server.proc.pid), time.process_time()
        load_start = os.getloadavg()[0]
        for s in students:
            s.bursts, s.bytes, s.latencies = 0, 0, []
        t0 = time.monotonic()
        samples: list[tuple[float, dict[str, float]]] = []
        end = t0 + (soak or seconds)
        next_sample = t0
        churned = 0
        # A live Rosenbrock run converges after a minute or two; in a soak each student
        # starts their run again (r, p) every `restart` seconds, staggered, as a class does,
        # so every session keeps drawing for the whole hour and a run's history (which
        # grows legitimately, bounded by the classroom's max steps) does not hide a leak.
        next_restart = [t0 + restart * (i + 1) / n for i in range(n)]
        # And every `churn` seconds one student of the second half leaves and a new one
        # arrives, so the server's per-connection state is exercised too (a leak there shows
        # as growth); the first half stay the whole soak (a slow leak per session shows there).
        churn = 120.0
        next_churn, churned = t0 + churn, 0
        stay = n // 2
        while time.monotonic() < end:
            now = time.monotonic()
            for s in random.sample(students, len(students)):
                if random.random() < 0.35 / max(1, n / 10):
                    await s.probe()
            if soak:
                for i, s in enumerate(students):
                    if now >= next_restart[i] and s.waiting is None and not s.ended:
                        s.press(b"rp")
                        next_restart[i] += restart
                if now >= next_churn:
                    i = stay + churned % (n - stay) if n > stay else churned % n
                    students[i].close()
                    fresh = Student()
                    await fresh.connect(server.port, f"newcomer{churned}")
                    fresh.press(b"p")
                    students[i] = fresh
                    churned += 1
                    next_churn += churn
                if now >= next_sample:
                    mem = _memory(server, stay)
                    samples.append((now - t0, mem))
                    total = mem["server"] + mem["zygote"] + mem["students"]
                    print(f"    {(now - t0) / 60:6.1f} min  total {total:7.1f} MB  server {mem['server']:5.1f}  "
                          f"zygote {mem['zygote']:5.1f}  students {mem['students']:7.1f} "
                          f"({int(mem['n'])} × {mem['per_session']:.1f}; staying {mem['first']:.1f})"
                          f"{'  (warm-up)' if now - t0 < warmup else ''}", flush=True)
                    next_sample += sample
            await asyncio.sleep(0.3)
        elapsed = time.monotonic() - t0
        load = os.getloadavg()[0]
        pids = server.students()
        # students' CPU: the sessions alive at both ends of the window (a soak replaces some)
        students_cpu = sum(procs.cpu_seconds(p) - cpu0[p] for p in pids if p in cpu0)
        live = sum(1 for p in pids if p in cpu0)
        server_cpu = procs.cpu_seconds(server.proc.pid) - server_cpu0
        client_cpu = time.process_time() - client_cpu0
        frames = sum(s.bursts for s in students)
        mem = _memory(server)
        lat = [x for s in students for x in s.latencies]
        result: dict[str, object] = {
            "sessions": n,
            "seconds": elapsed,
            "dropped": sum(s.ended for s in students),
            "start_p50": statistics.median(s.first_screen for s in students),
            "start_max": max(s.first_screen for s in students),
            "fps_min": min(s.bursts / elapsed for s in students),
            "fps_median": statistics.median(s.bursts / elapsed for s in students),
            "kbps_median": statistics.median(s.bytes / elapsed / 1024 for s in students),
            "lat_p50": _pct(lat, 0.5) * 1000,
            "lat_p95": _pct(lat, 0.95) * 1000,
            "probes": len(lat),
            "cpu_per_session": students_cpu / elapsed / max(1, live) * 100,
            "server_cpu": server_cpu / elapsed * 100,
            "client_cpu": client_cpu / elapsed * 100,
            "frames": frames,
            # CPU time per frame that reached a client: load-independent, unlike frames/s
            "ms_per_frame_students": students_cpu / max(1, frames) * 1000 if not soak else float("nan"),
            "ms_per_frame_server": server_cpu / max(1, frames) * 1000,
            "ms_per_frame_client": client_cpu / max(1, frames) * 1000,
            "pss_per_session": mem["per_session"],
            "pss_students": mem["students"],
            "pss_server": mem["server"],
            "pss_zygote": mem["zygote"],
            "load": load,
            "load_start": load_start,
            "samples": samples,
            "churned": churned if soak else 0,
            "warmup": warmup,
        }
        return result
    finally:
        for s in students:
            if hasattr(s, "task"):
                s.close()
        server.stop()


def _report(r: dict) -> None:
    total = r["pss_students"] + r["pss_server"] + r["pss_zygote"]
    print(f"  {int(r['sessions'])} sessions live at 80x24 for {r['seconds']:.0f} s: dropped {int(r['dropped'])}; "
          f"session start p50 {r['start_p50']:.2f} s, worst {r['start_max']:.2f} s")
    print(f"    frames/s per session: min {r['fps_min']:.1f}, median {r['fps_median']:.1f} "
          f"({r['kbps_median']:.1f} KB/s each)  [target >= 5]")
    print(f"    keystroke -> screen: p50 {r['lat_p50']:.0f} ms, p95 {r['lat_p95']:.0f} ms "
          f"({int(r['probes'])} probes)  [target p95 <= 250 ms]")
    print(f"    CPU per live session: {r['cpu_per_session']:.1f}% of a core; machine load average "
          f"{r['load_start']:.1f} at the start, {r['load']:.1f} at the end, on {os.cpu_count()} cores (everything on the machine counts, not only this)")
    print(f"    CPU per frame reaching a client: students {r['ms_per_frame_students']:.1f} ms + server "
          f"{r['ms_per_frame_server']:.1f} ms (+ the benchmark's own SSH clients {r['ms_per_frame_client']:.1f} ms); "
          f"server {r['server_cpu']:.0f}% of a core, clients {r['client_cpu']:.0f}%")
    print(f"    PSS per session {r['pss_per_session']:.1f} MB; all {total:.0f} MB "
          f"(students {r['pss_students']:.0f}, zygote {r['pss_zygote']:.0f}, server {r['pss_server']:.0f})"
          f"  [targets <= 40 MB per session, < 2048 MB in all]")


def soak_verdict(samples: list[tuple[float, dict[str, float]]], warmup: float,
                 tolerance: float = 0.10) -> dict[str, float] | None:
    """Memory at the end of the warm-up and at the end, and whether it stayed within ``tolerance``.

    Totals are server + zygote + students.  "Flat" means no sample after the warm-up
    is more than ``tolerance`` above the first one after it, and neither is the server alone.
    """
    after = [(t, m) for t, m in samples if t >= warmup]
    if len(after) < 2:
        return None

    def total(m: dict[str, float]) -> float:
        return m["server"] + m["zygote"] + m["students"]

    first, last = after[0][1], after[-1][1]
    peak = max(total(m) for _, m in after)
    server_peak = max(m["server"] for _, m in after)
    return {
        "t_start": after[0][0], "t_end": after[-1][0],
        "start": total(first), "end": total(last), "peak": peak,
        "change": (total(last) - total(first)) / total(first),
        "server_start": first["server"], "server_end": last["server"],
        "server_change": (last["server"] - first["server"]) / first["server"],
        "students_start": first["students"], "students_end": last["students"],
        "first_start": first.get("first", float("nan")), "first_end": last.get("first", float("nan")),
        "flat": float(peak <= total(first) * (1 + tolerance)
                      and server_peak <= first["server"] * (1 + tolerance)),
    }


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks classroom")
    p.add_argument("--sessions", default=None, help="class sizes, comma-separated (default 1,30; soak: one size, default 10)")
    p.add_argument("--seconds", type=float, default=SECONDS, help="measuring window of the load figures")
    p.add_argument("--soak", type=float, default=0.0, metavar="SECONDS",
                   help="soak for this long instead, memory sampled every --sample seconds")
    p.add_argument("--sample", type=float, default=60.0, metavar="SECONDS")
    p.add_argument("--warmup", type=float, default=None, metavar="SECONDS",
                   help="samples before this are warm-up (default: 300 s, at most a sixth of the soak)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Print the classroom figures: `classroom [--sessions 1,30]` or `classroom --soak 3600`."""
    # Stopped with SIGTERM (a timeout, a killed soak): end like ctrl+c, so the server we
    # started is stopped too instead of lingering with its students.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        _main(_parse(list(argv or [])))
    except KeyboardInterrupt:
        print("classroom benchmark stopped (its server too)", file=sys.stderr)
        raise SystemExit(130) from None


def _main(args: argparse.Namespace) -> None:
    if args.soak:
        n = int(args.sessions or 10)
        warmup = args.warmup if args.warmup is not None else min(300.0, args.soak / 6)
        print(f"classroom soak: {n} live sessions for {args.soak / 60:g} min, memory (PSS) every "
              f"{args.sample:g} s, warm-up {warmup:g} s; each student restarts their run every minute")
        r = asyncio.run(_session(n, args.seconds, soak=args.soak, sample=args.sample, warmup=warmup))
        _report(r)
        v = soak_verdict(r["samples"], warmup)  # type: ignore[arg-type]
        if v is None:
            print("    too short for a verdict (need two samples after the warm-up)")
            return
        print(f"    memory after warm-up ({v['t_start'] / 60:.1f} min): {v['start']:.0f} MB; at the end "
              f"({v['t_end'] / 60:.1f} min): {v['end']:.0f} MB ({v['change'] * 100:+.1f}%), peak {v['peak']:.0f} MB; "
              f"server {v['server_start']:.1f} -> {v['server_end']:.1f} MB ({v['server_change'] * 100:+.1f}%)")
        print(f"    {int(r['churned'])} students left and were replaced during the soak; the "
              f"{int(r['sessions']) // 2} who stayed throughout: {v['first_start']:.1f} -> {v['first_end']:.1f} MB each "
              f"({(v['first_end'] - v['first_start']) / v['first_start'] * 100:+.1f}%)")
        print(f"    {'FLAT' if v['flat'] else 'NOT FLAT'}: within 10% after warm-up: {'yes' if v['flat'] else 'no'}")
        return
    print("classroom (loopback SSH, gdtui classroom --no-auth)")
    for n in (int(x) for x in (args.sessions or "1,30").split(",") if x.strip()):
        _report(asyncio.run(_session(n, args.seconds)))


def soak() -> None:
    """`python -m benchmarks soak`: the soak with GDTUI_SOAK_MINUTES (default 60)."""
    minutes = float(os.environ.get("GDTUI_SOAK_MINUTES", "60"))
    n = os.environ.get("GDTUI_SOAK_SESSIONS", "10")
    main(["--soak", str(minutes * 60), "--sessions", n])
