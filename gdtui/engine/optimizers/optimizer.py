"""The elementwise optimizers: a frozen dataclass of hyperparameters around a rule.

Each class names its rule (a function of :mod:`~gdtui.engine.optimizers.rules`) and
its state (a NamedTuple there); the base class validates the hyperparameters,
steps through the code generated from the rule (:mod:`~gdtui.engine.optimizers.codegen`)
and shows the state by name.

Conventions (shared with :mod:`gdtui.engine.run` and :mod:`gdtui.engine.batch`):

* ``w``, ``g`` and every state entry are either a ``list`` of D Python floats (one
  run) or numpy arrays of shape (R, D) (R runs stepped together).
* ``t`` is the 1-based number of the update being made; ``lr`` the learning rate
  for it (after the schedule).  For many runs ``lr`` and any hyperparameter may be
  an array of shape (R, 1), one value per run.
* ``step`` is pure: it never mutates ``w``, ``g`` or ``state`` and returns new ones.
  ``update`` is ``new_w - w``, the change actually applied.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, NamedTuple

import numpy as np

from gdtui.engine.optimizers import rules
from gdtui.engine.optimizers.codegen import CompiledRule, exact_pow
from gdtui.engine.optimizers.hyperparameters import check_hyperparameter
from gdtui.errors import OptionError

__all__ = ["SGD", "Adagrad", "Adam", "Momentum", "Nesterov", "Optimizer", "RMSprop", "StepResult"]


class StepResult(NamedTuple):
    """What one update produced.

    ``note`` is ``None`` normally.  Newton sets it when it fell back to a gradient
    step: the message itself for a single run; for many runs a tuple with the
    message or ``None`` per run (``None`` overall when no run fell back).
    """

    w: Any
    update: Any
    state: tuple
    note: Any = None


class _Compiled:
    """``cls.compiled``: the rule's generated variants, made the first time an optimizer
    of the class is used (so importing the engine compiles nothing)."""

    def __get__(self, obj: Any, cls: type) -> CompiledRule | None:
        compiled = cls.__dict__.get("_compiled_rule")
        if compiled is None and cls.rule is not None:  # type: ignore[attr-defined]
            compiled = CompiledRule(cls.rule, cls.State)  # type: ignore[attr-defined]
            cls._compiled_rule = compiled  # type: ignore[attr-defined]
        return compiled


class Optimizer:
    """Base of the optimizers: validation, stepping, state handling and introspection.

    Subclasses are frozen dataclasses whose fields are the hyperparameters.  An
    elementwise optimizer sets ``rule`` (its update function) and ``State`` (its
    state NamedTuple); others (Newton) override ``step`` and set ``rule = None``.
    """

    name: ClassVar[str] = ""
    #: The torch class this rule reproduces, for help texts.
    torch_name: ClassVar[str] = ""
    #: The update rule in one line, for the UI.
    formula: ClassVar[str] = ""
    #: The update function of one coordinate (None: the class overrides ``step``).
    rule: ClassVar[Callable[..., Any] | None] = None
    #: The state between steps, one entry per coordinate and field.
    State: ClassVar[type] = rules.SGDState
    #: The state's names as the UI shows them (``State``'s fields with spaces).
    state_names: ClassVar[tuple[str, ...]] = ()
    #: True when ``step`` needs the Hessian (``hessian=`` callable).
    needs_hessian: ClassVar[bool] = False
    #: The generated variants of ``rule`` (None without a rule), made on first use.
    compiled: ClassVar[CompiledRule | None] = _Compiled()  # type: ignore[assignment]
    lr: float

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.state_names = tuple(f.replace("_", " ") for f in cls.State._fields)

    def __post_init__(self) -> None:
        for name in self.fields():
            object.__setattr__(self, name, check_hyperparameter(name, getattr(self, name)))
        self._check()
        # the rule's compiled code and fixed values are made on first use (see fixed):
        # checking options by building an optimizer compiles nothing

    def _check(self) -> None:
        """Rules of this optimizer beyond each hyperparameter's own."""

    # -------------------------------------------------------- introspection
    @classmethod
    def fields(cls) -> tuple[str, ...]:
        """The hyperparameters this optimizer takes, in order (``("lr", "beta1", ...)``)."""
        return tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """The default value of each hyperparameter."""
        return {f.name: f.default for f in dataclasses.fields(cls)}  # type: ignore[arg-type]

    def hyperparameters(self) -> dict[str, Any]:
        """The hyperparameters of this instance, e.g. ``{"lr": 0.1, "momentum": 0.9}``."""
        return {name: getattr(self, name) for name in self.fields()}

    @property
    def fixed(self) -> tuple:
        """What the rule computes from the hyperparameters alone (``compiled.fixed_names``)."""
        fixed = self.__dict__.get("_fixed")
        if fixed is None:
            compiled = self.compiled
            assert compiled is not None, f"{self.name} has no rule"
            fixed = compiled.fixed(**{h: getattr(self, h) for h in compiled.hyper})
            object.__setattr__(self, "_fixed", fixed)
        return fixed  # type: ignore[no-any-return]

    def float_sqrt(self) -> Callable[[float], float]:
        """The square root for one run's floats: math.sqrt unless a rule can take the
        root of a number that rounded below zero (where torch gives nan)."""
        return math.sqrt

    # ------------------------------------------------------------- stepping
    def init_state(self, w: Any) -> tuple:
        """The state before the first update: zeros shaped like ``w`` per state field."""
        return self.State(*(_zeros_like(w) for _ in self.State._fields))

    def step(self, w: Any, g: Any, state: tuple, t: int, lr: Any, hessian: Any = None) -> StepResult:
        """Apply update number ``t`` (1-based) with learning rate ``lr``.

        ``w``, ``g`` and the state entries are lists of floats (one run) or (R, D)
        arrays (many runs).  Returns the new point, the applied update
        ``new_w - w``, the new state and a note (None).  Never mutates its inputs.
        """
        if type(w) is list:
            fn = self.compiled.single(len(w))  # type: ignore[union-attr]
            new_w, new_state = fn(w, g, state, t, lr, self.fixed, self.float_sqrt())
            return StepResult(new_w, [a - b for a, b in zip(new_w, w)], new_state, None)
        return self._step_arrays(w, g, state, t, lr)

    def _step_arrays(self, w: Any, g: Any, state: tuple, t: int, lr: Any) -> StepResult:
        """The (R, D) path through the in-place variant, into new arrays.

        A branch test that differs between runs (RMSprop's ``centered`` given per
        run) splits the runs into groups that share it; each group is one call.
        """
        compiled = self.compiled
        into = compiled.into  # type: ignore[union-attr]
        w = np.asarray(w, dtype=float)
        g = np.asarray(g, dtype=float)
        state = tuple(np.asarray(s, dtype=float) for s in state)
        fixed = list(self.fixed)
        index = {n: i for i, n in enumerate(compiled.fixed_names)}  # type: ignore[union-attr]
        split = []
        for name in compiled.flags:  # type: ignore[union-attr]
            i = index[name]
            value = fixed[i]
            if isinstance(value, np.ndarray):
                if value.all() or not value.any():
                    fixed[i] = bool(value.flat[0])
                else:
                    split.append(i)
        outs = [np.empty_like(w) for _ in range(1 + len(state))]
        with np.errstate(all="ignore"):
            if not split:
                into(w, g, *state, t, lr, *fixed, *outs)
            else:
                n = w.shape[0]
                keys = np.stack([np.broadcast_to(fixed[i], (n, 1))[:, 0] for i in split], 1)
                for combo in np.unique(keys, axis=0):
                    rows = np.all(keys == combo, axis=1)

                    def part(x: Any) -> Any:
                        return x[rows] if isinstance(x, np.ndarray) and x.ndim and x.shape[0] == n else x

                    sub = [part(c) for c in fixed]
                    for j, i in enumerate(split):
                        sub[i] = bool(combo[j])
                    sub_outs = [np.empty_like(w[rows]) for _ in outs]
                    into(w[rows], g[rows], *[s[rows] for s in state], t, part(lr), *sub, *sub_outs)
                    for out, p in zip(outs, sub_outs):
                        out[rows] = p
            update = outs[0] - w
        return StepResult(outs[0], update, self.State(*outs[1:]), None)

    # -------------------------------------------------------------- display
    def display_state(self, state: tuple, t: int) -> dict[str, Any]:
        """The state by name for the UI (copies), plus derived quantities (Adam's m̂, v̂)."""
        return {name: _copy(s) for name, s in zip(self.state_names, state)}


