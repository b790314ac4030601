"""The ASCII spellings behind ``--ascii`` (used through :mod:`gdtui.ui.charset`).

Two layers, because the width of a symbol may change: :func:`plain` and
:func:`plain_math` spell our own text before layout (``η`` → ``lr``), and
:class:`AsciiFilter`, a line filter, turns what Textual draws itself (scroll bars,
Select arrows, box corners) into ASCII of the same width, cell by
cell, and records what it changed: the tests assert it only ever meets
:data:`CHROME`, never a symbol one of our panes wrote.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter

__all__ = ["CHROME", "AsciiFilter", "plain", "plain_math"]

#: Punctuation and symbols the panes use in messages, in ASCII (any length).
_PLAIN = {
    "·": "-", "…": "...", "×": "x", "≈": "~", "−": "-", "–": "-", "—": "-", "→": "->",
    "←": "<-", "≤": "<=", "≥": ">=", "‖": "|", "∇": "grad ", "∂": "d", "Δ": "d", "η": "lr",
    "β": "beta", "ε": "eps", "μ": "mu", "α": "alpha", "λ": "lambda", "²": "^2", "√": "sqrt",
    "̂": "_hat",  # combining circumflex: m̂ -> m_hat
    "ḡ": "g_avg", "⁻": "^-", "¹": "1", "↑": "^", "↓": "v", "÷": "/",
}
_PLAIN_TABLE = str.maketrans(_PLAIN)

#: Symbols of the math panels and worked updates, spelled before :data:`_PLAIN` (longest first).
_MATH = {"½ΔᵀHΔ": "d'Hd/2", "λmax": "lambda_max", "├─": "+-", "└─": "`-", "⁻¹": "^-1", "Σ": "sum",
         "·": "*", "÷": "/", "ᵀ": "^T", "½": "1/2", "↑": "^", "×": "x", "│": "|"}

#: What Textual draws itself, with the filter's replacement: scroll bars (the thumb is its
#: colour), Select arrows, box corners and lines.
CHROME = {
    **{c: "-" for c in "─━┄┅┈┉╌╍═▔▁"}, **{c: "|" for c in "│┃┆┇┊┋╎╏║▏▕"},
    **{c: "+" for c in "┌┐└┘├┤┬┴┼╭╮╯╰╔╗╚╝╠╣╦╩╬┏┓┗┛┣┫┳┻╋"},
    "▼": "v", "▲": "^",
    **{c: " " for c in "▂▃▄▅▆▇█▉▊▋▌▍▎▐░▒▓"},
}

#: Eighth blocks: the ends of a scroll bar's thumb.
_PARTIAL = frozenset("▁▂▃▄▅▆▇▉▊▋▌▍▎▏")
_UNREVERSE = Style(reverse=False)

#: Replacements the filter uses, of the character's width or one cell repeated to it
#: (anything else becomes "?" per cell).
_CELL = {
    **CHROME, "▶": ">", "◀": "<", "→": ">", "←": "<", "↑": "^", "↓": "v",
    "•": "o", "●": "X", "○": "o", "·": ".", "…": ".", "×": "x", "−": "-", "≈": "~", "\u00a0": " ",
}


def plain(text: str, ascii: bool = True) -> str:
    """``text`` with its symbols spelled in ASCII (unchanged when not ``ascii``)."""
    if not ascii or text.isascii():
        return text
    return text.translate(_PLAIN_TABLE)


def plain_math(text: str) -> str:
    """Arithmetic and the math panels' symbols in ASCII: a product dot is ``*`` here
    (:func:`plain` makes ``·``, a separator in interface text, a dash)."""
    if text.isascii():
        return text
    for symbol, spelled in _MATH.items():
        text = text.replace(symbol, spelled)
    return plain(text)


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
            if seg.style is not None and seg.style.reverse and text and set(text) <= _PARTIAL:
                # A partly filled cell (a scroll bar's end) is drawn empty: without the
                # reverse its blank shows the track, as Textual draws a bar of blanks.
                self.replaced.update(text)
                out.append(Segment(" " * len(text), seg.style + _UNREVERSE, seg.control))
                continue
            if not text.isascii():
                chars = []
                for ch in text:
                    if ch.isascii():
                        chars.append(ch)
                        continue
                    self.replaced.add(ch)
                    width = cell_len(ch)
                    rep = _CELL.get(ch, "?")
                    chars.append(rep if len(rep) == width else rep[:1] * width)
                text = "".join(chars)
                seg = Segment(text, seg.style, seg.control)
            out.append(seg)
        return out
