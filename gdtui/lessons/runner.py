"""Going through a lesson without a screen: the engine's numbers, answers and reveals.

:class:`Evaluator` answers "what is quantity q at step k of this setup?" from real
engine runs (and :func:`gdtui.engine.analysis.check_point` for curvature), so every
number a lesson shows comes from the engine.  :class:`LessonRunner` walks the steps
(next, back, repeat), takes a prediction and returns a :class:`Reveal`.  The TUI and
the tests use the same runner, so what the tests check is what students see.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gdtui.errors import GdtuiError
from gdtui.lessons.model import WORD_QUANTITIES, Lesson, LessonError, Predict, fill, merge_setup, placeholders

if TYPE_CHECKING:
    from gdtui.engine.run import Run
    from gdtui.problem import Problem
    from gdtui.settings import Settings

__all__ = ["AnswerError", "Evaluator", "LessonRunner", "Reveal", "check_with_engine", "fmt_value"]

_CACHE = 32  # problems/runs one evaluator keeps (one lesson needs a handful)


class AnswerError(GdtuiError):
    """A prediction that is not a number (or not one of the choices)."""


def fmt_value(v: float | int | str) -> str:
    """A number as a lesson shows it: 4 significant digits, no -0."""
    if isinstance(v, str):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    x = float(v)
    if not math.isfinite(x):
        return str(x)
    text = f"{x + 0.0:.4g}"
    return "0" if text == "-0" else text


class Evaluator:
    """Engine numbers for lesson setups (a few problems and runs cached per evaluator)."""

    def __init__(self) -> None:
        self._problems: dict[str, "Problem"] = {}
        self._runs: dict[str, "Run"] = {}

    @staticmethod
    def _key(settings: "Settings") -> str:
        from gdtui.sessionfile import session_text

        return session_text(settings)

    def problem(self, settings: "Settings") -> "Problem":
        """The compiled problem of ``settings`` (GdtuiError when the engine refuses it)."""
        from gdtui.problem import build_problem

        key = self._key(settings)
        if key not in self._problems:
            if len(self._problems) >= _CACHE:
                self._problems.clear()
            self._problems[key] = build_problem(settings, timeout=30.0)
        return self._problems[key]

    def run_to(self, settings: "Settings", at: int) -> "Run":
        """A run of ``settings`` stepped to ``at`` (or to where it stopped before)."""
        key = self._key(settings)
        run = self._runs.get(key)
        if run is None:
            run = self.problem(settings).new_run()
            if len(self._runs) >= _CACHE:
                self._runs.clear()
            self._runs[key] = run
        if run.k < at and run.status == "running":
            run.step(at - run.k)
        return run

    def quantity(self, settings: "Settings", quantity: str, at: int, h: float = 1e-5) -> float | int | str:
        """The value of ``quantity`` at step ``at`` of a run of ``settings``."""
        run = self.run_to(settings, at)
        k = min(at, run.k)
        if quantity == "status":
            return run.status if run.k <= at else "running"
        if quantity == "steps":
            return k
        params = list(run.objective.params)
        w = [float(x) for x in run.history.w[k]]
        if quantity in params:
            return w[params.index(quantity)]
        if quantity in ("loss", "gradnorm") or quantity.startswith("grad."):
            if run.sampler is not None:
                loss, grad = run.full_loss_grad(k)
            else:
                loss, grad = float(run.history.loss[k]), [float(g) for g in run.history.grad[k]]
            if quantity == "loss":
                return float(loss)
            if quantity == "gradnorm":
                return math.hypot(*grad)
            return float(grad[self._index(params, quantity[5:])])
        from gdtui.engine.analysis import check_point

        res = check_point(self.problem(settings).objective, w, h=h)
        if quantity == "kind":
            return res.kind
        if quantity == "eig.min":
            return float(res.eigenvalues[0])
        if quantity == "eig.max":
            return float(res.eigenvalues[-1])
        if quantity == "maxlr":
            return float(res.max_stable_lr)
        if quantity == "numerr":
            return float(res.max_abs_error)
        if quantity.startswith("numgrad."):
            return float(res.numerical_gradient[self._index(params, quantity[8:])])
        raise GdtuiError(f"unknown quantity {quantity!r} (parameters: {', '.join(params)})")

    @staticmethod
    def _index(params: list[str], name: str) -> int:
        if name not in params:
            raise GdtuiError(f"{name!r} is not a parameter (parameters: {', '.join(params)})")
        return params.index(name)


@dataclass
class Reveal:
    """What the reveal shows after a prediction."""

    right: bool
    truth: str  # the true value (or the true choice's label)
    given: str  # what the student said
    diff: str | None  # given - truth, for number questions
    why: str
    value: float | int | str  # the true value (a number, or the true choice's index)
    choice: int | None = None  # the true choice's index (choice questions)
    step: int | None = None  # the run step the true value belongs to (number questions)
    quantity: str = ""  # choice questions whose choices differ in it: the quantity compared ...
    values: tuple[float | int | str, ...] = ()  # ... and each choice's value, in choice order


def parse_number(text: str) -> float:
    """A typed number: ``0.5``, ``-3``, ``1e-3``, ``−2`` (Unicode minus), ``0,5``."""
    t = text.strip().replace("−", "-").replace("–", "-")
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    if not t or len(t) > 40:
        raise AnswerError("type a number, e.g. 0.5")
    try:
        x = float(t)
    except ValueError:
        raise AnswerError(f"not a number: {text.strip()[:20]!r}; type e.g. 0.5") from None
    if not math.isfinite(x):
        raise AnswerError("type a finite number")
    return x


@dataclass
class LessonRunner:
    """One student's way through a lesson (no screen): steps, predictions, reveals."""

    lesson: Lesson
    lang: str = "en"
    evaluator: Evaluator = field(default_factory=Evaluator)
    index: int = 0
    reveals: dict[int, Reveal] = field(default_factory=dict)

    # ------------------------------------------------------------ where we are
    @property
    def step(self) -> Any:
        """The current step."""
        return self.lesson.steps[self.index]

    @property
    def last(self) -> bool:
        """True on the last step."""
        return self.index == len(self.lesson.steps) - 1

    def settings(self, i: int | None = None) -> "Settings":
        """Settings of step ``i`` (default: the current one)."""
        return self.lesson.settings_at(self.index if i is None else i)

    def next(self) -> bool:
        """Go to the next step; False on the last one."""
        if self.last:
            return False
        self.index += 1
        return True

    def back(self) -> bool:
        """Go to the previous step; False on the first one."""
        if self.index == 0:
            return False
        self.index -= 1
        return True

    def repeat(self) -> None:
        """Do the current step again: its prediction can be answered anew."""
        self.reveals.pop(self.index, None)

    # ------------------------------------------------------------ text
    def _value_text(self, settings: "Settings", h: float = 1e-5):  # type: ignore[no-untyped-def]
        return lambda q, k: fmt_value(self.evaluator.quantity(settings, q, k, h))

    def text(self) -> str:
        """The current step's text, numbers filled in by the engine."""
        return fill(self.step.text.get(self.lang), self._value_text(self.settings()))

    def keys(self) -> str:
        """Which keys to press ('' when the step says none)."""
        return self.step.keys.get(self.lang) if self.step.keys else ""

    def question(self) -> str:
        """The prediction question ('' when the step asks none)."""
        p = self.step.predict
        if p is None:
            return ""
        return fill(p.question.get(self.lang), self._value_text(self.settings(), p.h))

    def choice_labels(self) -> list[str]:
        """The options of a choice question, in order."""
        p = self.step.predict
        return [c.label.get(self.lang) for c in p.choices] if p else []

    # ------------------------------------------------------------ truth
    def choice_settings(self, n: int) -> "Settings":
        """Settings of choice ``n`` (0-based) of the current question."""
        p = self.step.predict
        assert p is not None
        from gdtui.sessionfile import settings_from_values

        return settings_from_values(merge_setup(self.lesson.setup_at(self.index), p.choices[n].setup))

    def truth(self) -> float | int | str:
        """The true answer of the current question: a number, or the true choice's index."""
        p = self.step.predict
        if p is None:
            raise AnswerError("this step asks nothing")
        if not p.is_choice:
            value = self.evaluator.quantity(self.settings(), p.quantity or "", p.at, p.h)
            return value if isinstance(value, str) else value * p.scale
        true = self.true_choices()
        if len(true) != 1:
            raise LessonError(f"{self.lesson.path}:{self.step.line}: {len(true)} choices are true, "
                              "exactly one must be")
        return true[0]

    def true_choices(self) -> list[int]:
        """Indices of the choices whose test holds (a good question has exactly one)."""
        p = self.step.predict
        assert p is not None
        values = self.choice_values()
        out = []
        for n, (c, actual) in enumerate(zip(p.choices, values)):
            if c.test.op in ("min", "max"):
                numbers = [float(v) for v in values if not isinstance(v, str) and math.isfinite(float(v))]
                if isinstance(actual, str) or not numbers:
                    continue
                best = min(numbers) if c.test.op == "min" else max(numbers)
                if float(actual) == best:
                    out.append(n)
            elif c.test.holds(actual):
                out.append(n)
        return out

    def choice_values(self) -> list[float | int | str]:
        """Each choice's value of the quantity its test looks at (at the choice's step)."""
        p = self.step.predict
        assert p is not None
        return [self.evaluator.quantity(self.choice_settings(n), c.test.quantity,
                                        p.at if c.at is None else c.at, p.h)
                for n, c in enumerate(p.choices)]

    def truth_step(self) -> int:
        """The run step the current number question's true value belongs to: the asked
        step, or an earlier one where the run stopped (converged, diverged)."""
        p = self.step.predict
        assert p is not None
        if p.at == 0:
            return 0
        return min(p.at, self.evaluator.run_to(self.settings(), p.at).k)

    def reveal_setup(self) -> tuple["Settings", int]:
        """The setup and step the screen shows at the reveal (the true choice's, for choices)."""
        p = self.step.predict
        assert p is not None
        if p.is_choice:
            n = int(self.truth())
            at = p.choices[n].at
            return self.choice_settings(n), p.at if at is None else at
        return self.settings(), p.at

    def answer(self, text: str) -> Reveal:
        """Take the student's prediction; AnswerError when it cannot be read."""
        p: Predict | None = self.step.predict
        if p is None:
            raise AnswerError("this step asks nothing: press . for the next step")
        why = fill(p.why.get(self.lang), self._value_text(self.settings(), p.h))
        truth = self.truth()
        if p.is_choice:
            labels = self.choice_labels()
            try:
                n = int(text.strip()) - 1
            except ValueError:
                n = -1
            if not 0 <= n < len(labels):
                raise AnswerError(f"pick a number from 1 to {len(labels)}")
            t = int(truth)
            reveal = Reveal(n == t, f"{t + 1}. {labels[t]}", f"{n + 1}. {labels[n]}", None, why, t, t)
            compared = {c.test.quantity for c in p.choices}
            values = self.choice_values()
            if len(compared) == 1 and len({fmt_value(v) for v in values}) > 1:  # worth showing side by side
                reveal.quantity, reveal.values = compared.pop(), tuple(values)
        elif isinstance(truth, str):
            given = text.strip()[:40]
            reveal = Reveal(given.lower() == truth.lower(), truth, given, None, why, truth)
        else:
            x = parse_number(text)
            tol = p.tol if p.tol is not None else max(0.05 * abs(truth), 1e-9)
            right = math.isfinite(truth) and abs(x - truth) <= tol
            diff = x - truth if math.isfinite(truth) else math.nan
            sign = "+" if diff > 0 else ""
            # the same number as shown (8 and 7.9999999958): no difference left to see
            diff_text = "0" if fmt_value(x) == fmt_value(truth) else f"{sign}{fmt_value(diff)}"
            reveal = Reveal(right, fmt_value(truth), fmt_value(x), diff_text, why, truth,
                            step=self.truth_step())
        self.reveals[self.index] = reveal
        return reveal

    @property
    def right_count(self) -> int:
        """Predictions answered right so far."""
        return sum(r.right for r in self.reveals.values())


