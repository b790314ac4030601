"""Analysis: numerical gradient, eigenvalues, kinds of points, 2/λmax, Taylor."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdtui.engine.analysis import (
    check_point,
    classify,
    hessian_eigen,
    max_stable_lr,
    numerical_gradient,
    taylor1,
    taylor2,
)
from gdtui.engine.data import builtin_dataset
from gdtui.engine.objective import Objective
from gdtui.engine.optimizers import make_optimizer
from gdtui.engine.run import Run


def quartic() -> Objective:
    return Objective(params=("x",), scalar_fn=lambda x: (x**4, (4 * x**3,)),
                     array_fn=lambda x: (x**4, (4 * x**3,)), hessian_fn=lambda x: ((12 * x * x,),))


def test_numerical_gradient_matches_symbolic(objectives):
    obj = objectives.rosenbrock()
    w = [-1.2, 1.0]
    _, g = obj.value_grad(w)
    assert numerical_gradient(obj, w) == pytest.approx(g, rel=1e-7)
    with pytest.raises(ValueError):
        numerical_gradient(obj, w, h=0)


def test_numerical_gradient_on_a_batch_of_rows(objectives):
    ds = builtin_dataset("line")
    obj = objectives.line_loss(ds.columns)
    rows = np.array([0, 3])
    _, g = obj.value_grad([0.5, 0.2], rows)
    assert numerical_gradient(obj, [0.5, 0.2], rows=rows) == pytest.approx(g, rel=1e-8)


def test_saddle_eigenvalues_and_kind(objectives):
    H = objectives.quadratic(1, 0, -1).hessian([0.0, 0.0])
    assert hessian_eigen(H).tolist() == [-2.0, 2.0]
    assert classify(H) == "saddle"


def test_lesson_function_is_a_saddle(objectives):
    res = check_point(objectives.quadratic(1, 3, 1), [1.0, 2.0])
    assert res.value == 11 and res.gradient == [8, 7]  # 1 + 6 + 4
    assert res.eigenvalues == pytest.approx([-1, 5])
    assert res.kind == "saddle"
    assert res.max_abs_error < 1e-6
    assert not res.stationary


@pytest.mark.parametrize(
    ("H", "kind"),
    [
        ([[2, 0], [0, 2]], "minimum"),
        ([[2, 1], [1, 3]], "minimum"),
        ([[-2, 0], [0, -1]], "maximum"),
        ([[2, 3], [3, 2]], "saddle"),
        ([[2, 0], [0, 0]], "degenerate"),
        ([[0]], "degenerate"),
        ([[-1, 0, 0], [0, 0, 0], [0, 0, 1]], "saddle"),  # both signs decide despite the zero
        ([[math.nan, 0], [0, 1]], "undefined"),
    ],
)
def test_classify(H, kind):
    assert classify(H) == kind


def test_quartic_at_zero_is_degenerate():
    res = check_point(quartic(), [0.0])
    assert res.kind == "degenerate" and res.stationary
    assert res.hessian == [[0.0]]


def test_minimum_check_point(objectives):
    res = check_point(objectives.quadratic(1, 0, 1), [0.0, 0.0])
    assert res.kind == "minimum" and res.stationary
    assert res.max_stable_lr == pytest.approx(1.0)


def test_max_stable_lr_is_the_divergence_threshold(objectives):
    obj = objectives.quadratic(1, 0, 12.5)  # x^2 + 12.5 y^2: λ = 2, 25
    H = obj.hessian([0.0, 0.0])
    lr = max_stable_lr(H)
    assert lr == pytest.approx(2 / 25)
    below = Run(obj, make_optimizer("sgd", lr=0.98 * lr), [1.0, 1.0])
    above = Run(obj, make_optimizer("sgd", lr=1.02 * lr), [1.0, 1.0])
    below.step(3000)
    above.step(3000)
    assert below.status == "converged"
    assert above.status == "diverged"
    assert max_stable_lr([[-1.0]]) == math.inf


def test_taylor2_exact_on_quadratics_and_close_nearby(objectives):
    obj = objectives.quadratic(1, 3, 1)
    assert taylor2(obj, [1.0, 2.0], [-3.0, 0.5]) == pytest.approx(obj.value([-3.0, 0.5]), rel=1e-14)
    ros = objectives.rosenbrock()
    w0, w = [-1.0, 1.0], [-0.999, 1.001]
    exact = ros.value(w)
    assert abs(taylor2(ros, w0, w) - exact) < abs(taylor1(ros, w0, w) - exact)
    assert abs(taylor2(ros, w0, w) - exact) < 1e-6


def test_check_point_outside_the_domain(objectives):
    res = check_point(objectives.log(), [-1.0])
    assert math.isnan(res.value)
    assert math.isnan(res.numerical_gradient[0])


# ------------------------------------------------ suggested lr and point wording
import pytest as _pytest

from gdtui.engine.analysis import point_description, round_down_125, suggested_lr


@_pytest.mark.parametrize("x,want", [(0.5, 0.5), (0.37, 0.2), (0.19, 0.1), (1.0, 1.0), (9.99, 5.0),
                                     (0.02, 0.02), (1 / 3, 0.2), (4.9e-4, 2e-4)])
def test_round_down_125(x, want) -> None:
    assert round_down_125(x) == want


def test_suggested_lr_is_one_over_lambda_max_rounded_down(objectives) -> None:
    assert suggested_lr(objectives.parabola(), [5.0]) == 0.5  # λ = 2
    assert suggested_lr(objectives.quadratic(1, 0, 25), [1.0, 1.0]) == 0.02  # λmax = 50
    assert suggested_lr(objectives.quadratic(-1, 0, -1), [1.0, 1.0]) is None  # no upward curvature


def test_point_description_names_a_kind_only_where_stationary(objectives) -> None:
    from gdtui.engine.analysis import check_point

    away = check_point(objectives.parabola(), [5.0])
    assert point_description(away) == "not a stationary point; the Hessian is positive definite here (locally convex)"
    at_min = check_point(objectives.parabola(), [0.0])
    assert point_description(at_min) == "minimum (the gradient is zero here)"
    assert check_point(objectives.log(), [-1.0]).domain_error
