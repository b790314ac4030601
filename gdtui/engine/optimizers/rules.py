"""The update rules, one plain function per optimizer, as the textbook (and torch) writes them.

Each ``*_update`` function makes update number ``t`` (1-based) with learning rate
``lr`` (after the schedule) on ONE coordinate: ``w`` the parameter, ``g`` the
gradient there, ``state`` the optimizer's state for that coordinate (a NamedTuple
of floats), the hyperparameters as keyword arguments.  It returns the new ``w``
and the new state.  Every rule but Newton's treats each coordinate on its own, so
this is the whole rule.

These functions are the code that runs: :mod:`gdtui.engine.optimizers.codegen`
reads their source and generates the fast variants from it (straight-line code
for a single run, in-place numpy for many runs), keeping every operation and its
order.  The order is torch's (``torch/optim/*.py``, single-tensor CPU code) where
it decides the rounding, so gdtui's trajectories are torch's (the tests replay
recorded torch trajectories); the comments say where.  What the generator accepts
(see its module docstring): assignments, ``if``/``else`` on hyperparameters or
``t``, arithmetic, ``sqrt`` and ``lerp``, one final ``return``.

Both helpers also run on numpy arrays, so each function can be called as it is on
floats or on whole arrays.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

__all__ = [
    "AdagradState",
    "AdamState",
    "MomentumState",
    "NesterovState",
    "RMSpropState",
    "SGDState",
    "adagrad_update",
    "adam_update",
    "lerp",
    "momentum_update",
    "nesterov_update",
    "rmsprop_update",
    "sgd_update",
    "sqrt",
]


def sqrt(x: Any) -> Any:
    """√x, nan for a negative x (as torch gives) rather than an exception."""
    if isinstance(x, np.ndarray):
        return np.sqrt(x)
    return math.sqrt(x) if x >= 0 else math.nan


def lerp(start: Any, end: Any, weight: Any) -> Any:
    """``start + weight·(end − start)``, rounded as torch's ``lerp`` rounds it.

    torch computes ``start + weight·(end − start)`` when ``|weight| < 0.5`` and
    ``end − (end − start)·(1 − weight)`` otherwise (the weights here are in [0, 1]).
    Both are ``base + k·(end − start)`` with ``base`` start or end and ``k = weight``
    or ``weight − 1`` (negating ``1 − weight`` is exact): :func:`lerp_form`.
    """
    from_end, k = lerp_form(weight)
    if isinstance(from_end, np.ndarray):
        return np.where(from_end, end, start) + k * (end - start)
    return (end if from_end else start) + k * (end - start)


def lerp_form(weight: Any) -> tuple[Any, Any]:
    """``(from_end, k)`` such that torch's ``lerp(start, end, weight)`` is
    ``(end if from_end else start) + k·(end − start)``, operation for operation."""
    from_end = weight >= 0.5
    if isinstance(from_end, np.ndarray):
        return from_end, np.where(from_end, weight - 1, weight)
    return from_end, (weight - 1 if from_end else weight)


# ----------------------------------------------------------------- states
class SGDState(NamedTuple):
    """Plain gradient descent keeps nothing between steps."""


class MomentumState(NamedTuple):
    """torch's ``momentum_buffer``."""

    velocity: Any


class NesterovState(NamedTuple):
    """torch's ``momentum_buffer``."""

    velocity: Any


class AdagradState(NamedTuple):
    """torch's ``sum``: the running sum of the squared gradients."""

    sum_of_squares: Any


class RMSpropState(NamedTuple):
    """torch's ``square_avg``, ``momentum_buffer`` (only with momentum) and ``grad_avg``
    (only when centered); the unused ones stay at zero."""

    square_avg: Any
    momentum_buffer: Any
    grad_avg: Any


class AdamState(NamedTuple):
    """The moving averages of the gradient and of its square: torch's ``exp_avg`` and
    ``exp_avg_sq``, optax's ``mu`` and ``nu``."""

    m: Any
    v: Any


# ------------------------------------------------------------------ rules
def sgd_update(w: Any, g: Any, state: SGDState, t: int, lr: Any) -> tuple[Any, SGDState]:
    """Gradient descent: w ← w − lr·g."""
    return w - lr * g, state