def _zeros_like(w: Any, fill: Any = 0.0) -> Any:
    if type(w) is list:
        return [float(fill)] * len(w)
    return np.zeros(np.shape(w)) + fill


def _copy(x: Any) -> Any:
    return list(x) if type(x) is list else np.array(x, dtype=float)


# ------------------------------------------------------------ the optimizers
@dataclass(frozen=True)
class SGD(Optimizer):
    """Plain gradient descent (torch ``SGD(lr)``): ``w ← w - lr·g``.  No state."""

    lr: float = 1e-3
    name: ClassVar[str] = "sgd"
    torch_name: ClassVar[str] = "SGD(lr=lr)"
    formula: ClassVar[str] = "w ← w − lr·g"
    rule = staticmethod(rules.sgd_update)
    State = rules.SGDState


@dataclass(frozen=True)
class Momentum(Optimizer):
    """Heavy-ball momentum (torch ``SGD(lr, momentum, dampening)``): :func:`~rules.momentum_update`."""

    lr: float = 1e-3
    momentum: float = 0.9
    dampening: float = 0.0
    name: ClassVar[str] = "momentum"
    torch_name: ClassVar[str] = "SGD(lr=lr, momentum=momentum, dampening=dampening)"
    formula: ClassVar[str] = "v ← momentum·v + (1−dampening)·g  (v ← g at step 1);  w ← w − lr·v"
    rule = staticmethod(rules.momentum_update)
    State = rules.MomentumState


