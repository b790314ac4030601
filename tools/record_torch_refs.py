"""Record torch.optim reference trajectories for gdtui's optimizer tests.

Runs only where torch is importable (it is never a gdtui dependency):

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchenv/bin/python tools/record_torch_refs.py [OUT.json]

For every case it runs torch's optimizer (single-tensor for-loop implementation,
``foreach=False``) in float64 on a test function written in torch, with gradients
from autograd, and stores w after each of ``STEPS`` updates as full-precision
floats (JSON floats are written with ``repr``, so they read back bit for bit).
Schedule cases also store the lr torch used at each update.

The default output is ``tests/engine/data/torch_refs.json``;
``tests/engine/test_optimizers.py`` replays every case with gdtui's optimizers.
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path
from typing import Any, Callable

STEPS = 200
OUT = Path(__file__).resolve().parent.parent / "tests" / "engine" / "data" / "torch_refs.json"

#: Test functions: formula (for people), start point.  The torch versions are in
#: ``torch_function``; the test file has the same functions with hand-written gradients.
FUNCTIONS: dict[str, dict[str, Any]] = {
    "parabola": {"formula": "x^2", "start": [5.0]},
    "bowl": {"formula": "x^2 + 10*y^2", "start": [4.0, 3.0]},
    "rosenbrock": {"formula": "(1 - x)^2 + 100*(y - x^2)^2", "start": [-1.5, 2.0]},
}

# (gdtui optimizer, gdtui hyperparameters, per-function lr where the given one
# would diverge or crawl).  Hyperparameters use gdtui's names.
OPTIMIZER_CASES: list[tuple[str, dict[str, Any], dict[str, float]]] = [
    ("sgd", {"lr": 0.1}, {"bowl": 0.04, "rosenbrock": 1e-3}),
    ("momentum", {"lr": 0.01, "momentum": 0.9}, {"rosenbrock": 1e-4}),
    ("momentum", {"lr": 0.01, "momentum": 0.5, "dampening": 0.3}, {"rosenbrock": 1e-4}),
    ("nesterov", {"lr": 0.01, "momentum": 0.9}, {"rosenbrock": 1e-4}),
    ("adagrad", {}, {}),
    ("adagrad", {"lr": 0.5, "lr_decay": 0.01, "initial_accumulator_value": 0.1}, {}),
    ("rmsprop", {}, {}),
    ("rmsprop", {"lr": 0.01, "momentum": 0.9}, {"rosenbrock": 1e-3}),
    ("rmsprop", {"lr": 0.01, "centered": True}, {}),
    ("adam", {}, {}),
    ("adam", {"lr": 0.1}, {}),
    ("adam", {"lr": 0.05, "beta1": 0.3, "beta2": 0.9}, {}),
]

# (function, gdtui optimizer, hyperparameters, gdtui schedule spec)
SCHEDULE_CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("bowl", "sgd", {"lr": 0.09}, "step:10:0.5"),
    ("bowl", "sgd", {"lr": 0.09}, "cosine:50:0.001"),
    ("parabola", "sgd", {"lr": 0.3}, "exp:0.98"),
    ("rosenbrock", "momentum", {"lr": 1e-4, "momentum": 0.9}, "cosine:200"),
]


def torch_function(name: str) -> Callable[[Any], Any]:
    """The test function ``name`` on a torch tensor of parameters."""
    if name == "parabola":
        return lambda p: p[0] ** 2
    if name == "bowl":
        return lambda p: p[0] ** 2 + 10 * p[1] ** 2
    if name == "rosenbrock":
        return lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
    raise KeyError(name)


def torch_optimizer(torch: Any, params: list[Any], name: str, hyper: dict[str, Any]) -> Any:
    """The torch.optim optimizer matching gdtui's ``name`` with ``hyper`` (gdtui names)."""
    h = dict(hyper)
    common = {"foreach": False}
    if name == "sgd":
        return torch.optim.SGD(params, **h, **common)
    if name == "momentum":
        return torch.optim.SGD(params, **h, **common)
    if name == "nesterov":
        return torch.optim.SGD(params, nesterov=True, **h, **common)
    if name == "adagrad":
        return torch.optim.Adagrad(params, **h, **common)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, **h, **common)
    if name == "adam":
        betas = (h.pop("beta1", 0.9), h.pop("beta2", 0.999))
        return torch.optim.Adam(params, betas=betas, **h, **common)
    raise KeyError(name)


