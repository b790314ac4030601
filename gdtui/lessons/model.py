"""Lesson files: TOML data with English and Korean text for every step, checked on load.

A lesson is a base ``[setup]`` (session-file keys: fn or preset, start, optimizer, lr ...)
and a list of ``[[step]]``.  A step shows ``text``, may change the setup (the run then
restarts), may say which ``keys`` to press and ``wait`` until the run reaches a step,
and may ask a ``[step.predict]`` question: a number (``quantity`` at step ``at``) or a
choice among ``choices`` (each with its own setup changes and a ``test`` such as
``status == diverged``).  ``[[step.check]]`` states a number the text uses; the tests
prove it against the engine.  Numbers inside text are written as placeholders
``{x@20}`` (x after 20 steps) and filled in by the engine.

Every problem is one line ``FILE:LINE: what is wrong`` (a LessonError).  No textual,
no sympy here: :func:`check_with_engine` is the separate, slower check that compiles.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdtui.errors import GdtuiError
from gdtui.sessionfile import RUN_KEYS, VIEWS

__all__ = [
    "Check",
    "Choice",
    "Condition",
    "Lesson",
    "LessonError",
    "Predict",
    "Step",
    "Text",
    "parse_lesson",
    "placeholders",
]

MAX_STEPS_AT = 100_000  # the furthest step a lesson may ask about (keeps the check quick)
MAX_TEXT = 4000
LESSON_KEYS = ("name", "title", "concepts", "setup", "step")
STEP_KEYS = ("text", "keys", "wait", "setup", "view", "compare", "predict", "check")
#: The step h of numerical derivatives when a lesson names none (the runner's default too).
DEFAULT_H = 1e-5
PREDICT_KEYS = ("question", "quantity", "at", "tol", "scale", "h", "choices", "why")
CHOICE_KEYS = ("label", "setup", "test", "at")
CHECK_KEYS = ("quantity", "at", "value", "tol", "h", "scale")
#: Session keys a lesson setup may use (steps/every belong to `gdtui run`'s output).
SETUP_KEYS = tuple(k for k in RUN_KEYS if k not in ("steps", "every"))

_QUANTITY = re.compile(r"^(?:loss|gradnorm|status|steps|kind|maxlr|eig\.min|eig\.max|numerr"
                       r"|grad\.[A-Za-z_]\w*|numgrad\.[A-Za-z_]\w*|[A-Za-z_]\w*)$")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)@(\d{1,6})\}")
_TEST = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(<=|>=|==|!=|<|>)\s*([^\s]+)\s*$")
_EXTREME = re.compile(r"^\s*(min|max)\s+([A-Za-z_][\w.]*)\s*$")
#: Quantities that are words, not numbers.
WORD_QUANTITIES = ("status", "kind")


class LessonError(GdtuiError):
    """A bad lesson file: ``FILE:LINE: what is wrong``."""


@dataclass(frozen=True)
class Text:
    """The same text in English and Korean."""

    en: str
    ko: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` (ko or en)."""
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True)
class Condition:
    """``quantity OP value``: what makes a choice the true one (``status == diverged``).

    ``min loss`` / ``max x`` (op "min"/"max"): true for the choice whose value is the
    smallest / largest of all the choices'."""

    quantity: str
    op: str
    value: float | str

    def holds(self, actual: float | str) -> bool:
        """True when ``actual`` satisfies the condition (words compare with == and != only)."""
        if isinstance(self.value, str) or isinstance(actual, str):
            same = str(actual) == str(self.value)
            return same if self.op == "==" else (not same if self.op == "!=" else False)
        a, b = float(actual), float(self.value)
        if math.isnan(a):
            return self.op == "!="
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[self.op]


@dataclass(frozen=True)
class Choice:
    """One option of a choice question: its label, setup changes and the test that makes it true."""

    label: Text
    setup: dict[str, Any]
    test: Condition
    at: int | None = None  # this choice's step (None: the question's)


