"""The optimizers: sgd, momentum, nesterov, adagrad, rmsprop, adam, newton.

Each has the semantics and defaults of ``torch.optim`` in float64 and torch's
order of operations (single-tensor CPU code), so trajectories agree with torch's to
rounding (see ``docs/optimizers.md``).  Where to read what:

* :mod:`~gdtui.engine.optimizers.rules`: the update rules, one plain function each;
* :mod:`~gdtui.engine.optimizers.hyperparameters`: one validator per hyperparameter
  (also used by the CLI and the TUI);
* :mod:`~gdtui.engine.optimizers.codegen`: the fast variants generated from the rules;
* :mod:`~gdtui.engine.optimizers.optimizer`: the optimizer classes (hyperparameters,
  stepping, state by name); :mod:`~gdtui.engine.optimizers.newton`: Newton's method.
"""

from __future__ import annotations

from typing import Any

from gdtui.engine.optimizers.hyperparameters import fmt_value
from gdtui.engine.optimizers.newton import NEWTON_FALLBACK_NOTE, Newton
from gdtui.engine.optimizers.optimizer import (
    SGD,
    Adagrad,
    Adam,
    Momentum,
    Nesterov,
    Optimizer,
    RMSprop,
    StepResult,
)
from gdtui.errors import OptionError

__all__ = [
    "NEWTON_FALLBACK_NOTE",
    "OPTIMIZERS",
    "SGD",
    "Adagrad",
    "Adam",
    "Momentum",
    "Nesterov",
    "Newton",
    "Optimizer",
    "RMSprop",
    "StepResult",
    "hyperparameter_names",
    "make_optimizer",
]

OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, Nesterov, Adagrad, RMSprop, Adam, Newton)
}


def hyperparameter_names(name: str) -> tuple[str, ...]:
    """The hyperparameters optimizer ``name`` takes (the CLI and TUI show only these)."""
    return _lookup(name).fields()


def _lookup(name: str) -> type[Optimizer]:
    try:
        return OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise OptionError(
            f"unknown optimizer {name!r}: use one of {', '.join(OPTIMIZERS)}"
        ) from None


def make_optimizer(name: str, **hyper: Any) -> Optimizer:
    """Build optimizer ``name`` from hyperparameters; ``None`` values mean "default".

    For adam, ``betas=(beta1, beta2)`` is accepted as torch spells it.  Raises
    :class:`OptionError` for an unknown optimizer, an unknown hyperparameter
    (listing the valid ones) or a bad value.
    """
    cls = _lookup(name)
    given = {k: v for k, v in hyper.items() if v is not None}
    if "betas" in given and cls is Adam:
        betas = given.pop("betas")
        try:
            given.setdefault("beta1", betas[0])
            given.setdefault("beta2", betas[1])
        except (TypeError, IndexError):
            raise OptionError(f"betas must be two numbers, got {fmt_value(betas)}") from None
    valid = cls.fields()
    unknown = [k for k in given if k not in valid]
    if unknown:
        raise OptionError(
            f"{name} has no hyperparameter {unknown[0]!r}: it takes {', '.join(valid)}"
        )
    return cls(**given)
