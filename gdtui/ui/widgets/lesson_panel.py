"""LessonPanel: a lesson's text beside the panes, the prediction, the reveal.

The panel owns a :class:`~gdtui.lessons.runner.LessonRunner` (the same one the tests
drive headless).  Everything that needs the engine (numbers in the text, the true
answer, compiling a step's setup) runs in a thread worker; results come back with
``call_from_thread``.  A step's setup reaches the playground as an ordinary
``ProblemReady`` message to the main screen, so the panes show the lesson's run.

Keys (app bindings, active only in lesson mode): ``.`` next step, ``,`` back,
``a`` do the step again; enter in the answer field reveals.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from gdtui.i18n import tr

if TYPE_CHECKING:
    from gdtui.lessons.model import Lesson
    from gdtui.lessons.runner import Reveal
    from gdtui.ui.app import GdApp

__all__ = ["LessonPanel", "StepShown"]

POLL = 0.25  # seconds between checks of a step's wait condition


@dataclass
class StepShown:
    """What the panel shows for one step (computed in a thread)."""

    index: int
    text: str
    keys: str = ""
    question: str = ""
    labels: list[str] = field(default_factory=list)
    error: str = ""


class LessonPanel(Vertical):
    """The lesson beside the landscape: text, keys, prediction, reveal."""

    app: "GdApp"

    def __init__(self, lesson: "Lesson", lang: str = "en", *, id: str | None = "lesson") -> None:
        super().__init__(id=id)
        from gdtui.lessons.progress import Progress
        from gdtui.lessons.runner import LessonRunner

        self.lesson = lesson
        self.lang = lang
        self.runner = LessonRunner(lesson, lang)
        self.progress = Progress()
        self._lock = threading.Lock()  # the runner's evaluator is used by one thread at a time
        self._applied: str | None = None  # the setup the playground runs now
        self.shown: StepShown | None = None
        self.reveal: "Reveal | None" = None
        self.finished = False
        self._waited = False
        self._note = ""

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with VerticalScroll(id="lesson-body"):
            yield Static(id="lesson-text", markup=False)
            yield Static(id="lesson-question", markup=False)
            yield Static(id="lesson-reveal", markup=False)
        yield Input(id="lesson-answer", max_length=40, compact=True)
        yield Static(id="lesson-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#lesson-answer", Input).display = False
        self.set_interval(POLL, self._poll)
        self.go(0)

    # ------------------------------------------------------------ steps
    def go(self, index: int, *, again: bool = False) -> None:
        """Show step ``index`` (computing its numbers in a thread), apply its setup."""
        self.runner.index = index
        self.runner.repeat() if again else None
        self.reveal = self.runner.reveals.get(index)
        self._waited = False
        self._note = ""
        self.border_title = tr("panel.title", self.lang, i=index + 1, n=len(self.lesson))
        self.query_one("#lesson-text", Static).update(tr("panel.loading", self.lang))
        self.query_one("#lesson-question", Static).update("")
        self.query_one("#lesson-reveal", Static).update("")
        self.query_one("#lesson-answer", Input).display = False
        self._hint()
        self.run_worker(lambda: self._prepare(index, again), thread=True, group="lesson", exit_on_error=False)

    def _setup_key(self, values: dict[str, Any]) -> str:
        return json.dumps(values, sort_keys=True)

    def _prepare(self, index: int, force: bool) -> None:
        """Thread: the step's text and question with engine numbers; its problem if it changed."""
        from gdtui.errors import GdtuiError

        r = self.runner
        problem = None
        with self._lock:
            try:
                shown = StepShown(index, r.text(), r.keys(), r.question(), r.choice_labels())
                values = self.lesson.setup_at(index)
                key = self._setup_key(values)
                if force or key != self._applied:
                    problem = r.evaluator.problem(r.settings(index))
                    self._applied = key
            except GdtuiError as exc:
                shown = StepShown(index, "", error=str(exc).splitlines()[0])
        self.app.call_from_thread(self._show, shown, problem)

    def _show(self, shown: StepShown, problem: Any) -> None:
        if shown.index != self.runner.index:
            return  # the student moved on meanwhile
        self.shown = shown
        if problem is not None:
            self._send_problem(problem)
        self._view_note()
        body = Text(shown.text or shown.error)
        if shown.keys:
            body.append("\n" + tr("panel.keys", self.lang, keys=shown.keys), style="bold")
        self.query_one("#lesson-text", Static).update(body)
        question = Text()
        if shown.question:
            question.append(shown.question, style="bold")
            if shown.labels:  # options side by side: at 80x24 the panel has few rows
                question.append("\n" + "   ".join(f"{n}) {label}" for n, label in enumerate(shown.labels, 1)))
        self.query_one("#lesson-question", Static).update(question)
        answer = self.query_one("#lesson-answer", Input)
        asks = bool(shown.question) and self.reveal is None
        answer.display = asks
        if asks:
            answer.value = ""
            answer.placeholder = (tr("panel.answer.choice", self.lang, n=len(shown.labels)) if shown.labels
                                  else tr("panel.answer.number", self.lang))
            answer.focus()
            body = self.query_one("#lesson-body", VerticalScroll)
            self.call_after_refresh(body.scroll_end, animate=False)  # the question and its options
        self._show_reveal()
        self._hint()

    def _send_problem(self, problem: Any, then_at: int | None = None) -> None:
        """Hand a compiled problem to the playground (a fresh copy: the evaluator keeps its own)."""
        from dataclasses import replace

        from gdtui.ui.messages import ProblemReady

        fresh = replace(problem, settings=problem.settings.copy())
        screen = self.app.main_screen
        screen.post_message(ProblemReady(problem.settings.fn, fresh))
        if then_at is not None:
            screen.call_later(self._goto, then_at)

    def _goto(self, k: int) -> None:
        """Show the run at step k (stepping forward or back exactly)."""
        session = self.app.session
        run = session.run
        if run is None:
            return
        if run.k > k:
            session.back(run.k - k)
        elif run.k < k:
            session.step(k - run.k)
        self.app.main_screen.notice("")

    def _view_note(self) -> None:
        view = self.lesson.view_at(self.runner.index)
        self._note = ""
        if view == "single":
            return
        try:  # the math panels open over the playground: the student opens one by its key
            from gdtui.ui.screens.math_panel import PANELS
        except ImportError:
            PANELS = {}
        if view == "compare" and hasattr(self.app, "action_compare"):
            self._note = tr("panel.view.compare", self.lang)
            return
        if view in PANELS:
            key, title = PANELS[view]
            self._note = tr("panel.view.key", self.lang, key=key, title=title)
            return
        show_view = getattr(self.app, "show_view", None)
        if callable(show_view) and show_view(view):
            return
        self._note = tr("panel.view", self.lang, view=view)

    # ------------------------------------------------------------ answers
    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "lesson-answer":
            return
        event.stop()
        self.answer(event.value)

    def answer(self, text: str) -> None:
        """Take a prediction: the reveal is computed in a thread."""
        if self.shown is None or not self.shown.question or self.reveal is not None:
            return
        index = self.runner.index
        self.run_worker(lambda: self._judge(index, text), thread=True, group="lesson", exit_on_error=False)

    def _judge(self, index: int, text: str) -> None:
        from gdtui.errors import GdtuiError

        with self._lock:
            try:
                reveal = self.runner.answer(text)
                settings, at = self.runner.reveal_setup()
                values_key = self._setup_key(self.lesson.setup_at(index))
                if reveal.choice is not None:  # the true choice's own setup runs now
                    values_key = "choice:" + json.dumps([index, reveal.choice])
                problem = self.runner.evaluator.problem(settings)
            except GdtuiError as exc:
                self.app.call_from_thread(self._bad_answer, index, str(exc).splitlines()[0])
                return
        self.app.call_from_thread(self._revealed, index, reveal, problem, at, values_key)

    def _bad_answer(self, index: int, message: str) -> None:
        if index == self.runner.index:
            from gdtui.i18n import error_text

            self.query_one("#lesson-reveal", Static).update(Text(error_text(message, self.lang), style="bold"))

    def _revealed(self, index: int, reveal: "Reveal", problem: Any, at: int, key: str) -> None:
        if index != self.runner.index:
            return
        self.reveal = reveal
        self.progress.record(self.lesson.name, right=self.runner.right_count, asked=len(self.runner.reveals),
                             done=False)
        self.query_one("#lesson-answer", Input).display = False
        self._applied = key  # the playground now runs the revealed setup
        self._send_problem(problem, then_at=at)
        self._show_reveal()
        self._hint()
        self.app.main_screen.action_leave_field()

    def _show_reveal(self) -> None:
        r = self.reveal
        out = Text()
        if r is not None:
            p = self.runner.step.predict
            out.append(tr("panel.right" if r.right else "panel.wrong", self.lang),
                       style="bold green" if r.right else "bold red")
            out.append("  ")
            if r.choice is not None:
                out.append(tr("panel.truth.choice", self.lang, truth=r.truth))
                if not r.right:
                    out.append("\n" + tr("panel.given.choice", self.lang, given=r.given))
            else:
                at = p.at if p else 0
                out.append(tr("panel.truth", self.lang, k=at, truth=r.truth) if at
                           else tr("panel.truth0", self.lang, truth=r.truth))
                out.append("\n" + tr("panel.given", self.lang, given=r.given, diff=r.diff or "0"))
            out.append("\n" + r.why, style="italic")
        self.query_one("#lesson-reveal", Static).update(out)
        if r is not None:  # the reveal is what the student looks for now
            body = self.query_one("#lesson-body", VerticalScroll)
            self.call_after_refresh(body.scroll_end, animate=False)

    # ------------------------------------------------------------ moving
    def next_step(self) -> None:
        """Next step (the last one finishes the lesson)."""
        if self.runner.last:
            self.finished = True
            asked = len(self.runner.reveals)
            self.progress.record(self.lesson.name, right=self.runner.right_count, asked=asked, done=True)
            self._note = tr("panel.finished", self.lang, right=self.runner.right_count, asked=asked)
            self._hint()
            return
        self.go(self.runner.index + 1)

    def back_step(self) -> None:
        """Previous step (its setup comes back if it differs)."""
        if self.runner.index == 0:
            self._note = tr("panel.first", self.lang)
            self._hint()
            return
        self.go(self.runner.index - 1)

    def again(self) -> None:
        """Do the current step again: its setup restarts, its question can be answered anew."""
        self.go(self.runner.index, again=True)

    # ------------------------------------------------------------ status
    def _poll(self) -> None:
        step = self.runner.step
        if step.wait is None or self._waited or self.shown is None:
            return
        run = self.app.session.run
        if run is not None and run.k >= step.wait:
            self._waited = True
        self._hint()

    def _hint(self) -> None:
        lines = []
        step = self.runner.step
        if self._note:
            lines.append(self._note)
        if step.wait is not None and self.shown is not None:
            run = self.app.session.run
            if self._waited:
                lines.append(tr("panel.waited", self.lang))
            else:
                lines.append(tr("panel.wait", self.lang, k=step.wait, now=run.k if run is not None else 0))
        lines.append(tr("panel.hint", self.lang))
        self.query_one("#lesson-hint", Static).update(Text("\n".join(lines)))
