"""h sweeps, gradient check, Newton and gradient steps, Taylor predictions, curvature."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdtui.engine.analysis import (
    H_SWEEP,
    best_h,
    curvature,
    forward_difference,
    gradcheck,
    h_sweep,
    local_convexity,
    newton_step,
    step_analysis,
    taylor_curves,
)


def test_sweep_is_1e_1_to_1e_12() -> None:
    assert H_SWEEP == tuple(10.0 ** -k for k in range(1, 13)) or all(
        h == pytest.approx(10.0 ** -k, rel=1e-15) for h, k in zip(H_SWEEP, range(1, 13)))
    assert len(H_SWEEP) == 12


def test_forward_difference_has_error_of_order_h(objectives):
    obj = objectives.parabola()  # f = x^2: forward difference is 2x + h exactly
    assert forward_difference(obj, [1.5], 0.1)[0] == pytest.approx(3.1)
    with pytest.raises(ValueError):
        forward_difference(obj, [1.0], 0.0)


def test_the_v_truncation_on_the_right_round_off_on_the_left(objectives):
    obj = objectives.rosenbrock()
    rows = h_sweep(obj, [-1.2, 1.0])
    assert [r.h for r in rows] == list(H_SWEEP)
    _, g = obj.value_grad([-1.2, 1.0])
    for r in rows:
        expect = max(abs(a - b) for a, b in zip(r.forward, g))
        assert r.forward_error == expect
        assert r.central_error == max(abs(a - b) for a, b in zip(r.central, g))
    fe = [r.forward_error for r in rows]
    # truncation: the forward error shrinks ~10x per step of h at first; round-off: it grows again
    assert fe[1] < fe[0] / 5 and fe[2] < fe[1] / 5
    best = best_h(rows, "forward")
    assert 1e-10 < best < 1e-3
    assert fe[-1] > min(fe) * 100
    assert best_h(rows, "central") > best  # central differences are O(h^2): the best h is larger


def test_best_h_ignores_non_finite_errors():
    from gdtui.engine.analysis import SweepRow

    rows = [SweepRow(1e-1, [], [], math.nan, 1.0), SweepRow(1e-2, [], [], 2.0, 1.0)]
    assert best_h(rows, "forward") == 1e-2
    assert best_h(rows, "central") == 1e-1  # a tie: the larger h
    assert best_h([SweepRow(1e-1, [], [], math.nan, math.nan)]) is None


def test_gradcheck_per_parameter(objectives):
    obj = objectives.quadratic(1, 3, 1)
    res = gradcheck(obj, [1.0, 2.0], 1e-3)
    assert res.analytic == [8.0, 7.0]
    assert res.forward == pytest.approx([8.001, 7.001])
    assert res.central == pytest.approx([8.0, 7.0], abs=1e-9)
    assert res.forward_errors == pytest.approx([1e-3, 1e-3], rel=1e-6)


def test_newton_step_solves_the_quadratic_and_refuses_saddles():
    step, why = newton_step([2.0, 4.0], [[2.0, 0.0], [0.0, 4.0]])
    assert step == pytest.approx([-1.0, -1.0]) and why == ""
    step, why = newton_step([1.0, 1.0], [[2.0, 0.0], [0.0, -2.0]])
    assert step is None and "not positive definite" in why
    step, why = newton_step([1.0, 1.0], [[1.0, 1.0], [1.0, 1.0]])
    assert step is None and "singular" in why
    step, why = newton_step([1.0], [[math.nan]])
    assert step is None and "not finite" in why


def test_step_analysis_on_a_quadratic_the_second_order_is_exact(objectives):
    obj = objectives.quadratic(1, 0, 3)  # f = x^2 + 3y^2, H = diag(2, 6)
    res = step_analysis(obj, [1.0, 1.0], 0.1)
    assert res.gradient_step == pytest.approx([-0.2, -0.6])
    assert res.linear == pytest.approx(4 + 2 * -0.2 + 6 * -0.6)
    assert res.quadratic == pytest.approx(res.actual)
    assert res.actual == pytest.approx(0.8**2 + 3 * 0.4**2)
    assert res.newton_step == pytest.approx([-1.0, -1.0])  # Newton lands on the minimum
    with pytest.raises(ValueError):
        step_analysis(obj, [1.0, 1.0], 0.0)


def test_step_analysis_on_a_non_quadratic_the_models_differ(objectives):
    obj = objectives.rosenbrock()
    res = step_analysis(obj, [-1.2, 1.0], 1e-3)
    assert res.linear != pytest.approx(res.actual, rel=1e-3)
    assert abs(res.quadratic - res.actual) < abs(res.linear - res.actual)


def test_curvature_at_a_saddle(objectives):
    obj = objectives.quadratic(1, 0, -1)
    c = curvature(obj, [0.0, 0.0], 0.1)
    assert c.kind == "saddle" and c.stationary
    assert c.eigenvalues == [-2.0, 2.0]
    H = np.array(c.hessian)
    for lam, v in zip(c.eigenvalues, c.eigenvectors):
        assert H @ np.array(v) == pytest.approx(lam * np.array(v))
    assert c.max_stable_lr == 1.0
    assert c.step.newton_step is None
    assert "neither" in c.convexity


def test_curvature_not_stationary_says_convexity(objectives):
    c = curvature(objectives.quadratic(1, 0, 3), [1.0, 1.0], 0.1)
    assert not c.stationary and c.convexity.startswith("locally convex")
    assert local_convexity([-3.0, -1.0]).startswith("locally concave")
    assert local_convexity([0.0, 1.0]).startswith("flat")


def test_taylor_curves_touch_at_the_point(objectives):
    obj = objectives.parabola()
    xs = np.linspace(-2, 2, 9)
    f, tangent, quad = taylor_curves(obj, 1.0, xs)
    assert f == pytest.approx(xs**2)
    assert tangent == pytest.approx(1 + 2 * (xs - 1))
    assert quad == pytest.approx(xs**2)  # exact for a quadratic
    with pytest.raises(ValueError):
        taylor_curves(objectives.rosenbrock(), 1.0, xs)
