"""RunBatch: many runs stepped together agree with single runs; per-run status; exact back."""

from __future__ import annotations

import numpy as np
import pytest

from gdtui.engine.batch import RunBatch, RunSpec
from gdtui.engine.data import builtin_dataset
from gdtui.engine.optimizers import make_optimizer
from gdtui.engine.run import Run
from gdtui.engine.schedules import make_schedule
from gdtui.errors import OptionError


def single(obj, spec, steps, **kw):
    run = Run(obj, spec.optimizer, spec.start, schedule=spec.schedule, **kw)
    run.step(steps)
    return run


def assert_same_trajectories(batch, obj, specs, steps, **kw):
    for i, spec in enumerate(specs):
        run = single(obj, spec, steps, **kw)
        hw = batch.history_w[: run.k + 1, i]
        np.testing.assert_allclose(hw, run.history.w, rtol=0, atol=1e-12)
        np.testing.assert_allclose(batch.history_loss[: run.k + 1, i], run.history.loss, rtol=1e-12, atol=1e-12)
        assert batch.status[i] == run.status
        assert batch.reason[i] == run.reason


def test_three_sgd_runs_equal_three_single_runs(objectives):
    obj = objectives.rosenbrock()
    specs = [
        RunSpec(make_optimizer("sgd", lr=1e-3), [-1.5, 2.0], label="slow"),
        RunSpec(make_optimizer("sgd", lr=2e-3), [0.0, 0.0], label="medium"),
        RunSpec(make_optimizer("sgd", lr=5e-4), [1.5, 1.0], label="fast"),
    ]
    batch = RunBatch(obj, specs)
    assert batch.step(200) == 200
    assert batch.history_w.shape == (201, 3, 2)
    assert batch.history_loss.shape == (201, 3)
    assert batch.W.shape == (3, 2) and batch.loss.shape == (3,)
    assert batch.labels == ["slow", "medium", "fast"]
    assert_same_trajectories(batch, obj, specs, 200)


def test_mixed_optimizers_and_hyperparameters(objectives):
    obj = objectives.rosenbrock()
    specs = [
        RunSpec(make_optimizer("adam", lr=0.02), [-1.5, 2.0]),
        RunSpec(make_optimizer("momentum", lr=1e-3, momentum=0.9), [-1.5, 2.0]),
        RunSpec(make_optimizer("adam", lr=0.01, beta1=0.8), [-1.0, 1.0]),
        RunSpec(make_optimizer("momentum", lr=5e-4, momentum=0.5), [0.5, 0.5]),
        RunSpec(make_optimizer("rmsprop", lr=1e-3), [0.0, 2.0], schedule=make_schedule("step:10:0.5")),
    ]
    batch = RunBatch(obj, specs)
    assert len(batch.groups) == 3
    batch.step(150)
    assert_same_trajectories(batch, obj, specs, 150)
    st = batch.state_of(2)
    assert set(st) == {"m", "v"}
    run = single(obj, specs[2], 150)
    np.testing.assert_allclose(st["m"], run.state[0], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(st["v"], run.state[1], rtol=1e-10, atol=1e-14)


def test_per_run_status_and_frozen_runs(objectives):
    obj = objectives.parabola()
    specs = [
        RunSpec(make_optimizer("sgd", lr=0.1), [5.0]),  # converges at step 93
        RunSpec(make_optimizer("sgd", lr=1.1), [5.0]),  # diverges at step 67
        RunSpec(make_optimizer("sgd", lr=0.01), [5.0]),  # still running
    ]
    batch = RunBatch(obj, specs)
    batch.step(120)
    assert batch.status == ["converged", "diverged", "running"]
    assert "step 93" in batch.reason[0] and "step 67" in batch.reason[1]
    hw = batch.history_w
    assert np.all(hw[93:, 0] == hw[93, 0])  # frozen after stopping
    assert np.all(hw[67:, 1] == hw[67, 1])
    assert_same_trajectories(batch, obj, specs[:2], 120)
    np.testing.assert_allclose(hw[:, 2, 0], 5 * 0.98 ** np.arange(121), rtol=1e-12)


def test_step_stops_when_all_runs_stopped(objectives):
    batch = RunBatch(objectives.parabola(), [RunSpec(make_optimizer("sgd", lr=0.1), [5.0])])
    assert batch.step(1000) == 93
    assert not batch.running
    assert batch.step(10) == 0


def test_back_restores_exactly_and_revives_runs(objectives):
    obj = objectives.rosenbrock()
    specs = [RunSpec(make_optimizer("adam", lr=lr), [-1.5, 2.0]) for lr in (0.01, 0.02, 0.05)]
    specs.append(RunSpec(make_optimizer("sgd", lr=0.01), [-1.5, 2.0]))  # diverges quickly
    batch = RunBatch(obj, specs)
    batch.step(80)
    assert batch.status[3] == "diverged"
    stop = int(batch._stopped_at[3])
    W80 = batch.history_w.copy()
    L80 = batch.history_loss.copy()
    batch.back(80 - (stop - 2))
    assert batch.k == stop - 2
    assert batch.status == ["running"] * 4
    assert np.array_equal(batch.W, W80[stop - 2])
    batch.step(80 - batch.k)
    assert np.array_equal(batch.history_w, W80)
    assert np.array_equal(batch.history_loss, L80)
    assert batch.status[3] == "diverged"
    batch.reset()
    assert batch.k == 0 and batch.history_w.shape == (1, 4, 2)
    assert np.array_equal(batch.W, np.array([s.start for s in specs]))


def test_max_steps(objectives):
    batch = RunBatch(objectives.parabola(), [RunSpec(make_optimizer("sgd", lr=0.01), [5.0])] * 2, max_steps=10)
    assert batch.step(50) == 10
    assert batch.status == ["max-steps", "max-steps"]


def test_newton_in_a_batch(objectives):
    obj = objectives.quadratic(1, 0, -1)  # saddle: Newton falls back to gradient steps
    bowl = objectives.quadratic(1, 1, 2)
    b = RunBatch(bowl, [RunSpec(make_optimizer("newton", lr=1.0), [3.0, -4.0]),
                        RunSpec(make_optimizer("newton", lr=0.5), [1.0, 1.0])])
    b.step(1)
    np.testing.assert_allclose(b.W[0], [0, 0], atol=1e-12)
    np.testing.assert_allclose(b.W[1], [0.5, 0.5], atol=1e-12)
    s = RunBatch(obj, [RunSpec(make_optimizer("newton", lr=0.5), [1.0, 1.0])])
    s.step(1)
    assert "gradient step" in s.notes[(1, 0)]


def test_data_driven_batch_equals_single_runs(objectives):
    ds = builtin_dataset("line")
    obj = objectives.line_loss(ds.columns)
    specs = [RunSpec(make_optimizer("sgd", lr=lr), [0.0, 0.0]) for lr in (0.01, 0.03)]
    batch = RunBatch(obj, specs)
    batch.step(100)
    assert_same_trajectories(batch, obj, specs, 100)


def test_bad_specs(objectives):
    with pytest.raises(OptionError, match="at least one"):
        RunBatch(objectives.parabola(), [])
    with pytest.raises(OptionError, match="run 0"):
        RunBatch(objectives.parabola(), [RunSpec(make_optimizer("sgd", lr=0.1), [1.0, 2.0])])
