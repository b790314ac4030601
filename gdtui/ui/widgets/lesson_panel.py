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
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from gdtui.i18n import tr
from gdtui.ui.widgets.in_order_input import InOrderInput

if TYPE_CHECKING:
    from gdtui.lessons.model import Lesson
    from gdtui.lessons.runner import Reveal
    from gdtui.ui.app import GdApp

__all__ = ["LessonPanel", "LessonSide", "StepShown"]

POLL = 0.25  # seconds between checks of a step's wait condition
WIDE = 110  # terminals at least this wide show the lesson right of a view, else under it
TALL = 30  # under a view, terminals less tall than this (80x24) get the compact layout


#: State-table rows (gdtui.ui.widgets.state_table) that show a question's quantity.
_ANSWER_ROWS = {"grad": {"grad", "grad_full", "norm", "norm_full"},
                "gradnorm": {"norm", "norm_full"},  # from the gradient it is the student's to work out
                "loss": {"loss", "batch"}}


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
        self.parts: dict[str, Any] = {"text": "", "question": "", "reveal": "", "hint": ""}
        self._asks = False  # the answer field is shown
        self._placeholder = ""
        self._view_base: Any = None  # the settings the step's compare view compares
        self._again = False

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with VerticalScroll(id="lesson-body"):
            yield Static(id="lesson-text", markup=False)
            yield Static(id="lesson-question", markup=False)
            yield Static(id="lesson-reveal", markup=False)
        yield InOrderInput(id="lesson-answer", max_length=40, compact=True)
        yield Static(id="lesson-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#lesson-answer", Input).display = False
        self.set_interval(POLL, self._poll)
        self.go(0)

    def _set(self, part: str, content: Any, side_content: Any = None) -> None:
        """Show ``content`` as one part (text, question, reveal, hint) here and beside any
        view (``side_content`` there, when given)."""
        content = self._plain(content)
        shown = content if side_content is None else self._plain(side_content)
        self.parts[part] = shown
        self.query_one(f"#lesson-{part}", Static).update(content)
        for side in self.sides():
            side.show_part(part, shown)

    def _plain(self, content: Any) -> Any:
        """``content`` (a str or a rich Text) as shown: under ``--ascii`` its symbols in
        ASCII (x², η, ∂ ...), its Hangul kept (see :mod:`gdtui.ui.ascii`)."""
        from gdtui.ui.charset import charset_of

        charset = charset_of(self)
        if not charset.ascii:
            return content
        return charset.styled(content) if isinstance(content, Text) else charset.text(str(content))

    def sides(self) -> list["LessonSide"]:
        """The copies of this panel beside the views open over the playground."""
        out = []
        for screen in self.app.screen_stack:
            # one still mounting copies everything from the panel when it is ready (on_mount)
            out.extend(side for side in screen.query(LessonSide) if side.is_mounted)
        return out

    def _attach_side(self) -> None:
        """Put the lesson beside the view on top (compare, a math panel), once per view."""
        from gdtui.ui.screens.compare import CompareScreen
        from gdtui.ui.screens.math_panel import MathPanel

        screen = self.app.screen
        if isinstance(screen, (CompareScreen, MathPanel)) and not screen.query(LessonSide):
            self._panel_h()  # a gradient check the student opened shows the step's h too
            from textual.widgets import Footer

            screen.add_class("-lesson")
            footers = screen.query(Footer)
            screen.mount(LessonSide(self), before=footers.first() if footers else None)
            self._mask_table(self._asks)  # the graph keeps the gradient a question to come asks for
            if self._asks:
                self._quiz(True)

    def _answer_field(self, asks: bool, placeholder: str = "") -> None:
        self._asks, self._placeholder = asks, placeholder
        self._quiz(asks)
        for field in [self.query_one("#lesson-answer", Input)] + [s.answer_field for s in self.sides()]:
            field.display = asks
            if asks:
                field.value = ""
                field.placeholder = placeholder
        if asks:
            side = next((s for s in self.sides() if s.screen is self.app.screen), None)
            (side.answer_field if side is not None else self.query_one("#lesson-answer", Input)).focus()

    # ------------------------------------------------------------ steps
    def go(self, index: int, *, again: bool = False) -> None:
        """Show step ``index`` (computing its numbers in a thread), apply its setup."""
        self.runner.index = index
        self.runner.repeat() if again else None
        self._again = again
        self.reveal = self.runner.reveals.get(index)
        self.shown = None  # until this step's numbers come: its wait is not judged on the old run
        self._waited = False
        self._note = ""
        self.border_title = self._plain(tr("panel.title", self.lang, i=index + 1, n=len(self.lesson)))
        for side in self.sides():
            side.border_title = self.border_title
        self._set("text", tr("panel.loading", self.lang))
        self._set("question", "")
        self._set("reveal", "")
        self._answer_field(False)
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
        elif self.lesson.view_at(shown.index) != "compare":
            self._start_over_if_ahead()
        self._open_view(problem.settings.copy() if problem is not None else None)
        body = Text(shown.text or shown.error)
        if shown.keys:
            body.append("\n" + tr("panel.keys", self.lang, keys=shown.keys), style="bold")
        self._set("text", body)
        self._set("question", self._question(shown, self.size.width - 3), self._question(shown, self._side_width()))
        asks = bool(shown.question) and self.reveal is None
        self._answer_field(asks, (tr("panel.answer.choice", self.lang, n=len(shown.labels)) if shown.labels
                                  else tr("panel.answer.number", self.lang)))
        if asks:
            self._scroll_end()  # the question and its options
        self._show_reveal()
        self._hint()

    def _side_width(self) -> int:
        """The text width of the lesson beside a view (LessonSide)."""
        width = self.app.size.width
        return 33 if width >= WIDE else width - 4

    @staticmethod
    def _question(shown: StepShown, width: int) -> Text:
        """The question and its options: side by side when they fit ``width`` cells, else
        one a line (rather than one broken across two)."""
        from rich.cells import cell_len

        question = Text()
        if shown.question:
            question.append(shown.question, style="bold")
            if shown.labels:
                options = [f"{n}) {label}" for n, label in enumerate(shown.labels, 1)]
                joined = "   ".join(options)
                if cell_len(joined) > max(width, 20):
                    joined = "\n".join(options)
                question.append("\n" + joined)
        return question

    def _start_over_if_ahead(self) -> None:
        """The run kept from an earlier step (its reveal left it at the asked step) starts
        again from step 0 when it is already where this step is going: an open question
        about step k must not have its answer on screen, and "press space, wait for step k"
        must reach step k by the keys the text names."""
        run = self.app.session.run
        if run is None or run.k == 0:
            return
        step = self.runner.step
        p = step.predict
        asks_ahead = (p is not None and self.reveal is None and p.at > 0
                      and (run.k >= p.at or run.status != "running"))
        waits_ahead = step.wait is not None and run.k >= step.wait
        if asks_ahead or waits_ahead:
            self.app.main_screen.action_reset()

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

    def _open_view(self, base: Any = None) -> None:
        """Open the view the step asks for (compare, a math panel, or back to the playground)
        with the lesson beside it; the view's key and escape are said in the hint."""
        from gdtui.ui.screens.compare import CompareScreen
        from gdtui.ui.screens.math_panel import PANELS, MathPanel

        app = self.app
        index = self.runner.index
        view = self.lesson.view_at(index)
        self._note = ""
        if not any(s is app.main_screen for s in app.screen_stack):
            return
        top = app.screen
        if not isinstance(top, (CompareScreen, MathPanel)) and top is not app.main_screen:
            return  # the help or the palette is open: it keeps the keys
        if view == "compare":
            text = self.lesson.compare_text(index)
            if isinstance(top, CompareScreen) and text in (None, top.text):
                if self._again:  # the step again: every run from its start
                    top.action_reset()
                self._note = tr("panel.view.compare.open", self.lang)
                return
            self._close_views()
            if base is not None:
                self._view_base = base
            app.action_compare(text, base=self._view_base)
            self._quiz(self._asks)
            self._note = tr("panel.view.compare.open", self.lang)
        elif view in PANELS:
            if isinstance(top, CompareScreen):
                self._close_views()
            app.action_view(view)
            self._panel_h()
            key, title = PANELS[view]
            self._note = tr("panel.view.open", self.lang, key=key, title=app.msg(f"view.{view}"))
        else:
            self._close_views()
            return
        app.call_after_refresh(self._attach_side)

    def _panel_h(self) -> None:
        """A gradient-check panel shows the h the step talks about (its question's h, e.g.
        lesson 6's 0.1 and 10⁻¹²; else 10⁻⁵), so its table is the question's numbers."""
        from gdtui.ui.screens.gradcheck import GradCheckPanel

        for screen in self.app.screen_stack:
            if isinstance(screen, GradCheckPanel) and screen.h != self.runner.step.h:
                screen.set_h(self.runner.step.h)

    def _quiz(self, asks: bool) -> None:
        """While a question is open the views keep its answer to themselves: the compare
        view its 2/λmax, a math panel its numbers (the reveal shows them)."""
        from gdtui.ui.screens.compare import CompareScreen
        from gdtui.ui.screens.math_panel import MathPanel

        self._mask_table(asks)
        for screen in self.app.screen_stack:
            if isinstance(screen, CompareScreen) and screen.quiz != asks:
                screen.quiz = asks
                if screen.session is not None:
                    screen.draw()
            elif isinstance(screen, MathPanel) and screen.is_mounted:
                screen.set_quiz(asks, tr("panel.quiz", self.lang))

    def panes_mounted(self) -> None:
        """The playground's panes exist now (they come after the first frame, maybe after
        this step opened): the state table gets the answers' masks too."""
        self._mask_table(self._asks)

    def _mask_table(self, asks: bool) -> None:
        """The playground's state table shows ``?`` for the rows that hold the answer (the
        gradient, its length, the loss) of this step's open question and of the questions
        still to come on the same run, at the steps they ask about."""
        from gdtui.ui.widgets.state_table import StateTable

        runner, lesson = self.runner, self.lesson
        here = lesson.setup_at(runner.index)
        rows_at: dict[int, set[str]] = {}
        for j in range(runner.index, len(lesson)):
            p = lesson.steps[j].predict
            if p is None or (j == runner.index and not asks) or j in runner.reveals:
                continue
            if lesson.setup_at(j) != here:
                break  # a new setup is a new run: its questions are about that one
            for q in [p.quantity or ""] + [c.test.quantity for c in p.choices if not c.setup]:
                rows_at.setdefault(p.at, set()).update(_ANSWER_ROWS.get(q.split(".")[0], set()))
        for table in self.app.main_screen.query(StateTable):
            table.mask({k: frozenset(rows) for k, rows in rows_at.items()})
        from gdtui.ui.screens.graph import GraphPanel

        asks_gradient = any("grad" in rows for rows in rows_at.values())
        for screen in self.app.screen_stack:
            if isinstance(screen, GraphPanel):
                screen.hide_gradient(asks_gradient)

    def _close_views(self) -> None:
        """Back to the playground: close the compare view and the math panels."""
        from gdtui.ui.screens.compare import CompareScreen
        from gdtui.ui.screens.math_panel import MathPanel

        app = self.app
        while isinstance(app.screen, (CompareScreen, MathPanel)):
            if isinstance(app.screen, CompareScreen):
                app.screen.stop_live()
            app.pop_screen()

    def _scroll_end(self) -> None:
        for body in [self.query_one("#lesson-body", VerticalScroll)] + [s.body for s in self.sides()]:
            self.call_after_refresh(body.scroll_end, animate=False)

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

            self._set("reveal", Text(error_text(message, self.lang), style="bold"))

    def _revealed(self, index: int, reveal: "Reveal", problem: Any, at: int, key: str) -> None:
        if index != self.runner.index:
            return
        self.reveal = reveal
        self.progress.record(self.lesson.name, right=self.runner.right_count, asked=len(self.runner.reveals),
                             done=False)
        self._answer_field(False)
        self._applied = key  # the playground now runs the revealed setup
        self._send_problem(problem, then_at=at)
        self._compare_to(at)
        self._show_reveal()
        self._hint()
        self.app.main_screen.action_leave_field()
        if self.app.screen is not self.app.main_screen:
            self.app.screen.set_focus(None)  # the view's keys work again

    def _reveal_text(self, width: int) -> Text:
        """The reveal: right or not, the true value (or choice), the difference, why."""
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
                if r.values:
                    out.append("\n" + self._choice_values(r, width))
            else:
                asked = p.at if p else 0
                at = asked if r.step is None else r.step  # the run may have stopped before the asked step
                if not at:
                    out.append(tr("panel.truth0", self.lang, truth=r.truth))
                else:
                    out.append(tr("panel.truth" if at == asked else "panel.truth.stopped", self.lang,
                                  k=at, truth=r.truth))
                out.append("\n" + tr("panel.given", self.lang, given=r.given, diff=r.diff or "0"))
            out.append("\n" + r.why, style="italic")
        return out

    def _show_reveal(self) -> None:
        self._set("reveal", self._reveal_text(self.size.width - 3), self._reveal_text(self._side_width()))
        r = self.reveal
        if r is not None:  # the reveal is what the student looks for now
            self._scroll_end()

    def _choice_values(self, r: "Reveal", width: int) -> str:
        """``loss of each: 1) 17.05  2) 0.2757  3) 0.2401``: what the choices were judged by
        (one a line when they do not fit ``width`` cells, rather than one broken in two)."""
        from rich.cells import cell_len

        from gdtui.lessons.runner import fmt_value
        from gdtui.messages_catalog import CATALOG

        def word(v: Any) -> str:
            if r.quantity == "status" and v == "running":
                v = "max-steps"  # still going at the asked step: what the compare view's leaderboard says
            return tr(f"status.{v}", self.lang) if isinstance(v, str) and f"status.{v}" in CATALOG else fmt_value(v)

        name = f"panel.q.{r.quantity}"
        quantity = tr(name, self.lang) if name in CATALOG else r.quantity
        values = [f"{n}) {word(v)}" for n, v in enumerate(r.values, 1)]
        line = tr("panel.values", self.lang, quantity=quantity, values="  ".join(values))
        if cell_len(line) <= max(width, 20):
            return line
        return tr("panel.values", self.lang, quantity=quantity, values="").rstrip() + "\n  " + "\n  ".join(values)

    def _compare_to(self, at: int) -> None:
        """On a reveal in the compare view: every run goes to the step the question asked about."""
        from gdtui.ui.screens.compare import CompareScreen

        screen = self.app.screen
        if isinstance(screen, CompareScreen) and screen.session is not None:
            screen.stop_live()
            k = screen.session.k
            if k < at:
                screen.session.step(at - k)
            elif k > at:
                screen.session.back(k - at)
            screen.draw()

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
        self._attach_side()  # a view the student opened by its key gets the lesson beside it too
        step = self.runner.step
        if step.wait is None or self._waited or self.shown is None:
            return
        k = self._step_now()
        if k is not None and k >= step.wait:
            self._waited = True
        self._hint()

    def _step_now(self) -> int | None:
        """The step on screen: the compare view's when it is open, else the run's."""
        from gdtui.ui.screens.compare import CompareScreen

        screen = self.app.screen
        if isinstance(screen, CompareScreen):
            return screen.session.k if screen.session is not None else None
        run = self.app.session.run
        return run.k if run is not None else None

    def _hint(self) -> None:
        lines = []
        step = self.runner.step
        if self._note:
            lines.append(self._note)
        if step.wait is not None and self.shown is not None:
            if self._waited:
                lines.append(tr("panel.done" if self.runner.last else "panel.waited", self.lang))
            else:
                lines.append(tr("panel.wait", self.lang, k=step.wait, now=self._step_now() or 0))
        lines.append(tr("panel.hint", self.lang))
        # beside a view the footer says its keys: the note is left out there (rows are few)
        side = lines[1:] if self._note and self.lesson.view_at(self.runner.index) != "single" else lines
        self._set("hint", Text("\n".join(lines)), Text("\n".join(side)))


