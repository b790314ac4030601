"""MathPanel: the base of the 'inside the math' screens (gradient check, curvature, graph).

A panel is a full screen over the playground that looks at the run's *current*
point: it follows every step, back and reset (the run keys work here too, and act
on the same run), and it redraws when the point, the problem or its own setting
(h, the backward step, the data row) changes.  The numbers come from
:mod:`gdtui.engine.analysis` and :mod:`gdtui.engine.graph`, computed in a thread
worker (never on the event loop); the panel only lays them out.

``g``, ``c`` and ``d`` switch between the panels, escape goes back to the
playground.  `--view NAME` opens a panel at launch (see :data:`PANELS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from gdtui.ui.charset import charset_of
from gdtui.ui.fmt import fmt
from gdtui.ui.lang import localize_bindings
from gdtui.ui.widgets.footer import Footer

if TYPE_CHECKING:
    from gdtui.ui.app import GdApp

__all__ = ["PANELS", "MathPanel", "PanelInput", "panel_class"]

#: view name -> (key, title) of every panel; `--view` accepts these names.
PANELS: dict[str, tuple[str, str]] = {
    "gradcheck": ("g", "gradient check"),
    "curvature": ("c", "curvature"),
    "graph": ("d", "computation graph"),
}

#: How often a panel looks whether the run moved (a live run, a new problem), in seconds.
POLL = 0.25


def panel_class(name: str) -> type["MathPanel"]:
    """The screen class of a panel by view name (KeyError if unknown)."""
    if name == "gradcheck":
        from gdtui.ui.screens.gradcheck import GradCheckPanel

        return GradCheckPanel
    if name == "curvature":
        from gdtui.ui.screens.curvature import CurvaturePanel

        return CurvaturePanel
    if name == "graph":
        from gdtui.ui.screens.graph import GraphPanel

        return GraphPanel
    raise KeyError(name)


@dataclass(frozen=True)
class PanelInput:
    """What a panel computes from: a snapshot of the run's current row (plain values)."""

    problem: Any  # gdtui.problem.Problem
    k: int
    w: tuple[float, ...]
    loss: float
    lr: float  # of the next update (after the schedule)
    status: str


