"""CSV loading: 1e6 rows must load in under 2 s with under 200 MB (issue 12).

The load runs in a fresh process, so its peak memory (``ru_maxrss``) is its own;
the figure reported is the peak during the load minus the peak after imports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROWS = 1_000_000
TIME_TARGET = 2.0  # seconds
MEMORY_TARGET = 200  # MB

_CHILD = """
import json, resource, sys, time
from gdtui.engine.data import load_csv
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
ds = load_csv(sys.argv[1])
took = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": ds.n_rows, "seconds": took, "mb": (peak - base) / 1024}))
"""


def _write(path: str, rows: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 5, rows)
    y = 2 * x + 1 + rng.normal(0, 0.5, rows)
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", header="x,y", comments="", fmt="%.17g")


def measure(rows: int = ROWS, repeats: int = 3) -> dict[str, float]:
    """Best time and lowest peak memory of a few loads of a ``rows``-row CSV file."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "big.csv")
        _write(path, rows)
        size_mb = os.path.getsize(path) / 2**20
        results = []
        for _ in range(repeats):
            out = subprocess.run([sys.executable, "-c", _CHILD, path], capture_output=True, text=True, check=True)
            results.append(json.loads(out.stdout))
    assert all(r["rows"] == rows for r in results)
    return {"file_mb": size_mb, "seconds": min(r["seconds"] for r in results), "mb": min(r["mb"] for r in results)}


def main() -> None:
    r = measure()
    ok_t = "ok" if r["seconds"] < TIME_TARGET else "SLOW"
    ok_m = "ok" if r["mb"] < MEMORY_TARGET else "TOO MUCH"
    print(f"data: CSV {ROWS:,} rows ({r['file_mb']:.0f} MB file): loads in {r['seconds']:.2f} s "
          f"(target < {TIME_TARGET:g} s: {ok_t}), peak +{r['mb']:.0f} MB (target < {MEMORY_TARGET} MB: {ok_m})")


if __name__ == "__main__":
    main()
