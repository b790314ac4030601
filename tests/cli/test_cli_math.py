"""`gdtui check --h-sweep / --lr` and `gdtui graph`: every JSON key, the tables, bad input."""

from __future__ import annotations

import json
import math

import pytest

from gdtui.cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse errors
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv: str) -> dict:
    code, out, err = run_cli(capsys, *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


# ------------------------------------------------------------------ check --h-sweep
def test_h_sweep_json_keys_and_errors(capsys):
    data = run_json(capsys, "check", "--fn", "sin(x)*exp(y)", "--at", "x=0.5,y=-1", "--h-sweep")
    sweep = data["h_sweep"]
    assert [r["h"] for r in sweep] == pytest.approx([10.0**-k for k in range(1, 13)], rel=1e-12)
    g = data["gradient"]
    for r in sweep:
        assert set(r) == {"h", "forward", "central", "forward_error", "central_error"}
        assert len(r["forward"]) == len(r["central"]) == 2
        # forward: (f(w + h e_i) - f(w)) / h, checked by hand for x
        h = r["h"]
        by_hand = (math.sin(0.5 + h) * math.exp(-1) - math.sin(0.5) * math.exp(-1)) / h
        assert r["forward"][0] == pytest.approx(by_hand, rel=1e-6, abs=1e-6)
        assert r["forward_error"] == max(abs(a - b) for a, b in zip(r["forward"], g))
        assert r["central_error"] == max(abs(a - b) for a, b in zip(r["central"], g))
    errors = [r["central_error"] for r in sweep]
    assert min(errors) < 1e-9 < errors[0] and errors[-1] > min(errors)  # the V
    assert "gradient_step" not in data  # only with --lr


def test_h_sweep_table_marks_the_best_h(capsys):
    code, out, _ = run_cli(capsys, "check", "--fn", "sin(x)", "--at", "x=1", "--h-sweep")
    assert code == 0
    assert "h sweep" in out and "forward error" in out and "central error" in out
    rows = [line for line in out.splitlines() if line.strip().startswith("1e-")]
    assert len(rows) == 12
    assert sum("best central" in r for r in rows) == 1
    assert sum("best forward" in r for r in rows) == 1
    ours = out[out.index("h sweep"):]
    assert all(len(line) <= 80 for line in ours.splitlines())


# ------------------------------------------------------------------ check --lr
def test_lr_json_on_a_bowl(capsys):
    data = run_json(capsys, "check", "--fn", "x^2 + 3*y^2", "--at", "x=1,y=1", "--lr", "0.1")
    assert data["gradient_step"] == pytest.approx([-0.2, -0.6])
    assert data["newton_step"] == pytest.approx([-1.0, -1.0])  # -H^-1 g lands on (0, 0)
    assert "newton_reason" not in data
    t = data["taylor"]
    assert t["step"] == data["gradient_step"]
    assert t["linear"] == pytest.approx(4 + 2 * -0.2 + 6 * -0.6)
    assert t["quadratic"] == pytest.approx(0.8**2 + 3 * 0.4**2)  # exact for a quadratic
    assert t["actual"] == pytest.approx(0.8**2 + 3 * 0.4**2)
    assert "h_sweep" not in data


def test_lr_json_newton_null_with_reason(capsys):
    data = run_json(capsys, "check", "--fn", "x^2 - y^2", "--at", "x=1,y=2", "--lr", "0.1")
    assert data["newton_step"] is None
    assert "not positive definite" in data["newton_reason"]
    data = run_json(capsys, "check", "--fn", "x^2 + 2*x*y + y^2", "--at", "x=1,y=2", "--lr", "0.1")
    assert data["newton_step"] is None and "singular" in data["newton_reason"]


def test_lr_table(capsys):
    code, out, _ = run_cli(capsys, "check", "--fn", "(1-x)^2 + 100*(y-x^2)^2", "--at", "x=-1.2,y=1",
                           "--lr", "0.001")
    assert code == 0
    assert "next gradient step with lr = 0.001" in out
    assert "Taylor 1st order" in out and "Taylor 2nd order" in out and "actual f(w + d)" in out
    assert "Newton step -H^-1 g = [" in out


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "inf"])
def test_bad_lr_is_one_line_exit_2(capsys, bad):
    code, out, err = run_cli(capsys, "check", "--fn", "x^2", f"--lr={bad}")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--lr" in err


