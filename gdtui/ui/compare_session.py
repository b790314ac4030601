"""The state of the compare view, without Textual: the built comparison, the live speed,
and the leaderboard rows the screen draws.

What is compared is written as text, ``lr=0.01,0.1,0.7 steps=100`` (the ``--compare``
syntax; several lists separated by spaces; ``steps=N`` sets the step limit), so the
command line, the palette and the view's own field all say it the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from gdtui.engine.compare import axes_text, parse_compare_text
from gdtui.settings import Settings
from gdtui.ui.controller import Paced

if TYPE_CHECKING:
    from gdtui.comparison import Compared

__all__ = ["MARKERS", "CompareSession", "LeaderRow", "axes_text", "default_steps", "default_text", "parse_compare_text"]

#: One marker per run (letters and digits first; the last three runs of 64 get & ! ?).
MARKERS = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz&!?"

def default_steps(settings: Settings) -> int:
    """How many steps a comparison of this problem takes by default: the preset's
    suggestion, at least 100 (a comparison ends, so its regimes can be read)."""
    if settings.preset:
        from gdtui.engine.presets import PRESETS

        preset = PRESETS.get(settings.preset)
        if preset is not None and (not settings.fn or settings.fn == preset.fn):
            return max(int(preset.steps), 100)
    return 100


def default_text(settings: Settings) -> str:
    """What the compare view opens with from the single view: a learning-rate sweep
    around the current lr (a tenth, itself, five and ten times), with the default steps."""
    lr = settings.hyper.get("lr")
    if not lr:
        from gdtui.problem import apply_preset

        lr = apply_preset(settings).hyper.get("lr") or 0.001
    values = ",".join(f"{lr * f:.3g}" for f in (0.1, 1, 5, 10))
    return f"lr={values} steps={default_steps(settings)}"


@dataclass
class LeaderRow:
    """One line of the leaderboard."""

    index: int
    rank: int
    marker: str
    label: str
    status: str
    regime: str | None
    steps: int | None
    k: int
    loss: float
    grad_norm: float
    above_lr_max: bool


@dataclass
class CompareSession(Paced):
    """A comparison being watched: step, back, reset, live speed and the leaderboard."""

    compared: "Compared"
    text: str = ""
    _lr_max: Any = None

    def __post_init__(self) -> None:
        self._lr_max = self.compared.comparison.max_stable_lr()

    @property
    def comparison(self) -> Any:
        return self.compared.comparison

    @property
    def R(self) -> int:
        return self.comparison.R

    @property
    def max_stable_lr(self) -> float | None:
        """2/λmax when it applies (see :func:`gdtui.engine.compare.max_stable_lr`)."""
        return self._lr_max

    @property
    def running(self) -> bool:
        return self.comparison.running

    @property
    def k(self) -> int:
        return self.comparison.k

    def step(self, n: int = 1) -> int:
        """n steps of every run still running; returns how many were taken."""
        return self._timed(self.comparison.step, n, least=1)

    def back(self, n: int = 1) -> None:
        self.comparison.back(n)

    def reset(self) -> None:
        self.comparison.reset()

    def running_away(self) -> list[bool]:
        """Per run: diverged, failed, or its loss now above twice the highest start loss
        (the landscape keeps its view on the others)."""
        c = self.comparison
        start = [float(c.losses(i)[0]) for i in range(self.R)]
        finite = [x for x in start if math.isfinite(x)]
        top = max(finite) if finite else math.inf
        limit = top + abs(top) if math.isfinite(top) else math.inf
        out = []
        for i in range(self.R):
            now = float(c.losses(i)[-1])
            out.append(c.status(i) in ("diverged", "domain-error") or not math.isfinite(now) or now > limit)
        return out

    def marker(self, i: int) -> str:
        return MARKERS[i % len(MARKERS)]

    def leaderboard(self) -> list[LeaderRow]:
        """Every run, best first (steps to converge, then loss; diverged last)."""
        c = self.comparison
        lr_max = self._lr_max
        rows = []
        for rank, i in enumerate(c.ranking(), start=1):
            final = c.final(i)
            g = final["grad"]
            gn = math.hypot(*g) if all(math.isfinite(x) for x in g) else math.nan
            opt = c.runs[i].optimizer
            above = lr_max is not None and getattr(opt, "name", "") == "sgd" and opt.lr > lr_max
            rows.append(LeaderRow(i, rank, self.marker(i), c.runs[i].label, c.status(i), c.regime(i),
                                  c.steps_to_converge(i), final["step"], final["loss"], gn, above))
        return rows

    @property
    def first_settings(self) -> Settings:
        """The first run's settings: what the single view continues with."""
        return self.compared.first_settings
