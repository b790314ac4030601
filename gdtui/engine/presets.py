"""Named problems: a function (as text), start point and optimizer settings that show something.

Imports only the standard library, so ``gdtui presets`` lists them instantly.  Every
claim in a description was checked by running it (see tests/engine/test_presets.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gdtui.errors import OptionError

__all__ = ["PRESETS", "Preset", "get_preset"]


@dataclass(frozen=True)
class Preset:
    """A named problem.  ``fn`` is expression text, compiled by gdtui.expr like typed input."""

    name: str
    description: str  # one line
    fn: str
    start: dict[str, float]
    optimizer: str = "sgd"
    lr: float = 0.1
    hyper: dict[str, float] = field(default_factory=dict)  # besides lr, for this optimizer
    data: str | None = None  # built-in data set name
    batch_size: int | None = None  # None: full batch
    steps: int = 100  # suggested number of steps to watch
    schedule: str | None = None  # None: constant
    minimum: dict[str, float] | None = None  # where f is lowest, when known (the landscape marks it)


_LOGISTIC = "-(y*log(sigmoid(w*x + b)) + (1 - y)*log(1 - sigmoid(w*x + b)))"

_ALL = [
    Preset(
        "lesson-bowl",
        "a tilted bowl (Hessian eigenvalues 1 and 3): sgd lr 0.1 slides into the minimum at 0 in ~185 steps",
        "x^2 + x*y + y^2", {"x": 3.0, "y": -1.0}, "sgd", 0.1, steps=200, minimum={"x": 0.0, "y": 0.0},
    ),
    Preset(
        "parabola",
        "the first lesson: x^2 from 5 with sgd lr 0.1 shrinks x by 0.8 a step (2.56 after 3 steps)",
        "x^2", {"x": 5.0}, "sgd", 0.1, steps=20, minimum={"x": 0.0},
    ),
    Preset(
        "bowl",
        "a round bowl: the gradient points straight at the minimum (0, 0)",
        "x^2 + y^2", {"x": 4.0, "y": 3.0}, "sgd", 0.1, steps=100, minimum={"x": 0.0, "y": 0.0},
    ),
    Preset(
        "shifted-bowl",
        "a round bowl whose minimum is at (3, -1), not at the origin",
        "(x - 3)^2 + (y + 1)^2", {"x": 0.0, "y": 0.0}, "sgd", 0.1, steps=100, minimum={"x": 3.0, "y": -1.0},
    ),
    Preset(
        "saddle",
        "a saddle: from just off the ridge sgd walks towards (0, 0), then slides away along y (diverges ~step 100)",
        "x^2 - y^2", {"x": 4.0, "y": 0.01}, "sgd", 0.1, steps=120,
    ),
    Preset(
        "lesson",
        "x^2 + 3xy + y^2 looks like a bowl but is a saddle (eigenvalues -1 and 5): sgd runs off to -inf",
        "x^2 + 3*x*y + y^2", {"x": 1.0, "y": 2.0}, "sgd", 0.05, steps=100,
    ),
    Preset(
        "ill-conditioned",
        "a long narrow valley (eigenvalues 2 and 50): lr 0.035 is near 2/50, so y zig-zags while x crawls",
        "x^2 + 25*y^2", {"x": 4.0, "y": 1.0}, "sgd", 0.035, steps=300, minimum={"x": 0.0, "y": 0.0},
    ),
    Preset(
        "double-well",
        "two valleys: from x = 2 sgd stops in the local minimum x = 1.13; momentum 0.9 rolls on to x = -1.30",
        "x^4 - 3*x^2 + x", {"x": 2.0}, "sgd", 0.01, steps=400,
    ),
    Preset(
        "rosenbrock",
        "the banana valley: adam lr 0.05 follows the curved floor to (1, 1) in ~2300 steps",
        "(1 - x)^2 + 100*(y - x^2)^2", {"x": -1.5, "y": 2.0}, "adam", 0.05, steps=2500, minimum={"x": 1.0, "y": 1.0},
    ),
    Preset(
        "newton-demo",
        "Newton's method on the banana valley: (1, 1) in 6 steps, where sgd needs thousands",
        "(1 - x)^2 + 100*(y - x^2)^2", {"x": -1.2, "y": 1.0}, "newton", 1.0, steps=10, minimum={"x": 1.0, "y": 1.0},
    ),
    Preset(
        "hours",
        "fit points = w * hours (PyTorchZeroToAll): mean squared error over 3 rows, sgd lr 0.01 finds w = 2",
        "(w*x - y)^2", {"w": 1.0}, "sgd", 0.01, data="hours", steps=250, minimum={"w": 2.0},
    ),
    Preset(
        "line",
        "fit y = w x + b to 5 points on y = 2x + 1: mean squared error, full batch",
        "(w*x + b - y)^2", {"w": 0.0, "b": 0.0}, "sgd", 0.05, data="line", steps=1000, minimum={"w": 2.0, "b": 1.0},
    ),
    Preset(
        "noisy-line",
        "the same fit on 100 noisy points with mini-batches of 10: the path jitters around w = 2, b = 1",
        "(w*x + b - y)^2", {"w": 0.0, "b": 0.0}, "sgd", 0.02, data="noisy-line", batch_size=10, steps=2000,
    ),
    Preset(
        "logistic",
        "logistic regression: P(pass) = sigmoid(w*hours + b) on the pass-fail data, cross-entropy loss",
        _LOGISTIC, {"w": 0.0, "b": 0.0}, "sgd", 1.0, data="pass-fail", steps=3500,
    ),
]

#: Every preset by name, in the order they are listed.
PRESETS: dict[str, Preset] = {p.name: p for p in _ALL}


def get_preset(name: str) -> Preset:
    """The preset called ``name``; OptionError listing the known ones otherwise."""
    try:
        return PRESETS[name]
    except (KeyError, TypeError):
        raise OptionError(f"unknown preset {name!r} (try: {', '.join(PRESETS)})") from None
