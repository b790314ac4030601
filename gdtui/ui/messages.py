"""App-wide messages: results that thread workers post back to the event loop.

Workers never touch widgets; they post one of these (``post_message`` is
thread-safe) and the screen's handler updates the panes.  Each carries the text it
was computed for, so a stale result (the user kept typing) is simply dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from gdtui.engine.objective import Objective
    from gdtui.errors import GdtuiError
    from gdtui.problem import Problem

__all__ = ["PreviewReady", "ProblemFailed", "ProblemReady"]


@dataclass
class PreviewReady(Message):
    """Validate-as-you-type result for `text`: an objective or an error."""

    text: str
    objective: "Objective | None"
    error: "GdtuiError | None"


@dataclass
class ProblemReady(Message):
    """A problem compiled for `text` (a new value: the worker keeps no reference to it)."""

    text: str
    problem: "Problem"


@dataclass
class ProblemFailed(Message):
    """Compiling `text` failed; the last good problem keeps running."""

    text: str
    error: "GdtuiError"
