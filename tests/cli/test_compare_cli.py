"""`gdtui compare`: the JSON contract, the regimes of the issue, exit 2 on bad input, and
each run's final row bit for bit the last row `gdtui run` prints with the same settings."""

from __future__ import annotations

import csv
import io
import json

import pytest

from gdtui.cli import main


def out_of(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def compare_json(capsys, *argv: str) -> dict:
    return json.loads(out_of(capsys, "compare", *argv, "--format", "json"))


def run_args(varied: dict) -> list[str]:
    """`gdtui run` options for one run's varied settings (floats in full precision)."""
    args: list[str] = []
    for name, value in varied.items():
        opt = "--" + name.replace("_", "-")
        if name == "start":
            args += [opt, ",".join(f"{k}={v!r}" for k, v in value.items())]
        elif name == "batch_size" and value == "full":
            args += [opt, "1000000"]  # at least the rows: the full batch
        else:
            args += [opt, repr(value) if isinstance(value, float) else str(value)]
    return args


def assert_runs_match_gdtui_run(capsys, common: list[str], result: dict) -> None:
    for run in result["runs"]:
        single = json.loads(out_of(capsys, "run", *common, *run_args(run["settings"]), "--format", "json"))
        last = {k: v for k, v in single["steps"][-1].items() if k != "note"}  # run's own field
        assert run["final"] == last, run["label"]  # JSON floats are repr: equal text is equal bits
        assert run["status"] == single["status"], run["label"]
        assert run["reason"] == single["reason"], run["label"]
        assert run["optimizer"] == single["optimizer"], run["label"]


def test_learning_rate_regimes_on_x_squared(capsys):
    r = compare_json(capsys, "--fn", "x^2", "--start", "x=5", "--lr", "0.001,0.1,0.7,1.0,1.1", "--steps", "100")
    assert set(r) == {"function", "variables", "data", "max_stable_lr", "runs"}
    assert r["function"] == "x^2" and r["variables"] == ["x"] and r["data"] is None
    assert r["max_stable_lr"] == 1.0  # 2/λmax of x^2
    regimes = {run["settings"]["lr"]: run["regime"] for run in r["runs"]}
    assert regimes == {0.001: "too-slow", 0.1: "converges", 0.7: "zigzags", 1.0: "oscillates", 1.1: "diverges"}
    by_lr = {run["settings"]["lr"]: run for run in r["runs"]}
    assert by_lr[1.0]["final"]["w"] == [5.0]  # 5, -5, 5, ...
    assert by_lr[0.1]["steps_to_converge"] == by_lr[0.1]["final"]["step"]
    assert by_lr[1.1]["steps_to_converge"] is None and by_lr[1.1]["status"] == "diverged"
    # ranks: converged by steps, then the rest by loss, diverged last
    assert by_lr[0.7]["rank"] == 1 and by_lr[0.1]["rank"] == 2 and by_lr[1.1]["rank"] == 5
    assert sorted(run["rank"] for run in r["runs"]) == [1, 2, 3, 4, 5]
    for run in r["runs"]:
        assert set(run) == {"label", "settings", "optimizer", "status", "reason", "regime",
                            "steps_to_converge", "final", "rank"}
        assert set(run["final"]) == {"step", "w", "loss", "grad"}
    assert_runs_match_gdtui_run(capsys, ["--fn", "x^2", "--start", "x=5", "--steps", "100"], r)


def test_every_optimizer_final_rows_equal_gdtui_run(capsys):
    common = ["--preset", "rosenbrock", "--steps", "300"]
    r = compare_json(capsys, *common, "--optimizer", "sgd,momentum,nesterov,adagrad,rmsprop,adam,newton",
                     "--lr", "0.001,0.01")
    assert len(r["runs"]) == 14
    assert r["runs"][0]["label"] == "optimizer=sgd lr=0.001"  # product in the order typed
    assert r["runs"][1]["label"] == "optimizer=sgd lr=0.01"
    assert r["max_stable_lr"] is None  # Rosenbrock's Hessian is not constant
    assert_runs_match_gdtui_run(capsys, common, r)


def test_schedules_and_betas_equal_gdtui_run(capsys):
    common = ["--fn", "x^2 + 3*y^2 + sin(x)", "--start", "x=2,y=1", "--steps", "150"]
    r = compare_json(capsys, *common, "--schedule", "constant,step:10:0.5,exp:0.99,cosine:50",
                     "--optimizer", "adam", "--lr", "0.1", "--beta1", "0.8,0.9")
    assert len(r["runs"]) == 8
    assert {run["settings"]["schedule"] for run in r["runs"]} == {"constant", "step:10:0.5", "exp:0.99", "cosine:50"}
    assert_runs_match_gdtui_run(capsys, [*common, "--optimizer", "adam", "--lr", "0.1"], r)


def test_mini_batches_with_seeds_equal_gdtui_run(capsys):
    common = ["--preset", "noisy-line", "--steps", "120"]
    r = compare_json(capsys, *common, "--batch-size", "full,10,1", "--seed", "0,3", "--optimizer", "sgd,adam")
    assert len(r["runs"]) == 12 and r["data"] == "noisy-line"
    assert {json.dumps(run["settings"]["batch_size"]) for run in r["runs"]} == {'"full"', "10", "1"}
    assert_runs_match_gdtui_run(capsys, common, r)


def test_data_losses_with_newton_and_momentum_equal_gdtui_run(capsys):
    common = ["--preset", "logistic", "--steps", "80", "--batch-size", "4"]
    r = compare_json(capsys, *common, "--optimizer", "sgd,momentum,newton", "--seed", "1,2")
    assert_runs_match_gdtui_run(capsys, common, r)


def test_gradient_noise_saddle_escape(capsys):
    common = ["--fn", "x^2 - y^2", "--start", "x=1,y=0", "--lr", "0.1", "--steps", "300", "--seed", "1"]
    r = compare_json(capsys, *common, "--noise", "0,0.01")
    stall, escape = r["runs"]
    assert stall["settings"] == {"noise": 0.0} and escape["settings"] == {"noise": 0.01}
    assert stall["status"] == "converged" and stall["final"]["w"][1] == 0.0  # stuck at the saddle
    assert escape["status"] == "diverged" and escape["regime"] == "diverges"  # slid off the ridge
    assert_runs_match_gdtui_run(capsys, common, r)


def test_starts_hyperparameters_that_apply_and_preset_defaults(capsys):
    common = ["--preset", "double-well", "--steps", "400", "--momentum", "0.9"]
    r = compare_json(capsys, *common, "--start", "x=2;x=-0.5", "--optimizer", "sgd,momentum")
    labels = [run["label"] for run in r["runs"]]
    assert labels == ["start=(2) optimizer=sgd", "start=(2) optimizer=momentum",
                      "start=(-0.5) optimizer=sgd", "start=(-0.5) optimizer=momentum"]
    ends = {run["label"]: run["final"]["w"][0] for run in r["runs"]}
    assert ends["start=(2) optimizer=sgd"] > 1 and ends["start=(2) optimizer=momentum"] < -1  # rolls past
    assert r["runs"][1]["optimizer"]["momentum"] == 0.9 and "momentum" not in r["runs"][0]["optimizer"]
    assert_runs_match_gdtui_run(capsys, ["--preset", "double-well", "--steps", "400"],
                                {"runs": [dict(run, settings={**run["settings"], **(
                                    {"momentum": 0.9} if run["optimizer"]["name"] == "momentum" else {})})
                                          for run in r["runs"]]})


def test_table_and_csv(capsys):
    args = ["compare", "--fn", "x^2", "--start", "x=5", "--lr", "0.001,0.1,0.7,1,1.1", "--steps", "100"]
    table = out_of(capsys, *args)
    lines = table.splitlines()
    assert "2/lambda_max = 1" in table and "lr=1.1 *" in table
    head = next(i for i, line in enumerate(lines) if line.startswith("rank"))
    assert lines[head + 1].split()[:4] == ["1", "lr=0.7", "converged", "zigzags"]
    assert lines[head + 5].split()[:4] == ["5", "lr=1.1", "*", "diverged"]
    rows = list(csv.DictReader(io.StringIO(out_of(capsys, *args, "--format", "csv"))))
    assert [r["label"] for r in rows] == ["lr=0.001", "lr=0.1", "lr=0.7", "lr=1", "lr=1.1"]
    assert rows[1]["regime"] == "converges" and rows[1]["steps_to_converge"] == rows[1]["step"]
    js = compare_json(capsys, *args[1:])
    assert float(rows[2]["x"]) == js["runs"][2]["final"]["w"][0]  # full precision


@pytest.mark.parametrize("argv, words", [
    (["--fn", "x^2", "--lr", "0.1,abc"], "lr must be a number, got 'abc'"),
    (["--fn", "x^2", "--lr", "0.1,-1"], "lr must be a positive number, got -1"),
    (["--fn", "x^2", "--lr", ",".join(["0.1"] * 9), "--seed", ",".join(map(str, range(8)))], "72 runs"),
    (["--fn", "x^2", "--optimizer", "sgd,adamw"], "unknown optimizer 'adamw'"),
    (["--fn", "x^2", "--batch-size", "full,0"], "below 1"),
    (["--fn", "x^2", "--momentum", "0.5,-1.5"], "momentum must be a number ≥ 0, got -1.5"),
    (["--fn", "x^2", "--start", "x=1;z=2"], "'z'"),
    (["--fn", "x^2", "--schedule", "constant,warp:3"], "warp"),
    (["--fn", "x^2", "--optimizer", "sgd,adam", "--beta1", "0.5,0.9"], None),  # applies to adam only
    (["--fn", "x^2", "--optimizer", "sgd", "--beta1", "0.5,0.9"], "applies to none"),
    (["--lr", "0.1,0.2"], "needs --fn"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, words):
    code = main(["compare", *argv, "--steps", "5"])
    err = capsys.readouterr().err
    if words is None:
        assert code == 0
        return
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_launch_compare_lists_are_checked_before_any_screen(capsys):
    from gdtui.compare_cli import launch_axes

    assert launch_axes(["lr=0.01,0.1", "optimizer=sgd,adam", "steps=300"]) == (
        ("lr", (0.01, 0.1)), ("optimizer", ("sgd", "adam")), ("steps", (300,)))
    for bad, words in ((["lr=0.1,abc"], "'abc'"), (["lr=0.1", "lr=0.2"], "listed twice"),
                       (["steps=0"], "steps must be between"), (["0.1,0.2"], "NAME=LIST"),
                       (["lr=" + ",".join(["0.1"] * 9), "seed=" + ",".join(map(str, range(8)))], "72 runs")):
        assert main(["--preset", "parabola", "--compare", bad[0], *sum((["--compare", b] for b in bad[1:]), [])]) == 2
        err = capsys.readouterr().err
        assert words in err and len(err.strip().splitlines()) == 1, err
