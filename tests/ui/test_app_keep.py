"""Pilot tests: `s` saves the setup (round trip to the same run), `e` exports the run."""

from __future__ import annotations

import json

from gdtui.cli import main
from gdtui.sessionfile import load_session


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def test_save_in_app_then_load_gives_the_same_run(ui, tmp_path, capsys) -> None:
    app = ui.make_app(fn="x^2 + 3*x*y + y^2", start={"x": 1.0, "y": 2.0}, optimizer="momentum",
                      hyper={"lr": 0.05, "momentum": 0.9}, save_dir=str(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        for _ in range(4):
            await pilot.press("space")
        await pilot.press("s")
        await pilot.pause()
        saved = list(tmp_path.glob("*.toml"))
        assert len(saved) == 1
        assert app.main_screen._notice == f"saved {saved[0]}"  # says the path
        assert "saved" in ui.screen_text(app)
        w_app = list(app.session.run.w)
    values = load_session(saved[0]).values
    assert values["optimizer"] == "momentum" and values["momentum"] == 0.9
    code, out, err = run_cli(capsys, "run", "--session", str(saved[0]), "--steps", "4", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["steps"][-1]["w"] == w_app


async def test_export_key_writes_four_files_in_the_save_dir(ui, tmp_path, capsys) -> None:
    app = ui.make_app(preset="parabola", save_dir=str(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        for _ in range(3):
            await pilot.press("space")
        await pilot.press("e")
        await pilot.pause()
        files = sorted(p.suffix for p in tmp_path.iterdir())
        assert files == [".csv", ".json", ".md", ".svg"]
        assert "exported" in ui.screen_text(app)
    csv_file = next(tmp_path.glob("*.csv"))
    code, want, _ = run_cli(capsys, "run", "--preset", "parabola", "--steps", "3", "--format", "csv")
    assert csv_file.read_text() == want
    assert "<svg" in next(tmp_path.glob("*.svg")).read_text()
    assert "2.56" in next(tmp_path.glob("*.md")).read_text()


async def test_export_into_a_missing_folder_is_one_line_not_a_crash(ui, tmp_path) -> None:
    app = ui.make_app(preset="parabola", save_dir=str(tmp_path / "missing"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert "not exported" in ui.screen_text(app)
    assert not (tmp_path / "missing").exists()
