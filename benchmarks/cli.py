"""End-to-end command-line time: `gdtui run --preset rosenbrock --optimizer adam --steps 1000`."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "gdtui run --preset rosenbrock --optimizer adam --steps 1000": [
        "run", "--preset", "rosenbrock", "--optimizer", "adam", "--steps", "1000"],
    "  a typed function never seen before (starts sympy)": [
        "run", "--fn", "(1 - x)^2 + 90*(y - x^2)^2", "--start", "x=-1.5,y=2", "--optimizer", "adam",
        "--steps", "1000"],
    "gdtui --help": ["--help"],
    "gdtui presets": ["presets"],
}


def wall(argv: list[str], repeats: int = 5) -> float:
    times = []
    env = dict(os.environ, GDTUI_CACHE_DIR="off")  # presets still come precompiled with gdtui
    for _ in range(repeats + 1):  # the first run warms the disk cache
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "gdtui", *argv], check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times[1:])


def main() -> None:
    print("Command line, wall time end to end (median of 5):")
    for label, argv in COMMANDS.items():
        print(f"  {label:<62} {wall(argv) * 1000:7.0f} ms")
