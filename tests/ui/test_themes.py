"""Theme files: the shipped ones load, broken ones fail with a message naming the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.color import Color, ColorParseError

from gdtui.ui.themes import (
    BUILTIN_ORDER,
    GD_VARIABLES,
    builtin_theme_dir,
    default_theme_variables,
    load_themes,
    theme_names,
    user_theme_dirs,
)

REPO_THEMES = Path(__file__).resolve().parents[2] / "themes"
GOOD = 'name = "mine"\ndark = true\nprimary = "#112233"\n'


def test_every_shipped_theme_loads_with_all_gd_variables() -> None:
    themes, failures = load_themes([builtin_theme_dir()])
    assert failures == []
    assert set(BUILTIN_ORDER) <= set(themes)
    for theme in themes.values():
        assert set(GD_VARIABLES) <= set(theme.variables), theme.name
        theme.to_color_system().generate()


def test_package_copy_equals_the_canonical_top_level_themes() -> None:
    top = {p.name: p.read_bytes() for p in REPO_THEMES.glob("*.toml")}
    pkg = {p.name: p.read_bytes() for p in builtin_theme_dir().glob("*.toml")}
    assert top, "themes/ is empty"
    assert pkg == top, "gdtui/themes/ differs from themes/: cp themes/*.toml gdtui/themes/"


def test_chalkboard_is_dark_and_whiteboard_light() -> None:
    themes, _ = load_themes([builtin_theme_dir()])
    assert themes["chalkboard"].dark and not themes["whiteboard"].dark


def _greys_only(values: dict[str, str]) -> list[str]:
    bad = []
    for key, value in values.items():
        try:
            c = Color.parse(value)
        except ColorParseError:
            continue  # "auto 87%", "bold", ...: not colours
        if not (c.r == c.g == c.b):
            bad.append(f"{key}={value}")
    return bad


def test_mono_uses_only_black_white_and_greys() -> None:
    themes, _ = load_themes([builtin_theme_dir()])
    mono = themes["mono"]
    assert _greys_only(mono.to_color_system().generate()) == []


@pytest.mark.parametrize(
    "text, words",
    [
        ('name = "x"\nprimary = "#123456\n', ["bad TOML", "line 2"]),
        ('name = "x"\nprimary = "notacolour"\n', ["primary", "not a colour"]),
        ('dark = true\nprimary = "#123456"\n', ["missing name"]),
        ('name = "Bad Name!"\nprimary = "#123456"\n', ["bad name"]),
        ('name = "x"\n', ["missing primary"]),
        ('name = "x"\nprimary = "#123456"\n[variables]\ngd-point = "zzz"\n', ["variables.gd-point"]),
        ('name = "x"\nprimry = "#123456"\n', ["unknown key 'primry'"]),
        ('name = "x"\nprimary = 5\n', ["primary"]),
        ('name = "x"\nprimary = "#123456"\ndark = "yes"\n', ["dark"]),
    ],
)
def test_broken_file_fails_naming_the_file(tmp_path: Path, text: str, words: list[str]) -> None:
    (tmp_path / "good.toml").write_text(GOOD)
    broken = tmp_path / "broken.toml"
    broken.write_text(text)
    themes, failures = load_themes([tmp_path])
    assert list(themes) == ["mine"]
    assert len(failures) == 1
    path, message = failures[0]
    assert path == broken
    assert str(broken) in message and "\n" not in message
    for word in words:
        assert word in message


def test_unreadable_bytes_and_missing_dir_do_not_raise(tmp_path: Path) -> None:
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    themes, failures = load_themes([tmp_path, tmp_path / "nope"])
    assert themes == {} and len(failures) == 1 and "bin.toml" in failures[0][1]


def test_user_themes_override_builtins_and_duplicates_fail(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('name = "mono"\nprimary = "#ff0000"\n')
    (tmp_path / "b.toml").write_text('name = "mono"\nprimary = "#00ff00"\n')
    themes, failures = load_themes([builtin_theme_dir(), tmp_path])
    assert themes["mono"].primary == "#ff0000"
    assert len(failures) == 1 and "b.toml" in failures[0][1] and "already used" in failures[0][1]


def test_user_theme_dirs(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    assert user_theme_dirs({"GDTUI_THEME_DIR": f"{one}{os.pathsep}{two}"}) == [one]
    cfg = tmp_path / "cfg" / "gdtui" / "themes"
    cfg.mkdir(parents=True)
    assert user_theme_dirs({"XDG_CONFIG_HOME": str(tmp_path / "cfg")}) == [cfg]


def test_theme_names_order_and_defaults() -> None:
    assert theme_names(["zeta", "mono", "alpha", "chalkboard"]) == ["chalkboard", "mono", "alpha", "zeta"]
    assert default_theme_variables() == GD_VARIABLES
    assert default_theme_variables() is not GD_VARIABLES