class MathPanel(Screen[None]):
    """A full-screen look inside the maths at the run's current point."""

    app: "GdApp"
    VIEW = ""

    DEFAULT_CSS = """
    MathPanel { layout: vertical; }
    MathPanel #math-head { height: auto; max-height: 2; background: $panel; padding: 0 1; }
    MathPanel #math-body { height: 1fr; padding: 0 1; }
    MathPanel .math-note { color: $text-muted; }
    MathPanel #math-quiz { height: 1fr; padding: 1 2; }
    """

    BINDINGS = [
        Binding("escape", "close", "back", id="gd.math.close", tooltip="back to the playground"),
        Binding("space", "run_step(1)", "step", id="gd.math.step", tooltip="one step of the run"),
        Binding("p", "run_live", "run", id="gd.math.run", show=False, tooltip="run / pause live"),
        Binding("b", "run_back", "back", id="gd.math.back", show=False, tooltip="one step back"),
        Binding("r", "run_reset", "reset", id="gd.math.reset", show=False, tooltip="back to the start"),
        Binding("g", "app.view('gradcheck')", "grad", id="gd.math.gradcheck", show=False),
        Binding("c", "app.view('curvature')", "curv", id="gd.math.curvature", show=False),
        Binding("d", "app.view('graph')", "graph", id="gd.math.graph", show=False),
    ]

    @dataclass
    class Computed(Message):
        """A worker's result for the input with this token."""

        token: int
        result: Any
        error: str | None = None

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)  # footer labels in the app's language and character set
        self._seen: tuple | None = None
        self._token = 0
        self.shown_token = -1  # the token of the result on screen
        self.input: PanelInput | None = None
        self.result: Any = None

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(id="math-head")
        with Vertical(id="math-body"):
            yield from self.compose_body()
        yield Footer(compact=True, show_command_palette=False)

    def compose_body(self) -> ComposeResult:
        """The panel's own widgets (inside a vertical scroll)."""
        yield Static(id="math-text")

    def on_mount(self) -> None:
        self._head()
        self.poll()
        self.set_interval(POLL, self.poll)

    def on_screen_resume(self) -> None:
        self.poll(force=True)

    def on_resize(self) -> None:
        # plots that sample at their own size recompute after the new layout
        self.call_after_refresh(self.poll)

    # ------------------------------------------------------------ text helpers
    def t(self, text: str) -> str:
        """``text`` as shown (the panels' symbols in ASCII under --ascii)."""
        return charset_of(self).math(text)

    def m(self, msg_id: str, **values: object) -> str:
        """The catalog message ``msg_id`` in the app's language, as shown (ASCII under --ascii)."""
        from gdtui.ui.lang import t

        return self.t(t(self, msg_id, **values))

    @staticmethod
    def n(value: float | None, width: int = 10) -> str:
        """A number in at most ``width`` characters (nan, inf, '-' for None)."""
        return fmt(value + 0.0, width) if value is not None else "-"  # + 0.0: no "-0"

    def point_text(self, inp: PanelInput) -> str:
        params = inp.problem.objective.params
        return ", ".join(f"{p} = {self.n(v, 9)}" for p, v in zip(params, inp.w))

    def _head(self) -> None:
        title = self.m(f"view.{self.VIEW}") if self.VIEW in PANELS else self.VIEW
        inp = self.input
        dot = charset_of(self).pick("·", "|")
        text = Text(f"{title}", style="bold")
        if inp is None:
            text.append(f"  {dot} {self.m('math.wait')}")
        else:
            step = self.m("status.step", k=inp.k)
            text.append(f"  {dot} {step}  {dot} {self.point_text(inp)}  {dot} f = {self.n(inp.loss)}")
            fn = inp.problem.settings.fn or inp.problem.objective.formula  # as typed
            text.append(f"\nf({', '.join(inp.problem.objective.params)}) = {fn}", style="dim")
        self.query_one("#math-head", Static).update(text)

    # ------------------------------------------------------------ following the run
    def snapshot(self) -> PanelInput | None:
        """The run's current row, or None before the first problem compiled."""
        session = self.app.session
        pos = session.position()
        if pos is None or session.problem is None:
            return None
        return PanelInput(session.problem, pos.k, pos.w, pos.loss, pos.lr, pos.status)

    @property
    def settled(self) -> bool:
        """True when what is on screen is the result for the latest input (for tests)."""
        self.poll()
        return self.result is not None and self.shown_token == self._token

    def settings_key(self) -> tuple:
        """The panel's own settings that change the result (h, row ...)."""
        return ()

    def poll(self, force: bool = False) -> None:
        """Recompute when the run, the problem or the panel's settings changed."""
        if not self.is_active and not force:
            return
        inp = self.snapshot()
        key = None if inp is None else (id(inp.problem), inp.k, inp.w, inp.lr, self.settings_key())
        if key == self._seen and not force:
            return
        self._seen = key
        self.input = inp
        self._head()
        if inp is None:
            self.show(None)
            return
        self._token += 1
        token = self._token
        compute = self.compute_function(inp)

        def job() -> None:
            try:
                result, error = compute(), None
            except Exception as exc:  # noqa: BLE001 - one line on screen, never a crash
                result, error = None, f"{type(exc).__name__}: {exc}"
            self.post_message(self.Computed(token, result, error))

        self.run_worker(job, thread=True, exclusive=True, group=f"math-{self.VIEW}")

    def on_math_panel_computed(self, message: "MathPanel.Computed") -> None:
        message.stop()
        if message.token != self._token:
            return  # the point moved on while this was computed
        if message.error is not None:
            self.query_one("#math-text", Static).update(Text(self.m("math.failed", err=message.error)))
            return
        self.result = message.result
        self.shown_token = message.token
        self.show(message.result)

    def compute_function(self, inp: PanelInput) -> Callable[[], Any]:
        """A function to run in a thread that returns what :meth:`show` draws (engine calls only)."""
        raise NotImplementedError

    def show(self, result: Any) -> None:
        """Draw ``result`` (None: nothing to show yet, see :meth:`blank`)."""
        raise NotImplementedError

    def blank(self) -> None:
        """Nothing to show yet: every text and picture of the panel's body empty."""
        from gdtui.ui.widgets.math_plots import CanvasView

        for static in self.query_one("#math-body").query(Static):
            static.update("")
        for view in self.query(CanvasView):
            view.set_draw(lambda w, h: None)

    # ------------------------------------------------------------ run keys
    def action_run_step(self, n: int) -> None:
        """Step the run (the same run the playground shows)."""
        self.app.main_screen.action_step(n)
        self.poll()

    def action_run_live(self) -> None:
        """Run or pause live (the panel follows a few times a second)."""
        self.app.main_screen.action_toggle_live()
        self.poll()

    def action_run_back(self) -> None:
        """One step back."""
        self.app.main_screen.action_back()
        self.poll()

    def action_run_reset(self) -> None:
        """Back to step 0."""
        self.app.main_screen.action_reset()
        self.poll()

    def action_close(self) -> None:
        """Back to the playground."""
        self.app.pop_screen()

    def set_quiz(self, on: bool, note: str = "") -> None:
        """While a lesson asks a question about this point the panel keeps its numbers
        (the answer) to itself and says so; the reveal shows them again."""
        from textual.css.query import NoMatches

        body = self.query_one("#math-body")
        body.display = not on
        try:
            cover = self.query_one("#math-quiz", Static)
        except NoMatches:
            cover = Static(id="math-quiz", classes="math-note")
            self.mount(cover, after=body)
        cover.update(Text(self.t(note)))
        cover.display = on

    def on_unmount(self) -> None:
        self.workers.cancel_group(self, f"math-{self.VIEW}")