def momentum_update(
    w: Any, g: Any, state: MomentumState, t: int, lr: Any, *, momentum: Any, dampening: Any
) -> tuple[Any, MomentumState]:
    """Heavy-ball momentum (torch ``SGD(momentum=…, dampening=…)``).

    v ← g at the first update (torch copies the first gradient, undampened),
    then v ← momentum·v + (1 − dampening)·g;  w ← w − lr·v.
    """
    (velocity,) = state
    # torch: buf.mul_(momentum).add_(grad, alpha=1 - dampening)
    velocity = g if t == 1 else velocity * momentum + (1 - dampening) * g
    return w - lr * velocity, MomentumState(velocity)


def nesterov_update(
    w: Any, g: Any, state: NesterovState, t: int, lr: Any, *, momentum: Any
) -> tuple[Any, NesterovState]:
    """Nesterov momentum (torch ``SGD(momentum=…, nesterov=True)``).

    v ← momentum·v + g;  w ← w − lr·(g + momentum·v).
    v starts at 0, so v = g at the first update, as torch's copy of the first gradient.
    """
    (velocity,) = state
    velocity = velocity * momentum + g
    # torch: grad = grad.add(buf, alpha=momentum); param.add_(grad, alpha=-lr)
    return w - lr * (g + momentum * velocity), NesterovState(velocity)


def adagrad_update(
    w: Any, g: Any, state: AdagradState, t: int, lr: Any, *, lr_decay: Any,
    initial_accumulator_value: Any, eps: Any,
) -> tuple[Any, AdagradState]:
    """Adagrad (torch ``Adagrad``).

    s ← s + g²;  w ← w − clr·g / (√s + eps)  with the decayed rate clr = lr / (1 + (t − 1)·lr_decay).
    s starts at ``initial_accumulator_value`` (see the optimizer's ``init_state``).
    """
    (sum_of_squares,) = state
    clr = lr / (1 + (t - 1) * lr_decay)
    sum_of_squares = sum_of_squares + g * g
    # torch: param.addcdiv_(grad, state_sum.sqrt().add_(eps), value=-clr)
    return w - clr * g / (sqrt(sum_of_squares) + eps), AdagradState(sum_of_squares)


def rmsprop_update(
    w: Any, g: Any, state: RMSpropState, t: int, lr: Any, *, alpha: Any, eps: Any,
    momentum: Any, centered: bool,
) -> tuple[Any, RMSpropState]:
    """RMSprop (torch ``RMSprop``).

    a ← alpha·a + (1 − alpha)·g²;  avg = √a + eps
    (centered: ḡ ← alpha·ḡ + (1 − alpha)·g and avg = √(a − ḡ²) + eps);
    w ← w − lr·g / avg, or with momentum b ← momentum·b + g / avg and w ← w − lr·b.
    """
    square_avg, momentum_buffer, grad_avg = state
    # torch: square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
    square_avg = square_avg * alpha + (1 - alpha) * g * g
    if centered:
        grad_avg = lerp(grad_avg, g, 1 - alpha)
        # a − ḡ² can round below 0: sqrt gives nan there, as torch does
        avg = sqrt(square_avg - grad_avg * grad_avg) + eps
    else:
        avg = sqrt(square_avg) + eps
    if momentum > 0:
        momentum_buffer = momentum_buffer * momentum + g / avg
        w = w - lr * momentum_buffer
    else:
        w = w - lr * g / avg
    return w, RMSpropState(square_avg, momentum_buffer, grad_avg)


def adam_update(
    w: Any, g: Any, state: AdamState, t: int, lr: Any, *, beta1: Any, beta2: Any, eps: Any
) -> tuple[Any, AdamState]:
    """Adam (torch ``Adam``, no weight decay, no amsgrad).

    m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
    m̂ = m / (1 − β1ᵗ);  v̂ = v / (1 − β2ᵗ);  w ← w − lr·m̂ / (√v̂ + eps).

    torch never forms m̂ and v̂: it divides lr by the first bias correction and √v by
    the square root of the second, in the order below, which decides the last bits.
    """
    m, v = state
    # torch computes the bias corrections on Python floats
    bias_correction1 = 1 - beta1**t
    bias_correction2_sqrt = (1 - beta2**t) ** 0.5
    step_size = lr / bias_correction1
    # torch: exp_avg.lerp_(grad, 1 - beta1)
    m = lerp(m, g, 1 - beta1)
    # torch: exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    v = v * beta2 + (1 - beta2) * g * g
    # torch: denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
    denom = sqrt(v) / bias_correction2_sqrt + eps
    # torch: param.addcdiv_(exp_avg, denom, value=-step_size)
    return w - step_size * m / denom, AdamState(m, v)
