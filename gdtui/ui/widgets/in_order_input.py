"""An Input that applies every key in the order it came (Textual issue #6605).

Textual's Input inserts a typed character as soon as its key event arrives, but its
editing keys (backspace, the arrows, home, enter …) are bindings, and a binding runs
only after the key has bubbled up to the app.  When keys arrive together (a fast
typist, or a slow SSH link that delivers several keystrokes in one packet) the
characters behind a backspace are inserted before it runs: "." then backspace and
"0.01" becomes ".0.0".  Here the field runs its own bindings as the key reaches it
(``textual_compat.run_own_key_binding``; ``Input._on_key`` checked against textual 8.2.8).
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from gdtui.ui.textual_compat import run_own_key_binding

__all__ = ["InOrderInput"]


class InOrderInput(Input):
    """An Input whose own editing keys act in order with the characters typed around them."""

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable and await run_own_key_binding(self, event.key):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)