@dataclass(frozen=True)
class Predict:
    """A question asked before the reveal."""

    question: Text
    why: Text
    at: int
    quantity: str | None = None  # number questions
    tol: float | None = None  # absolute; None: 5% of the true value
    scale: float = 1.0  # the answer is scale * quantity (e.g. 4 hours * w)
    h: float = 1e-5  # step of numerical derivatives (numgrad, numerr); DEFAULT_H
    choices: tuple[Choice, ...] = ()

    @property
    def is_choice(self) -> bool:
        """True for a pick-an-option question."""
        return bool(self.choices)


@dataclass(frozen=True)
class Check:
    """A number the lesson states, proved against the engine by the tests."""

    quantity: str
    at: int
    value: float
    tol: float
    h: float = 1e-5
    scale: float = 1.0
    line: int = 0


@dataclass
class Step:
    """One step of a lesson."""

    text: Text
    line: int
    keys: Text | None = None
    wait: int | None = None  # wait until the run reaches this step
    setup: dict[str, Any] | None = None  # changes to the lesson's setup; None: keep the run
    view: str | None = None
    compare: dict[str, Any] | None = None  # what the compare view compares: {lr = [...], steps = N}
    predict: Predict | None = None
    checks: list[Check] = field(default_factory=list)

    @property
    def h(self) -> float:
        """The step h of the numerical derivatives this step talks about: its question's
        (``predict.h``), else the default its text's numbers use (10⁻⁵)."""
        return self.predict.h if self.predict is not None else DEFAULT_H


@dataclass
class Lesson:
    """A checked lesson."""

    name: str
    title: Text
    concepts: list[str]
    setup: dict[str, Any]
    steps: list[Step]
    path: str = ""

    def setup_at(self, i: int) -> dict[str, Any]:
        """The setup in effect at step ``i``: the lesson's, changed by the nearest step
        at or before ``i`` that has its own setup."""
        for j in range(i, -1, -1):
            if self.steps[j].setup is not None:
                return merge_setup(self.setup, self.steps[j].setup)
        return dict(self.setup)

    def view_at(self, i: int) -> str:
        """The view step ``i`` asks for (the nearest earlier one, else single)."""
        for j in range(i, -1, -1):
            if self.steps[j].view:
                return self.steps[j].view  # type: ignore[return-value]
        return str(self.setup.get("view", "single"))

    def compare_text(self, i: int) -> str | None:
        """What the compare view compares at step ``i`` (``lr=0.01,0.5 steps=200``, the text of
        the view's field), from the nearest step at or before ``i`` that says; None: none says."""
        for j in range(i, -1, -1):
            lists = self.steps[j].compare
            if lists:
                parts = [f"{k}={','.join(_show(v) for v in vs)}" for k, vs in lists.items() if k != "steps"]
                steps = lists.get("steps") or _furthest(self.steps[j].predict)
                return " ".join(parts + ([f"steps={steps}"] if steps else []))
        return None

    def settings_at(self, i: int, base: Any = None) -> Any:
        """:class:`~gdtui.settings.Settings` for step ``i``."""
        from gdtui.sessionfile import settings_from_values

        return settings_from_values(self.setup_at(i), base)

    def __len__(self) -> int:
        return len(self.steps)


def _show(v: Any) -> str:
    return f"{v:.10g}" if isinstance(v, float) else str(v)


def _furthest(predict: "Predict | None") -> int | None:
    """The furthest step a prediction looks at (the compare view runs that far on a reveal)."""
    if predict is None:
        return None
    ats = [predict.at] + [c.at for c in predict.choices if c.at is not None]
    return max(ats) or None


def _compare_lists(where: "_Where", value: Any, what: str, line: int) -> dict[str, Any]:
    """A step's ``compare = {lr = [0.01, 0.5], steps = 200}``: the session file's lists, and steps."""
    from gdtui.sessionfile import _compare

    if not isinstance(value, dict):
        raise where.error(line, f"{what} must be a table like {{lr = [0.01, 0.5], steps = 200}}")
    lists = {k: v for k, v in value.items() if k != "steps"}
    try:
        out: dict[str, Any] = _compare(what, lists)
    except ValueError as exc:
        raise where.error(line, str(exc)) from None
    if not out:
        raise where.error(line, f"{what}: give at least one list, like lr = [0.01, 0.5]")
    if "steps" in value:
        out["steps"] = _int(where, value["steps"], f"{what}.steps", line, minimum=1)
    return out


