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
    """Bit for bit: the same operations in the same order on float64 (the objectives
    here are plain arithmetic, where numpy and Python floats round alike)."""
    for i, spec in enumerate(specs):
        run = single(obj, spec, steps, **kw)
        hw = batch.history_w[: run.k + 1, i]
        np.testing.assert_array_equal(hw, run.history.w)
        np.testing.assert_array_equal(batch.history_loss[: run.k + 1, i], run.history.loss)
        np.testing.assert_array_equal(batch.history_grad[: run.k + 1, i], run.history.grad)
        for name, h in zip(run.optimizer.state_names, run.history.state_of(run.k)):
            assert batch.state_of(i, run.k)[name] == h, name
        assert batch.status[i] == run.status
        assert batch.reason[i] == run.reason
        # a run that stopped is frozen: its later rows repeat its last one
        assert np.all(batch.history_w[run.k :, i] == batch.history_w[run.k, i])
        assert np.all(batch.history_loss[run.k :, i] == batch.history_loss[run.k, i])


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


ALL_RULES = [
    ("sgd", {"lr": 1e-3}, None),
    ("sgd", {"lr": 2e-3}, "cosine:300"),
    ("momentum", {"lr": 1e-3, "momentum": 0.9}, None),
    ("momentum", {"lr": 1e-3, "momentum": 0.5, "dampening": 0.3}, None),
    ("nesterov", {"lr": 1e-3}, None),
    ("adagrad", {"lr": 0.05}, None),
    ("adagrad", {"lr": 0.05, "lr_decay": 0.01, "initial_accumulator_value": 0.1}, None),
    ("rmsprop", {"lr": 1e-3}, None),
    ("rmsprop", {"lr": 1e-3, "momentum": 0.9}, None),
    ("rmsprop", {"lr": 1e-3, "centered": True, "alpha": 0.3}, None),
    ("adam", {"lr": 0.01}, None),
    ("adam", {"lr": 0.02, "beta1": 0.3, "beta2": 0.9}, None),
    ("adam", {"lr": 0.02, "beta1": 0.8, "beta2": 0.99}, "step:50:0.5"),
    ("newton", {"lr": 0.5}, None),
]


def test_every_rule_and_variant_equals_single_runs_bit_for_bit(objectives):
    obj = objectives.rosenbrock()
    specs = [
        RunSpec(make_optimizer(name, **hyper), start, schedule=None if sched is None else make_schedule(sched))
        for name, hyper, sched in ALL_RULES
        for start in ([-1.5, 2.0], [0.5, 0.3])
    ]
    batch = RunBatch(obj, specs)
    batch.step(400)
    assert_same_trajectories(batch, obj, specs, 400)


def test_hyperparameters_differing_inside_one_group(objectives):
    obj = objectives.rosenbrock()
    specs = [
        RunSpec(make_optimizer("adam", lr=lr, beta1=b1, beta2=b2, eps=eps), [x, 1.0])
        for lr, b1, b2, eps, x in [(0.01, 0.9, 0.999, 1e-8, -1.5), (0.03, 0.8, 0.99, 1e-6, 0.0),
                                   (0.002, 0.85, 0.9, 1e-8, 1.2)]
    ]
    specs += [RunSpec(make_optimizer("rmsprop", lr=lr, alpha=al, momentum=m), [-1.0, 0.5])
              for lr, al, m in [(1e-3, 0.99, 0.5), (2e-3, 0.9, 0.8)]]
    batch = RunBatch(obj, specs)
    assert len(batch.groups) == 2
    batch.step(300)
    assert_same_trajectories(batch, obj, specs, 300)


