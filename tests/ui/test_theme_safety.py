"""Themes never crash the app (issue 12): bounded files, trusted folders, markup off, exit code."""

from __future__ import annotations

import os
import time
from functools import partialmethod
from pathlib import Path

import pytest

from gdtui.settings import Settings
from gdtui.ui import app as app_module
from gdtui.ui.themes import load_themes


def _one_failure(folder: Path) -> str:
    themes, failures = load_themes([folder])
    assert themes == {}
    assert len(failures) == 1
    return failures[0][1]


def test_a_theme_linked_to_dev_zero_is_skipped_at_once(tmp_path: Path) -> None:
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    start = time.monotonic()
    message = _one_failure(tmp_path)
    assert time.monotonic() - start < 5  # refused before reading, not after 6 GB
    assert message.startswith("theme skipped: ") and "zero.toml: not a regular file" in message


def test_a_huge_theme_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "big.toml").write_text('name = "big"\nprimary = "#123456"\n' + "# x\n" * 400_000)
    assert "too big for a theme file (at most 1 MB)" in _one_failure(tmp_path)


def test_deep_nesting_is_skipped_not_a_recursion_error(tmp_path: Path) -> None:
    (tmp_path / "deep.toml").write_text('name = "deep"\nprimary = "#123456"\nx = ' + "[" * 2000 + "]" * 2000 + "\n")
    message = _one_failure(tmp_path)
    assert "deep.toml" in message and ("nested too deeply" in message or "bad TOML" in message)


def test_markup_in_a_theme_name_is_a_message_naming_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text('dark = true\nname = "[/x]"\nprimary = "#123456"\n')
    message = _one_failure(tmp_path)
    assert message == f"theme skipped: {tmp_path / 'x.toml'}, line 2: bad name '[/x]': use lowercase letters, digits and '-'"


def test_control_characters_in_a_theme_file_name_are_escaped(tmp_path: Path) -> None:
    (tmp_path / "\x1b[2Jevil.toml").write_text("not toml")
    message = _one_failure(tmp_path)
    assert "\x1b" not in message and "\\e[2Jevil.toml" in message


def test_a_theme_folder_others_can_write_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "mine.toml").write_text('name = "mine"\nprimary = "#123456"\n')
    assert list(load_themes([folder])[0]) == ["mine"]
    os.chmod(folder, 0o777)
    try:
        message = _one_failure(folder)
    finally:
        os.chmod(folder, 0o755)
    assert "others can write to the folder" in message


async def test_the_app_shows_a_markup_name_as_text_and_keeps_running(tmp_path, monkeypatch, ui) -> None:
    (tmp_path / "x.toml").write_text('name = "[/x]"\nprimary = "#123456"\n')
    (tmp_path / "y.toml").write_text('name = "[bold red]boom[/]"\nprimary = "#123456"\n')
    monkeypatch.setenv("GDTUI_THEME_DIR", str(tmp_path))
    app = ui.make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ui.ready(pilot)
        assert app.is_running
        texts = [str(n.message) for n in app._notifications]
        assert any("[/x]" in t and "x.toml, line 1" in t for t in texts)
        assert any("[bold red]boom[/]" in t for t in texts)
        assert all(not n.markup for n in app._notifications if "theme skipped" in str(n.message))
    assert app.return_code in (None, 0)


def test_a_crash_exits_non_zero(monkeypatch) -> None:
    def boom(self) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(app_module.GdApp, "on_mount", boom)
    monkeypatch.setattr(app_module.GdApp, "run", partialmethod(app_module.GdApp.run, headless=True))
    assert app_module.run_app(Settings(preset="parabola")) != 0
