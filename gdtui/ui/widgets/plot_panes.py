"""Frames around the two plots: the landscape (arrow keys move the start) and the loss.

The plots themselves (`Landscape`, `LossPlot`) come from their own modules; until
those exist a placeholder Static stands in, so the layout works either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

__all__ = ["LandscapePane", "LossPane", "make_landscape", "make_loss_plot"]


def make_landscape(ascii_only: bool) -> Widget:
    """The landscape widget, or a placeholder while it does not exist."""
    try:
        from gdtui.ui.widgets.landscape import Landscape
    except ImportError:
        return Static("landscape", id="landscape", classes="placeholder")
    widget = Landscape(id="landscape")
    widget.ascii = ascii_only
    return widget


def make_loss_plot(ascii_only: bool) -> Widget:
    """The loss plot widget, or a placeholder while it does not exist."""
    try:
        from gdtui.ui.widgets.loss_plot import LossPlot
    except ImportError:
        return Static("loss", id="loss", classes="placeholder")
    widget = LossPlot(id="loss")
    if hasattr(widget, "ascii"):
        widget.ascii = ascii_only
    return widget


class LandscapePane(Vertical, can_focus=True):
    """Holds the landscape; with focus (here or on the plot) arrows move the start point."""

    BINDINGS = [
        Binding("left", "move(0, -1)", "start ←", show=False),
        Binding("right", "move(0, 1)", "start →", show=False),
        Binding("up", "move(1, 1)", "start ↑", show=False),
        Binding("down", "move(1, -1)", "start ↓", show=False),
    ]

    @dataclass
    class MoveStart(Message):
        """Move the start point one notch along `axis` (0: first parameter) by `sign`."""

        axis: int
        sign: int

    def __init__(self, ascii_only: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ascii = ascii_only

    def compose(self) -> ComposeResult:
        yield make_landscape(self._ascii)

    def action_move(self, axis: int, sign: int) -> None:
        """Ask the screen to move the start point."""
        self.post_message(self.MoveStart(axis, sign))


class LossPane(Vertical):
    """Holds the loss plot."""

    def __init__(self, ascii_only: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ascii = ascii_only

    def compose(self) -> ComposeResult:
        yield make_loss_plot(self._ascii)
