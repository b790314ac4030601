"""Themes for the app: theme files (see :mod:`gdtui.theme_catalog`) → Textual themes.

:mod:`gdtui.theme_catalog` finds and checks the files without the UI; here each
valid file becomes a :class:`~textual.theme.Theme`, with Textual's own checks on
top: every colour must parse with :meth:`textual.color.Color.parse` and the theme
must generate its colour system.  A file that fails is skipped with one line, like
any other broken theme file; the app carries on with the themes that did load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from textual.color import Color, ColorParseError
from textual.theme import Theme

from gdtui.sanitize import shown
# The catalogue's names are re-exported: code that loads Textual themes finds all it
# needs here (the app, the snapshot tests).
from gdtui.theme_catalog import (  # noqa: F401
    BUILTIN_ORDER, DEFAULT_THEME, EXTRA_THEMES, GD_VARIABLES, ThemeFileError, Why, builtin_theme_dir,
    default_theme_variables, known_theme_names, load_theme_files, parse_theme_spec, read_theme,
    theme_names, user_theme_dirs,
)

__all__ = ["load_builtin_theme", "load_themes", "theme_from_toml"]


def _is_colour(value: str) -> bool:
    try:
        Color.parse(value)
    except ColorParseError:
        return False
    return True


def _build(text: str) -> Theme:
    spec = parse_theme_spec(text, _is_colour)
    theme = Theme(name=spec.name, dark=spec.dark, variables=dict(spec.variables), **spec.colours)
    try:
        theme.to_color_system().generate()
    except Exception as exc:  # textual's own checks; keep the app alive whatever they raise
        raise Why("theme.textual", err=shown(exc, 80)) from None
    return theme


def theme_from_toml(text: str) -> Theme:
    """One theme from the text of a theme file; a one-line :class:`ThemeFileError`
    (with the line where it can be told) when invalid.  Never anything else."""
    return read_theme(text, _build)


def load_themes(
    dirs: Iterable[Path], *, trusted: Iterable[Path] = (), lang: str = "en"
) -> tuple[dict[str, Theme], list[tuple[Path, str]]]:
    """Textual themes from every ``*.toml`` file in ``dirs`` (later dirs override earlier
    names), and the failures as (file, one line "theme skipped: FILE, line N: why" in
    ``lang``); see :func:`gdtui.theme_catalog.load_theme_files`.  Never raises."""
    return load_theme_files(dirs, theme_from_toml, trusted=trusted, lang=lang)


def load_builtin_theme(name: str) -> Theme | None:
    """Only the built-in theme ``name`` (its file ``NAME.toml``), for the first frame;
    None when there is no such file or it does not give a theme of that name (the
    caller then loads every theme).  Never raises."""
    from gdtui.files import TEXT_LIMIT, read_bounded_text

    if name not in BUILTIN_ORDER:
        return None
    try:
        theme = theme_from_toml(read_bounded_text(builtin_theme_dir() / f"{name}.toml", TEXT_LIMIT, "theme file"))
    except Exception:  # noqa: BLE001 - the full load reports what is wrong
        return None
    return theme if theme.name == name else None
