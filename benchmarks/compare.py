"""`gdtui compare` with 64 runs against one `gdtui run` with the same steps (issue 9:
at most 10x), end to end, for a pure function (runs stepped alone, exact) and a
data-driven loss (runs stepped together in a RunBatch)."""

from __future__ import annotations

from benchmarks.cli import wall

LRS_64 = ",".join(f"{0.0005 * (i + 1):g}" for i in range(64))
LRS_16 = ",".join(f"{0.001 * (i + 1):g}" for i in range(16))

CASES = {
    "rosenbrock, adam, 1000 steps": (
        ["--preset", "rosenbrock", "--optimizer", "adam", "--steps", "1000"], ["--lr", LRS_64]),
    "noisy-line, sgd, mini-batches of 10, 1000 steps": (
        ["--preset", "noisy-line", "--steps", "1000"], ["--lr", LRS_16, "--seed", "0,1,2,3"]),
}


def main() -> None:
    cli()
    tui()


def cli() -> None:
    print("gdtui compare with 64 runs vs one gdtui run, same steps (median of 5, wall time):")
    for label, (common, lists) in CASES.items():
        one = wall(["run", *common])
        many = wall(["compare", *common, *lists])
        print(f"  {label:<50} run {one * 1000:6.0f} ms  compare(64) {many * 1000:6.0f} ms"
              f"  = {many / one:4.1f}x  (target <= 10x)")


EIGHT = "lr=0.001,0.005,0.01,0.02,0.03,0.038,0.04,0.042"


def measure_compare_output(size: tuple[int, int] = (120, 40)) -> dict[str, float]:
    """Bytes/s of the compare view with 8 runs (ill-conditioned preset), live and paused,
    measured like benchmarks.tui.measure_output (a pty, as over SSH)."""
    from benchmarks.tui import GDTUI, Child

    child = Child.spawn([*GDTUI, "--preset", "ill-conditioned", "--compare", EIGHT, "--compare", "steps=100000"],
                        size)
    try:
        child.wait_for(b"leaderboard")
        child.read(2.0)  # the build and the first frames are not "live"
        figures: dict[str, float] = {}
        child.send(b"p")
        child.read(0.3)
        figures["live 30 steps/s"] = child.read(5.0) / 5.0
        child.send(b"++")
        child.read(0.3)
        figures["live 1000 steps/s"] = child.read(1.5) / 1.5
        child.send(b"p")
        child.read(0.5)
        figures["paused"] = child.read(3.0) / 3.0
        return figures
    finally:
        child.close()


def tui() -> None:
    from benchmarks.tui import measure_output

    try:
        one = measure_output()
        eight = measure_compare_output()
    except (RuntimeError, OSError) as exc:
        print(f"  compare view output: failed: {exc}")
        return
    print("Compare view with 8 runs vs the single view, bytes to the terminal at 120x40 (pty):")
    for label in ("live 30 steps/s", "live 1000 steps/s", "paused"):
        print(f"  {label:<20} single {one[label] / 1000:7.1f} KB/s   compare(8) {eight[label] / 1000:7.1f} KB/s"
              "   (target: live <= ~100)")
