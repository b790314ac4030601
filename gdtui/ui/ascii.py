"""``--ascii``: plain-ASCII text for terminals without Unicode.

One switch under one name: ``GdApp.ascii`` (from ``--ascii``), handed down as
``ascii=`` to every screen and from there to every widget (attributes down).  Each pane writes ASCII itself in ascii mode (labels from :mod:`gdtui.ui.fmt`, the
glyph sets of the plots, :func:`plain` for punctuation in messages).  Textual's own
widgets get ASCII too: :func:`asciify` swaps the Select arrows and the scroll bars.
:class:`AsciiFilter` is the safety net under all of that: a line filter that turns any
character left over into ASCII of the same width and remembers which ones it had to
change (the tests assert that the main and help screens leave it nothing to do).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter
from textual.scrollbar import ScrollBarRender
from textual.widget import Widget

__all__ = ["AsciiFilter", "AsciiScrollBarRender", "asciify", "plain"]

#: Punctuation and symbols the panes use in messages, in ASCII (any length).
_PLAIN = {
    "·": "-", "…": "...", "×": "x", "≈": "~", "−": "-", "–": "-", "—": "-", "→": "->",
    "←": "<-", "≤": "<=", "≥": ">=", "‖": "|", "∇": "grad ", "∂": "d", "Δ": "d", "η": "lr",
    "β": "beta", "ε": "eps", "μ": "mu", "α": "alpha", "λ": "lambda", "²": "^2", "√": "sqrt",
    "̂": "_hat",  # combining circumflex: m̂ -> m_hat
    "ḡ": "g_avg", "⁻": "^-", "¹": "1", "↑": "^", "↓": "v",
}
_PLAIN_TABLE = str.maketrans(_PLAIN)

#: One-cell replacements the filter uses (anything else becomes "?" per cell).
_CELL = {
    **{c: "-" for c in "─━┄┅┈┉╌╍═▔▁"}, **{c: "|" for c in "│┃┆┇┊┋╎╏║▏▕"},
    **{c: "+" for c in "┌┐└┘├┤┬┴┼╭╮╯╰╔╗╚╝╠╣╦╩╬┏┓┗┛┣┫┳┻╋"},
    "▼": "v", "▲": "^", "▶": ">", "◀": "<", "→": ">", "←": "<", "↑": "^", "↓": "v",
    "•": "o", "●": "X", "○": "o", "·": ".", "…": ".", "×": "x", "−": "-", "≈": "~",
    **{c: " " for c in "▂▃▄▅▆▇█▉▊▋▌▍▎▐░▒▓"}, "\u00a0": " ",
}


def plain(text: str, ascii: bool = True) -> str:
    """``text`` with its symbols spelled in ASCII (unchanged when not ``ascii``)."""
    if not ascii or text.isascii():
        return text
    return text.translate(_PLAIN_TABLE)


class AsciiScrollBarRender(ScrollBarRender):
    """Scroll bars drawn with spaces only: the thumb is its background colour."""

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


def asciify(root: Widget) -> None:
    """ASCII arrows on every Select under ``root`` and ASCII scroll bars on ``root``
    and every scrollable widget under it (call after they are composed)."""
    from textual.widgets import Select

    for select in root.query(Select):
        for arrow, char in ((".down-arrow", "v"), (".up-arrow", "^")):
            for static in select.query(arrow):
                static.update(char)  # type: ignore[attr-defined]
    for widget in [root, *root.query("*")]:
        styles = widget.styles
        if styles.overflow_y in ("auto", "scroll"):
            widget.vertical_scrollbar.renderer = AsciiScrollBarRender
        if styles.overflow_x in ("auto", "scroll"):
            widget.horizontal_scrollbar.renderer = AsciiScrollBarRender


class AsciiFilter(LineFilter):
    """Turns every non-ASCII character of the output into ASCII of the same width."""

    def __init__(self, enabled: bool = True) -> None:
        super().__init__(enabled)
        self.replaced: set[str] = set()
        """Characters that needed replacing (for tests: should stay empty)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if all(seg.text.isascii() for seg in segments):
            return segments
        out = []
        for seg in segments:
            text = seg.text
            if not text.isascii():
                chars = []
                for ch in text:
                    if ch.isascii():
                        chars.append(ch)
                        continue
                    self.replaced.add(ch)
                    width = cell_len(ch)
                    rep = _CELL.get(ch, "?")
                    chars.append(rep * width if width else "")
                text = "".join(chars)
                seg = Segment(text, seg.style, seg.control)
            out.append(seg)
        return out
