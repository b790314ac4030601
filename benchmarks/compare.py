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
    print("gdtui compare with 64 runs vs one gdtui run, same steps (median of 5, wall time):")
    for label, (common, lists) in CASES.items():
        one = wall(["run", *common])
        many = wall(["compare", *common, *lists])
        print(f"  {label:<50} run {one * 1000:6.0f} ms  compare(64) {many * 1000:6.0f} ms"
              f"  = {many / one:4.1f}x  (target <= 10x)")
