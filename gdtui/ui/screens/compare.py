"""CompareScreen: up to 64 runs of one problem side by side.

The field at the top says what is compared (``lr=0.01,0.1,0.7 steps=100``; enter
rebuilds); below are every run's path on the landscape (with a basin strip for 1-D
problems), every run's loss on one plot and the live leaderboard.  Space, n, p, b and
r act on all runs together; escape (or ``v``) returns to the single view, which goes
on with the first run's settings.  Building compiles (a thread), stepping is paced
like the single view's live running (a timer, within a time budget per frame).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Input, Static

from gdtui.settings import Settings
from gdtui.ui.lang import localize_bindings
from gdtui.ui.screens.live import LiveRunner
from gdtui.ui.widgets.compare_plots import BasinStrip, CompareLandscape, CompareLoss, Leaderboard
from gdtui.ui.widgets.footer import Footer
from gdtui.ui.widgets.in_order_input import InOrderInput

if TYPE_CHECKING:
    from gdtui.ui.app import GdApp
    from gdtui.ui.compare_session import CompareSession

__all__ = ["CompareScreen"]



@dataclass
class CompareReady(Message):
    """A comparison was built (in a thread)."""

    session: "CompareSession"
    text: str


@dataclass
class CompareFailed(Message):
    """The comparison text or a run's settings were refused: one line to show."""

    error: str
    text: str


@dataclass
class BasinsReady(Message):
    """The basin strip's runs finished (in a thread)."""

    basins: Any
    key: tuple