def check_with_engine(lesson: Lesson, evaluator: Evaluator | None = None) -> None:
    """Compile every setup and compute every number the lesson shows or checks.

    LessonError ``FILE:LINE: ...`` when the engine refuses a setup, a quantity names
    no parameter, or a choice question has not exactly one true choice.
    """
    ev = evaluator or Evaluator()
    path = lesson.path

    def at_line(line: int, exc: Exception) -> LessonError:
        return LessonError(f"{path}:{line}: {str(exc).splitlines()[0] if str(exc) else exc}")

    for lang in ("en",):
        runner = LessonRunner(lesson, lang, ev)
        for i, step in enumerate(lesson.steps):
            runner.index = i
            try:
                ev.problem(runner.settings())
            except GdtuiError as exc:
                raise at_line(step.line, GdtuiError(f"the engine refuses this setup: {exc}")) from None
            try:
                runner.text()
                for t in filter(None, (step.keys,)):
                    placeholders(t.en)
                if step.predict is not None:
                    runner.question()
                    if step.predict.is_choice:
                        for n in range(len(step.predict.choices)):
                            ev.problem(runner.choice_settings(n))
                    runner.truth()
                    fill(step.predict.why.en, runner._value_text(runner.settings(), step.predict.h))
                for c in step.checks:
                    ev.quantity(runner.settings(), c.quantity, c.at, c.h)
            except LessonError:
                raise
            except GdtuiError as exc:
                raise at_line(step.line, exc) from None
