"""The ASCII spellings behind ``--ascii`` (used through :mod:`gdtui.ui.charset`).

Two layers, because the width of a symbol may change: :func:`plain`,
:func:`plain_math` and :func:`plain_text` spell our own text before layout
(``η`` → ``lr``), and :class:`AsciiFilter`, a line filter, turns what Textual draws
itself (scroll bars, Select arrows, box corners) into ASCII of the same width, cell by
cell, and records what it changed: the tests assert it only ever meets
:data:`CHROME`, never a symbol one of our panes wrote.

Only the *drawing* becomes ASCII: box lines, arrows, blocks, super- and subscripts,
Greek letters and maths symbols.  Hangul is the language a Korean student reads, not
decoration: :func:`plain` and the filter leave it as it is (``--ascii --lang ko`` shows
Korean text with ASCII lines and symbols).  A terminal that cannot draw Hangul at all
needs ``--lang en``, not ``--ascii``.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.filter import LineFilter

__all__ = ["CHROME", "AsciiFilter", "is_language", "plain", "plain_math", "plain_text"]

#: Punctuation and symbols the panes use in messages, in ASCII (any length).
_PLAIN = {
    "·": "-", "…": "...", "×": "x", "≈": "~", "−": "-", "–": "-", "—": "-", "→": "->",
    "←": "<-", "≤": "<=", "≥": ">=", "‖": "|", "∇": "grad ", "∂": "d", "Δ": "d", "η": "lr",
    "β": "beta", "ε": "eps", "μ": "mu", "α": "alpha", "λ": "lambda", "²": "^2", "√": "sqrt",
    "̂": "_hat",  # combining circumflex: m̂ -> m_hat
    "ḡ": "g_avg", "ŷ": "y_hat", "⁻": "^-", "¹": "1", "↑": "^", "↓": "v", "Σ": "sum", "σ": "sigma",
    "∞": "inf", "÷": "/", "½": "1/2", "ᵀ": "^T", "✓": "OK", "✗": "x", "✕": "x", "•": "*", "●": "*",
    "○": "o", "◆": "*", "◉": "o", "↗": "/", "↘": "\\", "↖": "\\", "↙": "/",
}
_PLAIN_TABLE = str.maketrans(_PLAIN)

_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉₋₊", "0123456789-+")
#: A run of superscripts is one exponent (10⁻¹² -> 10^-12), a run of subscripts one index.
_SUPER_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_SUB_RUN = re.compile("[₀₁₂₃₄₅₆₇₈₉₋₊]+")

#: Hangul: Jamo, compatibility Jamo, Jamo extended A and B, syllables.
_HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))


def is_language(ch: str) -> bool:
    """True for a character of the language the interface speaks (Hangul), which
    ``--ascii`` keeps: it is text to read, not a drawing the terminal may lack."""
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _HANGUL)

#: Symbols of the math panels and worked updates, spelled before :data:`_PLAIN` (longest first).
_MATH = {"½ΔᵀHΔ": "d'Hd/2", "λmax": "lambda_max", "├─": "+-", "└─": "`-", "·": "*", "│": "|"}

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
    text = _SUPER_RUN.sub(lambda m: "^" + m.group().translate(_SUPER), text)
    text = _SUB_RUN.sub(lambda m: "_" + m.group().translate(_SUB), text)
    return text.translate(_PLAIN_TABLE)


def plain_text(text: Text, ascii: bool = True) -> Text:
    """A rich :class:`~rich.text.Text` with :func:`plain` applied, its styles kept
    (each styled run is spelled in ASCII on its own, so a style never spills over)."""
    if not ascii or text.plain.isascii():
        return text
    cuts = sorted({i for span in text.spans for i in (span.start, span.end)} - {0})
    out = Text(style=text.style, justify=text.justify, no_wrap=text.no_wrap, end=text.end)
    for piece in text.divide(cuts):
        styles = [span.style for span in piece.spans if span.start == 0 and span.end >= len(piece)]
        new = Text(plain(piece.plain))
        for style in styles:
            new.stylize(style)
        out.append_text(new)
    return out


def plain_math(text: str) -> str:
    """Arithmetic and the math panels' symbols in ASCII: a product dot is ``*`` here
    (:func:`plain` makes ``·``, a separator in interface text, a dash)."""
    if text.isascii():
        return text
    for symbol, spelled in _MATH.items():
        text = text.replace(symbol, spelled)
    return plain(text)


class AsciiFilter(LineFilter):
    """Turns every non-ASCII character of the output but Hangul into ASCII of the same width."""

    def __init__(self, enabled: bool = True) -> None:
        super().__init__(enabled)
        self.replaced: set[str] = set()
        """Characters that needed replacing (for tests: only :data:`CHROME`)."""

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
                    if ch.isascii() or is_language(ch):  # Hangul is kept: see the module's doc
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
