"""Engine speed: optimizers on 2-D Rosenbrock (vs torch.optim when importable), 64 runs at
once, mini-batch cost against data set size, and history memory."""

from __future__ import annotations

import time
from typing import Callable

import numpy as np

from gdtui.engine.batch import RunBatch, RunSpec
from gdtui.engine.data import BatchSampler, Dataset
from gdtui.engine.optimizers import OPTIMIZERS, make_optimizer
from gdtui.engine.run import Run
from gdtui.expr import compile_function

ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"
START = [-1.5, 2.0]
LR = {"sgd": 1e-4, "momentum": 1e-4, "nesterov": 1e-4, "adagrad": 0.05, "rmsprop": 1e-3,
      "adam": 1e-3, "newton": 0.5}


def rates(fn: Callable[[], int], repeats: int = 3) -> list[float]:
    """A few timings as units per CPU second of this process, ascending.

    The machine is shared and noisy: CPU time (not wall time) leaves out the time
    other processes hold the cores, and we report the best and the median, never one
    run.  gdtui and torch (one thread) are measured the same way."""
    out = []
    for _ in range(repeats):
        t0 = time.process_time()
        units = fn()
        out.append(units / (time.process_time() - t0))
    return sorted(out)


def best_rate(fn: Callable[[], int], repeats: int = 3) -> float:
    """The best of a few timings, as units per second."""
    return rates(fn, repeats)[-1]


def gdtui_steps(objective, name: str, steps: int) -> int:
    run = Run(objective, make_optimizer(name, lr=LR[name]), START, tol=0.0, max_steps=steps)
    return run.step(steps)


def torch_steps(name: str, steps: int) -> int | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    make = {
        "sgd": lambda: torch.optim.SGD([p], lr=LR["sgd"]),
        "momentum": lambda: torch.optim.SGD([p], lr=LR["momentum"], momentum=0.9),
        "nesterov": lambda: torch.optim.SGD([p], lr=LR["nesterov"], momentum=0.9, nesterov=True),
        "adagrad": lambda: torch.optim.Adagrad([p], lr=LR["adagrad"]),
        "rmsprop": lambda: torch.optim.RMSprop([p], lr=LR["rmsprop"]),
        "adam": lambda: torch.optim.Adam([p], lr=LR["adam"]),
    }
    if name == "newton":
        return torch_newton_steps(steps)
    if name not in make:
        return None
    opt = make[name]()
    for _ in range(steps):
        opt.zero_grad()
        x, y = p[0], p[1]
        loss = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        loss.backward()
        opt.step()
    return steps


def torch_newton_steps(steps: int) -> int:
    """What a torch user writes for gdtui's newton: autograd gradient and Hessian, the same
    positive-definite test, a solve (torch.optim has no Newton optimizer)."""
    import torch

    def f(p):  # type: ignore[no-untyped-def]
        return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] * p[0]) ** 2

    p = torch.tensor(START, dtype=torch.float64)
    lr = LR["newton"]
    for _ in range(steps):
        x = p.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(f(x), x)
        H = torch.autograd.functional.hessian(f, p)
        lam = torch.linalg.eigvalsh((H + H.T) / 2)
        if torch.isfinite(H).all() and lam[0] > 1e-12 * lam.abs().max():
            d = torch.linalg.solve(H, g)
        else:
            d = g
        p = p - lr * d
    return steps


def bench_optimizers() -> None:
    objective = compile_function(ROSENBROCK)
    print("Single run, 2-D Rosenbrock from (-1.5, 2): steps per CPU second, best (median) of 5")
    print("  (newton's torch column: autograd Hessian + eigvalsh + solve; torch.optim has no Newton)")
    print(f"  {'optimizer':<10} {'gdtui':>20} {'torch':>16} {'ratio':>8}")
    for name in OPTIMIZERS:
        steps = 20_000 if name != "newton" else 5_000
        ours = rates(lambda: gdtui_steps(objective, name, steps), 5)
        theirs_steps = 2_000 if name != "newton" else 300
        theirs = None
        if torch_steps(name, 10) is not None:
            theirs = rates(lambda: torch_steps(name, theirs_steps) or 0, 5)
        ratio = f"{ours[-1] / theirs[-1]:7.1f}x" if theirs else "     n/a"
        ours_s = f"{ours[-1]:9,.0f} ({ours[2]:7,.0f})"
        theirs_s = f"{theirs[-1]:7,.0f} ({theirs[2]:6,.0f})" if theirs else f"{'(no torch)':>16}"
        print(f"  {name:<10} {ours_s:>20} {theirs_s:>16} {ratio}")


def bench_batch(runs: int = 64, steps: int = 2_000) -> None:
    """64 Adam runs on Rosenbrock stepped together: learning rates differing (the sweep),
    then betas differing too (beta1 from 0.3 to 0.95, so torch's lerp takes both forms)."""
    objective = compile_function(ROSENBROCK)
    rng = np.random.default_rng(0)
    lrs = np.geomspace(1e-3, 1e-1, runs)
    starts = rng.uniform(-2, 2, (runs, 2))
    cases = {
        "learning rates differ": [RunSpec(make_optimizer("adam", lr=float(lr)), list(s))
                                  for lr, s in zip(lrs, starts)],
        "learning rates and betas differ": [
            RunSpec(make_optimizer("adam", lr=float(lr), beta1=float(b1), beta2=float(b2)), list(s))
            for lr, b1, b2, s in zip(lrs, np.linspace(0.3, 0.95, runs), np.linspace(0.9, 0.9999, runs), starts)
        ],
    }
    print(f"{runs} Adam runs stepped together on Rosenbrock (run-steps per CPU second, best (median) of 9):")
    for what, specs in cases.items():
        def go(specs: list = specs) -> int:
            batch = RunBatch(objective, specs)
            batch.step(steps)
            return runs * steps

        r = rates(go, 9)
        print(f"  {what:<32} {r[-1]:>12,.0f} ({r[4]:,.0f})")


def bench_minibatch(batch_size: int = 32, steps: int = 20_000) -> None:
    objective = compile_function("(w*x + b - y)^2", ["x", "y"])
    times = {}
    for n in (1_000, 1_000_000):
        rng = np.random.default_rng(1)
        x = rng.uniform(0, 5, n)
        data = Dataset("bench", {"x": x, "y": 2 * x + 1 + rng.normal(0, 0.5, n)})
        bound = objective.bind(data.columns)

        def go() -> int:
            run = Run(bound, make_optimizer("sgd", lr=0.01), [0.0, 0.0], tol=0.0, max_steps=steps,
                      sampler=BatchSampler(n, batch_size, 0))
            return run.step(steps)

        times[n] = 1e6 / best_rate(go)
    print(f"Mini-batch SGD step (B={batch_size}): 1,000 rows {times[1_000]:.2f} µs, "
          f"1,000,000 rows {times[1_000_000]:.2f} µs, ratio {times[1_000_000] / times[1_000]:.2f}")


def bench_history_memory(steps: int = 1_000_000) -> None:
    import tracemalloc

    # A tilted plane never converges, so every one of the steps is taken and kept.
    objective = compile_function("x + 0.5*y")
    tracemalloc.start()
    run = Run(objective, make_optimizer("adam", lr=1e-3), START, tol=0.0, max_steps=steps)
    t0 = time.perf_counter()
    run.step(steps)
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{run.k:,} Adam steps kept, 2 variables: {seconds:.2f} s, "
          f"peak traced memory {peak / 2**20:.0f} MiB")


def main() -> None:
    bench_optimizers()
    bench_batch()
    bench_minibatch()
    bench_history_memory()