class LessonSide(Vertical):
    """The lesson beside a view opened over the playground (the compare view, a math
    panel): a copy of the panel's text, question, reveal and hint, with its own answer
    field that answers through the panel."""

    DEFAULT_CSS = """
    LessonSide {
        height: auto; max-height: 9; width: 1fr;
        border: round $primary; border-title-color: $foreground; border-title-style: bold;
        padding: 0 0 0 1;
    }
    LessonSide.-wide { dock: right; width: 36; height: 1fr; max-height: 100%; }
    .-ascii LessonSide { border: ascii $primary; }
    LessonSide #side-body { height: auto; max-height: 5; scrollbar-size-vertical: 1; }
    LessonSide.-wide #side-body { height: 1fr; max-height: 100%; }
    LessonSide .side-part { margin: 0 1 0 0; }
    LessonSide #side-answer { height: 1; margin: 0 1 0 0; }
    LessonSide #side-hint { height: auto; color: $text-muted; }
    """

    def __init__(self, panel: LessonPanel) -> None:
        super().__init__()
        self.panel = panel

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="side-body"):
            for part in ("text", "question", "reveal"):
                yield Static(id=f"side-{part}", classes="side-part", markup=False)
        yield InOrderInput(id="side-answer", max_length=40, compact=True)
        yield Static(id="side-hint", markup=False)

    @property
    def answer_field(self) -> Input:
        return self.query_one("#side-answer", Input)

    @property
    def body(self) -> VerticalScroll:
        return self.query_one("#side-body", VerticalScroll)

    @property
    def compact(self) -> bool:
        """Under a view on a short terminal (80x24): the view keeps the rows it needs to
        draw, the lesson gives way (its keys on its bottom edge, its text scrolls)."""
        size = self.screen.size
        return size.width < WIDE and size.height < TALL

    def _fit(self) -> None:
        # at 80 columns the views need their width: the lesson goes under them; wide
        # terminals have room for it on the right; short ones get the compact layout
        # (styles/lesson.tcss: the view's screen gets -lesson-compact too)
        compact = self.compact
        self.set_class(self.screen.size.width >= WIDE, "-wide")
        self.set_class(compact, "-compact")
        self.screen.set_class(compact, "-lesson-compact")
        if self.query("#side-hint"):  # composed: the keys move to or from the bottom edge
            self.show_part("hint", self.panel.parts.get("hint", ""))

    def on_resize(self) -> None:
        self._fit()

    def on_mount(self) -> None:
        panel = self.panel
        self._fit()
        self.border_title = panel.border_title
        for part, content in panel.parts.items():
            self.show_part(part, content)
        field = self.answer_field
        field.display = panel._asks
        field.placeholder = panel._placeholder
        if panel._asks:
            field.focus()

    def show_part(self, part: str, content: Any) -> None:
        found = self.query(f"#side-{part}")
        if not found:
            return  # not composed yet: on_mount copies every part from the panel
        widget = found.first(Static)
        widget.update(content)
        widget.display = bool(str(content))  # rows are few: an empty part takes none
        if part == "hint":  # compact: the keys on the bottom edge, a row for the text
            compact = self.has_class("-compact")
            widget.display = widget.display and not compact
            lines = [line for line in str(content).splitlines() if line.strip()]
            from gdtui.ui.charset import charset_of

            sep = charset_of(self).pick(" · ", " - ")
            self.border_subtitle = Text(sep.join(lines)) if compact and lines else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.panel.answer(event.value)

    def on_key(self, event: events.Key) -> None:
        # escape leaves the answer field (the view's keys work again), not the view
        if event.key == "escape" and self.answer_field.has_focus:
            event.stop()
            event.prevent_default()
            self.screen.set_focus(None)