def test_block_boundaries_do_not_matter(objectives):
    """Stepping one at a time, in odd chunks or all at once gives the same rows and statuses."""
    obj = objectives.parabola()
    specs = [RunSpec(make_optimizer("sgd", lr=lr), [5.0]) for lr in (0.1, 1.1, 0.01, 0.3, 0.99)]
    specs.append(RunSpec(make_optimizer("adam", lr=0.5), [3.0]))
    whole = RunBatch(obj, specs)
    whole.step(300)
    ones = RunBatch(obj, specs)
    for _ in range(300):
        ones.step(1)
    chunks = RunBatch(obj, specs)
    for n in (7, 1, 30, 13, 100, 149):
        chunks.step(n)
    for other in (ones, chunks):
        assert other.k == whole.k
        assert other.status == whole.status and other.reason == whole.reason
        np.testing.assert_array_equal(other.history_w, whole.history_w)
        np.testing.assert_array_equal(other.history_loss, whole.history_loss)
        assert other.state_of(5) == whole.state_of(5)
    assert_same_trajectories(whole, obj, specs, 300)


def test_many_runs_stopping_at_different_steps_inside_one_block(objectives):
    obj = objectives.parabola()
    lrs = [0.05, 0.1, 0.2, 0.3, 0.45, 0.5, 0.9, 0.97, 1.01, 1.05, 1.2, 2.0, 1e-3]
    specs = [RunSpec(make_optimizer("sgd", lr=lr), [5.0]) for lr in lrs]
    batch = RunBatch(obj, specs, max_steps=5_000)
    taken = batch.step(5_000)
    assert batch.status[-1] == "max-steps" and taken == 5_000
    stops = sorted(set(batch._stopped_at.tolist()))
    assert len(stops) > 8  # many different stopping rows
    assert_same_trajectories(batch, obj, specs, 5_000, max_steps=5_000)


def test_step_returns_the_updates_up_to_the_last_stop(objectives):
    obj = objectives.parabola()
    specs = [RunSpec(make_optimizer("sgd", lr=lr), [5.0]) for lr in (0.1, 1.1, 0.3)]
    batch = RunBatch(obj, specs)
    runs = [single(obj, s, 1000) for s in specs]
    last = max(r.k for r in runs)
    assert batch.step(1000) == last
    assert batch.k == last and batch.history_w.shape[0] == last + 1
    assert not batch.running and batch.step(5) == 0


