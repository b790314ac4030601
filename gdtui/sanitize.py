"""One sanitiser for all text from outside: paths, file names, column names, file content.

A file name may hold terminal escape sequences (``\\e]0;pwned\\a``); printed raw they
retitle the window or clear the screen of a classroom terminal.  Everything that
came from outside goes through :func:`shown` before it reaches the CLI's output or a
TUI widget: control characters (C0, DEL, C1, and the Unicode format/separator
characters that reorder or hide text) are written as visible escapes, and very long
text is cut with an ellipsis.  Printable text, including Korean, is unchanged.
"""

from __future__ import annotations

import unicodedata

__all__ = ["MAX_SHOWN", "shown", "terminal_safe"]

#: Longest text shown from outside (characters); longer text is cut in the middle.
MAX_SHOWN = 200

# Categories never shown raw: controls, format characters (bidi overrides, zero
# width), line/paragraph separators, surrogates, unassigned and private use.
_HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e", "\\": "\\\\"}


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    if not ch.isprintable() or unicodedata.category(ch) in _HIDDEN:
        code = ord(ch)
        if code <= 0xFF:
            return f"\\x{code:02x}"
        if code <= 0xFFFF:
            return f"\\u{code:04x}"
        return f"\\U{code:08x}"
    return ch


def shown(text: object, limit: int = MAX_SHOWN) -> str:
    """``text`` made safe to print on a terminal: control characters escaped, length bounded.

    Use it for every path, file name, column name or other outside text in a
    message, table header or widget.  Backslashes are doubled so an escape in the
    output always means a character that was escaped.  Strings that cannot be
    encoded (lone surrogates from undecodable file names) are escaped too.
    """
    s = text if isinstance(text, str) else str(text)
    if len(s) > 4 * limit:
        s = s[: 2 * limit] + s[-2 * limit :]  # bound the work before escaping
    out = "".join(_escape(ch) for ch in s) if not (s.isascii() and s.isprintable() and "\\" not in s) else s
    if len(out) > limit:
        half = (limit - 1) // 2
        out = out[:half] + "…" + out[len(out) - (limit - 1 - half) :]
    return out


def terminal_safe(text: str) -> str:
    """``text`` with only its unprintable characters escaped (no cut, backslashes kept).

    The last line of defence where whole messages are printed (the CLI's error line):
    messages are built from :func:`shown` parts already; this catches any that slipped.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == "\n" else _escape(ch) for ch in text)
