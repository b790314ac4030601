"""Learning-rate schedules: closed forms, torch's recorded lrs, spec parsing."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from gdtui.engine.schedules import Constant, Cosine, Exponential, StepDecay, make_schedule
from gdtui.errors import OptionError

REFS = json.loads((Path(__file__).parent / "data" / "torch_refs.json").read_text())


def test_constant():
    s = make_schedule("constant")
    assert [s.lr(0.1, t) for t in (1, 2, 1000)] == [0.1, 0.1, 0.1]
    assert make_schedule(None) == make_schedule("") == Constant()


def test_step_decay_halves_every_step_size_updates():
    s = make_schedule("step:10:0.5")
    assert [s.lr(0.8, t) for t in (1, 10, 11, 20, 21, 31)] == [0.8, 0.8, 0.4, 0.4, 0.2, 0.1]


def test_exponential():
    s = make_schedule("exp:0.5")
    assert [s.lr(1.0, t) for t in (1, 2, 3, 4)] == [1.0, 0.5, 0.25, 0.125]


def test_cosine_goes_from_base_to_eta_min_over_t_max():
    s = make_schedule("cosine:100:0.01")
    assert s.lr(0.1, 1) == 0.1
    assert s.lr(0.1, 51) == pytest.approx((0.1 + 0.01) / 2, rel=1e-15)
    assert s.lr(0.1, 101) == pytest.approx(0.01, rel=1e-15)
    assert s.lr(0.1, 26) == pytest.approx(0.01 + 0.09 * (1 + math.cos(math.pi / 4)) / 2, rel=1e-15)
    # like torch, it keeps following the cosine after T_MAX
    assert s.lr(0.1, 151) == pytest.approx(s.lr(0.1, 51), rel=1e-14)


def test_schedules_take_one_lr_per_run():
    base = np.array([[0.1], [0.4]])
    for spec in ("constant", "step:2:0.5", "exp:0.9", "cosine:10:0.001"):
        s = make_schedule(spec)
        out = s.lr(base, 5)
        assert out.shape == (2, 1)
        assert out[:, 0].tolist() == [s.lr(0.1, 5), s.lr(0.4, 5)]


@pytest.mark.parametrize("case", [c for c in REFS["cases"] if "lr" in c], ids=lambda c: c["id"])
def test_matches_torch_scheduler_lrs(case):
    """torch updates lr recursively (lr *= gamma, cosine ratio); the closed form agrees to rounding."""
    s = make_schedule(case["schedule"])
    base = case["hyper"]["lr"]
    ours = [s.lr(base, t) for t in range(1, len(case["lr"]) + 1)]
    np.testing.assert_allclose(ours, case["lr"], rtol=1e-14, atol=0)


@pytest.mark.parametrize(
    "spec", ["constant", "step:10:0.5", "exp:0.99", "cosine:100", "cosine:100:0.001", "step:3:2"]
)
def test_str_gives_back_the_spec(spec):
    assert str(make_schedule(spec)) == spec
    assert make_schedule(str(make_schedule(spec))) == make_schedule(spec)


def test_parsing_is_forgiving_about_case_and_spaces():
    assert make_schedule(" Step:10:0.5 ") == StepDecay(10, 0.5)
    assert make_schedule("exp:1e-1") == Exponential(0.1)
    assert make_schedule("cosine:20") == Cosine(20, 0.0)


def test_describe_in_words():
    assert make_schedule("constant").describe() == "constant learning rate"
    assert make_schedule("step:10:0.5").describe() == "multiply the lr by 0.5 every 10 steps"
    assert make_schedule("exp:0.99").describe() == "multiply the lr by 0.99 every step"
    assert make_schedule("cosine:100:0.001").describe() == "cosine decay of the lr to 0.001 over 100 steps"


@pytest.mark.parametrize(
    "spec,message",
    [
        ("linear", "unknown schedule 'linear': use one of constant, step:STEP_SIZE:GAMMA, exp:GAMMA, "
                   "cosine:T_MAX[:ETA_MIN]"),
        ("step:10", "schedule 'step:10' has the wrong number of parts: use step:STEP_SIZE:GAMMA"),
        ("constant:1", "schedule 'constant:1' has the wrong number of parts: use constant"),
        ("cosine:1:2:3", "schedule 'cosine:1:2:3' has the wrong number of parts: use cosine:T_MAX[:ETA_MIN]"),
        ("step:ten:0.5", "schedule step: STEP_SIZE must be a whole number ≥ 1, got 'ten'"),
        ("step:2.5:0.5", "schedule step: STEP_SIZE must be a whole number ≥ 1, got '2.5'"),
        ("step:0:0.5", "schedule step: STEP_SIZE must be a whole number ≥ 1, got 0"),
        ("step:10:half", "schedule step: GAMMA must be a number, got 'half'"),
        ("exp:-0.5", "schedule exp: GAMMA must be a positive number, got -0.5"),
        ("exp:inf", "schedule exp: GAMMA must be a finite number, got 'inf'"),
        ("cosine:0", "schedule cosine: T_MAX must be a whole number ≥ 1, got 0"),
        ("cosine:10:-1", "schedule cosine: ETA_MIN must be a number ≥ 0, got -1"),
    ],
)
def test_bad_specs_name_the_bad_part(spec, message):
    with pytest.raises(OptionError) as info:
        make_schedule(spec)
    assert str(info.value) == message
