"""Keeping the compare view: `e` exports the comparison (CSV, JSON, Markdown, SVG) and the
palette's "show as command" gives the `gdtui compare` line that rebuilds the screen."""

from __future__ import annotations

import json
import shlex

import pytest
from test_compare_view import compare_ready
from ui_waits import workers_done

from gdtui.cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def exported(pilot, folder, n: int = 4):
    for _ in range(600):
        await workers_done(pilot.app)
        await pilot.pause()
        if len(list(folder.iterdir())) >= n:
            return sorted(folder.iterdir())
    raise AssertionError("nothing exported")


async def test_e_in_the_compare_view_exports_the_comparison_in_every_format(ui, tmp_path, capsys):
    app = ui.make_app(preset="parabola", save_dir=str(tmp_path), compare=(("lr", (0.1, 0.7, 1.1)),))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        screen = await compare_ready(pilot)
        for _ in range(12):
            await pilot.press("space")
        await pilot.press("e")
        files = await exported(pilot, tmp_path)
        assert [p.suffix for p in files] == [".csv", ".json", ".md", ".svg"]
        assert all(p.parent == tmp_path for p in files)  # nowhere else
        status = ui.screen_text(app).splitlines()[-2]
        assert "exported" in status and str(files[0]) in screen._kept  # says the paths (the toast shows all)
        board = {r.label: r for r in screen.session.leaderboard()}
    md = next(p for p in files if p.suffix == ".md").read_text()
    command = md.split("```\n", 1)[1].split("\n```", 1)[0]
    argv = shlex.split(command)
    assert argv[:2] == ["gdtui", "compare"] and "--steps" in argv and argv[argv.index("--steps") + 1] == "12"
    # the files are what that command prints
    for suffix, fmt in ((".csv", "csv"), (".json", "json")):
        code, out, err = run_cli(capsys, *argv[1:], "--format", fmt)
        assert code == 0, err
        assert next(p for p in files if p.suffix == suffix).read_text() == out
    data = json.loads(next(p for p in files if p.suffix == ".json").read_text())
    assert {r["label"] for r in data["runs"]} == set(board)
    for r in data["runs"]:  # and the numbers are the screen's
        assert r["final"]["step"] == board[r["label"]].k
        assert r["final"]["loss"] == pytest.approx(board[r["label"]].loss, rel=1e-12, abs=1e-300)
    for label in board:
        assert f"| {label} |" in md
    assert "2/λmax" in md and "parabola" in md
    svg = next(p for p in files if p.suffix == ".svg").read_text()
    assert svg.startswith("<svg") and "leaderboard" in svg


async def test_compare_export_into_a_missing_folder_is_one_line(ui, tmp_path):
    app = ui.make_app(preset="parabola", save_dir=str(tmp_path / "missing"), compare=(("lr", (0.1, 0.7)),))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        screen = await compare_ready(pilot)
        await pilot.press("e")
        for _ in range(200):
            await workers_done(app)
            await pilot.pause()
            if "not exported" in ui.screen_text(app):
                break
        status = ui.screen_text(app).splitlines()[-2]
        assert "not exported" in status and "missing" in screen._kept and "\n" not in screen._kept
    assert not (tmp_path / "missing").exists()


def _same_comparison(screen, argv: list[str]) -> None:
    """The comparison the command line's options build equals the one on screen."""
    from gdtui.comparison import build_comparison
    from gdtui.compare_export import rebuild_from_args

    assert argv[:2] == ["gdtui", "compare"]
    base, axes = rebuild_from_args(argv[2:])  # through the CLI's own parser
    compared = build_comparison(base, axes)
    compared.comparison.step(base.max_steps)
    shown = screen.session.comparison
    assert compared.comparison.labels == shown.labels
    assert compared.comparison.k == shown.k
    for i in range(shown.R):
        assert compared.comparison.final(i)["w"] == shown.final(i)["w"], shown.labels[i]
        assert compared.settings[i].optimizer == screen.session.compared.settings[i].optimizer


@pytest.mark.parametrize("entry", range(4))
async def test_show_as_command_in_the_compare_view_rebuilds_the_screen(ui, entry):
    from gdtui.ui.palette import GdCommands, _compare_commands

    app = ui.make_app(preset="noisy-line" if entry == 2 else "rosenbrock" if entry == 1 else "parabola")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        _, open_view, _ = list(_compare_commands(app, app.msg))[entry]
        open_view()
        screen = await compare_ready(pilot)
        for _ in range(3):
            await pilot.press("n")
        await pilot.press("b")
        commands = {t: cb for t, cb, _ in GdCommands(screen)._commands()}
        seen = []
        app.notify = lambda text, **kw: seen.append(text)  # type: ignore[method-assign]
        commands["show as command"]()
        assert len(seen) == 1
        _same_comparison(screen, shlex.split(seen[0]))
