"""MainScreen: composes the panes and is the only place that knows all of them.

Data flows one way.  Panes post what the user did (messages up); this screen turns
it into calls on the app's :class:`~gdtui.ui.controller.Session` and pushes the
session's :class:`~gdtui.ui.controller.StateView` back down with `_draw`
(attributes down): no pane reads the run or another pane.  Whether the run is live
is this screen's ``live`` reactive, bound into the panes that redraw less often
while live.  Compiling runs in thread workers that post messages back; live running
is a :class:`~gdtui.ui.screens.live.LiveRunner` (a timer, stopped when paused).
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Input, Static

from gdtui.ui.lang import localize_bindings
from gdtui.ui.screens.live import DRAW_FPS, LiveRunner
from gdtui.ui.widgets.status_bar import StatusBar, TooSmall

if TYPE_CHECKING:
    from gdtui.ui.app import GdApp
    from gdtui.ui.controller import Session
    from gdtui.ui.messages import PreviewReady, ProblemFailed, ProblemReady
    from gdtui.ui.widgets.function_pane import FunctionPane
    from gdtui.ui.widgets.landscape import Landscape
    from gdtui.ui.widgets.loss_plot import LossPlot
    from gdtui.ui.widgets.optimizer_pane import OptimizerPane
    from gdtui.ui.widgets.recent_steps import RecentSteps
    from gdtui.ui.widgets.state_table import StateTable

__all__ = ["MIN_SIZE", "MainScreen"]

#: The state table's notes (gdtui.ui.widgets.state_table) by message id, for the user's language.
_TABLE_NOTES = {"inf = overflow": "state.overflow", "not finite: see the status line": "state.notfinite"}

MIN_SIZE = (60, 20)
SPEED = Binding.Group("speed", compact=True)
#: Actions whose keys a focused text field takes for itself (hidden from the footer there).
_RUN_KEYS = {"step", "toggle_live", "back", "reset", "faster", "slower", "log", "next_theme",
             "cycle_update", "next_axes"}
#: Keys pressed before the first problem is ready are kept (in order) and acted on then.
PENDING_KEYS = 32

_Action = TypeVar("_Action", bound=Callable[..., Any])


def _kept_until_ready(action: _Action) -> _Action:
    """A run key's action: pressed before the first problem is ready it is kept (in order,
    at most ``PENDING_KEYS``) and acted on then (``MainScreen._act_on_kept_keys``)."""
    name = action.__name__.removeprefix("action_")

    @wraps(action)  # Textual reads the action's parameters from its signature
    def act_or_keep(self: "MainScreen", *args: object) -> None:
        pending = self._pending
        if pending is None:
            action(self, *args)
        elif len(pending) < PENDING_KEYS:
            pending.append((name, args))

    return act_or_keep  # type: ignore[return-value]


class MainScreen(Screen[None]):
    """The playground: function, optimizer, state, landscape and loss."""

    app: "GdApp"

    live: var[bool] = var(False)
    """True while the run steps live (the LiveRunner's timer runs); bound into the panes."""
    live_fps: var[float] = var(DRAW_FPS)
    """Live frames a second the runner draws now (lower when busy); bound into the panes,
    which then redraw in proportion."""

    BINDINGS = [
        Binding("space", "step(1)", "step", id="gd.step", tooltip="take one step"),
        Binding("n", "step(10)", "×10", id="gd.step10", tooltip="take ten steps"),
        Binding("p", "toggle_live", "run", id="gd.run", tooltip="run / pause live"),
        Binding("b", "back", "back", id="gd.back", tooltip="one step back (exact)"),
        Binding("r", "reset", "reset", id="gd.reset", tooltip="back to the start point"),
        Binding("plus,equals_sign", "faster", "faster", id="gd.faster", group=SPEED,
                key_display="+"),
        Binding("minus", "slower", "slower", id="gd.slower", group=SPEED, key_display="-"),
        Binding("l", "log", "log", id="gd.log", tooltip="log-scale loss axis"),
        # u and a are named where they act (the rule over the update, the state pane's
        # note of hidden parameters): the footer has no room left at 80 columns
        Binding("u", "cycle_update", "update", id="gd.update", show=False,
                tooltip="last update of the next parameter, or the recent steps"),
        Binding("x", "next_axes", "axes", id="gd.axes", show=False,
                tooltip="the next two parameters for the landscape slice (3+ parameters)"),
        Binding("t", "next_theme", "theme", id="gd.theme", tooltip="next theme", show=False),
        # shown only while a field has focus (check_action): the keys that work there
        # (enter belongs to the field itself, so the footer cannot show it on its own)
        Binding("escape", "leave_field", "leave field · enter applies", id="gd.field.leave"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)  # footer labels in the app's language and character set
        self.runner = LiveRunner(self, lambda: self.app.session, self._draw,
                                 on_running=lambda running: setattr(self, "live", running),
                                 on_rate=lambda fps: setattr(self, "live_fps", fps))
        self._preview_text: str | None = None
        self._notice = ""
        self._paused = False  # a live run was paused (and nothing else happened since)
        self._panes_asked = False  # first_frame_shown was called
        self._panes_mounted = False  # the panes replace the first frame's placeholders
        self._pending: list[tuple[str, tuple[object, ...]]] | None = []
        """Run keys pressed before the first problem was ready (None once it was)."""

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        """The first frame: the panes' frames and titles, each saying "loading…".

        It needs Textual and nothing else: the panes themselves (and with them the
        engine, numpy and plotext) come right after it, in :meth:`_mount_panes`."""
        loading = self.app.notice_text(self.app.msg("main.loading"))
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield Static(loading, id="function-loading", classes="loading loading-pane")
                yield Static(id="optimizer-loading", classes="loading loading-pane")
                with Vertical(id="state"):
                    yield Static(loading, classes="loading")
            with Vertical(id="right"):
                with Vertical(id="landscape-pane"):
                    yield Static(loading, classes="loading")
                with Vertical(id="loss-pane"):
                    yield Static(loading, classes="loading")
        yield StatusBar(id="status")
        yield TooSmall(id="too-small")
        yield Static(id="footer-loading", classes="loading")  # the footer's row

    def on_mount(self) -> None:
        self._set_titles()
        self.query_one(StatusBar).update(self.app.notice_text(self.app.msg("status.compiling")))

    def first_frame_shown(self) -> None:
        """The app's first frame is on the terminal (Textual's ``Ready``): the panes now.

        Not ``call_after_refresh`` from ``on_mount`` alone: while Textual starts an app
        (in a batch update) a screen's idle callbacks can run before anything is
        painted, and on a slow machine the panes then came before the first frame."""
        if not self._panes_asked:
            self._panes_asked = True
            # queued on this screen (after any paint it has queued), run in its context
            self.call_later(self.call_after_refresh, self._mount_panes)

    def _set_titles(self) -> None:
        titles = {"#function": "function", "#optimizer": "optimizer", "#state": "state",
                  "#landscape-pane": "landscape", "#loss-pane": "loss", "#recent": "recent",
                  "#function-loading": "function", "#optimizer-loading": "optimizer"}
        for selector, title in titles.items():
            for node in self.query(selector):
                node.border_title = self.app.msg(f"pane.{title}")

    async def _mount_panes(self) -> None:
        """Right after the first frame: the real panes in place of the placeholders, in one
        screen update; then compiling starts.  Only from here on does anything import
        the engine, numpy or plotext."""
        from gdtui.ui import jobs
        from gdtui.ui.widgets.footer import Footer
        from gdtui.ui.widgets.function_pane import FunctionPane
        from gdtui.ui.widgets.landscape import Landscape
        from gdtui.ui.widgets.loss_plot import LossPlot
        from gdtui.ui.widgets.optimizer_pane import OptimizerPane
        from gdtui.ui.widgets.recent_steps import RecentSteps
        from gdtui.ui.widgets.state_table import StateTable

        with self.app.batch_update():  # no frame shows half of it
            await self.query(".loading").remove()
            await self.query_one("#left").mount(
                FunctionPane(jobs.preset_options(), id="function"),
                OptimizerPane(jobs.optimizer_specs(), id="optimizer"), before="#state")
            await self.query_one("#state").mount(
                StateTable(id="table"),
                RecentSteps(id="recent").data_bind(MainScreen.live, MainScreen.live_fps))
            await self.query_one("#landscape-pane").mount(
                Landscape(id="landscape").data_bind(MainScreen.live, MainScreen.live_fps))
            await self.query_one("#loss-pane").mount(LossPlot(id="loss").data_bind(MainScreen.live, MainScreen.live_fps))
            await self.mount(Footer(compact=True, show_command_palette=False))
            self._set_titles()
            self._panes_mounted = True
            self._function_pane.show_busy()
            if self.focused is None:  # a lesson's answer field may have it already
                self._landscape.focus()
            from gdtui.ui.widgets.lesson_panel import LessonPanel

            for lesson in self.query(LessonPanel):  # its open question's answers stay hidden
                lesson.panes_mounted()
            self._draw()
        # After this frame: the compile thread would compete with it for the GIL.
        self.call_after_refresh(jobs.compile_problem, self, self.app.settings, "")

    # ------------------------------------------------------------ the panes (mounted after the first frame)
    @property
    def _function_pane(self) -> "FunctionPane":
        return self.query_one("#function")  # type: ignore[return-value]

    @property
    def _optimizer_pane(self) -> "OptimizerPane":
        return self.query_one("#optimizer")  # type: ignore[return-value]

    @property
    def _landscape(self) -> "Landscape":
        return self.query_one("#landscape")  # type: ignore[return-value]

    @property
    def _loss_plot(self) -> "LossPlot":
        return self.query_one("#loss")  # type: ignore[return-value]

    @property
    def _recent_steps(self) -> "RecentSteps":
        return self.query_one("#recent")  # type: ignore[return-value]

    @property
    def _state_table(self) -> "StateTable":
        return self.query_one("#table")  # type: ignore[return-value]

    def _act_on_kept_keys(self) -> None:
        """The first problem is ready (or failed): the keys pressed meanwhile, in order."""
        pending, self._pending = self._pending or [], None
        for action, args in pending:
            getattr(self, f"action_{action}")(*args)

    def on_resize(self, event: events.Resize) -> None:
        w, h = event.size
        small = w < MIN_SIZE[0] or h < MIN_SIZE[1]
        self.set_class(small, "-too-small")
        self.set_class(w >= 120 and h >= 36, "-roomy")
        if small:
            self.query_one(TooSmall).show(w, h, MIN_SIZE)

    # ------------------------------------------------------------ drawing
    def _draw(self) -> None:
        """Push the session's current row to every pane (called at most once a frame)."""
        if not self._panes_mounted:
            return  # the first frame: placeholders
        session = self.app.session
        view = session.view()
        recent = self._recent_steps
        table = self._state_table
        landscape = self._landscape
        table.priority = landscape.axes
        table.show_state = not recent.showing_update
        table.show(view)
        recent.show(session.recent(recent.capacity), session.params,
                    view.worked if view is not None else None)
        state = self.query_one("#state")
        note = _TABLE_NOTES.get(table.note)  # inf or nan on show: what it means
        note = self.app.msg(note) if note else table.note
        from gdtui.ui.widgets.state_table import bottom_edge

        # the edge's room: the pane less its corners and the title's margins
        edge = bottom_edge(table.hidden, note, state.outer_size.width - 6, self.app.msg)
        subtitle = self.app.notice_text(edge)  # ASCII under --ascii
        if state.border_subtitle != subtitle:
            state.border_subtitle = subtitle
        status = self.query_one(StatusBar)
        if view is None:
            status.show("running", "", live=False, speed=session.speed, k=0,
                        notice=self.app.notice_text(self._notice or self.app.msg("status.compiling")))
            return
        # A new border title redraws the whole pane (~6 KB a frame at 120x40), so while
        # running live the title says so once and the step shows in the status line.
        title = self.app.notice_text(self.app.msg("pane.state.live") if self.live
                                     else self.app.msg("pane.state.step", k=view.k))
        if state.border_title != title:
            state.border_title = title
        notice = self._notice
        if self.live and session.pacer.capped and not notice:
            notice = self.app.msg("main.top", v=f"{session.pacer.top_speed():,}")
        if not notice and view.note:  # e.g. Newton fell back to a gradient step
            from gdtui.engine.optimizers.newton import NEWTON_FALLBACK_NOTE

            note = self.app.msg("worked.newton_fallback") if view.note == NEWTON_FALLBACK_NOTE else view.note
            notice = self.app.msg("main.note", k=view.k, note=note)
        notice = self.app.notice_text(notice)
        status.show(view.status, view.reason, live=self.live, speed=session.speed, k=view.k,
                    notice=notice, paused=self._paused and not self.live)
        self._loss_plot.show_history(view.losses, view.k, view.is_batch)
        # the arrow and the tangent belong to the picture of f, which is the full loss
        landscape.show_path(view.path, view.k, view.gradient, view.best, view.batch)

    def _new_problem_drawn(self) -> None:
        """After the problem or start changed: tell the landscape, then draw."""
        session = self.app.session
        if session.problem is not None:
            self._landscape.set_problem(session.problem.objective, session.start_point(),
                                                  session.problem.dataset, session.known_minimum())
        self._draw()

    def notice(self, text: str) -> None:
        """A short note in the status bar (cleared by the next user action)."""
        self._notice = text
        self._draw()

    # ------------------------------------------------------------ worker results
    def on_problem_ready(self, message: ProblemReady) -> None:
        if not self._panes_mounted:  # e.g. a compare view left before the panes came
            self.call_after_refresh(self.on_problem_ready, message)
            return
        session = self.app.session
        problem = message.problem
        session.set_problem(problem)
        obj = problem.objective
        self._function_pane.show_running(problem.settings.fn, problem.settings.preset,
                                         obj.params, obj.derivative_formulas)
        self._optimizer_pane.show_settings(problem.settings, obj.params,
                                           obj.uses_data, session.preset_lr())
        self.stop_live()
        self._paused = False
        self._notice = ""
        self._new_problem_drawn()
        self._act_on_kept_keys()

    def on_problem_failed(self, message: ProblemFailed) -> None:
        if not self._panes_mounted:
            self.call_after_refresh(self.on_problem_failed, message)
            return
        self._show_error(message.error)
        # the field keeps the rejected text: it looks invalid until fixed (or escape)
        self._function_pane.mark_rejected(True)
        running = self.app.session.problem
        self.notice(self.app.msg("status.kept") if running else self.app.msg("status.nofn"))
        self._act_on_kept_keys()

    def _show_error(self, error: Exception) -> None:
        """An expression error under the input: its one line, and a caret when it has a column."""
        text = getattr(error, "text", None)
        column = getattr(error, "column", None)
        if text != self._function_pane.text:
            column = None  # the caret would point into other text
        line = str(error)
        if column is not None and getattr(error, "message", None):
            hint = getattr(error, "hint", "")  # the caret shows where: say what and how to fix
            line = f"{error.message}: {hint}" if hint else error.message
        self._function_pane.show_error(self.app.error_text(line), column)

    def on_preview_ready(self, message: PreviewReady) -> None:
        if message.text != self._preview_text or not self._panes_mounted:
            return  # the user kept typing: a newer preview is on its way
        pane = self._function_pane
        if message.error is not None:
            self._show_error(message.error)
        elif message.objective is not None:
            pane.show_formulas(message.objective.params, message.objective.derivative_formulas)
            pane.mark_rejected(False)

    # ------------------------------------------------------------ pane messages
    def on_function_pane_edited(self, message: FunctionPane.Edited) -> None:
        problem = self.app.session.problem
        if problem is not None and message.text.strip() == problem.settings.fn.strip():
            self._preview_text = None  # the function already running: nothing to check
            self._function_pane.mark_rejected(False)
            obj = problem.objective
            self._function_pane.show_formulas(obj.params, obj.derivative_formulas)
            return
        self._preview_text = message.text
        self._function_pane.show_busy()
        from gdtui.ui import jobs

        jobs.preview(self, message.text, self.app.session.columns)

    def on_function_pane_submitted(self, message: FunctionPane.Submitted) -> None:
        self._preview_text = None
        session = self.app.session
        base = session.problem.settings if session.problem else self.app.settings
        settings = base.copy(fn=message.text, preset=None, start={})
        start = dict(base.start) if session.problem else {}
        self._function_pane.show_busy()
        from gdtui.ui import jobs

        jobs.compile_problem(self, settings, message.text, keep_start=start)
        self._landscape.focus()

    def on_function_pane_preset_chosen(self, message: FunctionPane.PresetChosen) -> None:
        self.choose_preset(message.name)

    def choose_preset(self, name: str) -> None:
        """Load a preset with its own settings (display options kept)."""
        s = self.app.settings
        settings = type(s)(preset=name, theme=s.theme, ascii=s.ascii)
        if self._panes_mounted:
            self._function_pane.show_busy()
        from gdtui.ui import jobs

        jobs.compile_problem(self, settings, name)

    def on_optimizer_pane_applied(self, message: OptimizerPane.Applied) -> None:
        from gdtui.errors import GdtuiError

        pane = self._optimizer_pane
        try:
            self.app.session.apply_options(message.optimizer, message.hyper, message.schedule,
                                           message.start, message.batch_size, message.seed,
                                           message.lr_typed)
        except GdtuiError as exc:
            pane.show_error(self.app.error_text(exc.lines()[0]))
            return
        self.stop_live()
        pane.show_error(None)
        self._notice = self.app.msg("status.applied")
        self._landscape.focus()
        self._new_problem_drawn()

    def choose_optimizer(self, name: str) -> None:
        """Switch optimizer from the command palette (same as picking it in the pane)."""
        if not self._panes_mounted:  # the palette was quicker than the first frame
            self.call_after_refresh(self.choose_optimizer, name)
            return
        self._optimizer_pane.choose(name)

    def on_recent_steps_resized(self, message: RecentSteps.Resized) -> None:
        message.stop()
        self._draw()

    def on_landscape_start_moved(self, message: Landscape.StartMoved) -> None:
        session = self.app.session
        if session.problem is None:
            return
        self.stop_live()
        session.set_start(message.start)
        self._optimizer_pane.show_start(session.params, session.start_point())
        self._notice = ""
        self._draw()  # the landscape keeps its view; the path now starts elsewhere

    # ------------------------------------------------------------ actions
    @_kept_until_ready
    def action_step(self, n: int) -> None:
        """Take n steps now (pauses a live run first)."""
        self._move(lambda session: session.step(n))

    @_kept_until_ready
    def action_back(self) -> None:
        """One step back, exactly."""
        self._move(lambda session: session.back(1))

    @_kept_until_ready
    def action_reset(self) -> None:
        """Back to step 0."""
        self._move(lambda session: session.reset())

    def _move(self, intent: "Callable[[Session], object]") -> None:
        """A step key: pause a live run, clear the notice, send ``intent`` to the session, draw."""
        self.stop_live()
        self._paused = False
        self._notice = ""
        intent(self.app.session)
        self._draw()

    @_kept_until_ready
    def action_toggle_live(self) -> None:
        """Run or pause live."""
        if self.live:
            self.stop_live()
            self._paused = True
            self._draw()
            return
        run = self.app.session.run
        if run is None:
            return
        if run.status != "running":
            self.notice(self.app.msg("status.reset", status=run.status))
            return
        self._notice = ""
        self.runner.start()
        self._draw()

    def stop_live(self) -> None:
        """Pause a live run (no timer left running)."""
        self.runner.stop()

    @_kept_until_ready
    def action_faster(self) -> None:
        """Next speed up."""
        self.app.session.faster()
        self._respeed()

    @_kept_until_ready
    def action_slower(self) -> None:
        """Next speed down."""
        self.app.session.slower()
        self._respeed()

    def _respeed(self) -> None:
        self.runner.respeed()
        self._draw()

    @_kept_until_ready
    def action_log(self) -> None:
        """Toggle the loss plot's log scale."""
        self._loss_plot.toggle_log()

    @_kept_until_ready
    def action_cycle_update(self) -> None:
        """The worked update of the next parameter, then the recent steps."""
        self._recent_steps.cycle()
        self._draw()

    @_kept_until_ready
    def action_next_axes(self) -> None:
        """The next pair of parameters in the landscape's slice (and first in the table)."""
        pair = self._landscape.next_axes()
        params = self.app.session.params
        if len(params) > 2:
            self.notice(self.app.msg("main.axes", a=params[pair[0]], b=params[pair[1]]))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`a` only with 3+ parameters; while a field has focus the run keys are hidden
        from the footer (the field takes the letters)."""
        if not self.available(action):
            return False
        in_field = isinstance(self.focused, Input)
        if action in _RUN_KEYS and in_field:
            return False
        if action == "leave_field" and (self.focused is None or self.focused.id == "landscape"):
            return False  # already where the run keys work: nothing to leave
        return True

    def available(self, action: str) -> bool:
        """Whether ``action`` means anything now, whatever has focus (the palette asks):
        other axes only with 3+ parameters."""
        return not (action == "next_axes" and len(self.app.session.params) < 3)

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_next_theme(self) -> None:
        """Cycle the themes."""
        self.app.next_theme()

    def action_leave_field(self) -> None:
        """Escape from a field: focus the landscape, where the run keys work.

        The function field gets the running function back; a number field that does
        not parse keeps its text but looks invalid (enter applies, or the next
        problem's settings replace it)."""
        if not self._panes_mounted:
            return
        focused = self.focused
        problem = self.app.session.problem
        fn_pane, opt_pane = self._function_pane, self._optimizer_pane
        if focused is not None and fn_pane in focused.ancestors and problem is not None:
            obj = problem.objective
            fn_pane.show_running(problem.settings.fn, problem.settings.preset, obj.params,
                                 obj.derivative_formulas)
        elif focused is not None and opt_pane in focused.ancestors:
            opt_pane.mark_invalid()
        self._landscape.focus()
