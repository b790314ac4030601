"""The app's character set: Unicode, or plain ASCII under ``--ascii``.

This is the one mechanism behind ``--ascii``.  The app holds a :class:`Charset`
(``GdApp.charset``, made once from ``--ascii``) and every screen and widget asks for
it with :func:`charset_of` — the same way they ask for the language — instead of
being handed a flag.  What a pane writes goes through it: catalog text
(:func:`gdtui.ui.lang.t` spells it), labels, step subscripts, arithmetic and the
plots' glyphs.  What Textual draws itself (scroll bars, Select arrows, box corners
of the borders) is translated cell by cell by the charset's
line filter (:class:`gdtui.ui.ascii.AsciiFilter`), which the app installs; the
app's ``-ascii`` CSS class picks ASCII border styles where Textual offers them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gdtui.ui.ascii import plain, plain_math, plain_text
from gdtui.ui.fmt import LABELS

if TYPE_CHECKING:
    from rich.text import Text

    from gdtui.ui.widgets._canvas import Glyphs

__all__ = ["ASCII", "UNICODE", "Charset", "charset_of"]

_SUB = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")


class Charset:
    """How symbols are written: ``Charset(ascii=False)`` leaves text alone,
    ``Charset(ascii=True)`` spells every symbol in ASCII (the width may change, so
    this happens before layout, never in the line filter)."""

    __slots__ = ("ascii",)

    def __init__(self, ascii: bool) -> None:
        self.ascii = ascii

    def __repr__(self) -> str:
        return f"Charset(ascii={self.ascii})"

    def text(self, text: str) -> str:
        """Interface text: symbols spelled out (``η`` → ``lr``, ``·`` → ``-``, ``…`` → ``...``)."""
        return plain(text, self.ascii)

    def math(self, text: str) -> str:
        """Arithmetic and the math panels' symbols: as :meth:`text`, but a product dot is
        ``*`` (``0.1·0.9`` → ``0.1*0.9``) and ``½ΔᵀHΔ`` is ``d'Hd/2``."""
        return plain_math(text) if self.ascii else text

    def styled(self, text: "Text") -> "Text":
        """A rich Text spelled as :meth:`text` spells a string, its styles kept."""
        return plain_text(text, self.ascii)

    def pick(self, unicode: str, ascii: str) -> str:
        """One of two spellings of the same thing (``pick("…", "~")``)."""
        return ascii if self.ascii else unicode

    def label(self, key: str) -> str:
        """The display label of a quantity or hyperparameter (the key itself if unknown)."""
        pair = LABELS.get(key)
        if pair is None:
            return key
        return pair[1] if self.ascii else pair[0]

    def sub(self, k: int) -> str:
        """Step ``k`` as a subscript: 20 → ``₂₀`` (ASCII: ``_20``)."""
        return f"_{k}" if self.ascii else str(k).translate(_SUB)

    @property
    def glyphs(self) -> "Glyphs":
        """The plots' glyph set (shades, markers, arrows, lines)."""
        from gdtui.ui.widgets._canvas import ASCII as ASCII_GLYPHS, UNICODE as UNICODE_GLYPHS

        return ASCII_GLYPHS if self.ascii else UNICODE_GLYPHS


UNICODE = Charset(False)
ASCII = Charset(True)


def charset_of(node: Any) -> Charset:
    """The character set of the app ``node`` belongs to (Unicode outside a gdtui app)."""
    try:
        found = node.app.charset
    except Exception:  # noqa: BLE001 - not mounted, or not a GdApp: Unicode
        return UNICODE
    return found if isinstance(found, Charset) else UNICODE
