"""One validator per hyperparameter, used by the engine, the CLI and the TUI alike.

The rules are torch.optim's (the checks at the top of each optimizer's
``__init__``), with three deliberate differences, each refusing a value that makes
the lesson meaningless rather than one torch would reject:

* ``lr`` must be positive (torch accepts 0: a run that never moves);
* ``dampening`` must be in [0, 1] (torch does not check: above 1 the gradient's
  sign flips);
* ``alpha`` must be in [0, 1] (torch accepts any alpha ≥ 0: above 1 the square
  average turns negative and its square root is nan).

Optimizer-specific rules (nesterov needs a momentum > 0, as torch says) are checked
by the optimizer itself.  Every message names the hyperparameter as torch spells it:
``momentum must be a number ≥ 0, got -0.5``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from gdtui.errors import OptionError

__all__ = ["HYPERPARAMETERS", "Hyperparameter", "check_hyperparameter", "fmt_value", "parse_hyperparameter"]


def fmt_value(value: Any) -> str:
    """A value as it appears in an error message (``-1``, ``0.5``, ``'abc'``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


@dataclass(frozen=True)
class Hyperparameter:
    """A numeric hyperparameter: its name and the values it may take (in words and as a test)."""

    name: str
    what: str  # "a positive number" ...
    ok: Callable[[Any], Any]  # works on a float or elementwise on an array

    def check(self, value: Any) -> Any:
        """``value`` as a float (or float array); OptionError if it is not allowed."""
        x = self._number(value)
        good = self.ok(x)
        if type(x) is not float and isinstance(x, np.ndarray):  # (a float needs no numpy)
            if not np.all(good):
                self._refuse(float(x[~good][0]))
        elif not good:
            self._refuse(x)
        return x

    def parse(self, text: str) -> float:
        """Typed ``text`` as a float, checked (OptionError with the same message as ``check``)."""
        text = str(text).strip()
        try:
            value = float(text)
        except ValueError:
            raise OptionError(f"{self.name} must be a number, got {text[:40]!r}") from None
        return self.check(value)

    def _refuse(self, x: float) -> None:
        raise OptionError(f"{self.name} must be {self.what}, got {fmt_value(x)}")

    def _number(self, value: Any) -> Any:
        if type(value) is float or type(value) is int:  # the usual case, without touching numpy
            x = float(value)
            if not math.isfinite(x):
                raise OptionError(f"{self.name} must be a finite number, got {fmt_value(x)}")
            return x
        if isinstance(value, np.ndarray):
            if value.dtype.kind not in "fiu":
                raise OptionError(f"{self.name} must be a number, got an array of {value.dtype}")
            arr = value.astype(float)
            bad = arr[~np.isfinite(arr)]
            if bad.size:
                raise OptionError(f"{self.name} must be a finite number, got {fmt_value(float(bad[0]))}")
            return arr
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise OptionError(f"{self.name} must be a number, got {fmt_value(value)}")
        x = float(value)
        if not math.isfinite(x):
            raise OptionError(f"{self.name} must be a finite number, got {fmt_value(x)}")
        return x


def _positive(x: Any) -> Any:
    return x > 0


def _non_negative(x: Any) -> Any:
    return x >= 0


def _below_one(x: Any) -> Any:  # [0, 1)
    return (x >= 0) & (x < 1)


def _up_to_one(x: Any) -> Any:  # [0, 1]
    return (x >= 0) & (x <= 1)


#: Every numeric hyperparameter of gdtui's optimizers.
HYPERPARAMETERS: dict[str, Hyperparameter] = {
    h.name: h
    for h in (
        Hyperparameter("lr", "a positive number", _positive),
        Hyperparameter("momentum", "a number ≥ 0", _non_negative),
        Hyperparameter("dampening", "a number in [0, 1]", _up_to_one),
        Hyperparameter("beta1", "a number in [0, 1)", _below_one),
        Hyperparameter("beta2", "a number in [0, 1)", _below_one),
        Hyperparameter("eps", "a number ≥ 0", _non_negative),
        Hyperparameter("alpha", "a number in [0, 1]", _up_to_one),
        Hyperparameter("lr_decay", "a number ≥ 0", _non_negative),
        Hyperparameter("initial_accumulator_value", "a number ≥ 0", _non_negative),
    )
}


def check_hyperparameter(name: str, value: Any) -> Any:
    """Validate hyperparameter ``name`` (a number or an array of numbers, one per run).

    Returns it as float(s); raises :class:`OptionError` naming it.  ``centered`` (a
    flag) must be true or false.
    """
    if name == "centered":
        if isinstance(value, np.ndarray) or value not in (True, False):
            raise OptionError(f"centered must be true or false, got {fmt_value(value)}")
        return bool(value)
    return HYPERPARAMETERS[name].check(value)


def parse_hyperparameter(name: str, text: str) -> float:
    """Typed text for hyperparameter ``name`` (a CLI option, a TUI field) as a checked float."""
    return HYPERPARAMETERS[name].parse(text)
