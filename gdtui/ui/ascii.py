"""``--ascii``: plain-ASCII text for terminals without Unicode.

One switch under one name: ``GdApp.ascii`` (from ``--ascii``), handed down as
``ascii=`` to every screen and from there to every widget (attributes down).  Each pane writes ASCII itself in ascii mode (labels from :mod:`gdtui.ui.fmt`, the
glyph sets of the plots, :func:`plain` for punctuation in messages).  Textual's own
widgets get ASCII too: :func:`asciify` swaps the Select arrows and the scroll bars.
:class:`AsciiFilter` is the safety net under all of that: a line filter that turns any
character left over into ASCII of the same width and remembers which ones it had to
change (the tests assert that the main and help screens leave it nothing to do).

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
from rich.text import Text
from textual.color import Color
from textual.filter import LineFilter
from textual.scrollbar import ScrollBarRender
from textual.widget import Widget

__all__ = ["AsciiFilter", "AsciiScrollBarRender", "asciify", "is_language", "plain", "plain_text"]

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
    """Turns every non-ASCII character of the output but Hangul into ASCII of the same width."""

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
                    if ch.isascii() or is_language(ch):  # Hangul is kept: see the module's doc
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
