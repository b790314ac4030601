"""Session files: a whole setup in TOML, with the long option names of ``gdtui run``.

A teacher hands every student the same file::

    fn = "x^2 + 3*x*y + y^2"
    start = {x = 1, y = 2}
    optimizer = "momentum"
    lr = 0.05
    momentum = 0.9

``gdtui --session FILE``, ``gdtui run --session FILE`` (and ``compare``) read it; options
given on the command line win.  Unknown keys and bad values are errors naming the
file and line.  No textual, no sympy here: the classroom server loads these too.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from gdtui.errors import GdtuiError
from gdtui.textfile import read_text_file

__all__ = [
    "APP_KEYS",
    "RUN_KEYS",
    "SessionError",
    "SessionFile",
    "VIEWS",
    "load_session",
    "parse_session",
    "save_session",
    "settings_from_file",
    "settings_from_values",
    "session_filename",
    "session_text",
]

#: The views a session or a lesson step can ask for (single is the playground itself).
VIEWS = ("single", "compare", "gradcheck", "curvature", "graph")
#: Longest string value taken from a session file (a function, a path, a name).
MAX_TEXT = 2000


class SessionError(GdtuiError):
    """A bad session file: the message is ``FILE:LINE: what is wrong``."""


# ------------------------------------------------------------------ value checks
def _number(key: str, value: Any, *, positive: bool = False, unit: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key} must be a number, got {_kind(value)}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{key} must be finite, got {value}")
    if positive and x <= 0:
        raise ValueError(f"{key} must be positive, got {value}")
    if unit and not 0 <= x < 1:
        raise ValueError(f"{key} must be in [0, 1), got {value}")
    return x


def _nonneg(key: str, value: Any) -> float:
    x = _number(key, value)
    if x < 0:
        raise ValueError(f"{key} must be >= 0, got {value}")
    return x


def _whole(key: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be a whole number, got {_kind(value)}")
    if value < minimum:
        raise ValueError(f"{key} must be at least {minimum}, got {value}")
    return int(value)


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text in quotes, got {_kind(value)}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"{key} is too long ({len(value)} characters, at most {MAX_TEXT})")
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _start(key: str, value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ValueError(f"{key} must be a table like {{x = 1, y = 2}}, got {_kind(value)}")
    out = {}
    for name, v in value.items():
        if not name.isidentifier() or not name.isascii():
            raise ValueError(f"{key}: {name!r} is not a parameter name")
        out[name] = _number(f"{key}.{name}", v)
    return out


def _choice(options: tuple[str, ...]) -> Callable[[str, Any], str]:
    def check(key: str, value: Any) -> str:
        text = _text(key, value)
        if text not in options:
            raise ValueError(f"{key} must be one of {', '.join(options)}, got {text!r}")
        return text

    return check


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false, got {_kind(value)}")
    return value


def _batch(key: str, value: Any) -> int | str:
    """A batch size in a compare list: a whole number, or "full" (every row in each update,
    as ``gdtui compare --batch-size full,10,1``)."""
    if value == "full":
        return "full"
    if isinstance(value, str):
        raise ValueError(f"{key} must be a whole number or \"full\", got {_toml_str_short(value)}")
    return _whole(key, value, 1)


def _toml_str_short(value: str) -> str:
    from gdtui.sanitize import shown

    return repr(shown(value, 20))


def _compare(key: str, value: Any) -> dict[str, list[Any]]:
    if not isinstance(value, dict):
        raise ValueError(f"{key} must be a table like {{lr = [0.01, 0.1]}}, got {_kind(value)}")
    out = {}
    for name, values in value.items():
        if name not in ("lr", "momentum", "beta1", "beta2", "eps", "alpha", "batch-size", "optimizer"):
            raise ValueError(f"{key}.{name} is not something compare can vary")
        if not isinstance(values, list) or not values or len(values) > 8:
            raise ValueError(f"{key}.{name} must be a list of 1 to 8 values")
        if name == "optimizer":
            out[name] = [_text(f"{key}.{name}", v) for v in values]
        elif name == "batch-size":
            out[name] = [_batch(f"{key}.{name}", v) for v in values]
        else:
            out[name] = [_number(f"{key}.{name}", v, positive=name in ("lr", "eps")) for v in values]
    return out


def _lang(key: str, value: Any) -> str:
    return _choice(("en", "ko"))(key, value)


#: Keys shared with `gdtui run` and how each value is checked (same rules as the options).
RUN_KEYS: dict[str, Callable[[str, Any], Any]] = {
    "fn": _text,
    "preset": _text,
    "data": _text,
    "rows": lambda k, v: _whole(k, v, 1),
    "start": _start,
    "optimizer": _text,
    "lr": lambda k, v: _number(k, v, positive=True),
    "momentum": lambda k, v: _number(k, v, unit=True),
    "beta1": lambda k, v: _number(k, v, unit=True),
    "beta2": lambda k, v: _number(k, v, unit=True),
    "eps": lambda k, v: _number(k, v, positive=True),
    "alpha": lambda k, v: _number(k, v, unit=True),
    "schedule": _text,
    "batch-size": lambda k, v: _whole(k, v, 1),
    "seed": lambda k, v: _whole(k, v, 0),
    "noise": lambda k, v: _nonneg(k, v),
    "steps": lambda k, v: _whole(k, v, 0),
    "every": lambda k, v: _whole(k, v, 1),
    "tol": lambda k, v: _number(k, v, positive=True),
}
#: Keys only the app (and compare) use.
APP_KEYS: dict[str, Callable[[str, Any], Any]] = {
    "theme": _text,
    "ascii": _bool,
    "view": _choice(VIEWS),
    "compare": _compare,
    "lang": _lang,
    "lesson": _text,
}
ALL_KEYS = {**RUN_KEYS, **APP_KEYS}


# ------------------------------------------------------------------ reading
@dataclass
class SessionFile:
    """A checked session file: option values by long option name."""

    path: str
    values: dict[str, Any] = field(default_factory=dict)

    def dests(self, keys: "set[str] | dict[str, Any] | None" = None) -> dict[str, Any]:
        """The values as argparse destinations (``batch-size`` -> ``batch_size``), only ``keys``."""
        return {k.replace("-", "_"): v for k, v in self.values.items() if keys is None or k in keys}


def _line_of(text: str, key: str) -> int:
    """The line where ``key`` is set (1 when it cannot be found)."""
    pattern = re.compile(rf'^\s*(?:"{re.escape(key)}"|\'{re.escape(key)}\'|{re.escape(key)})\s*=')
    header = re.compile(rf'^\s*\[\s*"?{re.escape(key)}"?\s*\]')
    for i, line in enumerate(text.splitlines(), 1):
        if pattern.match(line) or header.match(line):
            return i
    return 1


def _label(path: str) -> str:
    """The file as messages name it: a long path shortened to its end, so the line and
    the problem still fit one line of a dashboard or an 80-column terminal."""
    from gdtui.sanitize import shown

    text = shown(path)
    return text if len(text) <= 48 else "…/" + shown(os.path.basename(path))[-46:]


def parse_session(text: str, path: str = "<session>") -> SessionFile:
    """Check session-file text; SessionError ``FILE:LINE: problem`` on the first problem."""
    label = _label(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        line = m.group(1) if m else "1"
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg) if m else msg
        raise SessionError(f"{label}:{line}: not valid TOML: {msg}") from None
    values: dict[str, Any] = {}
    for key, value in data.items():
        check = ALL_KEYS.get(key)
        if check is None:
            near = [k for k in ALL_KEYS if k.replace("-", "_") == key.replace("-", "_")]
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise SessionError(f"{label}:{_line_of(text, key)}: unknown key {key!r}{hint} "
                               "(keys are gdtui run's long option names, e.g. lr, batch-size)")
        try:
            values[key] = check(key, value)
        except ValueError as exc:
            raise SessionError(f"{label}:{_line_of(text, key)}: {exc}") from None
    if "fn" in values and "preset" in values:
        raise SessionError(f"{label}:{_line_of(text, 'preset')}: give fn or preset, not both")
    return SessionFile(path, values)


def load_session(path: str | os.PathLike[str]) -> SessionFile:
    """Read and check a session file (bounded read: a regular file of at most 1 MB)."""
    text = read_text_file(path, "session file")
    return parse_session(text, os.fspath(path))


def settings_from_file(path: str | os.PathLike[str]) -> Any:
    """Settings from a session file (SessionError FILE:LINE when bad); for the classroom and the app."""
    return settings_from_values(load_session(path).values)


def settings_from_values(values: dict[str, Any], base: Any = None) -> Any:
    """Settings from checked session values (``base``: what a value not given keeps)."""
    from gdtui.settings import Settings

    s = Settings() if base is None else base.copy()
    if "fn" in values:
        s.fn, s.preset = values["fn"], None
    if "preset" in values:
        s.preset, s.fn = values["preset"], ""
    for key in ("data", "rows", "optimizer", "schedule", "seed", "noise", "tol", "theme", "ascii",
                "lang", "view"):
        if key in values:
            setattr(s, key, values[key])
    if "batch-size" in values:
        s.batch_size = values["batch-size"]
    if "start" in values:
        s.start = dict(values["start"])
    for key in ("lr", "momentum", "beta1", "beta2", "eps", "alpha"):
        if key in values:
            s.hyper[key] = values[key]
    return s


# ------------------------------------------------------------------ writing
def _toml_str(s: str) -> str:
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else "nan"
    if isinstance(v, str):
        return _toml_str(v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {v!r} to TOML")


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else _toml_str(k)


def session_values(settings: Any) -> dict[str, Any]:
    """The session-file values that rebuild ``settings`` (resolved: every value explicit)."""
    s = settings
    out: dict[str, Any] = {}
    if s.preset:
        out["preset"] = s.preset
    else:
        out["fn"] = s.fn
    if s.data:
        out["data"] = s.data
    if s.rows is not None:
        out["rows"] = s.rows
    if s.start:
        out["start"] = {k: float(v) for k, v in s.start.items()}
    if s.optimizer:
        out["optimizer"] = s.optimizer
    for k in ("lr", "momentum", "beta1", "beta2", "eps", "alpha"):
        if k in s.hyper:
            out[k] = float(s.hyper[k])
    out["schedule"] = s.schedule
    if s.batch_size is not None:
        out["batch-size"] = int(s.batch_size)
    out["seed"] = int(s.seed)
    if getattr(s, "noise", 0.0):
        out["noise"] = float(s.noise)
    out["tol"] = float(s.tol)
    if getattr(s, "theme", None):
        out["theme"] = s.theme
    view = getattr(s, "view", None)
    if view and view != "single":
        out["view"] = view
    lang = getattr(s, "lang", None)
    if lang and lang != "en":
        out["lang"] = lang
    return out


def session_text(settings: Any, comment: str = "") -> str:
    """A session file that rebuilds ``settings`` (``gdtui --session FILE``)."""
    lines = ["# gdtui session: gdtui --session THIS_FILE  (or gdtui run --session THIS_FILE)"]
    if comment:
        lines.append("# " + comment.replace("\n", " "))
    for k, v in session_values(settings).items():
        lines.append(f"{k} = {_toml_value(v)}")
    return "\n".join(lines) + "\n"


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return slug[:40].strip("-") or "session"


def session_filename(settings: Any, suffix: str = ".toml") -> str:
    """``gdtui-NAME.toml`` named from the problem (the preset or the function)."""
    return f"gdtui-{_slug(settings.preset or settings.fn)}{suffix}"


def unique_path(directory: str | os.PathLike[str], name: str) -> Path:
    """``directory/name``, or ``name-2``, ``name-3`` ... when taken (never a path outside)."""
    folder = Path(directory)
    base = Path(name).name  # a bare file name: nothing can point outside the folder
    stem, dot, ext = base.partition(".")
    for i in range(1, 1000):
        candidate = folder / (base if i == 1 else f"{stem}-{i}{dot}{ext}")
        if not os.path.lexists(candidate):
            return candidate
    raise GdtuiError(f"{folder}: too many gdtui files already")


def write_new(path: Path, text: str) -> Path:
    """Create ``path`` (never overwrite, never follow a symlink) with ``text``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        raise GdtuiError(f"{path}: cannot write ({exc.strerror or exc})") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def save_session(settings: Any, directory: str | os.PathLike[str] = ".") -> Path:
    """Write the setup as a new session file in ``directory``; returns its path."""
    path = unique_path(directory, session_filename(settings))
    return write_new(path, session_text(settings))