def torch_scheduler(torch: Any, opt: Any, spec: str) -> Any:
    """The torch.optim.lr_scheduler for a gdtui schedule spec."""
    kind, *args = spec.split(":")
    sched = torch.optim.lr_scheduler
    if kind == "step":
        return sched.StepLR(opt, step_size=int(args[0]), gamma=float(args[1]))
    if kind == "exp":
        return sched.ExponentialLR(opt, gamma=float(args[0]))
    if kind == "cosine":
        eta_min = float(args[1]) if len(args) > 1 else 0.0
        return sched.CosineAnnealingLR(opt, T_max=int(args[0]), eta_min=eta_min)
    raise KeyError(spec)


def record_case(torch: Any, function: str, name: str, hyper: dict[str, Any], schedule: str) -> dict:
    """Run one case in torch and return its JSON record."""
    start = FUNCTIONS[function]["start"]
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    f = torch_function(function)
    opt = torch_optimizer(torch, [p], name, hyper)
    sched = None if schedule == "constant" else torch_scheduler(torch, opt, schedule)
    ws: list[list[float]] = []
    lrs: list[float] = []
    for _ in range(STEPS):
        opt.zero_grad()
        f(p).backward()
        lrs.append(float(opt.param_groups[0]["lr"]))
        opt.step()
        if sched is not None:
            sched.step()
        ws.append([float(x) for x in p.detach().tolist()])
    bad = [w for w in ws if not all(abs(x) < 1e300 for x in w)]
    if bad:
        raise SystemExit(f"{name} {hyper} on {function} is not finite: pick another lr")
    record = {
        "id": f"{name}{''.join(f'-{k}={v}' for k, v in hyper.items())}-{function}"
        + ("" if schedule == "constant" else f"-{schedule}"),
        "function": function,
        "start": start,
        "optimizer": name,
        "hyper": hyper,
        "torch": repr(opt).split("(")[0] + f" {torch_kwargs(opt)}",
        "schedule": schedule,
        "w": ws,
    }
    if sched is not None:
        record["lr"] = lrs
    return record


def torch_kwargs(opt: Any) -> str:
    """The non-default-looking hyperparameters torch actually used, for people reading the JSON."""
    group = opt.param_groups[0]
    keep = ("lr", "momentum", "dampening", "nesterov", "lr_decay", "initial_accumulator_value",
            "eps", "alpha", "centered", "betas", "foreach")
    return ", ".join(f"{k}={group[k]!r}" for k in keep if k in group)


def main(argv: list[str]) -> int:
    """Record every case and write the JSON file (path from argv, else the test data file)."""
    try:
        import torch
    except ImportError:
        print("torch is not importable here: nothing recorded.\n"
              "Install it in a separate venv (see this file's docstring) and run it there.",
              file=sys.stderr)
        return 1
    torch.set_default_dtype(torch.float64)
    cases = []
    for name, hyper, lr_for in OPTIMIZER_CASES:
        for function in FUNCTIONS:
            h = dict(hyper)
            if function in lr_for:
                h["lr"] = lr_for[function]
            cases.append(record_case(torch, function, name, h, "constant"))
    for function, name, hyper, schedule in SCHEDULE_CASES:
        cases.append(record_case(torch, function, name, hyper, schedule))
    out = Path(argv[0]) if argv else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "about": "torch.optim float64 trajectories for tests/engine/test_optimizers.py; "
        "written by tools/record_torch_refs.py, do not edit",
        "torch_version": torch.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "steps": STEPS,
        "functions": FUNCTIONS,
        "cases": cases,
    }
    out.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} cases to {out} ({out.stat().st_size / 1e3:.0f} kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
