"""Numbers at the edges and hostile names (issue 12): a clear line or a status, never a traceback."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gdtui.cli import main
from gdtui.engine.data import load_dataset
from gdtui.engine.presets import PRESETS
from gdtui.expr.compile import compile_function


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys, fn: str, at: str) -> dict:
    code, out, err = run_cli(capsys, "check", "--fn", fn, "--at", at, "--format", "json")
    assert code == 0, err
    return json.loads(out)


# --------------------------------------------------------------- big constants
def test_a_power_sympy_would_fold_into_a_huge_integer_is_computed_in_floats(capsys):
    at0 = check_json(capsys, "(10000*x)^84", "x=0")
    assert at0["value"] == 0.0 and at0["gradient"] == [0.0]
    code, out, err = run_cli(capsys, "check", "--fn", "(10000*x)^84", "--at", "x=1")
    assert code == 0, err  # truly beyond the float range: inf, no traceback
    assert "f = inf" in out


def test_a_loss_that_is_zero_at_the_start_is_not_reported_as_diverged(capsys):
    code, out, err = run_cli(capsys, "run", "--fn", "(10000*x)^84+y^2", "--steps", "3", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["steps"][0]["loss"] == 0.0
    assert data["status"] != "diverged"


def test_remaining_overflow_is_the_diverged_status(capsys):
    code, out, err = run_cli(capsys, "run", "--fn", "(10000*x)^84", "--start", "x=1", "--steps", "3")
    assert code == 0, err
    assert "status: diverged" in out and "Traceback" not in out + err


def test_a_data_loss_with_a_huge_folded_constant_runs(capsys):
    code, out, err = run_cli(capsys, "run", "--fn", "(10000*w*x)^84", "--data", "hours", "--steps", "2")
    assert code == 0, err
    assert "Traceback" not in err


def test_a_big_rational_base_is_evaluated_in_floats(capsys):
    data = check_json(capsys, "(999999999999999^-2)^(cosh(b)+1e-3)", "b=1")
    want = (999999999999999.0**-2) ** (math.cosh(1.0) + 1e-3)
    assert data["value"] == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize(("fn", "column"), [("(10^100)^4*x", 0), ("x + 1e400", 4), ("x*(1e200*1e200)", 3)])
def test_constants_beyond_the_float_range_are_an_error_at_the_column(capsys, fn, column):
    code, out, err = run_cli(capsys, "check", "--fn", fn, "--at", "x=1")
    assert code == 2
    assert "too large" in err and f"column {column + 1}" in err and "Traceback" not in err


# ------------------------------------------------------------ stable functions
def test_sigmoid_far_out_is_exact(capsys):
    data = check_json(capsys, "sigmoid(x)+y^2", "x=-800,y=1")
    assert data["value"] == 1.0
    assert data["gradient"] == [0.0, 2.0]


def test_log_softplus_far_out_is_exact(capsys):
    data = check_json(capsys, "ln(softplus(x))", "x=-40")
    assert data["value"] == pytest.approx(-40.0, rel=1e-12)
    assert data["gradient"][0] == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("u", [-800.0, -40.0, -1.0, 0.0, 0.5, 40.0, 800.0])
def test_sigmoid_and_softplus_values_and_derivatives_are_finite_and_right(u):
    obj = compile_function("sigmoid(x) + softplus(y)")
    f, g = obj.value_grad([u, u])
    e = math.exp(-abs(u))
    want_sig = 1 / (1 + e) if u >= 0 else e / (1 + e)
    want_sp = max(u, 0.0) + math.log1p(e)
    assert f == pytest.approx(want_sig + want_sp, rel=1e-12, abs=1e-300)
    assert g[0] == pytest.approx(e / (1 + e) ** 2, rel=1e-9, abs=1e-300)  # σ(1 - σ), also for u = 40
    assert g[1] == pytest.approx(want_sig, rel=1e-12, abs=1e-300)
    F, G = obj.value_grad_many(np.array([[u, u]]))
    assert F[0] == pytest.approx(f, rel=1e-12) and G[0].tolist() == pytest.approx(g, rel=1e-9, abs=1e-300)


def test_logistic_regression_stays_finite_with_large_weights():
    preset = PRESETS["logistic"]
    data = load_dataset(preset.data)
    obj = compile_function(preset.fn, data.column_names).bind(data.columns)
    for w, b in [(100.0, -250.0), (1000.0, -2500.0), (-500.0, 40.0)]:
        f, g = obj.value_grad([w, b])
        x, y = data.columns["x"], data.columns["y"]
        z = w * x + b
        want = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))
        assert math.isfinite(f) and all(math.isfinite(v) for v in g)
        assert f == pytest.approx(want, rel=1e-12)


# ---------------------------------------------------------------------- depth
def test_deep_nesting_says_what_the_limit_is(capsys):
    fn = "sigmoid(" * 30 + "x" + ")" * 30
    code, out, err = run_cli(capsys, "check", "--fn", fn, "--at", "x=1")
    assert code == 2
    assert "functions nested too deeply" in err and "at most 10 functions inside each other" in err
    assert "memory" not in err


# ----------------------------------------------------------- nothing raw shown
def test_escape_sequences_in_a_data_path_are_never_printed(capsys, tmp_path):
    bad = str(tmp_path / "\x1b]0;pwned\x07\x1b[2J.csv")
    code, out, err = run_cli(capsys, "run", "--fn", "(w*x-y)^2", "--data", bad, "--steps", "1")
    assert code == 2
    assert "\x1b" not in err and "\x07" not in err and "no such file" in err
    with open(bad, "w") as fh:
        fh.write("x,y\n1,2\n2,4\n")
    code, out, err = run_cli(capsys, "run", "--fn", "(w*x-y)^2", "--data", bad, "--steps", "1")
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    code, out, err = run_cli(capsys, "run", "--fn", "(w*x-y)^2", "--data", bad, "--steps", "1", "--format", "json")
    assert code == 0 and "\x1b" not in out


def test_dev_zero_as_data_is_one_line_and_exit_2(capsys):
    code, out, err = run_cli(capsys, "run", "--fn", "(w*x-y)^2", "--data", "/dev/zero", "--steps", "3")
    assert code == 2
    assert err.strip() == "gdtui: /dev/zero: not a regular file (a device, pipe or socket cannot be a data file)"
