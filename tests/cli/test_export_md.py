"""`gdtui run --format md` and the command line it shows."""

from __future__ import annotations

import json
import shlex

from gdtui.cli import main
from gdtui.export import command_line, export_run, markdown_every, run_markdown


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    return code, out, err


def test_markdown_summary_has_every_part(capsys):
    code, out, err = run_cli(capsys, "run", "--preset", "hours", "--steps", "30", "--every", "10",
                             "--format", "md")
    assert code == 0, err
    code, js, _ = run_cli(capsys, "run", "--preset", "hours", "--steps", "30", "--format", "json")
    data = json.loads(js)
    last = data["steps"][-1]
    assert "`f(w) = (w*x - y)^2`" in out
    assert "`hours` (3 rows, full batch)" in out
    assert "sgd (lr = 0.01)" in out
    assert "start** (step 0): w = 1" in out
    assert f"status** after 30 steps: {data['status']}" in out
    assert f"final** (step 30): w = {last['w'][0]:.10g}, loss = {last['loss']:.10g}" in out
    table = [line for line in out.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert [int(line.split("|")[1]) for line in table] == [0, 10, 20, 30]


def test_markdown_command_line_reproduces_the_run(capsys):
    argv = ["run", "--fn", "x^2 + 3*x*y + y^2", "--start", "x=1,y=2", "--optimizer", "momentum",
            "--lr", "0.05", "--momentum", "0.9", "--steps", "12"]
    code, md, _ = run_cli(capsys, *argv, "--format", "md")
    cmd = md.split("```\n")[1].strip()
    assert cmd.startswith("gdtui run ")
    code, want, _ = run_cli(capsys, *argv, "--format", "json")
    code, got, err = run_cli(capsys, *shlex.split(cmd)[1:], "--format", "json")
    assert code == 0, err
    assert got == want


def test_command_line_for_a_minus_function():
    from gdtui.settings import Settings

    cmd = command_line(Settings(fn="-x^2 + x^4", start={"x": 0.5}), steps=3)
    assert "--fn=-x^2 + x^4" in shlex.split(cmd)


def test_markdown_every_keeps_tables_short():
    assert markdown_every(0) == 1
    assert markdown_every(20) == 1
    assert markdown_every(400) == 20
    assert markdown_every(401) == 21


def test_export_run_writes_the_run_contracts(tmp_path, capsys):
    from gdtui.problem import build_problem
    from gdtui.settings import Settings

    problem = build_problem(Settings(preset="parabola", max_steps=20))  # as gdtui run --steps 20
    run = problem.new_run()
    run.step(20)
    paths = export_run(problem, run, tmp_path, svg="<svg/>")
    assert [p.suffix for p in paths] == [".csv", ".json", ".md", ".svg"]
    assert all(p.parent == tmp_path for p in paths)
    code, csv_out, _ = run_cli(capsys, "run", "--preset", "parabola", "--steps", "20", "--format", "csv")
    code, json_out, _ = run_cli(capsys, "run", "--preset", "parabola", "--steps", "20", "--format", "json")
    assert paths[0].read_text() == csv_out
    assert paths[1].read_text() == json_out
    assert paths[2].read_text() == run_markdown(problem, run, 1)
    again = export_run(problem, run, tmp_path)
    assert {p.name for p in again}.isdisjoint({p.name for p in paths})  # never overwrites
