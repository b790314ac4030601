"""Presets: listed, valid, cheap to import, and they show what their descriptions claim."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from gdtui.engine.data import BUILTIN_DATASETS, BatchSampler, load_dataset
from gdtui.engine.objective import Objective
from gdtui.engine.optimizers import OPTIMIZERS, make_optimizer
from gdtui.engine.presets import PRESETS, Preset, get_preset
from gdtui.engine.run import Run
from gdtui.engine.schedules import make_schedule
from gdtui.errors import OptionError
from gdtui.settings import DEFAULT_PRESET

REQUIRED = ("parabola", "bowl", "shifted-bowl", "saddle", "lesson", "double-well", "rosenbrock", "hours",
            "line", "logistic", "ill-conditioned", "newton-demo")


def test_required_presets_and_default_exist():
    for name in (*REQUIRED, DEFAULT_PRESET):
        assert name in PRESETS
        assert get_preset(name).name == name


def test_unknown_preset_lists_the_known_ones():
    with pytest.raises(OptionError) as e:
        get_preset("foo")
    assert str(e.value).startswith("unknown preset 'foo' (try: ")
    assert all(n in str(e.value) for n in ("parabola", "bowl", "rosenbrock", "logistic"))


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_fields_are_valid(name):
    p = PRESETS[name]
    assert isinstance(p, Preset)
    assert p.description and "\n" not in p.description and len(p.description) <= 120
    assert p.optimizer in OPTIMIZERS
    make_optimizer(p.optimizer, lr=p.lr, **p.hyper)
    make_schedule(p.schedule)
    assert p.data is None or p.data in BUILTIN_DATASETS
    assert p.batch_size is None or (p.data is not None and p.batch_size >= 1)
    assert p.steps >= 1
    assert all(isinstance(v, float) for v in p.start.values())


def test_presets_import_neither_numpy_nor_sympy():
    code = "import sys, gdtui.engine.presets; print('numpy' in sys.modules, 'sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def _double_well() -> Objective:
    def fn(x):
        return x**4 - 3 * x**2 + x, (4 * x**3 - 6 * x + 1,)

    return Objective(params=("x",), scalar_fn=fn, array_fn=fn, hessian_fn=lambda x: ((12 * x * x - 6,),))


def test_double_well_claim_sgd_local_momentum_global():
    p = get_preset("double-well")
    sgd = Run(_double_well(), make_optimizer("sgd", lr=p.lr), [p.start["x"]])
    mom = Run(_double_well(), make_optimizer("momentum", lr=p.lr, momentum=0.9), [p.start["x"]])
    sgd.step(p.steps)
    mom.step(p.steps)
    assert sgd.status == "converged" and sgd.w[0] == pytest.approx(1.1309, abs=1e-3)
    assert mom.status == "converged" and mom.w[0] == pytest.approx(-1.3008, abs=1e-3)
    assert sgd.loss > mom.loss  # the local minimum is higher


# ------------------------------------------------------- through gdtui.expr
HAS_EXPR = importlib.util.find_spec("gdtui.expr.compile") is not None

# What running each preset for its suggested steps shows (status, check on w).
EXPECT = {
    "lesson-bowl": ("converged", lambda w: max(map(abs, w)) < 1e-7),
    "parabola": (None, lambda w: abs(w[0] - 5 * 0.8**20) < 1e-12),
    "bowl": ("converged", lambda w: max(map(abs, w)) < 1e-7),
    "shifted-bowl": ("converged", lambda w: abs(w[0] - 3) < 1e-7 and abs(w[1] + 1) < 1e-7),
    "saddle": ("diverged", lambda w: abs(w[1]) > 1e5),
    "lesson": ("running", lambda w: w[0] * w[1] < 0),  # heading off along (1, -1)
    "ill-conditioned": ("converged", lambda w: max(map(abs, w)) < 1e-7),
    "double-well": ("converged", lambda w: abs(w[0] - 1.1309) < 1e-3),
    "rosenbrock": ("converged", lambda w: abs(w[0] - 1) < 1e-6 and abs(w[1] - 1) < 1e-6),
    "newton-demo": ("converged", lambda w: abs(w[0] - 1) < 1e-8 and abs(w[1] - 1) < 1e-8),
    "hours": ("converged", lambda w: abs(w[0] - 2) < 1e-6),
    "line": ("converged", lambda w: abs(w[0] - 2) < 1e-6 and abs(w[1] - 1) < 1e-6),
    "noisy-line": (None, lambda w: abs(w[0] - 2) < 0.3 and abs(w[1] - 1) < 0.6),
    "logistic": ("converged", lambda w: abs(w[0] - 2.6033) < 1e-3 and abs(w[1] + 7.159) < 1e-2),
}


@pytest.mark.skipif(not HAS_EXPR, reason="gdtui.expr.compile has not landed yet")
@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_compiles_and_shows_its_claim(name):
    from gdtui.expr.compile import compile_function

    p = PRESETS[name]
    ds = load_dataset(p.data) if p.data else None
    obj = compile_function(p.fn, tuple(ds.column_names) if ds else (), timeout=20)
    assert set(obj.params) == set(p.start)
    if ds is not None:
        assert obj.uses_data
        obj = obj.bind(ds.columns)
    sampler = BatchSampler(ds.n_rows, p.batch_size, 0) if ds is not None and p.batch_size else None
    run = Run(obj, make_optimizer(p.optimizer, lr=p.lr, **p.hyper), [p.start[v] for v in obj.params],
              schedule=make_schedule(p.schedule), sampler=sampler)
    run.step(p.steps)
    status, check = EXPECT[name]
    if status is not None:
        assert run.status == status, run.reason
    assert check(run.w), run.w
