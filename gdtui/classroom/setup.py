"""What the teacher hands every student: a session file, read into Settings.

The session-file format belongs to the lessons work (`gdtui.sessionfile`, TOML with
the long option names of ``gdtui run``).  When that module is present its loader
is used; until then this module reads the same keys for the problem and the
optimizer (no app keys such as view or compare), so ``--session`` already works.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

from gdtui.errors import OptionError
from gdtui.sanitize import shown
from gdtui.settings import Settings

__all__ = ["MAX_SESSION_FILE", "check_setup", "lesson_step", "load_setup", "setup_label"]

MAX_SESSION_FILE = 256 * 1024
_HYPER = ("lr", "momentum", "beta1", "beta2", "eps", "alpha")
_TEXT = ("fn", "preset", "data", "optimizer", "schedule")
_WHOLE = {"rows": 1, "batch-size": 1, "seed": 0}
_IGNORED = ("steps", "tol", "theme", "view", "lang", "lesson", "compare")


def _number(where: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise OptionError(f"{where}: {key} must be a finite number, got {value!r}")
    return float(value)


def _fallback(path: Path) -> Settings:
    from gdtui.files import read_bounded_text

    where = shown(path)
    text = read_bounded_text(path, MAX_SESSION_FILE, "session file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OptionError(f"{where}: {exc}") from None
    s = Settings()
    for key, value in data.items():
        if key in _TEXT:
            if not isinstance(value, str) or len(value) > 500:
                raise OptionError(f"{where}: {key} must be text (at most 500 characters)")
            setattr(s, key, value)
        elif key in _HYPER:
            s.hyper[key] = _number(where, key, value)
        elif key in _WHOLE:
            if isinstance(value, bool) or not isinstance(value, int) or value < _WHOLE[key]:
                raise OptionError(f"{where}: {key} must be a whole number >= {_WHOLE[key]}")
            setattr(s, key.replace("-", "_"), value)
        elif key == "start":
            if not isinstance(value, dict):
                raise OptionError(f"{where}: start must be a table like {{x = 1, y = 2}}")
            s.start = {str(k): _number(where, f"start.{k}", v) for k, v in value.items()}
        elif key in _IGNORED:
            continue
        else:
            raise OptionError(f"{where}: unknown key {shown(key, 40)!r}")
    if s.fn and s.preset:
        raise OptionError(f"{where}: give fn or preset, not both")
    if not s.fn and not s.preset:
        raise OptionError(f"{where}: needs fn or preset")
    return s


def load_setup(path: str | Path) -> Settings:
    """Read a session file into Settings (one-line OptionError naming the file when bad)."""
    path = Path(path).expanduser()
    try:
        from gdtui import sessionfile  # type: ignore[attr-defined]
    except ImportError:
        sessionfile = None
    if sessionfile is not None and hasattr(sessionfile, "settings_from_file"):
        return sessionfile.settings_from_file(path)
    return _fallback(path)


def check_setup(settings: Settings) -> Settings:
    """Everything that can be checked without sympy; returns the resolved settings."""
    from gdtui.problem import validate_quickly

    return validate_quickly(settings)


def setup_label(settings: Settings, path: str | Path | None = None) -> str:
    """A short name for the dashboard and the students' notice."""
    if path is not None:
        return Path(path).name[:40]
    return (settings.preset or settings.fn)[:40]


def lesson_step(text: str) -> tuple[str, int, int]:
    """``"NAME [STEP]"`` (a shipped lesson by name or number, step from 1) as
    (lesson name, step index from 0, steps in the lesson); one-line OptionError when bad."""
    from gdtui.lessons import LessonError, find_lesson

    parts = text.split()
    if not parts or len(parts) > 2:
        raise OptionError(f"lesson step: give a lesson and a step, like '03 2' or 'parabola 2' "
                          f"(got {shown(text, 40)!r})")
    try:
        lesson = find_lesson(parts[0][:60])
    except LessonError as exc:
        raise OptionError(f"lesson step: {str(exc).splitlines()[0]}") from None
    step = 1
    if len(parts) == 2:
        if not parts[1].isdigit():
            raise OptionError(f"lesson step: the step must be a number from 1 to {len(lesson)}, "
                              f"got {shown(parts[1], 20)!r}")
        step = int(parts[1][:6])
    if not 1 <= step <= len(lesson):
        raise OptionError(f"lesson step: {lesson.name} has steps 1 to {len(lesson)}, got {step}")
    return lesson.name, step - 1, len(lesson)