def test_mini_batches_in_a_batch_equal_single_runs(objectives):
    from gdtui.engine.data import BatchSampler

    ds = builtin_dataset("noisy-line", rows=200, seed=3)
    obj = objectives.line_loss(ds.columns)
    sampler = BatchSampler(ds.n_rows, 16, seed=5)
    specs = [RunSpec(make_optimizer("sgd", lr=0.01), [0.0, 0.0]),
             RunSpec(make_optimizer("adam", lr=0.05), [1.0, -1.0]),
             RunSpec(make_optimizer("momentum", lr=0.005), [0.5, 0.5])]
    batch = RunBatch(obj, specs, sampler=sampler)
    batch.step(120)
    for i, spec in enumerate(specs):
        run = Run(obj, spec.optimizer, spec.start, sampler=sampler)
        run.step(120)
        np.testing.assert_allclose(batch.history_w[:, i], run.history.w, rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(batch.history_loss[:, i], run.history.loss, rtol=1e-13, atol=1e-13)
        assert batch.status[i] == run.status


def test_newton_many_steps_and_notes_equal_single_runs(objectives):
    obj = objectives.rosenbrock()
    specs = [RunSpec(make_optimizer("newton", lr=lr), start)
             for lr, start in [(0.5, [-1.5, 2.0]), (1.0, [0.0, 3.0]), (0.3, [0.2, -1.0])]]
    batch = RunBatch(obj, specs)
    batch.step(60)
    assert_same_trajectories(batch, obj, specs, 60)
    for i, spec in enumerate(specs):
        run = single(obj, spec, 60)
        assert {t: n for (t, j), n in batch.notes.items() if j == i} == dict(run.history.notes)


def test_views_are_read_only_and_in_the_documented_shapes(objectives):
    obj = objectives.rosenbrock()
    specs = [RunSpec(make_optimizer("adam", lr=0.01), [-1.5, 2.0]), RunSpec(make_optimizer("sgd", lr=1e-3), [0.0, 0.0])]
    batch = RunBatch(obj, specs)
    batch.step(5)
    assert batch.W.shape == (2, 2) and batch.G.shape == (2, 2) and batch.loss.shape == (2,)
    assert batch.history_w.shape == (6, 2, 2) and batch.history_grad.shape == (6, 2, 2)
    np.testing.assert_array_equal(batch.W, batch.history_w[-1])
    np.testing.assert_array_equal(batch.G, batch.history_grad[-1])
    for a in (batch.W, batch.G, batch.loss, batch.history_w, batch.history_loss, batch.history_grad):
        with pytest.raises(ValueError):
            a[...] = 0
    kept = batch.history_w.copy()
    batch.back(3)
    batch.step(3)
    np.testing.assert_array_equal(batch.history_w, kept)


def test_goto_across_max_steps_and_growth(objectives):
    obj = objectives.rosenbrock()
    specs = [RunSpec(make_optimizer("adam", lr=1e-3), [-1.5, 2.0])] * 3
    batch = RunBatch(obj, specs, max_steps=700, capacity=4)
    batch.goto(700)
    assert batch.status == ["max-steps"] * 3 and batch.k == 700
    batch.goto(650)
    assert batch.status == ["running"] * 3
    batch.goto(700)
    assert batch.status == ["max-steps"] * 3
    run = single(obj, specs[0], 700, max_steps=700)
    np.testing.assert_array_equal(batch.history_w[:, 1], run.history.w)
    assert batch.reason[0] == run.reason


def _scaled(hyper: dict, i: int) -> dict:
    """Run i's hyperparameters: lr and the other numbers differ a little between runs."""
    out = dict(hyper)
    out["lr"] = hyper["lr"] * (1 + 0.5 * i)
    for name, bump in (("momentum", 0.02), ("beta2", -0.05), ("eps", 1e-8), ("lr_decay", 0.01)):
        if name in hyper:
            out[name] = hyper[name] + bump * i
    return out


@pytest.mark.parametrize("rule", [r for r in ALL_RULES if r[0] != "newton"], ids=lambda r: f"{r[0]}-{r[1]}-{r[2]}")
def test_the_fast_loop_equals_single_runs_for_every_rule(objectives, rule):
    """One group of runs whose hyperparameters differ takes the generated hot loop
    (rule and objective pasted in, buffers), and still gives each single run's bits."""
    name, hyper, sched = rule
    obj = objectives.rosenbrock()
    specs = [
        RunSpec(make_optimizer(name, **_scaled(hyper, i)), start,
                schedule=None if sched is None else make_schedule(sched))
        for i, start in enumerate(([-1.5, 2.0], [0.5, 0.3], [1.2, 1.0]))
    ]
    batch = RunBatch(obj, specs)
    assert len(batch.groups) == 1 and batch._advance != batch._advance_general
    batch.step(300)
    assert_same_trajectories(batch, obj, specs, 300)


def test_betas_on_both_sides_of_a_half_stay_in_the_fast_loop(objectives):
    """torch's lerp takes another form for beta1 < 0.5; runs that differ in it share the loop."""
    obj = objectives.rosenbrock()
    specs = [RunSpec(make_optimizer("adam", lr=0.01, beta1=b1, beta2=b2), [-1.0, 1.5])
             for b1, b2 in [(0.3, 0.9), (0.5, 0.99), (0.9, 0.999), (0.95, 0.95)]]
    batch = RunBatch(obj, specs)
    assert len(batch.groups) == 1 and batch._advance != batch._advance_general
    batch.step(200)
    assert_same_trajectories(batch, obj, specs, 200)


def test_batches_that_differ_only_in_shared_numbers_do_not_share_a_loop(objectives):
    """The hot loop's source is kept per rule, numbers and shapes: a second batch with
    other (shared) betas and lr must not reuse the first one's constants."""
    obj = objectives.rosenbrock()
    for b1, b2, lr in [(0.9, 0.999, 0.01), (0.5, 0.9, 0.03), (0.9, 0.999, 0.01)]:
        specs = [RunSpec(make_optimizer("adam", lr=lr, beta1=b1, beta2=b2), start)
                 for start in ([-1.5, 2.0], [0.5, 0.3])]
        batch = RunBatch(obj, specs)
        batch.step(100)
        assert_same_trajectories(batch, obj, specs, 100)
