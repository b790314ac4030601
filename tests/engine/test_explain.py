"""The worked update line: every number is one the run used, and the arithmetic holds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdtui.engine.data import BatchSampler
from gdtui.engine.explain import batch_position, worked_update
from gdtui.engine.optimizers import NEWTON_FALLBACK_NOTE, make_optimizer
from gdtui.engine.run import Run



def evaluate(numbers: str, values: tuple[float, ...]) -> float:
    """The numeric side of an equation, computed with the full-precision values."""
    text = numbers.format(*[f"({v!r})" for v in values])
    text = text.replace("−", "-").replace("·", "*").replace("²", "**2").replace("√", "sqrt")
    return float(eval(text, {"__builtins__": {}}, {"sqrt": math.sqrt}))  # our own template


OPTIMIZERS = [
    ("sgd", {"lr": 1e-4}),
    ("momentum", {"lr": 1e-4, "momentum": 0.9}),
    ("momentum", {"lr": 1e-4, "momentum": 0.9, "dampening": 0.3}),
    ("nesterov", {"lr": 1e-4, "momentum": 0.9}),
    ("adagrad", {"lr": 0.5}),
    ("adagrad", {"lr": 0.5, "lr_decay": 0.1}),
    ("rmsprop", {"lr": 0.01}),
    ("rmsprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("adam", {"lr": 0.1}),
    ("newton", {"lr": 0.5}),
]


@pytest.mark.parametrize("name,hyper", OPTIMIZERS, ids=lambda v: str(v))
@pytest.mark.parametrize("k", [1, 2, 7])
def test_each_equation_recomputes_its_result_from_its_numbers(objectives, name, hyper, k) -> None:
    run = Run(objectives.rosenbrock(), make_optimizer(name, **hyper), [-1.2, 1.0])
    run.step(k)
    worked = worked_update(run)
    assert worked is not None and worked.k == k and worked.optimizer == name
    for i, eqs in enumerate(worked.equations):
        for eq in eqs:
            assert evaluate(eq.numbers, eq.values) == pytest.approx(eq.result, rel=1e-9, abs=1e-12)
        last = eqs[-1]
        assert last.target == "{p}[k]"
        assert last.result == run.history.w[k, i]  # the new point, exactly as stored
        assert last.values[0] == run.history.w[k - 1, i]  # the old point
        # the gradient that made the update is row k-1's, never row k's
        used = [v for eq in eqs for v in eq.values]
        if name != "newton":  # Newton shows H⁻¹g, made from row k-1's gradient
            assert run.history.grad[k - 1, i] in used
        assert run.history.grad[k, i] not in used


def test_sgd_line_is_the_textbook_example(objectives) -> None:
    run = Run(objectives.parabola(), make_optimizer("sgd", lr=0.1), [4.0])
    run.step(2)
    (eq,), = worked_update(run).equations
    assert eq.form == "{p}[k-1] − η·g[k-1]"
    assert eq.values == (3.2, 0.1, 6.4) and eq.result == pytest.approx(2.56)
    assert worked_update(run, 1).equations[0][0].values == (4.0, 0.1, 8.0)


def test_no_update_at_step_zero(objectives) -> None:
    run = Run(objectives.parabola(), make_optimizer("sgd", lr=0.1), [4.0])
    assert worked_update(run) is None


def test_momentum_first_step_starts_the_velocity_at_the_gradient(objectives) -> None:
    run = Run(objectives.parabola(), make_optimizer("momentum", lr=0.1, momentum=0.9), [4.0])
    run.step(1)
    vel, _ = worked_update(run).equations[0]
    assert vel.form == "g[k-1]" and vel.result == 8.0


def test_newton_fallback_says_so_and_shows_the_gradient_step(objectives) -> None:
    run = Run(objectives.quadratic(1, 0, -1), make_optimizer("newton", lr=0.5), [1.0, 1.0])
    run.step(1)
    worked = worked_update(run)
    assert worked.note == NEWTON_FALLBACK_NOTE
    assert worked.equations[0][0].form == "{p}[k-1] − η·g[k-1]"


def test_batch_position_names_epoch_batch_and_rows(objectives) -> None:
    data = {"x": np.arange(5.0), "y": 2 * np.arange(5.0) + 1}
    sampler = BatchSampler(5, 2, seed=3)
    run = Run(objectives.line_loss(data), make_optimizer("sgd", lr=0.01), [0.0, 0.0], sampler=sampler)
    run.step(4)
    pos = batch_position(run)
    assert (pos.epoch, pos.batch, pos.batches_per_epoch) == (2, 2, 3)  # update 5 = epoch 2, batch 2
    assert pos.rows == tuple(sampler.rows(5).tolist())
    assert worked_update(run).batch
    full = Run(objectives.line_loss(data), make_optimizer("sgd", lr=0.01), [0.0, 0.0])
    assert batch_position(full) is None
