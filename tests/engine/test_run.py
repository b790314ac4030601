"""Run: the seed lesson numbers, statuses and reasons, exact back/goto, mini-batches."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdtui.engine.data import BatchSampler, builtin_dataset
from gdtui.engine.objective import DomainError, Objective
from gdtui.engine.optimizers import make_optimizer
from gdtui.engine.run import Run
from gdtui.engine.schedules import make_schedule
from gdtui.errors import OptionError


def sgd(lr):
    return make_optimizer("sgd", lr=lr)


# ---------------------------------------------------------------- seed lesson
def test_seed_lesson_parabola_numbers(objectives):
    run = Run(objectives.parabola(), sgd(0.1), [5.0])
    assert run.k == 0 and run.w == [5.0] and run.loss == 25.0 and run.grad == [10.0]
    assert run.step(3) == 3
    assert run.w[0] == pytest.approx(2.56, abs=1e-15)
    run.step(17)
    assert run.k == 20
    assert abs(run.w[0] - 5 * 0.8**20) < 1e-12
    assert run.status == "running"
    h = run.history
    assert h.w[:, 0] == pytest.approx([5 * 0.8**k for k in range(21)], rel=1e-13)
    assert h.loss[0] == 25.0
    assert h.grad[:, 0] == pytest.approx(2 * h.w[:, 0], rel=0)
    assert h.lr.tolist() == [0.0] + [0.1] * 20
    assert h.update[1, 0] == pytest.approx(-1.0)


def test_record_has_everything_about_a_row(objectives):
    run = Run(objectives.parabola(), sgd(0.1), [5.0])
    run.step(2)
    r = run.record(1)
    assert (r.k, r.w, r.loss, r.grad, r.lr, r.state, r.note) == (1, [4.0], 16.0, [8.0], 0.1, {}, None)
    assert r.update == [-1.0]
    assert run.record().k == 2
    assert run.record(-1).k == 2


def test_adam_record_shows_display_state(objectives):
    run = Run(objectives.rosenbrock(), make_optimizer("adam", lr=0.02), [-1.5, 2.0])
    run.step(3)
    r = run.record()
    assert set(r.state) >= {"m", "v", "m̂", "v̂"}
    bc1 = 1 - 0.9**3
    assert r.state["m̂"] == pytest.approx([m / bc1 for m in r.state["m"]], rel=1e-15)
    assert run.record(0).state["m"] == [0.0, 0.0]


# -------------------------------------------------------------------- back/goto
def test_back_and_goto_restore_exactly(objectives):
    obj = objectives.rosenbrock()
    run = Run(obj, make_optimizer("adam", lr=0.02), [-1.5, 2.0])
    run.step(50)
    full_w = run.history.w.copy()
    full_state = run.history.state.copy()
    run.goto(10)
    fresh = Run(obj, make_optimizer("adam", lr=0.02), [-1.5, 2.0])
    fresh.step(10)
    assert run.k == 10
    assert run.w == fresh.w and run.loss == fresh.loss and run.grad == fresh.grad
    assert run.state == fresh.state
    assert run.record() == fresh.record()
    assert run.status == "running"
    # stepping again replays the same 40 steps bit for bit
    run.step(40)
    assert np.array_equal(run.history.w, full_w)
    assert np.array_equal(run.history.state, full_state)
    run.back(5)
    assert run.k == 45 and run.w == full_w[45].tolist()
    run.back(1000)
    assert run.k == 0


def test_goto_forward_steps_and_bad_index(objectives):
    run = Run(objectives.parabola(), sgd(0.1), [5.0])
    run.goto(4)
    assert run.k == 4
    with pytest.raises(IndexError):
        run.goto(-1)


def test_reset_keeps_start_and_set_start_restarts(objectives):
    run = Run(objectives.parabola(), sgd(0.1), [5.0])
    run.step(7)
    run.reset()
    assert run.k == 0 and run.w == [5.0] and run.loss == 25.0 and len(run.history) == 1
    run.set_start([-2.0])
    assert run.w == [-2.0] and run.grad == [-4.0] and run.k == 0
    run.step(1)
    assert run.w[0] == pytest.approx(-1.6)
    with pytest.raises(OptionError, match="1 parameter"):
        run.set_start([1.0, 2.0])


def test_back_from_a_stop_recomputes_the_status(objectives):
    run = Run(objectives.parabola(), sgd(1.1), [5.0])
    run.step(1000)
    assert run.status == "diverged"
    stop = run.k
    run.back(3)
    assert run.status == "running" and run.reason == ""
    run.step(100)
    assert run.status == "diverged" and run.k == stop


# --------------------------------------------------------------------- statuses
def test_converged_when_gradient_below_tol(objectives):
    run = Run(objectives.parabola(), sgd(0.1), [5.0], tol=1e-8)
    n = run.step(10_000)
    # |g_k| = 10 * 0.8**k < 1e-8 first at k = 93
    assert n == 93 and run.k == 93
    assert run.status == "converged"
    assert "below tol" in run.reason and "step 93" in run.reason
    assert run.step(5) == 0  # a finished run does not move


def test_converged_when_the_step_stalls(objectives):
    run = Run(objectives.parabola(), sgd(0.1), [5.0], tol=0.0)
    run.step(100_000)
    assert run.status == "converged"
    assert "no longer changes w" in run.reason
    assert run.history.w[-1, 0] == run.history.w[-2, 0]


def test_diverged_when_lr_too_big(objectives):
    run = Run(objectives.parabola(), sgd(1.1), [5.0])
    run.step(1000)
    # |w_k| = 5 * 1.2**k; loss = w^2 passes 1e12 when 1.2**k > 2e5: k = 67
    assert run.status == "diverged"
    assert run.k == 67
    assert run.reason == "loss grew past 1e12 at step 67; try a smaller learning rate"


def test_diverged_unbounded_below(objectives):
    saddle = objectives.quadratic(1, 0, -1)
    run = Run(saddle, sgd(0.1), [4.0, 0.01])
    run.step(10_000)
    assert run.status == "diverged" and "unbounded below" in run.reason


def test_diverged_when_w_grows_past_the_limit():
    lin = Objective(params=("x",), scalar_fn=lambda x: (x, (1.0,)), array_fn=lambda x: (x, (1.0,)),
                    hessian_fn=lambda x: ((0.0,),))
    run = Run(lin, sgd(1.0), [0.0], diverge_at=10)
    run.step(100)
    assert run.status == "diverged" and run.k == 11
    assert "|x| grew past 10 at step 11" in run.reason


def test_domain_error_log_walking_negative(objectives):
    run = Run(objectives.log(), sgd(2.0), [1.0])
    assert run.step(5) == 1
    assert run.status == "domain-error"
    assert "step 1" in run.reason and "x = -1" in run.reason
    assert math.isnan(run.loss)
    assert run.history.w[-1, 0] == -1.0  # the bad point is shown
    run.back()
    assert run.status == "running"
    run.step()
    assert run.status == "domain-error" and "step 1" in run.reason


def test_domain_error_uses_the_domainerror_message():
    def fn(x):
        if x < 0:
            raise DomainError("log of a negative number")
        return math.log(x + 1), (1 / (x + 1),)

    obj = Objective(params=("x",), scalar_fn=fn, array_fn=fn, hessian_fn=lambda x: ((0.0,),))
    run = Run(obj, sgd(1.0), [0.5])  # 0.5 - 1/1.5 < 0
    run.step(10)
    assert run.status == "domain-error"
    assert run.reason.startswith("log of a negative number at step 1")


def test_domain_error_complex_result():
    obj = Objective(params=("x",), scalar_fn=lambda x: (x**0.5, (0.5 * x**-0.5,)),
                    array_fn=lambda x: (np.sqrt(x), (0.5 / np.sqrt(x),)), hessian_fn=lambda x: ((0.0,),))
    run = Run(obj, sgd(10.0), [1.0])
    run.step(3)
    assert run.status == "domain-error" and "step 1" in run.reason


def test_domain_error_at_the_start_point(objectives):
    run = Run(objectives.log(), sgd(0.1), [-1.0])
    assert run.status == "domain-error" and "start point" in run.reason
    assert run.step(3) == 0


def test_infinite_gradient_is_a_domain_error():
    obj = Objective(params=("x",), scalar_fn=lambda x: (abs(x) ** 0.5, (math.inf if x == 0 else 0.5,)),
                    array_fn=None, hessian_fn=None)  # type: ignore[arg-type]
    run = Run(obj, sgd(1.0), [0.5])
    run.step(3)
    assert run.status == "domain-error" and "not differentiable" in run.reason


def test_nan_from_a_data_driven_loss_is_a_domain_error():
    def fn(w, x):
        return np.log(w * x), (1 / w + 0 * x,)

    obj = Objective(params=("w",), columns=("x",), array_fn=fn, hessian_fn=None).bind({"x": np.array([1.0, 2.0])})  # type: ignore[arg-type]
    run = Run(obj, sgd(3.0), [1.0])
    run.step(3)
    assert run.status == "domain-error" and "step 1" in run.reason


def test_max_steps(objectives):
    run = Run(objectives.parabola(), sgd(0.1), [5.0], max_steps=20)
    assert run.step(1000) == 20
    assert run.status == "max-steps" and "20" in run.reason
    assert run.step() == 0
    run.back(1)
    assert run.status == "running"


def test_bad_start(objectives):
    with pytest.raises(OptionError, match="2 value"):
        Run(objectives.parabola(), sgd(0.1), [1.0, 2.0])
    with pytest.raises(OptionError, match="finite"):
        Run(objectives.parabola(), sgd(0.1), [math.nan])


# ----------------------------------------------------------- schedules, newton
def test_schedule_lr_per_row(objectives):
    run = Run(objectives.parabola(), sgd(0.1), [5.0], schedule=make_schedule("step:2:0.5"))
    run.step(5)
    assert run.history.lr.tolist() == [0.0, 0.1, 0.1, 0.05, 0.05, 0.025]
    assert run.w[0] == pytest.approx(5 * 0.8 * 0.8 * 0.9 * 0.9 * 0.95)


def test_constant_schedule_object_equals_none(objectives):
    a = Run(objectives.rosenbrock(), make_optimizer("adam", lr=0.02), [-1.5, 2.0], schedule=make_schedule("constant"))
    b = Run(objectives.rosenbrock(), make_optimizer("adam", lr=0.02), [-1.5, 2.0])
    a.step(30), b.step(30)
    assert np.array_equal(a.history.w, b.history.w)


def test_newton_gets_the_hessian_and_solves_a_quadratic_in_one_step(objectives):
    run = Run(objectives.quadratic(1, 1, 2), make_optimizer("newton", lr=1.0), [3.0, -4.0])
    run.step(1)
    assert run.w == pytest.approx([0.0, 0.0], abs=1e-12)
    run.step(5)
    assert run.status == "converged"


def test_newton_fallback_note_is_kept_per_row(objectives):
    run = Run(objectives.quadratic(1, 0, -1), make_optimizer("newton", lr=0.5), [1.0, 1.0])
    run.step(2)
    assert run.record(1).note and "gradient step" in run.record(1).note
    assert run.record(0).note is None
    run.back(2)
    assert run.history.notes == {}


# ------------------------------------------------------------------ data-driven
def test_full_batch_data_mean_over_rows(objectives):
    ds = builtin_dataset("hours")

    def fn(w, x, y):
        r = w * x - y
        return r * r, (2 * r * x,)

    obj = Objective(params=("w",), columns=("x", "y"), array_fn=fn, hessian_fn=None).bind(ds.columns)  # type: ignore[arg-type]
    run = Run(obj, sgd(0.01), [1.0])
    assert run.loss == pytest.approx(14 / 3, rel=1e-15)
    assert run.grad[0] == pytest.approx(-28 / 3, rel=1e-15)
    run.step(1)
    assert run.w[0] == pytest.approx(1 + 0.01 * 28 / 3, rel=1e-15)
    assert run.full_loss_grad() == (run.loss, run.grad)
    run.step(2000)
    assert run.w[0] == pytest.approx(2.0, abs=1e-6)


def test_minibatch_reproducible_and_exact_after_back(objectives):
    ds = builtin_dataset("noisy-line", rows=50, seed=1)
    obj = objectives.line_loss(ds.columns)

    def make(seed):
        return Run(obj, sgd(0.01), [0.0, 0.0], sampler=BatchSampler(ds.n_rows, 8, seed))

    a, b, c = make(3), make(3), make(4)
    for r in (a, b, c):
        r.step(60)
    assert np.array_equal(a.history.w, b.history.w)
    assert not np.array_equal(a.history.w, c.history.w)
    keep = a.history.w.copy()
    a.back(37)
    a.step(37)
    assert np.array_equal(a.history.w, keep)


def test_minibatch_rows_and_full_loss(objectives):
    ds = builtin_dataset("line")
    obj = objectives.line_loss(ds.columns)
    run = Run(obj, sgd(0.01), [0.5, 0.0], sampler=BatchSampler(5, 2, 0))
    run.step(4)
    rows = run.batch_rows(2)
    assert np.array_equal(rows, run.sampler.rows(3))
    w = run.history.w[2].tolist()
    assert run.record(2).loss == pytest.approx(obj.value(w, rows), rel=1e-15)
    full, g = run.full_loss_grad(2)
    x, y = ds.columns["x"], ds.columns["y"]
    assert full == pytest.approx(np.mean((w[0] * x + w[1] - y) ** 2), rel=1e-14)
    assert g == pytest.approx([np.mean(2 * (w[0] * x + w[1] - y) * x), np.mean(2 * (w[0] * x + w[1] - y))])


def test_batch_one_sgd_uses_each_row_once_per_epoch(objectives):
    ds = builtin_dataset("line")
    obj = objectives.line_loss(ds.columns)
    x, y = ds.columns["x"], ds.columns["y"]
    run = Run(obj, sgd(0.001), [0.3, 0.1], sampler=BatchSampler(5, 1, seed=9))
    run.step(15)
    used = []
    for k in range(15):  # which single data row produced the gradient of update k+1?
        w, b = run.history.w[k]
        per_row = np.stack([2 * (w * x + b - y) * x, 2 * (w * x + b - y)], axis=1)
        match = np.flatnonzero(np.all(per_row == run.history.grad[k], axis=1))
        assert len(match) == 1
        used.append(int(match[0]))
    for epoch in range(3):
        assert sorted(used[epoch * 5 : epoch * 5 + 5]) == [0, 1, 2, 3, 4]
    assert used[:5] != used[5:10] or used[5:10] != used[10:15]  # reshuffled
