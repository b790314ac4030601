"""Learning-rate schedules: the lr used for update number t (1-based).

Each schedule is the closed form of a ``torch.optim.lr_scheduler`` class, so
``schedule.lr(base_lr, t)`` is the lr torch uses for the t-th ``optimizer.step()``
after ``t - 1`` calls of ``scheduler.step()``:

=============================  =====================================================
spec                           lr for update t
=============================  =====================================================
``constant``                   ``base_lr``
``step:STEP_SIZE:GAMMA``       ``base_lr * GAMMA ** ((t - 1) // STEP_SIZE)``  (StepLR)
``exp:GAMMA``                  ``base_lr * GAMMA ** (t - 1)``  (ExponentialLR)
``cosine:T_MAX[:ETA_MIN]``     ``ETA_MIN + (base_lr - ETA_MIN) * (1 + cos(pi * (t - 1) / T_MAX)) / 2``
                               (CosineAnnealingLR)
=============================  =====================================================

torch's schedulers update the lr recursively (``lr *= gamma`` at each decay), so
their values can differ from these closed forms in the last bits (relative
differences around 1e-16 per decay); the tests check this against recorded torch
values.  Like torch, the cosine schedule keeps following the cosine after
``T_MAX`` (the lr rises again); pick ``T_MAX`` at least as large as the run.

``base_lr`` may be a float or a numpy array (one lr per run); the result has the
same type.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

from gdtui.errors import OptionError

__all__ = [
    "SCHEDULE_SPECS",
    "Constant",
    "Cosine",
    "Exponential",
    "Schedule",
    "StepDecay",
    "make_schedule",
]

#: The accepted spec forms, for help texts and error messages.
SCHEDULE_SPECS = ("constant", "step:STEP_SIZE:GAMMA", "exp:GAMMA", "cosine:T_MAX[:ETA_MIN]")


def _fmt(x: float) -> str:
    """A number as the user would type it back (``0.5``, ``10``, ``1e-05``)."""
    return repr(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


class Schedule:
    """Base class: a rule giving the learning rate of update t from the base lr."""

    kind: ClassVar[str] = ""

    def lr(self, base_lr: Any, t: int) -> Any:
        """The learning rate for update ``t`` (1-based) when the base lr is ``base_lr``."""
        raise NotImplementedError

    def describe(self) -> str:
        """The schedule in words, for the UI and ``--help``."""
        raise NotImplementedError


@dataclass(frozen=True)
class Constant(Schedule):
    """The same lr at every update."""

    kind: ClassVar[str] = "constant"

    def lr(self, base_lr: Any, t: int) -> Any:
        """``base_lr`` itself."""
        return base_lr

    def describe(self) -> str:
        """The schedule in words."""
        return "constant learning rate"

    def __str__(self) -> str:
        return "constant"


@dataclass(frozen=True)
class StepDecay(Schedule):
    """Multiply the lr by ``gamma`` every ``step_size`` updates (torch StepLR)."""

    step_size: int
    gamma: float
    kind: ClassVar[str] = "step"

    def __post_init__(self) -> None:
        if isinstance(self.step_size, bool) or not isinstance(self.step_size, int) or self.step_size < 1:
            raise OptionError(
                f"schedule step: STEP_SIZE must be a whole number ≥ 1, got {self.step_size}"
            )
        _check_gamma("step", self.gamma)

    def lr(self, base_lr: Any, t: int) -> Any:
        """``base_lr * gamma ** ((t - 1) // step_size)``."""
        return base_lr * self.gamma ** ((t - 1) // self.step_size)

    def describe(self) -> str:
        """The schedule in words."""
        return f"multiply the lr by {_fmt(self.gamma)} every {self.step_size} steps"

    def __str__(self) -> str:
        return f"step:{self.step_size}:{_fmt(self.gamma)}"


@dataclass(frozen=True)
class Exponential(Schedule):
    """Multiply the lr by ``gamma`` after every update (torch ExponentialLR)."""

    gamma: float
    kind: ClassVar[str] = "exp"

    def __post_init__(self) -> None:
        _check_gamma("exp", self.gamma)

    def lr(self, base_lr: Any, t: int) -> Any:
        """``base_lr * gamma ** (t - 1)``."""
        return base_lr * self.gamma ** (t - 1)

    def describe(self) -> str:
        """The schedule in words."""
        return f"multiply the lr by {_fmt(self.gamma)} every step"

    def __str__(self) -> str:
        return f"exp:{_fmt(self.gamma)}"


@dataclass(frozen=True)
class Cosine(Schedule):
    """Cosine annealing from the base lr down to ``eta_min`` over ``t_max`` updates."""

    t_max: int
    eta_min: float = 0.0
    kind: ClassVar[str] = "cosine"

    def __post_init__(self) -> None:
        if isinstance(self.t_max, bool) or not isinstance(self.t_max, int) or self.t_max < 1:
            raise OptionError(f"schedule cosine: T_MAX must be a whole number ≥ 1, got {self.t_max}")
        if not (math.isfinite(self.eta_min) and self.eta_min >= 0):
            raise OptionError(
                f"schedule cosine: ETA_MIN must be a number ≥ 0, got {_fmt(self.eta_min)}"
            )

    def lr(self, base_lr: Any, t: int) -> Any:
        """``eta_min + (base_lr - eta_min) * (1 + cos(pi * (t - 1) / t_max)) / 2``.

        Same operation order as torch's ``CosineAnnealingLR._get_closed_form_lr``.
        """
        return (
            self.eta_min
            + (base_lr - self.eta_min) * (1 + math.cos(math.pi * (t - 1) / self.t_max)) / 2
        )

    def describe(self) -> str:
        """The schedule in words."""
        low = f" to {_fmt(self.eta_min)}" if self.eta_min else " to 0"
        return f"cosine decay of the lr{low} over {self.t_max} steps"

    def __str__(self) -> str:
        if self.eta_min:
            return f"cosine:{self.t_max}:{_fmt(self.eta_min)}"
        return f"cosine:{self.t_max}"


def _check_gamma(kind: str, gamma: float) -> None:
    if not (math.isfinite(gamma) and gamma > 0):
        raise OptionError(f"schedule {kind}: GAMMA must be a positive number, got {_fmt(gamma)}")


def _number(kind: str, what: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise OptionError(f"schedule {kind}: {what} must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise OptionError(f"schedule {kind}: {what} must be a finite number, got {text!r}")
    return value


def _whole(kind: str, what: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise OptionError(
            f"schedule {kind}: {what} must be a whole number ≥ 1, got {text!r}"
        ) from None


def make_schedule(spec: str | None) -> Schedule:
    """Parse a schedule spec: ``constant``, ``step:10:0.5``, ``exp:0.99``, ``cosine:100[:0.001]``.

    ``None`` or an empty string mean ``constant``.  Raises :class:`OptionError`
    naming the bad part.
    """
    text = (spec or "constant").strip()
    kind, *args = [part.strip() for part in text.split(":")]
    kind = kind.lower()
    expected = {"constant": (0, 0), "step": (2, 2), "exp": (1, 1), "cosine": (1, 2)}
    forms = {
        "constant": "constant",
        "step": "step:STEP_SIZE:GAMMA",
        "exp": "exp:GAMMA",
        "cosine": "cosine:T_MAX[:ETA_MIN]",
    }
    if kind not in expected:
        raise OptionError(
            f"unknown schedule {kind!r}: use one of {', '.join(SCHEDULE_SPECS)}"
        )
    lo, hi = expected[kind]
    if not lo <= len(args) <= hi:
        raise OptionError(f"schedule {text!r} has the wrong number of parts: use {forms[kind]}")
    if kind == "constant":
        return Constant()
    if kind == "step":
        return StepDecay(_whole(kind, "STEP_SIZE", args[0]), _number(kind, "GAMMA", args[1]))
    if kind == "exp":
        return Exponential(_number(kind, "GAMMA", args[0]))
    eta_min = _number(kind, "ETA_MIN", args[1]) if len(args) == 2 else 0.0
    return Cosine(_whole(kind, "T_MAX", args[0]), eta_min)
