"""Inside the math: how long the panels' engine work takes (each runs in a thread worker).

Figures, not pass/fail: h sweep, curvature and the computation graph (build + one
forward/backward pass) on the course examples, on 100 data rows and on a long function.
"""

from __future__ import annotations

import time


def _per_call(fn, repeat: int = 50) -> float:
    fn()  # warm up
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat * 1e3


def main() -> None:
    from gdtui.engine import analysis as A
    from gdtui.engine.data import builtin_dataset
    from gdtui.engine.graph import evaluate_graph, graph_of_text
    from gdtui.expr import compile_function

    print("inside the math (ms per call; the TUI runs these off the event loop)")
    rosen = compile_function("(1 - x)^2 + 100*(y - x^2)^2")
    w = [-1.2, 1.0]
    print(f"  h sweep, rosenbrock (12 h x 2 differences)   {_per_call(lambda: A.h_sweep(rosen, w)):8.3f}")
    print(f"  curvature + step analysis, rosenbrock        {_per_call(lambda: A.curvature(rosen, w, 1e-3)):8.3f}")
    fn = "(w*x + b - y)^2"
    at = {"w": 0.5, "b": 0.1, "x": 2.0, "y": 3.0}
    print(f"  graph build, {fn:<30}  {_per_call(lambda: graph_of_text(fn)):8.3f}")
    g = graph_of_text(fn)
    print(f"  forward+backward, one point                  {_per_call(lambda: evaluate_graph(g, at)):8.3f}")
    ds = builtin_dataset("noisy-line")
    data = {c: ds.columns[c] for c in ("x", "y")}
    gd = graph_of_text(fn, ("x", "y"))
    print(f"  forward+backward, 100 rows (mean gradient)   "
          f"{_per_call(lambda: evaluate_graph(gd, {'w': 0.5, 'b': 0.1}, data, row=3)):8.3f}")
    long = " + ".join(f"sin(w*{k} + b)*exp(-{k}*w^2)" for k in range(1, 10))
    gl = graph_of_text(long)
    print(f"  forward+backward, {len(gl.nodes)}-node function         "
          f"{_per_call(lambda: evaluate_graph(gl, {'w': 0.3, 'b': 0.2})):8.3f}")
