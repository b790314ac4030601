"""The comparison model: lists and their product, regimes, ranking, 2/λmax, moving all
runs together exactly (single runs and RunBatch groups), and basins."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdtui.engine.compare import (MAX_RUNS, CompareRun, Comparison, basins, max_stable_lr, opposed_updates,
                                  parse_axis, parse_values, product, rank_order, regime)
from gdtui.engine.data import BatchSampler, builtin_dataset
from gdtui.engine.optimizers import make_optimizer
from gdtui.engine.run import Run
from gdtui.errors import OptionError


def test_parse_values_of_every_listable_option():
    assert parse_values("lr", "0.01, 0.1,1e-3") == [0.01, 0.1, 0.001]
    assert parse_values("batch-size", "full,8,1") == ["full", 8, 1]
    assert parse_values("batch_size", "FULL") == ["full"]
    assert parse_values("start", "x=1,y=1;x=-1,y=2") == [{"x": 1.0, "y": 1.0}, {"x": -1.0, "y": 2.0}]
    assert parse_values("optimizer", "sgd,adam") == ["sgd", "adam"]
    assert parse_values("schedule", "constant,step:10:0.5") == ["constant", "step:10:0.5"]
    assert parse_values("seed", "0,3") == [0, 3]
    assert parse_values("noise", "0,0.01") == [0.0, 0.01]
    assert parse_axis("lr=0.01,0.1") == ("lr", [0.01, 0.1])


@pytest.mark.parametrize("name, text, words", [
    ("lr", "0", "lr must be a positive number"), ("lr", "nan", "finite"), ("lr", "", "no values"),
    ("beta2", "1", "[0, 1)"), ("seed", "-1", "below 0"), ("seed", "1.5", "whole number"),
    ("start", "x=1,x=2", "twice"), ("start", "1,2", "points like"), ("eps", "1", "cannot be compared"),
    ("lr", ",".join(["0.1"] * 65), "at most 64"), ("lr", "1" * 5000, "longer than"),
])
def test_parse_values_refuses_bad_text_in_one_line(name, text, words):
    with pytest.raises(OptionError) as exc:
        parse_values(name, text)
    assert words in str(exc.value) and "\n" not in str(exc.value)


def test_product_in_the_order_given_and_the_limit():
    runs = product([("optimizer", ["sgd", "adam"]), ("lr", [0.1, 0.2, 0.3])])
    assert runs[:4] == [{"optimizer": "sgd", "lr": 0.1}, {"optimizer": "sgd", "lr": 0.2},
                        {"optimizer": "sgd", "lr": 0.3}, {"optimizer": "adam", "lr": 0.1}]
    assert len(product([("lr", list(range(8))), ("seed", list(range(8)))])) == MAX_RUNS
    with pytest.raises(OptionError, match="65 runs asked for"):
        product([("lr", list(range(13))), ("seed", list(range(5)))])
    with pytest.raises(OptionError, match="--compare takes NAME=LIST"):
        parse_axis("0.1,0.2")


def test_regimes_by_definition():
    zig = np.array([[5.0], [-2.0], [0.8], [-0.3]])  # every update reverses the last
    assert opposed_updates(zig) == (2, 2)
    assert regime("converged", zig, 25, 0) == "zigzags"
    glide = np.array([[5.0], [4.0], [3.0], [2.5]])
    assert regime("converged", glide, 25, 0) == "converges"
    half = np.array([[0.0], [1.0], [2.0], [1.5], [1.4]])  # pairs: +,-,+ -> 1 of 3 opposed
    assert opposed_updates(half) == (1, 3) and regime("converged", half, 1, 0) == "converges"
    assert regime("converged", np.array([[0.0]]), 0, 0) == "converges"  # no updates at all
    assert regime("max-steps", glide, 25, 6.25) == "too-slow"
    assert regime("max-steps", glide, 25, 25) == "oscillates"
    assert regime("diverged", glide, 25, 1e13) == "diverges"
    assert regime("domain-error", glide, 25, math.nan) == "domain-error"
    assert regime("running", glide, 25, 6) is None


def test_rank_order():
    statuses = ["max-steps", "converged", "diverged", "converged", "max-steps"]
    steps = [None, 40, None, 12, None]
    losses = [3.0, 0.0, -1e13, 0.0, math.nan]
    assert rank_order(statuses, steps, losses) == [3, 1, 0, 4, 2]


def test_max_stable_lr_only_for_constant_hessians(objectives):
    assert max_stable_lr(objectives.quadratic(1, 1, 2), [[3.0, -4.0]]) == pytest.approx(2 / (3 + math.sqrt(2)), rel=1e-12)
    assert max_stable_lr(objectives.parabola(), [[5.0]]) == 1.0
    assert max_stable_lr(objectives.rosenbrock(), [[-1.5, 2.0]]) is None
    assert max_stable_lr(objectives.quadratic(-1, 0, -1), [[1.0, 1.0]]) is None  # no positive curvature


def make_runs(obj, settings, sampler=None):
    return [CompareRun(f"run{i}", {"i": i}, obj, make_optimizer(name, **hyper), list(start), None, sampler)
            for i, (name, hyper, start) in enumerate(settings)]


def test_runs_move_together_exactly_and_stopped_runs_keep_their_place(objectives):
    obj = objectives.parabola()
    runs = make_runs(obj, [("sgd", {"lr": 0.1}, [5.0]), ("sgd", {"lr": 1.1}, [5.0]),
                           ("sgd", {"lr": 0.01}, [5.0]), ("adam", {"lr": 0.5}, [3.0])])
    c = Comparison(runs, max_steps=300)
    assert c.step(80) == 80 and c.k == 80
    assert c.status(1) == "diverged" and c.last_row(1) == 67  # stopped, kept its row
    assert c.status(0) == "running" and c.last_row(0) == 80
    c.step(220)
    assert c.status(0) == "converged" and c.steps_to_converge(0) == 93
    assert c.status(2) == "max-steps" and c.regime(2) == "too-slow"
    for i, r in enumerate(runs):
        single = Run(obj, r.optimizer, r.start, max_steps=300)
        single.step(300)
        np.testing.assert_array_equal(c.path(i), single.history.w)
        np.testing.assert_array_equal(c.losses(i), single.history.loss)
    paths = [c.path(i).copy() for i in range(4)]
    c.back(250)
    assert c.k == 50 and all(c.status(i) == "running" for i in range(4))
    c.step(250)
    for i in range(4):
        np.testing.assert_array_equal(c.path(i), paths[i])
    c.reset()
    assert c.k == 0 and all(c.path(i).shape[0] == 1 for i in range(4))


def test_data_runs_share_a_batch_and_equal_single_runs(objectives):
    ds = builtin_dataset("noisy-line", rows=60, seed=2)
    obj = objectives.line_loss(ds.columns)
    sampler = BatchSampler(ds.n_rows, 8, seed=4)
    runs = make_runs(obj, [("sgd", {"lr": 0.01}, [0.0, 0.0]), ("adam", {"lr": 0.05}, [1.0, -1.0]),
                           ("newton", {"lr": 1.0}, [0.5, 0.5])], sampler)
    c = Comparison(runs, max_steps=90)
    assert len(c._engines) == 2  # sgd and adam in one RunBatch; Newton alone
    c.step(90)
    for i, r in enumerate(runs):
        single = Run(obj, r.optimizer, r.start, sampler=sampler, max_steps=90)
        single.step(90)
        np.testing.assert_array_equal(c.path(i), single.history.w)
        assert c.status(i) == single.status
        w = single.history.w[-1].tolist()
        assert c.final(i) == {"step": single.k, "w": w, "loss": single.full_loss_grad()[0],
                              "grad": single.full_loss_grad()[1]}


def test_too_many_runs():
    with pytest.raises(OptionError, match="65 runs"):
        Comparison([None] * 65)  # type: ignore[list-item]


def test_basins_of_the_double_well(objectives):
    from gdtui.engine.objective import Objective

    def fn(x):  # x^4 - 3x^2 + x: minima near -1.30 (global) and 1.13 (local)
        return x ** 4 - 3 * x * x + x, (4 * x ** 3 - 6 * x + 1,)

    obj = Objective(params=("x",), scalar_fn=fn, array_fn=fn, hessian_fn=lambda x: ((12 * x * x - 6,),))
    b = basins(obj, -2.0, 2.0, 20, [("sgd", make_optimizer("sgd", lr=0.01)),
                                    ("momentum", make_optimizer("momentum", lr=0.01, momentum=0.9))], steps=3000)
    assert len(b.minima) == 2 and b.minima[0] == pytest.approx(-1.30, abs=0.01)
    assert b.minima[1] == pytest.approx(1.13, abs=0.01)
    right = b.starts > 1.2
    assert all(e == 1 for e, r in zip(b.ends["sgd"], right) if r)  # sgd stays in the local minimum
    assert any(e == 0 for e, r in zip(b.ends["momentum"], right) if r)  # momentum rolls past it
