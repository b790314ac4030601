"""Optimizers: torch.optim reference trajectories, textbook numbers, Newton, validation.

The references in ``data/torch_refs.json`` were recorded with torch 2.13.0 (float64,
single-tensor CPU code) by ``tools/record_torch_refs.py``.  Here they are replayed
with gdtui's optimizers and gradients written by hand below.

Tolerance: rtol 1e-12 (worst case seen 5.4e-13, most cases are bit-identical).
The last-bit differences come from torch's CPU kernels, not from the order of
operations: on x86 they fuse ``a + b*c`` into one FMA in ``add(alpha=)``,
``addcmul`` and ``lerp``, and its float64 ``sqrt`` (MKL) is not always correctly
rounded.  Python and numpy round every operation separately.  When a coordinate
shrinks towards 0 a difference of one ulp of the start grows relative to it,
hence not 1e-15.
"""

from __future__ import annotations

import copy
import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdtui.engine.optimizers import (
    NEWTON_FALLBACK_NOTE,
    OPTIMIZERS,
    StepResult,
    hyperparameter_names,
    make_optimizer,
)
from gdtui.engine.schedules import make_schedule
from gdtui.errors import OptionError

REFS = json.loads((Path(__file__).parent / "data" / "torch_refs.json").read_text())
CASES = REFS["cases"]
RTOL = 1e-12


# ------------------------------------------------------- the test functions
def grad(function: str, w):
    """Hand-written gradients of the recorded test functions (floats or arrays)."""
    if function == "parabola":  # x^2
        (x,) = w
        return [2 * x]
    if function == "bowl":  # x^2 + 10 y^2
        x, y = w
        return [2 * x, 20 * y]
    if function == "rosenbrock":  # (1 - x)^2 + 100 (y - x^2)^2
        x, y = w
        return [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]
    raise KeyError(function)


def grad_rows(function: str, W: np.ndarray) -> np.ndarray:
    """The gradient for each row of W (R, D)."""
    return np.stack(grad(function, list(W.T)), axis=1)


def replay(case: dict) -> list[list[float]]:
    """Our float-path trajectory for a recorded case."""
    opt = make_optimizer(case["optimizer"], **case["hyper"])
    schedule = make_schedule(case["schedule"])
    w = list(case["start"])
    state = opt.init_state(w)
    out = []
    for t in range(1, len(case["w"]) + 1):
        res = opt.step(w, grad(case["function"], w), state, t, schedule.lr(opt.lr, t))
        w, state = res.w, res.state
        out.append(w)
    return out


def case_id(case: dict) -> str:
    return case["id"]


