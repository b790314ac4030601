"""The key footer, recomposed only when the keys it shows change.

Textual's Footer rebuilds all its key widgets whenever the screen's bindings are
refreshed, which happens on every focus change (and our screens refresh them on
focus and blur, because a focused field hides the run keys).  Over a slow link
and with thirty students on one server that rebuild is the most expensive thing
a tab or an escape does, and most of the time it rebuilds the same footer.
"""

from __future__ import annotations

from typing import Hashable

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter

__all__ = ["Footer", "shown_keys"]


def shown_keys(screen: Screen) -> Hashable:
    """What a footer on ``screen`` would show: each active key, its binding and state."""
    return tuple((key, active.binding, active.enabled, active.tooltip)
                 for key, active in screen.active_bindings.items())


class Footer(TextualFooter):
    """Textual's footer that skips a rebuild when the keys shown are the same."""

    _shown: Hashable = None

    def bindings_changed(self, screen: Screen) -> None:
        """Rebuild (through Textual's footer) only if what it shows changed."""
        if screen is self.screen and self.is_attached and screen.app.app_focus:
            shown = shown_keys(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
