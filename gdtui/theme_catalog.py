"""Theme files without the UI: where they are, what a valid one holds, which names exist.

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

This module reads and checks the files (:func:`theme_spec`, :func:`load_theme_files`)
and answers "is this a theme?" (:func:`check_theme_name`) so that options can be
checked before any screen exists; :mod:`gdtui.ui.themes` turns the same files into
Textual themes, adding Textual's own colour checks.

:func:`load_theme_files` never raises: each broken file becomes one line
"theme skipped: FILE, line N: why" in the user's language (``lang``; the words are
the catalogue's ``theme.*`` messages, file names escaped with
:func:`gdtui.sanitize.shown`; the app shows these lines with markup off).  On a
shared server theme files are outside input: each is read once as a regular file of
at most 1 MB (:func:`gdtui.files.read_bounded_text`, so a link to ``/dev/zero`` is
refused at once), and a user theme folder is used only if it belongs to the user and
nobody else can write to it (the same check as the compiled-function cache).
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Protocol, TypeVar

from gdtui.errors import OptionError
from gdtui.files import TEXT_LIMIT, FileLimitError, read_bounded_text
from gdtui.i18n import tr
from gdtui.sanitize import shown

__all__ = [
    "BASE_COLOURS",
    "BUILTIN_ORDER",
    "DEFAULT_THEME",
    "EXTRA_THEMES",
    "GD_VARIABLES",
    "MAX_THEME_FILES",
    "ThemeFileError",
    "Why",
    "ThemeSpec",
    "builtin_theme_dir",
    "check_theme_name",
    "default_theme_variables",
    "known_theme_names",
    "load_theme_files",
    "read_theme",
    "theme_names",
    "theme_spec",
    "user_theme_dirs",
]

#: The theme the app opens with.
DEFAULT_THEME = "chalkboard"

#: Built-in themes in the order the `t` key cycles them (others follow, sorted).
BUILTIN_ORDER = ("chalkboard", "whiteboard", "high-contrast", "mono")

#: Textual themes offered after gdtui's own (ansi-dark uses the terminal's 16 colours).
EXTRA_THEMES = ("ansi-dark", "textual-dark", "textual-light")

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
#: Theme files read from one folder at most (a folder of 100,000 files is not a theme folder).
MAX_THEME_FILES = 200
_TOP_KEYS = {"name", "dark", "variables", *BASE_COLOURS}


def builtin_theme_dir() -> Path:
    """The folder of built-in theme files shipped inside the package."""
    return Path(__file__).resolve().parent / "themes"


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


class Why(ValueError):
    """Why a theme file cannot be used, as a catalogue message (``theme.*``) and its values,
    so the app can say it in the user's language; ``str()`` is the English sentence."""

    def __init__(self, msg_id: str, **values: object) -> None:
        self.msg_id, self.values = msg_id, values
        super().__init__(tr(msg_id, "en", **values))

    def text(self, lang: str = "en") -> str:
        """The sentence in ``lang``."""
        return tr(self.msg_id, lang, **self.values)


class KeyProblem(Why):
    """A bad value for ``key`` (its line is looked up for the message)."""

    def __init__(self, at_key: str, msg_id: str, **values: object) -> None:
        super().__init__(msg_id, **values)
        self.key = at_key


class ThemeFileError(ValueError):
    """A theme file that cannot be used: why (a :class:`Why`, or English text) and the
    1-based ``line`` (None if unknown)."""

    def __init__(self, why: "str | Why", line: int | None = None) -> None:
        super().__init__(str(why))
        self.reason = why if isinstance(why, Why) else None
        self.why, self.line = str(why), line

    def text(self, lang: str = "en") -> str:
        """Why, in ``lang`` (English when it came as text)."""
        return self.reason.text(lang) if self.reason is not None else self.why


@dataclass(frozen=True)
class ThemeSpec:
    """What a valid theme file says: its name, dark or light, colours and variables."""

    name: str
    dark: bool
    colours: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)