def merge_setup(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``base`` changed by ``changes``.  A new fn or preset is a new problem: the old
    function, preset, start point and data go (unless ``changes`` gives them again)."""
    out = dict(base)
    if "fn" in changes or "preset" in changes:
        for key in ("fn", "preset", "start", "data", "rows"):
            out.pop(key, None)
    out.update(changes)
    return out


def placeholders(text: str) -> list[tuple[str, int]]:
    """The ``{quantity@k}`` placeholders in ``text``."""
    return [(m.group(1), int(m.group(2))) for m in _PLACEHOLDER.finditer(text)]


def fill(text: str, value_of: Any) -> str:
    """``text`` with each ``{quantity@k}`` replaced by ``value_of(quantity, k)`` (a string)."""
    return _PLACEHOLDER.sub(lambda m: value_of(m.group(1), int(m.group(2))), text)


# ------------------------------------------------------------------ parsing
class _Where:
    """Line numbers for keys: tomllib does not keep them, so find them in the text."""

    def __init__(self, text: str, path: str) -> None:
        self.lines = text.splitlines()
        self.path = path
        self.steps = [i + 1 for i, line in enumerate(self.lines) if re.match(r"^\s*\[\[\s*step\s*\]\]", line)]

    def step_line(self, index: int) -> int:
        return self.steps[index] if index < len(self.steps) else 1

    def key_line(self, key: str, after: int = 1, before: int | None = None) -> int:
        last = key.split(".")[-1]
        pat = re.compile(rf'^\s*(?:"{re.escape(last)}"|{re.escape(last)})\s*=|^\s*\[+[^\]]*\b{re.escape(last)}\s*\]'
                         rf'|[{{,]\s*{re.escape(last)}\s*=')
        end = before or len(self.lines)
        for i in range(max(after, 1), end + 1):
            if i - 1 < len(self.lines) and pat.search(self.lines[i - 1]):
                return i
        return after

    def error(self, line: int, message: str) -> LessonError:
        return LessonError(f"{self.path}:{line}: {message}")


def _text(where: _Where, value: Any, what: str, line: int, *, required: bool = True) -> Text | None:
    if value is None:
        if required:
            raise where.error(line, f"{what} is missing")
        return None
    if isinstance(value, str):
        raise where.error(line, f"{what} needs both languages: {what} = {{en = \"...\", ko = \"...\"}}")
    if not isinstance(value, dict):
        raise where.error(line, f"{what} must be a table {{en = \"...\", ko = \"...\"}}")
    unknown = [k for k in value if k not in ("en", "ko")]
    if unknown:
        raise where.error(line, f"{what}: unknown language {unknown[0]!r} (en and ko)")
    for lang in ("en", "ko"):
        v = value.get(lang)
        if not isinstance(v, str) or not v.strip():
            raise where.error(line, f"{what}: missing {lang} text")
        if len(v) > MAX_TEXT:
            raise where.error(line, f"{what}.{lang} is too long (at most {MAX_TEXT} characters)")
    en_ph, ko_ph = sorted(placeholders(value["en"])), sorted(placeholders(value["ko"]))
    if en_ph != ko_ph:
        raise where.error(line, f"{what}: the en and ko texts must use the same {{quantity@k}} numbers")
    for q, _ in en_ph:
        if not _QUANTITY.match(q):
            raise where.error(line, f"{what}: unknown quantity {q!r} in a placeholder")
    return Text(value["en"], value["ko"])


def _unknown(where: _Where, table: dict[str, Any], known: tuple[str, ...], what: str, line: int) -> None:
    for key in table:
        if key not in known:
            raise where.error(where.key_line(key, line), f"unknown key {key!r} in {what} (known: {', '.join(known)})")


def _setup(where: _Where, value: Any, what: str, line: int) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.error(line, f"{what} must be a table of session keys (fn, start, lr ...)")
    out: dict[str, Any] = {}
    for key, v in value.items():
        kline = where.key_line(key, line)
        if key == "view":
            if v not in VIEWS:
                raise where.error(kline, f"unknown view {v!r} (views: {', '.join(VIEWS)})")
            out[key] = v
            continue
        if key not in SETUP_KEYS:
            raise where.error(kline, f"unknown key {key!r} in {what} (known: {', '.join(SETUP_KEYS)}, view)")
        try:
            out[key] = RUN_KEYS[key](key, v)
        except ValueError as exc:
            raise where.error(kline, str(exc)) from None
    if "fn" in out and "preset" in out:
        raise where.error(line, f"{what}: give fn or preset, not both")
    return out


def _int(where: _Where, value: Any, what: str, line: int, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_STEPS_AT:
        raise where.error(line, f"{what} must be a whole number from {minimum} to {MAX_STEPS_AT}")
    return value


def _float(where: _Where, value: Any, what: str, line: int, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise where.error(line, f"{what} must be a number")
    if positive and value <= 0:
        raise where.error(line, f"{what} must be positive")
    return float(value)


def _quantity(where: _Where, value: Any, line: int) -> str:
    if not isinstance(value, str) or not _QUANTITY.match(value):
        raise where.error(line, f"quantity {value!r} is not one gdtui knows (a parameter name, loss, grad.x, "
                                "gradnorm, status, steps, kind, maxlr, eig.min, eig.max, numgrad.x, numerr)")
    return value


def _condition(where: _Where, value: Any, line: int) -> Condition:
    e = _EXTREME.match(value) if isinstance(value, str) else None
    if e is not None:
        return Condition(_quantity(where, e.group(2), line), e.group(1), 0.0)
    m = _TEST.match(value) if isinstance(value, str) else None
    if m is None:
        raise where.error(line, f"test must look like 'status == diverged', 'x < 0' or 'min loss', got {value!r}")
    q, op, raw = m.groups()
    _quantity(where, q, line)
    try:
        val: float | str = float(raw)
    except ValueError:
        val = raw
        if op not in ("==", "!="):
            raise where.error(line, f"test: {raw!r} is a word, so only == and != compare with it") from None
    return Condition(q, op, val)


def _predict(where: _Where, value: Any, line: int) -> Predict:
    if not isinstance(value, dict):
        raise where.error(line, "predict must be a table")
    _unknown(where, value, PREDICT_KEYS, "predict", line)
    question = _text(where, value.get("question"), "predict.question", where.key_line("question", line))
    why = _text(where, value.get("why"), "predict.why", where.key_line("why", line))
    if "at" not in value:
        raise where.error(line, "predict.at is missing: the step whose value is asked about")
    at = _int(where, value["at"], "predict.at", where.key_line("at", line))
    choices_raw = value.get("choices")
    quantity = value.get("quantity")
    if (choices_raw is None) == (quantity is None):
        raise where.error(line, "predict needs either quantity (a number question) or choices (pick one)")
    choices: list[Choice] = []
    if choices_raw is not None:
        cline = where.key_line("choices", line)
        if not isinstance(choices_raw, list) or not 2 <= len(choices_raw) <= 6:
            raise where.error(cline, "predict.choices must be a list of 2 to 6 choices")
        for n, c in enumerate(choices_raw, 1):
            if not isinstance(c, dict):
                raise where.error(cline, f"choice {n} must be a table {{label = ..., test = ...}}")
            _unknown(where, c, CHOICE_KEYS, f"choice {n}", cline)
            label = _text(where, c.get("label"), f"choice {n} label", cline)
            setup = _setup(where, c.get("setup", {}), f"choice {n} setup", cline)
            if "test" not in c:
                raise where.error(cline, f"choice {n} needs a test, e.g. test = \"status == diverged\"")
            at_c = _int(where, c["at"], f"choice {n} at", cline) if "at" in c else None
            choices.append(Choice(label, setup, _condition(where, c["test"], cline), at_c))  # type: ignore[arg-type]
    else:
        quantity = _quantity(where, quantity, where.key_line("quantity", line))
    tol = value.get("tol")
    return Predict(
        question=question,  # type: ignore[arg-type]
        why=why,  # type: ignore[arg-type]
        at=at,
        quantity=quantity,
        tol=None if tol is None else _float(where, tol, "predict.tol", where.key_line("tol", line), positive=True),
        scale=_float(where, value.get("scale", 1.0), "predict.scale", where.key_line("scale", line)),
        h=_float(where, value.get("h", 1e-5), "predict.h", where.key_line("h", line), positive=True),
        choices=tuple(choices),
    )


def _checks(where: _Where, value: Any, line: int) -> list[Check]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise where.error(line, "check must be a table or a list of tables")
    out = []
    for c in value:
        if not isinstance(c, dict):
            raise where.error(line, "each check must be a table {quantity, at, value, tol}")
        _unknown(where, c, CHECK_KEYS, "check", line)
        for key in ("quantity", "at", "value"):
            if key not in c:
                raise where.error(line, f"check.{key} is missing")
        out.append(Check(
            quantity=_quantity(where, c["quantity"], line),
            at=_int(where, c["at"], "check.at", line),
            value=_float(where, c["value"], "check.value", line),
            tol=_float(where, c.get("tol", 1e-9), "check.tol", line, positive=True),
            h=_float(where, c.get("h", 1e-5), "check.h", line, positive=True),
            scale=_float(where, c.get("scale", 1.0), "check.scale", line),
            line=line,
        ))
    return out


def parse_lesson(text: str, path: str = "<lesson>") -> Lesson:
    """Check lesson-file text; LessonError ``FILE:LINE: problem`` on the first problem."""
    where = _Where(text, path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        raise where.error(int(m.group(1)) if m else 1, f"not valid TOML: {msg}") from None
    _unknown(where, data, LESSON_KEYS, "the lesson", 1)
    name = data.get("name", Path(path).stem)
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,40}", name):
        raise where.error(where.key_line("name"), "name must be lower-case letters, digits and dashes")
    title = _text(where, data.get("title"), "title", where.key_line("title"))
    concepts = data.get("concepts", [])
    if not isinstance(concepts, list) or not all(isinstance(c, str) and len(c) < 60 for c in concepts):
        raise where.error(where.key_line("concepts"), "concepts must be a list of short words")
    if "setup" not in data:
        raise where.error(1, "the lesson needs a [setup] (fn or preset, start, optimizer ...)")
    setup_line = where.key_line("setup")
    setup = _setup(where, data["setup"], "setup", setup_line)
    if "fn" not in setup and "preset" not in setup:
        raise where.error(setup_line, "setup needs fn or preset")
    raw_steps = data.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise where.error(1, "the lesson has no [[step]]")
    steps = []
    for i, raw in enumerate(raw_steps):
        line = where.step_line(i)
        nxt = where.step_line(i + 1) - 1 if i + 1 < len(where.steps) else None
        if not isinstance(raw, dict):
            raise where.error(line, "a step must be a table")
        _unknown(where, raw, STEP_KEYS, f"step {i + 1}", line)
        step = Step(text=_text(where, raw.get("text"), f"step {i + 1} text",  # type: ignore[arg-type]
                               where.key_line("text", line, nxt)), line=line)
        if "keys" in raw:
            step.keys = _text(where, raw["keys"], f"step {i + 1} keys", where.key_line("keys", line, nxt))
        if "wait" in raw:
            step.wait = _int(where, raw["wait"], "wait", where.key_line("wait", line, nxt), minimum=1)
        if "setup" in raw:
            sl = where.key_line("setup", line, nxt)
            step.setup = _setup(where, raw["setup"], f"step {i + 1} setup", sl)
        if "view" in raw:
            if raw["view"] not in VIEWS:
                raise where.error(where.key_line("view", line, nxt),
                                  f"unknown view {raw['view']!r} (views: {', '.join(VIEWS)})")
            step.view = raw["view"]
        if "compare" in raw:
            step.compare = _compare_lists(where, raw["compare"], f"step {i + 1} compare",
                                          where.key_line("compare", line, nxt))
        if "predict" in raw:
            step.predict = _predict(where, raw["predict"], where.key_line("predict", line, nxt))
        if "check" in raw:
            step.checks = _checks(where, raw["check"], where.key_line("check", line, nxt))
        steps.append(step)
    return Lesson(name, title, list(concepts), setup, steps, path)  # type: ignore[arg-type]
