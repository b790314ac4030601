"""HelpScreen: every key, and what the rows of the state table mean."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["HelpScreen"]

HELP = """\
[b]Keys[/b]
  space    one step                 n        ten steps
  p        run / pause live         + / -    faster / slower
  b        one step back (exact)    r        reset to the start
  arrows   move the start (landscape focused; shift: bigger)
  l        log-scale loss           t        next theme
  tab      next field or pane       escape   leave a field
  enter    apply a field            ctrl+p   command palette
  ?        this help                q        quit
  In a field keys type text; enter applies it, escape leaves it.

[b]State table[/b] (row k: after k steps)
  w        the parameters now
  ∂f/∂w    the gradient at w (the next step uses it)
  Δw       the update just applied: w_k − w_(k−1); sgd: −η·g
  m, v …   the optimizer's state; m̂, v̂ bias-corrected
  f(w)     the loss (batch f: on this step's mini-batch)
  ‖∇f‖     length of the gradient: converged when tiny

[b]Live[/b] 1 to 10000 steps a second, redrawn at most 30 times
a second. A run stops by itself when it converges, diverges or
leaves the function's domain; the status line says why.

escape, q or ? closes this help."""


class HelpScreen(ModalScreen[None]):
    """Keys and meanings; escape closes."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "close", id="gd.help.close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(HELP, id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "help"
        if self.app.settings.ascii:  # type: ignore[attr-defined]
            text = HELP.replace("∂f/∂w", "df/dw").replace("Δw", "dw ").replace("η", "lr")
            text = text.replace("m̂, v̂", "m_hat, v_hat").replace("‖∇f‖", "|grad|")
            text = text.replace("−", "-").replace("…", "...").replace("×", "x").replace("·", "*")
            self.query_one("#help-text", Static).update(text)

    def action_close(self) -> None:
        """Back to the playground."""
        self.dismiss()