class CompareScreen(Screen[None]):
    """The compare view."""

    app: "GdApp"
    AUTO_FOCUS = None  # the run keys work at once; `e` edits what is compared

    live: var[bool] = var(False)
    """True while every run steps live (a timer runs); bound into the plots."""

    DEFAULT_CSS = """
    CompareScreen { layout: vertical; }
    CompareScreen #cmp-what { height: 1; padding: 0 1; }
    CompareScreen #cmp-label { width: auto; padding: 0 1 0 0; }
    CompareScreen #cmp-input { height: 1; width: 1fr; }
    CompareScreen #cmp-top { height: 1fr; min-height: 6; }
    CompareScreen #cmp-land-pane { width: 3fr; border: round $panel-lighten-2; }
    CompareScreen #cmp-loss-pane { width: 2fr; border: round $panel-lighten-2; }
    CompareScreen #cmp-board-pane { height: auto; max-height: 45%; border: round $panel-lighten-2; }
    CompareScreen #cmp-basins { display: none; }
    CompareScreen.-one-d #cmp-basins { display: block; }
    CompareScreen #cmp-status { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    BINDINGS = [
        Binding("space", "step(1)", "step", id="gd.compare.step"),
        Binding("n", "step(10)", "×10", id="gd.compare.step10"),
        Binding("p", "toggle_live", "run", id="gd.compare.run"),
        Binding("b", "back", "back", id="gd.compare.back"),
        Binding("r", "reset", "reset", id="gd.compare.reset"),
        Binding("plus,equals_sign", "faster", "faster", key_display="+", show=False),
        Binding("minus", "slower", "slower", key_display="-", show=False),
        Binding("l", "log", "log", id="gd.compare.log"),
        # tab edits (the field is the view's one field); e exports, as in the single view
        Binding("tab", "edit", "edit", id="gd.compare.edit", show=False, tooltip="change what is compared"),
        Binding("e", "export", "export", id="gd.compare.export", show=False,
                tooltip="export the comparison: csv, json, md and an svg of the screen"),
        Binding("escape,v", "leave", "single view", id="gd.compare.leave"),
    ]

    def __init__(self, base: Settings, text: str) -> None:
        super().__init__()
        self.base = base
        self.text = text
        self.session: "CompareSession | None" = None
        # live running as in the playground: the same runner, stepping every run at once
        self.runner = LiveRunner(self, lambda: self.session, self.draw,
                                 on_running=lambda running: setattr(self, "live", running))
        self._notice = ""  # set on mount (in the app's language)
        self._error = ""  # shown until the next comparison is built
        self._kept = ""  # where an export went: the whole line until the next key
        self.quiz = False  # a lesson asks about these runs: 2/λmax and its stars wait for the reveal
        self._basin_key: tuple | None = None
        localize_bindings(self)  # footer labels in the app's language and character set

    def _t(self, msg_id: str, **values: object) -> str:
        """A message in the app's language."""
        from gdtui.ui.lang import t

        return t(self, msg_id, **values)

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with Horizontal(id="cmp-what"):
            yield Static(self._t("cmp.label"), id="cmp-label")
            yield InOrderInput(self.text, id="cmp-input", compact=True, max_length=2000,
                               placeholder="lr=0.01,0.1,0.7 optimizer=sgd,adam steps=100")
        with Horizontal(id="cmp-top"):
            with Vertical(id="cmp-land-pane"):
                yield CompareLandscape(id="cmp-landscape").data_bind(CompareScreen.live)
                yield BasinStrip(id="cmp-basins").data_bind(CompareScreen.live)
            with Vertical(id="cmp-loss-pane"):
                yield CompareLoss(id="cmp-loss").data_bind(CompareScreen.live)
        with VerticalScroll(id="cmp-board-pane"):
            yield Leaderboard(id="cmp-board").data_bind(CompareScreen.live)
        yield Static("", id="cmp-status", markup=False)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#cmp-input", Input).can_focus = False  # until `e`: keys are run keys
        self.query_one("#cmp-land-pane").border_title = self._t("cmp.land")
        self.query_one("#cmp-loss-pane").border_title = self._t("cmp.loss")
        self.query_one("#cmp-board-pane").border_title = self._t("cmp.board")
        self.set_focus(None)
        self._status()
        self.build(self.text)

    # ------------------------------------------------------------ building
    def build(self, text: str) -> None:
        """Build the comparison ``text`` describes, in a thread; the result comes as a message."""
        self.stop_live()
        self._notice = self._t("cmp.building")
        self._status()
        base = self.base

        def job() -> None:
            from gdtui.comparison import build_comparison
            from gdtui.errors import GdtuiError
            from gdtui.ui.compare_session import CompareSession, default_steps, parse_compare_text

            try:
                axes, steps = parse_compare_text(text)
                settings = base.copy(max_steps=steps or default_steps(base), compare=())
                compared = build_comparison(settings, axes)
                msg: Message = CompareReady(CompareSession(compared, text), text)
            except GdtuiError as exc:
                msg = CompareFailed(exc.lines()[0], text)
            except Exception as exc:  # noqa: BLE001 - one line, never a crash
                msg = CompareFailed(self._t("cmp.failed", err=type(exc).__name__), text)
            self.post_message(msg)

        self.run_worker(job, thread=True, exclusive=True, group="compare", exit_on_error=False)

    def on_compare_ready(self, message: CompareReady) -> None:
        self.session = message.session
        self.text = message.text
        self._error = ""
        obj = self.session.compared.problem.objective
        self.set_class(False, "-one-d")  # the basin strip shows once it has two valleys to tell apart
        self.query_one(CompareLandscape).set_problem(obj)
        self.query_one("#cmp-board-pane").border_title = self._t("cmp.board.n", n=self.session.R)
        self._basin_key = None
        self._notice = self._kept = ""
        self.draw()

    def on_compare_failed(self, message: CompareFailed) -> None:
        self._error = self._t("cmp.error", error=self.app.error_text(message.error))
        self._status()

    def _leave_field(self) -> None:
        field = self.query_one("#cmp-input", Input)
        field.can_focus = False
        self.set_focus(None)

    def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        self._leave_field()
        self.build(message.value)

    def on_key(self, event: events.Key) -> None:
        focused = self.focused
        if event.key == "escape" and isinstance(focused, Input) and focused.id == "cmp-input":
            event.stop()
            focused.value = self.text  # an edit not submitted is dropped
            self._leave_field()

    # ------------------------------------------------------------ drawing
    def draw(self) -> None:
        """Push the comparison's current rows to every pane."""
        s = self.session
        if s is None:
            self._status()
            return
        c = s.comparison
        board = s.leaderboard()
        paths = [c.path(i) for i in range(s.R)]
        self.query_one(CompareLandscape).show_paths(paths, [s.marker(i) for i in range(s.R)], s.running_away())
        self.query_one(CompareLoss).show_losses([(r.index, r.marker, c.losses(r.index)) for r in board], c.k)
        if self.quiz:
            from dataclasses import replace

            board = [replace(r, above_lr_max=False) for r in board]
        self.query_one(Leaderboard).show_rows(board, None if self.quiz else s.max_stable_lr, c.k)
        self._status()
        if c.runs[0].objective.dims == 1:
            self.call_after_refresh(self._basins)

    def _status(self) -> None:
        s = self.session
        if s is None:
            line = self._error or self._notice
        else:
            state = self._t("cmp.live" if self.live else "cmp.paused")
            if not s.running:
                state = self._t("cmp.stopped")
            line = self._t("cmp.status", k=s.k, n=s.R, state=state, speed=f"{s.speed:,}")
            if self._error or self._kept:
                line = self._error or self._kept  # the whole line for what went wrong or where files went
            elif self._notice:
                line += f" · {self._notice}"
        self.query_one("#cmp-status", Static).update(self.app.notice_text(line))

    def _basins(self) -> None:
        """Start the basin strip's runs for the landscape's x range (once per view)."""
        s = self.session
        land = self.query_one(CompareLandscape)
        box = land.box
        width = land.size.width
        if s is None:
            return
        if box is None or width < 4:  # not painted yet: the strip follows the landscape's view
            self.set_timer(0.1, self._basins, name="basins-wait")
            return
        key = (id(s), box.x0, box.x1, width)
        if key == self._basin_key:
            return
        self._basin_key = key
        self.query_one(BasinStrip).show_message(self._t("cmp.basins.computing"))
        run0 = s.comparison.runs[0]
        lr = float(run0.optimizer.lr)
        # long enough to settle: about lr * steps = 10 units of "time", within bounds
        steps = int(min(20_000, max(1000, 10 / max(lr, 1e-12))))

        def job() -> None:
            from gdtui.engine.compare import basins
            from gdtui.engine.optimizers import make_optimizer

            try:
                b = basins(run0.objective, box.x0, box.x1, width,
                           [("sgd", make_optimizer("sgd", lr=lr)),
                            ("momentum", make_optimizer("momentum", lr=lr, momentum=0.9))], steps=steps)
            except Exception:  # noqa: BLE001 - a picture; the strip says it could not
                b = None
            self.post_message(BasinsReady(b, key))

        self.run_worker(job, thread=True, exclusive=True, group="basins", exit_on_error=False)

    def on_basins_ready(self, message: BasinsReady) -> None:
        if message.key != self._basin_key:
            return
        strip = self.query_one(BasinStrip)
        if message.basins is None:
            strip.show_message(self._t("cmp.basins.failed"))
        elif len(message.basins.minima) < 2:
            self.set_class(False, "-one-d")  # one valley: nothing to tell apart
        else:
            self.set_class(True, "-one-d")
            strip.show_basins(message.basins, ["sgd", "momentum"])

    # ------------------------------------------------------------ live
    def stop_live(self) -> None:
        """Pause every run (no timer left running)."""
        self.runner.stop()

    def _start_live(self) -> None:
        self.runner.start()

    # ------------------------------------------------------------ actions
    def action_step(self, n: int) -> None:
        """n steps of every run."""
        if self.session is None:
            return
        self.stop_live()
        self._notice = self._kept = ""
        self.session.step(n)
        self.draw()

    def action_back(self) -> None:
        """One step back, every run, exactly."""
        if self.session is None:
            return
        self.stop_live()
        self._notice = self._kept = ""
        self.session.back(1)
        self.draw()

    def action_reset(self) -> None:
        """Every run back to its start."""
        if self.session is None:
            return
        self.stop_live()
        self._notice = self._kept = ""
        self.session.reset()
        self.draw()

    def action_toggle_live(self) -> None:
        """Run or pause all runs live."""
        s = self.session
        if s is None:
            return
        if self.live:
            self.stop_live()
        elif not s.running:
            self._notice = self._t("cmp.allstopped")
        else:
            self._notice = self._kept = ""
            self._start_live()
        self._status()

    def action_faster(self) -> None:
        if self.session is not None:
            self.session.faster()
            self.runner.respeed()
            self._status()

    def action_slower(self) -> None:
        if self.session is not None:
            self.session.slower()
            self.runner.respeed()
            self._status()

    def action_log(self) -> None:
        """Log or linear loss axis."""
        self.query_one(CompareLoss).toggle_log()

    def action_edit(self) -> None:
        """Focus the field that says what is compared."""
        self.stop_live()
        field = self.query_one("#cmp-input", Input)
        field.can_focus = True
        field.focus()
        field.cursor_position = len(field.value)

    def action_export(self) -> None:
        """Export the comparison (csv, json, md, svg) into the working dir or --save-dir."""
        from gdtui.ui.keep_compare import export_compare

        self.stop_live()
        export_compare(self)

    def kept(self, line: str) -> None:
        """Say where the export went (status line and a notification)."""
        self._kept = line
        self._status()
        self.app.notify(line, timeout=8, markup=False)

    def action_leave(self) -> None:
        """Back to the single view, which goes on with the first run's settings."""
        self.stop_live()
        settings = self.session.first_settings if self.session is not None else None
        self.app.leave_compare(settings)
