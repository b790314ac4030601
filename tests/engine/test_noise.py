"""Gradient noise: seeded, replayed exactly by back, the same in a RunBatch as alone; it
lets a run started on the ridge of a saddle escape, where full-batch descent stalls."""

from __future__ import annotations

import numpy as np
import pytest

from gdtui.engine.batch import RunBatch, RunSpec
from gdtui.engine.noise import GradientNoise, make_noise
from gdtui.engine.optimizers import make_optimizer
from gdtui.engine.run import Run
from gdtui.errors import OptionError


def test_noise_is_a_pure_function_of_seed_and_step():
    a, b = GradientNoise(0.5, 2, seed=3), GradientNoise(0.5, 2, seed=3)
    late = a.at(1000).copy()  # another block first: the cache must not change the values
    assert np.array_equal(a.at(1), b.at(1)) and np.array_equal(late, b.at(1000))
    assert not np.array_equal(a.at(1), a.at(2))
    assert not np.array_equal(a.at(1), GradientNoise(0.5, 2, seed=4).at(1))
    draws = np.array([a.at(t) for t in range(1, 2001)])
    assert abs(draws.std() - 0.5) < 0.05 and abs(draws.mean()) < 0.05
    with pytest.raises(ValueError):
        a.at(0)


@pytest.mark.parametrize("sigma", [-1.0, float("nan"), float("inf"), "x"])
def test_bad_sigma_is_refused(sigma):
    with pytest.raises(OptionError, match="noise"):
        GradientNoise(sigma, 1)


def test_zero_noise_is_no_noise():
    assert make_noise(0.0, 2) is None and make_noise(None, 2) is None
    assert make_noise(0.1, 2, 5).seed == 5


def saddle():
    from gdtui.engine.objective import Objective

    def fn(x, y):  # x^2 - y^2
        return x * x - y * y, (2 * x, -2 * y)

    return Objective(params=("x", "y"), scalar_fn=fn, array_fn=fn,
                     hessian_fn=lambda x, y: ((2.0, 0.0), (0.0, -2.0)))


def test_saddle_on_the_ridge_stalls_without_noise_and_escapes_with_it():
    obj = saddle()
    plain = Run(obj, make_optimizer("sgd", lr=0.1), [1.0, 0.0], max_steps=500)
    plain.step(500)
    assert plain.status == "converged" and plain.w[1] == 0.0  # stuck at the saddle (0, 0)
    noisy = Run(obj, make_optimizer("sgd", lr=0.1), [1.0, 0.0], max_steps=500,
                noise=GradientNoise(0.01, 2, seed=1))
    noisy.step(500)
    assert noisy.status == "diverged" and abs(noisy.w[1]) > 1e6  # slid off along y
    # the history keeps the true gradient (df/dy = -2y), not the noisy one
    k = 10
    row = noisy.history.row(k)
    assert row.grad[1] == -2 * row.w[1]


def test_noisy_run_replays_exactly_after_back():
    obj = saddle()
    run = Run(obj, make_optimizer("momentum", lr=0.05), [1.0, 0.0], noise=GradientNoise(0.1, 2, seed=2))
    run.step(300)
    w300 = run.history.w.copy()
    run.back(170)
    run.step(170)
    assert np.array_equal(run.history.w, w300)


def test_noise_in_a_batch_equals_single_runs_bit_for_bit():
    obj = saddle()
    specs = [
        RunSpec(make_optimizer("sgd", lr=0.1), [1.0, 0.0]),
        RunSpec(make_optimizer("sgd", lr=0.1), [1.0, 0.0], noise=GradientNoise(0.01, 2, seed=1)),
        RunSpec(make_optimizer("adam", lr=0.05), [1.0, 0.0], noise=GradientNoise(0.2, 2, seed=7)),
        RunSpec(make_optimizer("sgd", lr=0.05), [1.0, 0.0], noise=GradientNoise(0.01, 2, seed=2)),
    ]
    batch = RunBatch(obj, specs, max_steps=400)
    batch.step(400)
    for i, spec in enumerate(specs):
        run = Run(obj, spec.optimizer, spec.start, max_steps=400, noise=spec.noise)
        run.step(400)
        assert batch.status[i] == run.status
        assert batch.stopped_at[i] == (run.k if run.status != "running" else -1)
        np.testing.assert_array_equal(batch.history_w[: run.k + 1, i], run.history.w)
        np.testing.assert_array_equal(batch.history_loss[: run.k + 1, i], run.history.loss)
