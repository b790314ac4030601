"""The `gdtui` command line: formats, numbers, errors and fast start."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from gdtui.cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse --help/--version/errors
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv: str) -> dict:
    code, out, err = run_cli(capsys, "run", *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


# ----------------------------------------------------------------------- run
def test_run_json_textbook_parabola(capsys):
    data = run_json(capsys, "--fn", "x^2", "--start", "x=5", "--lr", "0.1", "--steps", "20")
    assert data["function"] == "x^2"
    assert data["variables"] == ["x"]
    assert data["optimizer"]["name"] == "sgd"
    assert data["optimizer"]["lr"] == 0.1
    steps = data["steps"]
    assert [r["step"] for r in steps] == list(range(21))
    assert steps[0] == {"step": 0, "w": [5.0], "loss": 25.0, "grad": [10.0], "note": None}
    assert steps[3]["w"][0] == pytest.approx(2.56, abs=1e-15)
    assert steps[20]["w"][0] == pytest.approx(5 * 0.8**20, rel=1e-13)
    assert steps[20]["loss"] == pytest.approx((5 * 0.8**20) ** 2, rel=1e-12)
    assert data["status"] == "max-steps"


def test_run_every_keeps_multiples_and_last(capsys):
    data = run_json(capsys, "--preset", "rosenbrock", "--steps", "25", "--every", "10")
    assert [r["step"] for r in data["steps"]] == [0, 10, 20, 25]
    assert data["variables"] == ["x", "y"]
    assert all(len(r["w"]) == 2 and len(r["grad"]) == 2 for r in data["steps"])


def test_run_start_defaults_unnamed_variables_to_zero(capsys):
    data = run_json(capsys, "--fn", "(x-1)^2 + (y+2)^2", "--start", "y=3", "--steps", "0")
    assert data["steps"][0]["w"] == [0.0, 3.0]
    assert data["steps"][0]["grad"] == [-2.0, 10.0]


def test_run_csv_rows_match_json(capsys):
    args = ("--fn", "x^2 + 3*y^2", "--start", "x=1,y=1", "--lr", "0.1", "--steps", "5")
    code, out, _ = run_cli(capsys, "run", *args, "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["step", "x", "y", "loss", "grad_x", "grad_y", "note"]
    data = run_json(capsys, *args)
    assert len(rows) == 1 + len(data["steps"])
    for row, ref in zip(rows[1:], data["steps"]):
        assert int(row[0]) == ref["step"]
        assert [float(v) for v in row[1:3]] == ref["w"]  # full precision survives
        assert float(row[3]) == ref["loss"]


def test_run_table_is_aligned_and_says_status(capsys):
    code, out, _ = run_cli(capsys, "run", "--preset", "parabola", "--steps", "3")
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("step"))
    body = lines[lines.index(header) + 1 : lines.index(header) + 5]
    assert len({len(line) for line in [header, *body]}) == 1  # aligned columns
    assert "2.56" in body[3]
    assert lines[-1].startswith("status: ")


def test_run_data_hours_full_batch(capsys):
    data = run_json(capsys, "--fn", "(w*x - y)^2", "--data", "hours", "--start", "w=1",
                    "--lr", "0.01", "--steps", "1")
    # loss at w=1: mean((x - 2x)^2) = mean(1,4,9) = 14/3; gradient mean(2(wx-y)x) = -28/3
    assert data["variables"] == ["w"]
    assert data["steps"][0]["loss"] == pytest.approx(14 / 3, rel=1e-14)
    assert data["steps"][0]["grad"][0] == pytest.approx(-28 / 3, rel=1e-14)
    assert data["steps"][1]["w"][0] == pytest.approx(1 + 0.01 * 28 / 3, rel=1e-14)


def test_run_minibatch_is_reproducible_and_reports_full_batch_loss(capsys):
    args = ("--preset", "line", "--batch-size", "1", "--seed", "3", "--steps", "12")
    a = run_json(capsys, *args)
    b = run_json(capsys, *args)
    assert a["steps"] == b["steps"]
    c = run_json(capsys, "--preset", "line", "--batch-size", "1", "--seed", "4", "--steps", "12")
    assert c["steps"] != a["steps"]
    # Reported loss is the full data set's: recompute it from w.
    w, b0 = a["steps"][-1]["w"]
    xs, ys = [1, 2, 3, 4, 5], [3, 5, 7, 9, 11]
    full = sum((w * x + b0 - y) ** 2 for x, y in zip(xs, ys)) / 5
    assert a["steps"][-1]["loss"] == pytest.approx(full, rel=1e-12)


def test_run_domain_error_status(capsys):
    data = run_json(capsys, "--fn", "log(x)", "--start", "x=1", "--lr", "2", "--steps", "5")
    assert data["status"] == "domain-error"
    assert "step 1" in data["reason"]


def test_run_divergence_status(capsys):
    data = run_json(capsys, "--fn", "x^2", "--start", "x=5", "--lr", "1.5", "--steps", "200")
    assert data["status"] == "diverged"
    assert data["steps"][-1]["step"] < 200


# --------------------------------------------------------------------- check
def test_check_json_seed_lesson(capsys):
    code, out, err = run_cli(capsys, "check", "--fn", "x^2 + 3*x*y + y^2", "--at", "x=1,y=2",
                             "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["value"] == 11  # 1 + 6 + 4
    assert data["gradient"] == [8, 7]
    assert data["numerical_gradient"] == pytest.approx([8, 7], abs=1e-6)
    assert data["max_abs_error"] < 1e-6
    assert data["hessian"] == [[2, 3], [3, 2]]
    assert data["eigenvalues"] == pytest.approx([-1, 5])
    assert data["kind"] == "saddle"
    assert set(data["derivatives"]) == {"x", "y"}


def test_check_saddle_and_minimum(capsys):
    _, out, _ = run_cli(capsys, "check", "--fn", "x^2 - y^2", "--at", "x=0,y=0", "--format", "json")
    assert json.loads(out)["eigenvalues"] == pytest.approx([-2, 2])
    _, out, _ = run_cli(capsys, "check", "--fn", "x^2 + y^2", "--at", "x=0,y=0", "--format", "json")
    assert json.loads(out)["kind"] == "minimum"


def test_check_names_the_kind_only_at_a_stationary_point(capsys):
    _, out, _ = run_cli(capsys, "check", "--fn", "x^2", "--at", "x=5")
    assert "kind: not a stationary point; the Hessian is positive definite here (locally convex)" in out
    assert "minimum" not in out
    _, out, _ = run_cli(capsys, "check", "--fn", "x^2", "--at", "x=0")
    assert "kind: minimum (the gradient is zero here)" in out


def test_check_outside_the_domain_is_a_domain_error(capsys):
    code, out, err = run_cli(capsys, "check", "--fn", "log(x)", "--at", "x=-1")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "domain error at x = -1" in err
    assert "kind" not in err and "Traceback" not in err


def test_check_prints_the_suggested_lr_from_curvature(capsys):
    _, out, _ = run_cli(capsys, "check", "--fn", "x^2 + 25*y^2", "--at", "x=1,y=1")
    assert "suggested lr from the curvature here: 0.02" in out  # 1/50 -> 2e-2
    _, out, _ = run_cli(capsys, "check", "--fn", "x^2 + 25*y^2", "--at", "x=1,y=1", "--format", "json")
    assert json.loads(out)["suggested_lr"] == 0.02


def test_run_prints_the_function_as_typed(capsys):
    _, out, _ = run_cli(capsys, "run", "--preset", "rosenbrock", "--steps", "1")
    assert out.splitlines()[0] == "f(x, y) = (1 - x)^2 + 100*(y - x^2)^2"
    data = run_json(capsys, "--fn", "(1-x)^2 + 100*(y-x^2)^2", "--steps", "1")
    assert data["function"] == "(1-x)^2 + 100*(y-x^2)^2"


NEWTON_SADDLE = ("--fn", "x^2 - y^2", "--start", "x=1,y=1", "--optimizer", "newton", "--steps", "2")


def test_run_shows_newton_fallback_as_note_in_json_csv_and_table(capsys):
    from gdtui.engine.optimizers import NEWTON_FALLBACK_NOTE

    data = run_json(capsys, *NEWTON_SADDLE)
    assert [r["note"] for r in data["steps"]] == [None, NEWTON_FALLBACK_NOTE, NEWTON_FALLBACK_NOTE]
    _, out, _ = run_cli(capsys, "run", *NEWTON_SADDLE, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][-1] == "note" and [r[-1] for r in rows[1:]] == ["", NEWTON_FALLBACK_NOTE] * 1 + [NEWTON_FALLBACK_NOTE]
    _, out, _ = run_cli(capsys, "run", *NEWTON_SADDLE)
    assert out.count(f"note: {NEWTON_FALLBACK_NOTE}") == 2
    _, out, _ = run_cli(capsys, "run", *NEWTON_SADDLE, "--every", "5")  # rows 0 and 2 only
    assert "note on 1 update(s) not shown (1)" in out


def test_check_table_shows_formulas(capsys):
    code, out, _ = run_cli(capsys, "check", "--fn", "x^2 + 3*x*y + y^2", "--at", "x=1,y=2")
    assert code == 0
    assert "df/dx" in out and "df/dy" in out
    assert "eigenvalues" in out
    # (1, 2) is not where the gradient vanishes: no kind of point, only what the curvature says
    assert "kind: not a stationary point; the Hessian is indefinite here" in out
    assert "saddle" not in out
    assert "2/lambda_max = 0.4" in out  # eigenvalues -1 and 5


# -------------------------------------------------------------- bad input
BAD = [
    (["run", "--fn", "3x"], "3*x"),
    (["run", "--fn", "__import__('os')"], ""),
    (["run", "--fn", "().__class__"], ""),
    (["run", "--fn", "lambda: 0"], ""),
    (["run", "--fn", "9^9^9^9"], "exponent"),
    (["run", "--fn", "(" * 400 + "x" + ")" * 400], ""),
    (["run", "--fn", "x^2", "--lr", "-1"], "--lr"),
    (["run", "--fn", "x^2", "--lr", "abc"], "--lr"),
    (["run", "--fn", "x^2", "--optimizer", "foo"], "foo"),
    (["run", "--fn", "x^2", "--start", "z=1"], "z"),
    (["run", "--fn", "x^2", "--start", "x"], "--start"),
    (["run", "--fn", "x^2", "--schedule", "bogus"], "bogus"),
    (["run", "--fn", "x^2", "--data", "/nonexistent/data.csv"], "data.csv"),
    (["run", "--preset", "nope"], "nope"),
    (["run", "--fn", "x^2", "--preset", "bowl"], "not both"),
    (["run"], "--fn"),
    (["run", "--fn", "x^2", "--format", "xml"], "format"),
    (["check", "--fn", "x^2", "--at", "q=1"], "q"),
    (["--theme", "nope"], "nope"),
    (["--fn", "x^"], ""),
    # The TUI refuses bad options before drawing anything.
    (["--fn", "x^2", "--start", "z=1"], "'z'"),
    (["--preset", "hours", "--start", "x=3"], "'x'"),
    (["--fn", "x^2", "--optimizer", "foo"], "foo"),
    (["--preset", "nope"], "nope"),
    (["--fn", "x^2", "--schedule", "step:0"], "step"),
]


@pytest.mark.parametrize(("argv", "needle"), BAD, ids=[" ".join(a)[:40] for a, _ in BAD])
def test_bad_input_is_one_clear_error(capsys, argv, needle):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert 1 <= len(err.strip().splitlines()) <= 3
    assert needle in err


def test_bad_csv_names_file_line_and_column(capsys, tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("x,y\n1,2\n2,abc\n")
    code, _, err = run_cli(capsys, "run", "--fn", "(w*x-y)^2", "--data", str(path))
    assert code == 2
    assert "scores.csv" in err and "line 3" in err and "y" in err


def test_expression_error_is_one_line_naming_the_column(capsys):
    code, _, err = run_cli(capsys, "run", "--fn", "x + 3x")
    assert code == 2 and err.count("\n") == 1
    # column 6 is the 'x' of "3x": where the '*' is missing
    assert err.startswith("gdtui: ") and "column 6" in err and "3*x" in err


# ------------------------------------------------------------- fast start
def _modules_after(argv: list[str]) -> set[str]:
    code = (
        "import sys\n"
        "from gdtui.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('MODULES', ' '.join(m for m in sys.modules if m.split('.')[0] in ('textual', 'sympy')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("MODULES"))
    return set(line.split()[1:])


@pytest.mark.parametrize("argv", [["--help"], ["presets"], ["run", "--help"], ["--version"]])
def test_help_and_presets_import_neither_textual_nor_sympy(argv):
    assert _modules_after(argv) == set()


def test_help_has_examples(capsys):
    for argv in (["--help"], ["run", "--help"], ["check", "--help"]):
        code, out, _ = run_cli(capsys, *argv)
        assert code == 0
        assert "examples:" in out


def test_presets_lists_required_problems(capsys):
    code, out, _ = run_cli(capsys, "presets")
    assert code == 0
    for name in ("parabola", "bowl", "shifted-bowl", "saddle", "double-well", "rosenbrock", "hours", "line",
                 "logistic"):
        assert name in out


def test_version(capsys):
    from gdtui import __version__

    code, out, _ = run_cli(capsys, "--version")
    assert code == 0 and __version__ in out


def test_console_script_exit_code_for_bad_expression():
    proc = subprocess.run([sys.executable, "-m", "gdtui", "run", "--fn", "x +* 2"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_run_with_gradient_noise_is_recorded_and_seeded(capsys):
    args = ("--fn", "x^2 - y^2", "--start", "x=1,y=0", "--lr", "0.1", "--steps", "300", "--format", "json")
    assert main(["run", *args]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert plain["noise"] == 0.0 and plain["status"] == "converged"  # stalls at the saddle
    assert main(["run", *args, "--noise", "0.01", "--seed", "1"]) == 0
    noisy = json.loads(capsys.readouterr().out)
    assert noisy["noise"] == 0.01 and noisy["status"] == "diverged"  # escapes along y
    with pytest.raises(SystemExit) as exc:
        main(["run", *args, "--noise=-1"])
    assert exc.value.code == 2 and "--noise must be >= 0" in capsys.readouterr().err


def test_a_theme_name_is_checked_without_loading_the_ui():
    """`--theme` is refused before any screen: the theme catalogue needs no textual."""
    code = (
        "import sys\n"
        "from gdtui.errors import OptionError\n"
        "from gdtui.theme_catalog import check_theme_name\n"
        "check_theme_name('mono')\n"
        "try:\n"
        "    check_theme_name('nope')\n"
        "except OptionError as exc:\n"
        "    print('REFUSED', exc)\n"
        "print('MODULES', ' '.join(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "REFUSED unknown theme 'nope'" in out and "mono" in out.split("REFUSED", 1)[1]
    modules = next(line for line in out.splitlines() if line.startswith("MODULES")).split()[1:]
    assert modules == []
