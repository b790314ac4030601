"""The one error a typed function can cause: :class:`ExprError`, with the column.

``str(err)`` is one line naming what is wrong and where, e.g.
``non-ASCII character '²' at column 2: write x^2``; :meth:`ExprError.lines` adds
the expression and a caret under the column::

    non-ASCII character '²' at column 2: write x^2
    x²+1
     ^
"""

from __future__ import annotations

import unicodedata

from gdtui.errors import GdtuiError

__all__ = ["ExprError"]

#: Widest expression shown in :meth:`ExprError.lines` before it is cut around the column.
_SHOW_WIDTH = 76


def _display_char(ch: str) -> str:
    """One character as it is safe to print: tabs become spaces, unprintables '?'."""
    if ch == "\t":
        return " "
    return ch if ch.isprintable() else "?"


def _width(ch: str) -> int:
    """Terminal cells a (printable) character takes: 2 for wide, 0 for combining."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


class ExprError(GdtuiError):
    """A typed function that cannot be used, with where and (often) how to fix it.

    ``message`` says what is wrong, ``text`` is the expression as typed, ``column``
    the 0-based index of the offending character in ``text`` (or None), and
    ``hint`` an optional fix such as ``write 3*x``.
    """

    def __init__(
        self, message: str, text: str = "", column: int | None = None, hint: str = ""
    ) -> None:
        self.message = message
        self.text = text
        self.column = column
        self.hint = hint
        super().__init__(self.headline())

    def __reduce__(self):  # keep every field through pickling
        return (type(self), (self.message, self.text, self.column, self.hint))

    def headline(self) -> str:
        """The one-line form: message, ``at column N`` (1-based) and the hint."""
        out = self.message
        if self.column is not None:
            out += f" at column {self.column + 1}"
        if self.hint:
            out += f": {self.hint}"
        return out

    def with_text(self, text: str) -> "ExprError":
        """The same error about ``text`` (for errors raised before the text was known)."""
        return type(self)(self.message, text, self.column, self.hint)

    def lines(self) -> list[str]:
        """At most three lines: the headline, the expression, a caret under the column."""
        out = [self.headline()]
        if not self.text.strip():
            return out
        shown = "".join(_display_char(ch) for ch in self.text)
        col = self.column
        start, end = 0, len(shown)
        if end > _SHOW_WIDTH:  # cut a window around the column, marked with '...'
            centre = len(shown) if col is None else col
            start = max(0, min(centre - _SHOW_WIDTH // 2, len(shown) - _SHOW_WIDTH))
            end = start + _SHOW_WIDTH
        prefix = "..." if start > 0 else ""
        out.append(prefix + shown[start:end] + ("..." if end < len(shown) else ""))
        if col is not None:
            pad = len(prefix) + sum(_width(ch) for ch in shown[start:col])
            out.append(" " * pad + "^")
        return out