# ------------------------------------------------------- torch references
def test_reference_file_covers_every_rule_and_schedule():
    assert {c["optimizer"] for c in CASES} == set(OPTIMIZERS) - {"newton"}
    assert {c["schedule"].split(":")[0] for c in CASES} == {"constant", "step", "exp", "cosine"}
    assert all(len(c["w"]) == REFS["steps"] == 200 for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_float_path_matches_torch(case):
    ours = np.array(replay(case))
    np.testing.assert_allclose(ours, np.array(case["w"]), rtol=RTOL, atol=0)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_array_path_matches_torch_and_float_path(case):
    """Three identical runs as rows of (R, D) arrays, lr given as an (R, 1) array."""
    opt = make_optimizer(case["optimizer"], **case["hyper"])
    schedule = make_schedule(case["schedule"])
    R = 3
    W = np.tile(np.array(case["start"], dtype=float), (R, 1))
    lr = np.full((R, 1), opt.lr)
    state = opt.init_state(W)
    rows = []
    for t in range(1, len(case["w"]) + 1):
        res = opt.step(W, grad_rows(case["function"], W), state, t, schedule.lr(lr, t))
        W, state = res.w, res.state
        rows.append(W)
    traj = np.stack(rows)  # (steps, R, D)
    ref = np.array(case["w"])
    for r in range(R):
        np.testing.assert_allclose(traj[:, r], ref, rtol=RTOL, atol=0)
    # Same rule text, same operations: the array path equals the float path bit for bit.
    assert np.array_equal(traj[:, 0], np.array(replay(case)))


def _groups():
    """Recorded cases of one optimizer on one function, to stack as differing rows."""
    groups = defaultdict(list)
    for c in CASES:
        if c["schedule"] == "constant":
            groups[(c["optimizer"], c["function"], c["hyper"].get("centered", False))].append(c)
    return [(k, v) for k, v in groups.items() if len(v) > 1]


@pytest.mark.parametrize("key,cases", _groups(), ids=lambda x: "-".join(map(str, x)) if isinstance(x, tuple) else "")
def test_rows_with_their_own_hyperparameters_match_torch(key, cases):
    """Each row its own lr (and momentum, betas, ...): per-run (R, 1) hyperparameters."""
    name = key[0]
    cls = OPTIMIZERS[name]
    defaults = cls.defaults()
    hyper = {}
    for field in cls.fields():
        values = [c["hyper"].get(field, defaults[field]) for c in cases]
        hyper[field] = values[0] if field == "centered" else np.array(values, dtype=float)[:, None]
    opt = make_optimizer(name, **hyper)
    W = np.array([c["start"] for c in cases], dtype=float)
    state = opt.init_state(W)
    for t in range(1, 201):
        res = opt.step(W, grad_rows(key[1], W), state, t, opt.lr)
        W, state = res.w, res.state
        for r, c in enumerate(cases):
            np.testing.assert_allclose(W[r], c["w"][t - 1], rtol=RTOL, atol=0)


# ------------------------------------------------------------ textbook cases
def test_sgd_on_parabola_is_geometric():
    opt = make_optimizer("sgd", lr=0.1)
    w, state = [5.0], opt.init_state([5.0])
    for t in range(1, 21):
        res = opt.step(w, [2 * w[0]], state, t, 0.1)
        w, state = res.w, res.state
    assert w[0] == pytest.approx(5 * 0.8**20, rel=1e-13)


def test_defaults_are_torchs():
    assert make_optimizer("sgd").hyperparameters() == {"lr": 1e-3}
    assert make_optimizer("momentum").hyperparameters() == {"lr": 1e-3, "momentum": 0.9, "dampening": 0.0}
    assert make_optimizer("nesterov").hyperparameters() == {"lr": 1e-3, "momentum": 0.9}
    assert make_optimizer("adagrad").hyperparameters() == {
        "lr": 1e-2, "lr_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10}
    assert make_optimizer("rmsprop").hyperparameters() == {
        "lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "momentum": 0.0, "centered": False}
    assert make_optimizer("adam").hyperparameters() == {
        "lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert make_optimizer("newton").hyperparameters() == {"lr": 1.0}


def test_first_adam_step_moves_each_coordinate_by_lr():
    # m̂ = g and v̂ = g² after one step, so the step is lr·g/(|g| + eps) ≈ lr·sign(g).
    opt = make_optimizer("adam", lr=0.1)
    res = opt.step([1.0, 2.0], [3.0, -0.5], opt.init_state([0.0, 0.0]), 1, 0.1)
    assert res.update == pytest.approx([-0.1 * 3 / (3 + 1e-8), 0.1 * 0.5 / (0.5 + 1e-8)], rel=1e-14)


def test_unrolled_and_looped_float_paths_agree_per_coordinate():
    """D = 12 uses the loop, D = 1 the unrolled code; rules are per coordinate."""
    rng = np.random.default_rng(0)
    start = rng.normal(size=12).tolist()
    scale = np.linspace(0.5, 3, 12).tolist()
    for name in ("momentum", "nesterov", "adagrad", "rmsprop", "adam"):
        opt = make_optimizer(name, lr=0.05)
        w, state = list(start), opt.init_state(start)
        singles = [([x], opt.init_state([x])) for x in start]
        for t in range(1, 30):
            res = opt.step(w, [s * x for s, x in zip(scale, w)], state, t, 0.05)
            w, state = res.w, res.state
            for i, (wi, si) in enumerate(singles):
                r = opt.step(wi, [scale[i] * wi[0]], si, t, 0.05)
                singles[i] = (r.w, r.state)
        assert w == [s[0][0] for s in singles], name


def test_update_is_the_applied_change():
    for name in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"):
        opt = make_optimizer(name, lr=0.3)
        w = [1.0, -2.0]
        res = opt.step(w, [0.7, 0.1], opt.init_state(w), 1, 0.3)
        assert res.update == [a - b for a, b in zip(res.w, w)]
        assert res.update[0] != 0 and res.note is None
        W = np.array([[1.0, -2.0]])
        res = opt.step(W, np.array([[0.7, 0.1]]), opt.init_state(W), 1, 0.3)
        assert np.array_equal(res.update, res.w - W)


def test_momentum_buffer_starts_at_the_first_gradient_even_with_dampening():
    opt = make_optimizer("momentum", lr=0.1, momentum=0.5, dampening=0.5)
    res = opt.step([0.0], [4.0], opt.init_state([0.0]), 1, 0.1)
    assert res.state == ([4.0],)  # not (1 - dampening)·g
    res = opt.step(res.w, [2.0], res.state, 2, 0.1)
    assert res.state == ([0.5 * 4.0 + 0.5 * 2.0],)


# ------------------------------------------------------------------- nesterov
@pytest.mark.parametrize("function", ["bowl", "rosenbrock"])
def test_nesterov_is_the_lesson_momentum_formula(function):
    """Lesson: v = m·v - lr·g; w = w + m·v - lr·g (v starts at 0), same w as torch's Nesterov."""
    lr, m = (0.01, 0.9) if function == "bowl" else (1e-4, 0.9)
    start = REFS["functions"][function]["start"]
    opt = make_optimizer("nesterov", lr=lr, momentum=m)
    w, state = list(start), opt.init_state(start)
    lw, lv = list(start), [0.0] * len(start)
    for t in range(1, 201):
        g = grad(function, lw)
        lv = [m * vi - lr * gi for vi, gi in zip(lv, g)]
        lw = [wi + m * vi - lr * gi for wi, vi, gi in zip(lw, lv, g)]
        res = opt.step(w, grad(function, w), state, t, lr)
        w, state = res.w, res.state
        np.testing.assert_allclose(w, lw, rtol=1e-12, atol=1e-15)
        # and the lesson's velocity is -lr times torch's buffer
        np.testing.assert_allclose(lv, [-lr * v for v in state[0]], rtol=1e-10, atol=1e-15)


# --------------------------------------------------------------------- newton
def quad_hessian():
    return np.array([[2.0, 3.0], [3.0, 10.0]])  # of x^2 + 3xy + 5y^2, positive definite


def test_newton_solves_a_quadratic_in_one_step():
    w = [4.0, -2.0]
    g = [2 * 4.0 + 3 * -2.0, 3 * 4.0 + 10 * -2.0]
    opt = make_optimizer("newton")
    res = opt.step(w, g, opt.init_state(w), 1, 1.0, hessian=quad_hessian)
    assert res.note is None and res.state == ()
    assert res.w == pytest.approx([0.0, 0.0], abs=1e-12)


def test_newton_with_lr_takes_part_of_the_step():
    res = make_optimizer("newton", lr=0.5).step([4.0], [8.0], (), 1, 0.5, hessian=lambda: [[2.0]])
    assert res.w == [2.0]


def test_newton_falls_back_to_a_gradient_step_on_a_saddle():
    w = [1.0, 2.0]
    g = [2 * 1.0, -2 * 2.0]  # x^2 - y^2
    res = make_optimizer("newton").step(w, g, (), 1, 0.1, hessian=lambda: np.diag([2.0, -2.0]))
    assert res.note == NEWTON_FALLBACK_NOTE == "Hessian not positive definite: took a gradient step instead"
    assert res.w == pytest.approx([1.0 - 0.1 * 2.0, 2.0 + 0.1 * 4.0], rel=1e-15)


@pytest.mark.parametrize("H", [np.zeros((2, 2)), np.diag([1.0, 1e-14]), np.array([[1.0, np.nan], [0, 1]])])
def test_newton_falls_back_on_singular_or_broken_hessians(H):
    res = make_optimizer("newton").step([1.0, 1.0], [1.0, 1.0], (), 1, 1.0, hessian=lambda: H)
    assert res.note == NEWTON_FALLBACK_NOTE
    assert res.w == [0.0, 0.0]


def test_newton_decides_per_run_on_arrays():
    W = np.array([[4.0, -2.0], [1.0, 2.0], [3.0, 3.0]])
    G = np.array([[2.0, -4.0], [2.0, -4.0], [1.0, 1.0]])
    H = np.stack([quad_hessian(), np.diag([2.0, -2.0]), np.eye(2)])
    res = make_optimizer("newton").step(W, G, (), 1, np.array([[1.0], [0.5], [1.0]]), hessian=lambda: H)
    assert res.note == (None, NEWTON_FALLBACK_NOTE, None)
    np.testing.assert_allclose(res.w[0], W[0] - np.linalg.solve(quad_hessian(), G[0]), rtol=1e-14)
    np.testing.assert_array_equal(res.w[1], W[1] - 0.5 * G[1])
    np.testing.assert_array_equal(res.w[2], [2.0, 2.0])
    ok = make_optimizer("newton").step(W[[0, 2]], G[[0, 2]], (), 1, 1.0, hessian=lambda: H[[0, 2]])
    assert ok.note is None


# ----------------------------------------------------------------- validation
@pytest.mark.parametrize(
    "name,hyper,message",
    [
        ("sgd", {"lr": -1}, "lr must be a positive number, got -1"),
        ("sgd", {"lr": 0}, "lr must be a positive number, got 0"),
        ("adam", {"lr": float("nan")}, "lr must be a finite number, got nan"),
        ("adam", {"lr": "fast"}, "lr must be a number, got 'fast'"),
        ("adam", {"beta1": 1.0}, "beta1 must be a number in [0, 1), got 1"),
        ("adam", {"beta2": -0.1}, "beta2 must be a number in [0, 1), got -0.1"),
        ("adam", {"eps": -1e-8}, "eps must be a number ≥ 0, got -1e-08"),
        ("momentum", {"momentum": -0.5}, "momentum must be a number ≥ 0, got -0.5"),
        ("momentum", {"dampening": 2}, "dampening must be a number in [0, 1], got 2"),
        ("nesterov", {"momentum": 0}, "momentum must be a positive number for nesterov, got 0"),
        ("adagrad", {"lr_decay": -1}, "lr_decay must be a number ≥ 0, got -1"),
        ("rmsprop", {"alpha": 1.5}, "alpha must be a number in [0, 1], got 1.5"),
        ("rmsprop", {"centered": "yes"}, "centered must be true or false, got 'yes'"),
        ("newton", {"lr": True}, "lr must be a number, got True"),
        ("adam", {"lr": np.array([[0.1], [-2.0]])}, "lr must be a positive number, got -2"),
    ],
)
def test_bad_hyperparameters_raise_option_error(name, hyper, message):
    with pytest.raises(OptionError) as info:
        make_optimizer(name, **hyper)
    assert str(info.value) == message


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(OptionError, match=r"unknown optimizer 'adamw': use one of sgd, momentum, "
                       r"nesterov, adagrad, rmsprop, adam, newton"):
        make_optimizer("adamw")
    with pytest.raises(OptionError, match=r"sgd has no hyperparameter 'momentum': it takes lr$"):
        make_optimizer("sgd", momentum=0.9)
    with pytest.raises(OptionError, match=r"it takes lr, beta1, beta2, eps$"):
        make_optimizer("adam", alpha=0.9)


def test_make_optimizer_ignores_none_and_accepts_torch_betas():
    assert make_optimizer("adam", lr=None, beta1=None) == make_optimizer("adam")
    opt = make_optimizer("adam", betas=(0.8, 0.99), lr=0.1)
    assert (opt.beta1, opt.beta2, opt.lr) == (0.8, 0.99, 0.1)
    assert isinstance(make_optimizer("sgd", lr=1).lr, float)


def test_hyperparameter_names_per_optimizer():
    assert hyperparameter_names("sgd") == ("lr",)
    assert hyperparameter_names("nesterov") == ("lr", "momentum")
    assert OPTIMIZERS["adam"].fields() == ("lr", "beta1", "beta2", "eps")
    assert hyperparameter_names("newton") == ("lr",)
    with pytest.raises(OptionError):
        hyperparameter_names("lbfgs")


# -------------------------------------------------------------------- display
def test_display_state_names():
    w = [1.0, 2.0]
    expected = {
        "sgd": [],
        "momentum": ["velocity"],
        "nesterov": ["velocity"],
        "adagrad": ["sum of squares"],
        "rmsprop": ["square avg"],
        "adam": ["m", "v", "m̂", "v̂"],
        "newton": [],
    }
    for name, keys in expected.items():
        opt = make_optimizer(name)
        assert list(opt.display_state(opt.init_state(w), 0)) == keys, name
    opt = make_optimizer("rmsprop", momentum=0.9, centered=True)
    assert list(opt.display_state(opt.init_state(w), 0)) == ["square avg", "momentum buffer", "grad avg"]


def test_adam_display_state_bias_corrects():
    opt = make_optimizer("adam", beta1=0.5, beta2=0.75)
    res = opt.step([0.0], [2.0], opt.init_state([0.0]), 1, 0.001)
    shown = opt.display_state(res.state, 1)
    assert shown["m"] == [1.0] and shown["v"] == [1.0]  # (1-β)·g, (1-β)·g²
    assert shown["m̂"] == [2.0] and shown["v̂"] == [4.0]  # = g, g² after one step
    arrays = opt.display_state(tuple(np.array([s]) for s in res.state), 1)
    np.testing.assert_array_equal(arrays["m̂"], [[2.0]])


def test_adagrad_state_starts_at_initial_accumulator_value():
    opt = make_optimizer("adagrad", initial_accumulator_value=0.5)
    assert opt.init_state([1.0, 2.0]) == ([0.5, 0.5],)
    np.testing.assert_array_equal(opt.init_state(np.zeros((3, 2)))[0], np.full((3, 2), 0.5))


# ---------------------------------------------------------------- purity
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_step_never_mutates_its_inputs(name):
    opt = make_optimizer(name, lr=0.1)
    kw = {"hessian": lambda: np.eye(2)} if name == "newton" else {}
    w, g = [1.0, -2.0], [0.5, 0.25]
    state = opt.step(w, g, opt.init_state(w), 1, 0.1, **kw).state
    args = (w, g, state)
    before = copy.deepcopy(args)
    res = opt.step(*args, 2, 0.1, **kw)
    assert args == before and res.w is not w
    W, G = np.array([w, w]), np.array([g, g])
    S = tuple(np.array([s, s]) for s in state)
    before = copy.deepcopy((W, G, S))
    res = opt.step(W, G, S, 2, 0.1, **{"hessian": lambda: np.stack([np.eye(2)] * 2)} if kw else {})
    assert np.array_equal(W, before[0]) and np.array_equal(G, before[1])
    assert all(np.array_equal(a, b) for a, b in zip(S, before[2]))
    # and the result shares no memory with the inputs
    for out in (res.w, res.update, *res.state):
        assert not any(np.shares_memory(out, x) for x in (W, G, *S))
    assert isinstance(res, StepResult)


# ------------------------------------------------------------- properties
finite = st.floats(-1e3, 1e3, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]),
    w=st.lists(finite, min_size=3, max_size=3),
    g=st.lists(finite, min_size=3, max_size=3),
    lr=st.floats(1e-4, 1.0),
    t=st.integers(1, 50),
)
def test_float_and_array_paths_agree_bit_for_bit(name, w, g, lr, t):
    opt = make_optimizer(name, lr=lr)
    state = opt.step(w, g, opt.init_state(w), 1, lr).state
    a = opt.step(w, g, state, t, lr)
    b = opt.step(np.array([w]), np.array([g]), tuple(np.array([s]) for s in state), t, lr)
    assert np.array_equal(np.array([a.w]), b.w)
    assert all(np.array_equal(np.array([x]), y) for x, y in zip(a.state, b.state))


def test_divergence_gives_inf_or_nan_not_an_exception():
    for name in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"):
        opt = make_optimizer(name, lr=1.0)
        res = opt.step([1e300], [1e300], opt.init_state([0.0]), 1, 1.0)
        res = opt.step(res.w, [math.inf], res.state, 2, 1.0)
        assert not math.isfinite(res.w[0]) or abs(res.w[0]) > 1e200, name
    opt = make_optimizer("rmsprop", centered=True)
    res = opt.step([0.0], [math.inf], opt.init_state([0.0]), 1, 0.01)  # √(inf - inf)
    assert math.isnan(res.w[0])


# ------------------------------------------------- in-place rule (RunBatch)
VARIANTS = [
    ("sgd", {}), ("momentum", {"momentum": 0.9}), ("momentum", {"momentum": 0.5, "dampening": 0.3}),
    ("nesterov", {}), ("adagrad", {"lr_decay": 0.1, "initial_accumulator_value": 0.2}),
    ("rmsprop", {}), ("rmsprop", {"momentum": 0.9}), ("rmsprop", {"centered": True, "alpha": 0.3}),
    ("rmsprop", {"centered": True, "momentum": 0.5}), ("adam", {}), ("adam", {"beta1": 0.3, "beta2": 0.5}),
]


@settings(max_examples=40, deadline=None)
@given(
    variant=st.sampled_from(VARIANTS),
    w=st.lists(finite, min_size=6, max_size=6),
    g=st.lists(finite, min_size=6, max_size=6),
    lr=st.floats(1e-4, 1.0),
    t=st.integers(1, 50),
)
def test_in_place_rule_equals_the_array_rule_bit_for_bit(variant, w, g, lr, t):
    name, hyper = variant
    opt = make_optimizer(name, lr=lr, **hyper)
    W, G = np.array(w).reshape(2, 3), np.array(g).reshape(2, 3)
    state = opt.step(W, G, opt.init_state(W), 1, lr).state
    want = opt.step(W, G, state, t, lr)
    before = copy.deepcopy((W, G, state))
    out_w = np.full_like(W, np.nan)
    out_s = [np.full_like(W, np.nan) for _ in state]
    with np.errstate(all="ignore"):
        opt.compiled.into(W, G, *state, t, lr, *opt.fixed, out_w, *out_s)
    np.testing.assert_array_equal(out_w, want.w)
    for a, b in zip(out_s, want.state):
        np.testing.assert_array_equal(a, b)
    assert np.array_equal(W, before[0]) and np.array_equal(G, before[1])
    assert all(np.array_equal(a, b) for a, b in zip(state, before[2]))


@pytest.mark.parametrize("variant", VARIANTS)
def test_generated_code_is_the_rule_function_bit_for_bit(variant):
    """The textbook function called as it is, coordinate by coordinate on floats, and the
    code generated from its source give the same bits (unrolled D = 2 and looped D = 12)."""
    name, hyper = variant
    opt = make_optimizer(name, lr=0.05, **hyper)
    rule = type(opt).rule
    kw = {h: getattr(opt, h) for h in opt.compiled.hyper}
    rng = np.random.default_rng(3)
    for d in (2, 12):
        w = rng.normal(size=d).tolist()
        state = opt.init_state(w)
        for t in range(1, 25):
            g = [2.0 * x + 0.3 for x in w]
            res = opt.step(w, g, state, t, 0.05 / t)
            for i in range(d):
                one = type(state)(*(s[i] for s in state))
                w_i, s_i = rule(w[i], g[i], one, t, 0.05 / t, **kw)
                assert w_i == res.w[i] and tuple(s_i) == tuple(s[i] for s in res.state), (name, t, i)
            w, state = res.w, res.state
        assert type(state) is type(opt).State


def test_generated_code_shows_its_lines_in_tracebacks():
    import linecache
    import traceback

    opt = make_optimizer("adam", lr=0.1)
    with pytest.raises(TypeError) as info:
        opt.step([1.0, 2.0], [0.5, "x"], opt.init_state([0.0, 0.0]), 1, 0.1)
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert frame.filename.startswith("<gdtui adam_update 2-D")
    assert "g_1" in frame.line  # the generated line itself, from linecache
    assert linecache.getlines(frame.filename)[0].startswith("def step(")


def test_state_is_a_named_tuple_by_field():
    opt = make_optimizer("adam", lr=0.1)
    res = opt.step([1.0], [2.0], opt.init_state([0.0]), 1, 0.1)
    assert res.state.m == pytest.approx([0.2]) and res.state.v == pytest.approx([0.004])
    assert make_optimizer("rmsprop").state_names == ("square avg", "momentum buffer", "grad avg")
    assert make_optimizer("adagrad").state_names == ("sum of squares",)
    assert make_optimizer("momentum").init_state([1.0]).velocity == [0.0]


def test_negated_step_size_is_torch_bit_for_bit():
    """lr / -bc equals torch's -(lr / bc) exactly (rounding is symmetric in the sign)."""
    rng = np.random.default_rng(0)
    lr = rng.uniform(1e-6, 10, 10_000)
    bc = rng.uniform(1e-3, 1, 10_000)
    np.testing.assert_array_equal(lr / -bc, -(lr / bc))
    for a, b in zip(lr[:500].tolist(), bc[:500].tolist()):
        assert a / -b == -(a / b)


def test_positive_definite_one_matrix_agrees_with_the_stacked_test():
    from gdtui.engine.optimizers.newton import positive_definite as _positive_definite
    from gdtui.engine.optimizers.newton import positive_definite_one as _positive_definite_one

    rng = np.random.default_rng(7)
    mats = [rng.normal(size=(d, d)) for d in (1, 2, 3) for _ in range(200)]
    mats += [m @ m.T for m in mats[:300]]  # positive (semi)definite
    mats += [np.diag([1.0, 1e-13]), np.diag([1.0, 2e-12]), np.array([[1.0, 1.0], [1.0, 1.0]]),
             np.array([[np.inf, 0.0], [0.0, 1.0]]), np.array([[np.nan]]), np.zeros((2, 2))]
    for H in mats:
        assert _positive_definite_one(H) == bool(_positive_definite(H[None])[0])
