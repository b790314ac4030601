"""Themes: TOML files → textual :class:`~textual.theme.Theme` objects.

A theme file (``themes/NAME.toml``)::

    name = "chalkboard"          # lowercase letters, digits and "-"
    dark = true
    primary = "#8ecae6"          # required; the other ten base colours are optional:
    # secondary accent foreground background surface panel success warning error boost

    [variables]                  # gdtui's own colours (all optional, see GD_VARIABLES)
    gd-plot-line = "#8ecae6"

Where themes come from, later overriding earlier by name:

1. the built-in themes, :func:`builtin_theme_dir`;
2. user themes, :func:`user_theme_dirs` (``$GDTUI_THEME_DIR`` — several directories
   separated by ``os.pathsep`` — else ``$XDG_CONFIG_HOME/gdtui/themes`` or
   ``~/.config/gdtui/themes``).

The top-level ``themes/`` folder of the repository is the canonical source of the
built-in themes; ``gdtui/themes/`` is a copy shipped as package data so an installed
(non-editable) gdtui finds them.  ``tests/ui/test_themes.py`` fails when the two
differ: edit ``themes/`` and copy (``cp themes/*.toml gdtui/themes/``).

:func:`load_themes` never raises: each broken file becomes one line naming the file,
and the app shows those lines and carries on with the themes that did load.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Iterable, Mapping

from textual.color import Color, ColorParseError
from textual.theme import Theme

__all__ = [
    "BASE_COLOURS",
    "DEFAULT_THEME",
    "GD_VARIABLES",
    "builtin_theme_dir",
    "default_theme_variables",
    "load_themes",
    "theme_names",
    "user_theme_dirs",
]

#: The theme the app opens with.
DEFAULT_THEME = "chalkboard"

#: Built-in themes in the order the `t` key cycles them (others follow, sorted).
BUILTIN_ORDER = ("chalkboard", "whiteboard", "high-contrast", "mono")

BASE_COLOURS = (
    "primary", "secondary", "accent", "foreground", "background",
    "surface", "panel", "success", "warning", "error", "boost",
)

#: gdtui's theme variables and what they colour (values: defaults for themes without them).
GD_VARIABLES: dict[str, str] = {
    "gd-plot-line": "#5fafd7",  # the loss curve
    "gd-plot-path": "#d7af5f",  # the trajectory on the landscape
    "gd-plot-grid": "#8a8a8a",  # landscape shading, axes, tangent line
    "gd-plot-fit": "#87af87",  # data points and the fitted line
    "gd-point": "#d75f87",  # the current point and the −∇f arrow
}

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_TOP_KEYS = {"name", "dark", "variables", *BASE_COLOURS}


def builtin_theme_dir() -> Path:
    """The folder of built-in theme files shipped inside the package."""
    return Path(__file__).resolve().parent.parent / "themes"


def user_theme_dirs(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Existing folders of user themes (``$GDTUI_THEME_DIR`` or the config folder)."""
    env = os.environ if environ is None else environ
    if env.get("GDTUI_THEME_DIR"):
        dirs = [Path(p).expanduser() for p in env["GDTUI_THEME_DIR"].split(os.pathsep) if p]
    else:
        base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
        dirs = [base / "gdtui" / "themes"]
    return [d for d in dirs if d.is_dir()]


def default_theme_variables() -> dict[str, str]:
    """Defaults of the ``gd-*`` variables, for ``App.get_theme_variable_defaults``."""
    return dict(GD_VARIABLES)


def _colour(value: object, key: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a colour string like \"#1e90ff\", not {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ValueError(f"{key} = {value!r} is not a colour (use e.g. \"#1e90ff\")") from None
    return value


def theme_from_toml(text: str) -> Theme:
    """One theme from the text of a theme file; ValueError (one line) when invalid."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"bad TOML: {exc}") from None
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (expected name, dark, the base colours, [variables])")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("missing name = \"...\"")
    if not _NAME.match(name):
        raise ValueError(f"bad name {name!r}: use lowercase letters, digits and '-'")
    dark = raw.get("dark", True)
    if not isinstance(dark, bool):
        raise ValueError("dark must be true or false")
    if "primary" not in raw:
        raise ValueError("missing primary colour")
    colours = {key: _colour(raw[key], key) for key in BASE_COLOURS if key in raw}
    variables = raw.get("variables", {})
    if not isinstance(variables, dict):
        raise ValueError("variables must be a [variables] table")
    for key, value in variables.items():
        if not re.match(r"^[a-z][a-z0-9-]*$", key):
            raise ValueError(f"bad variable name {key!r}")
        _colour(value, f"variables.{key}")
    theme = Theme(name=name, dark=dark, variables=dict(variables), **colours)
    try:
        theme.to_color_system().generate()
    except Exception as exc:  # textual's own checks; keep the app alive whatever they raise
        raise ValueError(f"textual rejects the colours: {exc}") from None
    return theme


def load_themes(dirs: Iterable[Path]) -> tuple[dict[str, Theme], list[tuple[Path, str]]]:
    """Themes from every ``*.toml`` file in ``dirs`` (later dirs override earlier names).

    Returns the themes by name and the failures as (file, one-line message naming
    the file).  Never raises; a missing folder is simply skipped.
    """
    themes: dict[str, Theme] = {}
    failures: list[tuple[Path, str]] = []
    for folder in dirs:
        folder = Path(folder)
        try:
            files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
        except OSError as exc:
            failures.append((folder, f"{folder}: cannot list themes ({exc.strerror or exc})"))
            continue
        seen: dict[str, Path] = {}
        for path in files:
            try:
                theme = theme_from_toml(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                failures.append((path, f"theme file {path}: cannot read it ({exc})"))
                continue
            except ValueError as exc:
                failures.append((path, f"theme file {path}: {exc}"))
                continue
            if theme.name in seen:
                failures.append((path, f"theme file {path}: name {theme.name!r} is already used by {seen[theme.name].name}"))
                continue
            seen[theme.name] = path
            themes[theme.name] = theme
    return themes, failures


def theme_names(themes: Iterable[str]) -> list[str]:
    """Theme names in cycling order: the built-ins first, then the rest sorted."""
    names = set(themes)
    return [n for n in BUILTIN_ORDER if n in names] + sorted(names - set(BUILTIN_ORDER))