def _line_of(text: str, key: str) -> int | None:
    """The line where ``key = ...`` is set (for messages), or None."""
    pattern = re.compile(rf"^\s*{re.escape(key.rsplit('.', 1)[-1])}\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


T = TypeVar("T")


def read_theme(text: str, build: Callable[[str], T]) -> T:
    """``build(text)`` with every failure turned into a one-line :class:`ThemeFileError`
    carrying the line where it can be told: a RecursionError from 2,000 nested lists,
    a colour the UI refuses, anything: a theme file never crashes the app."""
    try:
        return build(text)
    except ThemeFileError:
        raise
    except KeyProblem as exc:
        raise ThemeFileError(exc, _line_of(text, exc.key)) from None
    except Why as exc:
        raise ThemeFileError(exc) from None
    except ValueError as exc:
        raise ThemeFileError(str(exc)) from None
    except RecursionError:
        raise ThemeFileError(Why("theme.nested")) from None
    except MemoryError:
        raise ThemeFileError(Why("theme.too_big")) from None
    except Exception as exc:  # noqa: BLE001 - any failure of a theme file skips it, never a crash
        raise ThemeFileError(Why("theme.unusable", err=type(exc).__name__)) from None


def _colour(value: object, key: str, colour_ok: Callable[[str], bool] | None) -> str:
    if not isinstance(value, str):
        raise KeyProblem(key, "theme.colour_type", key=key, value=shown(repr(value), 40))
    if colour_ok is not None and not colour_ok(value):
        raise KeyProblem(key, "theme.not_colour", key=key, value=shown(repr(value), 40))
    return value


def parse_theme_spec(text: str, colour_ok: Callable[[str], bool] | None = None) -> ThemeSpec:
    """The theme in ``text``; raises ValueError / :class:`KeyProblem` when invalid (use
    :func:`theme_spec` for a one-line :class:`ThemeFileError`).  ``colour_ok`` decides
    whether a colour string is a colour (the UI passes Textual's parser); without it
    any string is taken, and only the UI can tell."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's message ends "(at line 2, column 19)"; later ones also set lineno.
        at = re.search(r"\(at line (\d+), column (\d+)\)$", str(exc))
        line = getattr(exc, "lineno", None) or (int(at.group(1)) if at else None)
        why = getattr(exc, "msg", None) or str(exc)[: at.start()].rstrip() if at else str(exc)
        reason = Why("theme.toml", why=shown(why, 120))  # the parser's own words stay English
        if at and not getattr(exc, "msg", None):
            reason = Why("theme.toml.column", why=shown(why, 120), n=at.group(2))
        raise ThemeFileError(reason, line) from None
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise KeyProblem(unknown[0], "theme.unknown_key", key=repr(shown(unknown[0], 40)))
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise KeyProblem("name", "theme.no_name")
    if not _NAME.match(name):
        raise KeyProblem("name", "theme.bad_name", name=repr(shown(name, 40)))
    dark = raw.get("dark", True)
    if not isinstance(dark, bool):
        raise KeyProblem("dark", "theme.dark")
    if "primary" not in raw:
        raise Why("theme.no_primary")
    colours = {key: _colour(raw[key], key, colour_ok) for key in BASE_COLOURS if key in raw}
    variables = raw.get("variables", {})
    if not isinstance(variables, dict):
        raise KeyProblem("variables", "theme.variables")
    for key, value in variables.items():
        if not re.match(r"^[a-z][a-z0-9-]*$", key):
            raise KeyProblem(key, "theme.var_name", name=repr(shown(key, 40)))
        _colour(value, f"variables.{key}", colour_ok)
    return ThemeSpec(name, dark, colours, dict(variables))


def theme_spec(text: str) -> ThemeSpec:
    """The theme in ``text``; a one-line :class:`ThemeFileError` when invalid."""
    return read_theme(text, parse_theme_spec)


def _skipped(path: Path, why: "str | Why", line: int | None = None, lang: str = "en") -> str:
    """The one line a broken theme file (or folder) gets, in ``lang``."""
    if isinstance(why, Why):
        why = why.text(lang)
    if line:
        return tr("theme.skipped.line", lang, file=shown(path), line=line, why=why)
    return tr("theme.skipped", lang, file=shown(path), why=why)


#: What the bounded reader says about a file (gdtui.files), as catalogue messages.
_FILE_LIMITS = (
    (re.compile(r"not a regular file"), "theme.file.special", ()),
    (re.compile(r"(?P<size>\S+ \S+) is too big for a theme file \(at most (?P<limit>[^)]*)\)"), "theme.file.big",
     ("size", "limit")),
    (re.compile(r"too big for a theme file \(at most (?P<limit>[^)]*)\)"), "theme.file.big.read", ("limit",)),
    (re.compile(r"not a UTF-8 text file \(byte (?P<n>\d+)\)"), "theme.file.utf8", ("n",)),
    (re.compile(r"permission denied"), "theme.file.denied", ()),
    (re.compile(r"no such file"), "theme.file.missing", ()),
    (re.compile(r"is a directory"), "theme.file.dir", ()),
)


def _file_limit(why: str) -> "str | Why":
    """The reader's reason as a catalogue message when it is one it knows."""
    for pattern, msg_id, names in _FILE_LIMITS:
        m = pattern.search(why)
        if m:
            return Why(msg_id, **{n: m.group(n) for n in names})
    return why


def _folder_problem(folder: Path) -> Why | None:
    """Why a user theme folder is not to be trusted (None when it is fine).

    The same rule as the compiled-function cache: owned by this user and not
    writable by group or others (else another student could plant a theme).
    """
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        return Why("theme.folder.open", err=shown(exc.strerror or exc))
    try:
        st = os.fstat(fd)
    finally:
        os.close(fd)
    if st.st_uid != os.getuid():
        return Why("theme.folder.owner")
    if st.st_mode & 0o022:
        return Why("theme.folder.mode", mode=f"{stat.S_IMODE(st.st_mode):o}")
    return None


class _Named(Protocol):
    name: str


N = TypeVar("N", bound=_Named)


def load_theme_files(
    dirs: Iterable[Path], build: Callable[[str], N], *, trusted: Iterable[Path] = (), lang: str = "en"
) -> tuple[dict[str, N], list[tuple[Path, str]]]:
    """``build(text)`` of every ``*.toml`` file in ``dirs`` (later dirs override earlier
    names); ``build`` raises :class:`ThemeFileError` for a bad file (see :func:`read_theme`).

    Returns the themes by name and the failures as (file, one line "theme skipped:
    FILE, line N: why" in ``lang``).  Never raises; a missing folder is simply skipped.
    Folders other than the built-in one (and ``trusted``) must pass the owner/mode check.
    """
    themes: dict[str, N] = {}
    failures: list[tuple[Path, str]] = []
    safe = {builtin_theme_dir().resolve(), *(Path(t).resolve() for t in trusted)}
    for folder in dirs:
        folder = Path(folder)
        try:
            if not folder.is_dir():
                continue
            if folder.resolve() not in safe:
                problem = _folder_problem(folder)
                if problem is not None:
                    failures.append((folder, _skipped(folder, problem, lang=lang)))
                    continue
            files = sorted(p for p in folder.glob("*.toml"))[: MAX_THEME_FILES + 1]
        except OSError as exc:
            failures.append((folder, _skipped(folder, Why("theme.folder.list", err=shown(exc.strerror or exc)),
                                              lang=lang)))
            continue
        if len(files) > MAX_THEME_FILES:
            failures.append((folder, _skipped(folder, Why("theme.folder.many", n=MAX_THEME_FILES), lang=lang)))
            files = files[:MAX_THEME_FILES]
        seen: dict[str, Path] = {}
        for path in files:
            try:
                theme = build(read_bounded_text(path, TEXT_LIMIT, "theme file"))
            except FileLimitError as exc:
                why = str(exc).split(": ", 1)[-1]  # the message names the file already
                failures.append((path, _skipped(path, _file_limit(why), lang=lang)))
                continue
            except ThemeFileError as exc:
                failures.append((path, _skipped(path, exc.text(lang), exc.line, lang)))
                continue
            except Why as exc:
                failures.append((path, _skipped(path, exc, lang=lang)))
                continue
            except ValueError as exc:
                failures.append((path, _skipped(path, str(exc), lang=lang)))
                continue
            if theme.name in seen:
                why = Why("theme.name_used", name=repr(theme.name), file=shown(seen[theme.name].name))
                failures.append((path, _skipped(path, why, _line_of_name(path), lang)))
                continue
            seen[theme.name] = path
            themes[theme.name] = theme
    return themes, failures


def _line_of_name(path: Path) -> int | None:
    try:
        return _line_of(read_bounded_text(path, TEXT_LIMIT, "theme file"), "name")
    except (FileLimitError, ValueError):
        return None


def theme_names(themes: Iterable[str]) -> list[str]:
    """Theme names in cycling order: the built-ins first, then the rest sorted."""
    names = set(themes)
    return [n for n in BUILTIN_ORDER if n in names] + sorted(names - set(BUILTIN_ORDER))


def known_theme_names(loaded: Iterable[str]) -> list[str]:
    """Every theme name the app offers, in the `t` key's order: the loaded theme files'
    (gdtui's own first), then Textual's extra ones."""
    names = theme_names(loaded)
    return names + [t for t in EXTRA_THEMES if t not in names]


def check_theme_name(name: str) -> None:
    """OptionError (one line) unless ``name`` is a theme the app can open.

    Reads the theme files without the UI, so options are checked before any screen
    exists; a file that fails is named with why (the UI checks colours more closely
    and reports any it refuses when it starts)."""
    specs, failures = load_theme_files([builtin_theme_dir(), *user_theme_dirs()], theme_spec)
    names = known_theme_names(specs)
    if name not in names:
        broken = [msg for path, msg in failures if path.stem == name]
        raise OptionError(broken[0] if broken else f"unknown theme {name!r} (themes: {', '.join(names)})")