# ------------------------------------------------------------------ graph
def test_graph_json_contract(capsys):
    data = run_json(capsys, "graph", "--fn", "(w*x + b - y)^2", "--at", "w=0.5,b=0.1,x=2,y=3")
    assert data["function"] == "(w*x + b - y)^2"
    assert data["at"] == {"w": 0.5, "x": 2.0, "b": 0.1, "y": 3.0}
    nodes = data["nodes"]
    assert [n["id"] for n in nodes] == list(range(len(nodes)))
    for n in nodes:
        assert all(c < n["id"] for c in n["children"])  # children before parents
        assert n["op"] in ("add sub mul div pow neg sin cos tan exp log sqrt abs tanh sinh cosh "
                           "sigmoid relu softplus var const").split()
        assert ("name" in n) == (n["op"] == "var") and ("const" in n) == (n["op"] == "const")
    assert data["output"] == nodes[-1]["id"] and nodes[-1]["op"] == "pow"
    assert nodes[-1]["value"] == pytest.approx(3.61) and nodes[-1]["adjoint"] == 1.0
    assert data["gradient"] == pytest.approx({"w": -7.6, "x": -1.9, "b": -3.8, "y": 3.8})
    assert [n["name"] for n in nodes if n["op"] == "var"] == ["w", "x", "b", "y"]  # each once


def test_graph_gradient_equals_check(capsys):
    fn, at = "sigmoid(w*x + b)*sin(w) + log(x)", "w=0.3,x=1.5,b=-0.2"
    graph = run_json(capsys, "graph", "--fn", fn, "--at", at)
    check = run_json(capsys, "check", "--fn", fn, "--at", at)
    assert [graph["gradient"][v] for v in check["variables"]] == pytest.approx(check["gradient"], rel=1e-12)


def test_graph_with_data_one_row_and_the_mean_gradient(capsys):
    data = run_json(capsys, "graph", "--preset", "line", "--at", "w=0.5,b=0.1", "--row", "2")
    check = run_json(capsys, "check", "--preset", "line", "--at", "w=0.5,b=0.1")
    assert data["data"]["name"] == "line" and data["data"]["row"] == 2 and data["data"]["rows"] == 5
    x, y = data["data"]["values"]["x"], data["data"]["values"]["y"]
    out = data["nodes"][data["output"]]
    assert out["value"] == pytest.approx((0.5 * x + 0.1 - y) ** 2)  # row 2's loss
    assert [data["gradient"][v] for v in check["variables"]] == pytest.approx(check["gradient"])
    assert set(data["gradient"]) == {"w", "b"}


def test_graph_text(capsys):
    code, out, _ = run_cli(capsys, "graph", "--fn", "sigmoid(w*x + b)", "--at", "w=0.5,b=0.1,x=2")
    assert code == 0
    assert "sigmoid" in out and "adjoint" in out
    assert "gradient by reverse mode: df/dw = " in out
    code, out, _ = run_cli(capsys, "graph", "--preset", "hours", "--at", "w=1", "--row", "1")
    assert "row 1 of 3 drawn" in out and "mean over" in out


@pytest.mark.parametrize("argv", [
    ["graph"],
    ["graph", "--fn", "x +* 2"],
    ["graph", "--fn", "x^2", "--at", "y=1"],
    ["graph", "--preset", "line", "--row", "99"],
    ["graph", "--fn", "x^2", "--row", "1"],
    ["graph", "--fn", "x^2", "--preset", "line"],
    ["graph", "--preset", "nope"],
    ["graph", "--fn", "x^2", "--format", "xml"],
])
def test_graph_bad_input_exit_2(capsys, argv):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith("gdtui")


@pytest.mark.parametrize("argv", [["--view", "nope"], ["--view"]])
def test_bad_view_is_one_line_exit_2(capsys, argv):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--view" in err


def test_view_option_reaches_the_settings():
    from gdtui.cli import build_parser, settings_from_args

    for view in ("gradcheck", "curvature", "graph"):
        args = build_parser().parse_args(["--preset", "lesson", "--view", view])
        assert settings_from_args(args).view == view
    assert settings_from_args(build_parser().parse_args([])).view == "single"


def test_graph_text_shows_a_hostile_data_file_name_escaped(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "a\x1b]0;pwned\x07.csv"
    (tmp_path / name).write_text("x,y\n1,2\n2,4\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "graph", "--fn", "(w*x - y)^2", "--data", name, "--at", "w=1")
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert "row 0 of 2 drawn" in out