@dataclass(frozen=True)
class Nesterov(Optimizer):
    """Nesterov momentum (torch ``SGD(lr, momentum, nesterov=True)``): :func:`~rules.nesterov_update`.

    This is the lesson's ``v = m·v - lr·g; w = w + m·v - lr·g`` with
    ``v_lesson = -lr·v`` for a constant lr (see docs/optimizers.md).
    """

    lr: float = 1e-3
    momentum: float = 0.9
    name: ClassVar[str] = "nesterov"
    torch_name: ClassVar[str] = "SGD(lr=lr, momentum=momentum, nesterov=True)"
    formula: ClassVar[str] = "v ← momentum·v + g;  w ← w − lr·(g + momentum·v)"
    rule = staticmethod(rules.nesterov_update)
    State = rules.NesterovState

    def _check(self) -> None:
        # torch: "Nesterov momentum requires a momentum and zero dampening"
        if np.any(np.asarray(self.momentum) <= 0):
            bad = float(np.min(self.momentum))
            raise OptionError(f"momentum must be a positive number for nesterov, got {bad:g}")


@dataclass(frozen=True)
class Adagrad(Optimizer):
    """Adagrad (torch ``Adagrad(lr, lr_decay, initial_accumulator_value, eps)``): :func:`~rules.adagrad_update`."""

    lr: float = 1e-2
    lr_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10
    name: ClassVar[str] = "adagrad"
    torch_name: ClassVar[str] = (
        "Adagrad(lr=lr, lr_decay=lr_decay, initial_accumulator_value=..., eps=eps)"
    )
    formula: ClassVar[str] = "s ← s + g²;  w ← w − lr/(1+(t−1)·lr_decay) · g/(√s + eps)"
    rule = staticmethod(rules.adagrad_update)
    State = rules.AdagradState

    def init_state(self, w: Any) -> tuple:
        """``sum of squares`` filled with ``initial_accumulator_value``."""
        return self.State(_zeros_like(w, self.initial_accumulator_value))


@dataclass(frozen=True)
class RMSprop(Optimizer):
    """RMSprop (torch ``RMSprop(lr, alpha, eps, momentum, centered)``): :func:`~rules.rmsprop_update`.

    The state has all three of torch's buffers; ``momentum buffer`` is used when
    momentum > 0 and ``grad avg`` when centered; unused ones stay zero.
    """

    lr: float = 1e-2
    alpha: float = 0.99
    eps: float = 1e-8
    momentum: float = 0.0
    centered: bool = False
    name: ClassVar[str] = "rmsprop"
    torch_name: ClassVar[str] = (
        "RMSprop(lr=lr, alpha=alpha, eps=eps, momentum=momentum, centered=centered)"
    )
    formula: ClassVar[str] = "a ← alpha·a + (1−alpha)·g²;  w ← w − lr·g/(√a + eps)"
    rule = staticmethod(rules.rmsprop_update)
    State = rules.RMSpropState

    def float_sqrt(self) -> Callable[[float], float]:
        """Centered, a − ḡ² can round to a tiny negative: nan there (torch's answer)."""
        return rules.sqrt if self.centered else math.sqrt

    def display_state(self, state: tuple, t: int) -> dict[str, Any]:
        """``square avg``, plus ``momentum buffer`` / ``grad avg`` when they are in use."""
        out = {"square avg": _copy(state[0])}
        if np.any(np.asarray(self.momentum) > 0):
            out["momentum buffer"] = _copy(state[1])
        if self.centered:
            out["grad avg"] = _copy(state[2])
        return out


@dataclass(frozen=True)
class Adam(Optimizer):
    """Adam (torch ``Adam(lr, betas=(beta1, beta2), eps)``): :func:`~rules.adam_update`.

    ``display_state`` adds the bias-corrected ``m̂ = m/(1-beta1^t)`` and ``v̂ = v/(1-beta2^t)``.
    """

    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    name: ClassVar[str] = "adam"
    torch_name: ClassVar[str] = "Adam(lr=lr, betas=(beta1, beta2), eps=eps)"
    formula: ClassVar[str] = (
        "m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr·m̂/(√v̂ + eps)"
    )
    rule = staticmethod(rules.adam_update)
    State = rules.AdamState

    def display_state(self, state: tuple, t: int) -> dict[str, Any]:
        """``m``, ``v`` and the bias-corrected ``m̂``, ``v̂`` (equal to m, v before step 1)."""
        m, v = state
        out = {"m": _copy(m), "v": _copy(v)}
        if t <= 0:
            out["m̂"], out["v̂"] = _copy(m), _copy(v)
            return out
        bc1 = 1 - exact_pow(self.beta1, t)
        bc2 = 1 - exact_pow(self.beta2, t)
        if type(m) is list:
            out["m̂"] = [x / bc1 for x in m]
            out["v̂"] = [x / bc2 for x in v]
        else:
            out["m̂"] = np.asarray(m, dtype=float) / bc1
            out["v̂"] = np.asarray(v, dtype=float) / bc2
        return out
