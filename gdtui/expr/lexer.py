"""Step 1 of parsing: typed text -> tokens, checking every character, name, number and depth.

Our own lexer, so nothing unexpected (control characters, look-alike Unicode,
``_private`` names, keywords, 1000-digit integers, 1000 nested parentheses) ever
reaches Python's parser.  Each problem is an :class:`~gdtui.expr.errors.ExprError`
at the leftmost bad column, with a hint.
"""

from __future__ import annotations

import keyword
import math
import re
import string
import unicodedata
from dataclasses import dataclass

from gdtui.expr.errors import ExprError
from gdtui.expr.nodes import MAX_DEPTH, MAX_INT_DIGITS, MAX_NAME_LENGTH

__all__ = ["ALLOWED_HINT", "NUMBER", "Token", "check_name", "lex"]

_DIGITS = set(string.digits)
_NAME_START = set(string.ascii_letters + "_")
NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z0-9_]+")
_ALLOWED = "numbers, names, + - * / ^ ( ) and spaces"
ALLOWED_HINT = "use " + _ALLOWED

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_LOOKALIKES = {
    **dict.fromkeys("×·⋅∙✕✖∗⨯", "write * to multiply"),
    **dict.fromkeys("÷∕⁄", "write / to divide"),
    **dict.fromkeys("−–—‐‑‒﹣－", "write - (the ASCII minus)"),
    **dict.fromkeys("‘’‛′“”„″«»", "a formula has no quotes in it"),
    "π": "write pi",
    "√": "write sqrt(...)",
}


@dataclass(frozen=True)
class Token:
    kind: str  # num name op ( ) ,
    text: str
    col: int

    @property
    def end(self) -> int:
        return self.col + len(self.text)


def _char_name(ch: str) -> str:
    """How a message names one character: quoted if printable, else U+XXXX (NAME)."""
    if ch.isprintable() and not ch.isspace():
        return f"'{ch}'"
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


def _bad_character(text: str, i: int) -> ExprError:
    ch = text[i]
    if ch.isascii():
        if not ch.isprintable():
            return ExprError(
                f"control character {_char_name(ch)} is not allowed",
                text, i, "type the expression on one line",
            )  # fmt: skip
        if ch in "=<>!":
            return ExprError(
                f"{_char_name(ch)} is not allowed", text, i,
                "type only the expression to minimise, e.g. x^2 (no '=' or comparisons)",
            )  # fmt: skip
        if ch in "[]{}":
            return ExprError(f"{_char_name(ch)} is not allowed", text, i, "use ( ) for grouping")
        if ch in "'\"`":
            return ExprError("quotes are not allowed", text, i, "a formula has no text in it")
        return ExprError(f"character {_char_name(ch)} is not allowed", text, i, ALLOWED_HINT)
    message = f"non-ASCII character {_char_name(ch)}"
    before = re.search(r"[A-Za-z0-9_.)]*$", text[:i]).group()  # type: ignore[union-attr]
    if ch in _SUPERSCRIPTS:
        hint = f"write {before}^{_SUPERSCRIPTS.index(ch)}"
    elif ch in _LOOKALIKES:
        hint = _LOOKALIKES[ch]
    else:
        plain = unicodedata.normalize("NFKC", ch)
        name = unicodedata.name(ch, "")
        if plain == " " or ch.isspace():
            hint = "write a plain space"
        elif len(plain) == 1 and plain.isascii() and plain.isprintable():
            hint = f"write '{plain}' (plain ASCII)"
        elif name.startswith(("GREEK SMALL LETTER ", "GREEK CAPITAL LETTER ")):
            word = name.rsplit(" ", 1)[-1].lower()
            hint = f"write a name such as '{'lam' if word == 'lamda' else word}'"
        else:
            hint = "plain ASCII only: " + _ALLOWED
    return ExprError(message, text, i, hint)


def check_name(text: str, name: str, col: int) -> None:
    """A name as a name: ASCII identifier rules; keywords and long names rejected."""
    if name.startswith("_"):
        raise ExprError(f"'{name}' is not allowed", text, col, "names cannot start with '_'")
    if keyword.iskeyword(name):
        raise ExprError(f"'{name}' is not allowed", text, col, "it is a Python keyword, not maths")
    if len(name) > MAX_NAME_LENGTH:
        raise ExprError(
            f"name '{name[:MAX_NAME_LENGTH]}...' is too long", text, col,
            f"names have at most {MAX_NAME_LENGTH} characters",
        )  # fmt: skip


def lex(text: str) -> list[Token]:
    """Tokens of ``text``; raises on the leftmost bad character, name, number or ')'."""
    tokens: list[Token] = []
    opened: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if ch in " \t":
            i += 1
        elif ch in _DIGITS or (ch == "." and nxt in _DIGITS):
            m = NUMBER.match(text, i)
            assert m is not None
            literal = m.group()
            after = text[m.end()] if m.end() < n else ""
            if after == "." or after in _DIGITS:
                raise ExprError(
                    f"malformed number '{literal}{after}'", text, i, "one '.' per number"
                )
            if after == "_":
                raise ExprError(
                    "'_' in a number is not allowed", text, m.end(), "write 1000, not 1_000"
                )
            if re.fullmatch(r"\d+", literal) and len(literal) > MAX_INT_DIGITS:
                raise ExprError(
                    f"integer {literal[:8]}... has {len(literal)} digits", text, i,
                    f"at most {MAX_INT_DIGITS} digits; write large numbers like 1e20",
                )  # fmt: skip
            if not math.isfinite(float(literal)):
                raise ExprError(f"number {literal} is too large", text, i, "at most about 1e308")
            tokens.append(Token("num", literal, i))
            i = m.end()
        elif ch in _NAME_START:
            m = _NAME.match(text, i)
            assert m is not None
            check_name(text, m.group(), i)
            tokens.append(Token("name", m.group(), i))
            i = m.end()
        elif ch == "*" and nxt == "*":
            tokens.append(Token("op", "**", i))
            i += 2
        elif ch in "+-*/^":
            tokens.append(Token("op", ch, i))
            i += 1
        elif ch == "(":
            opened.append(i)
            if len(opened) > MAX_DEPTH:
                raise ExprError(
                    "nested too deeply", text, i,
                    f"at most {MAX_DEPTH} levels of parentheses",
                )  # fmt: skip
            tokens.append(Token("(", ch, i))
            i += 1
        elif ch == ")":
            if not opened:
                raise ExprError("unexpected ')'", text, i, "there is no '(' for it to close")
            opened.pop()
            tokens.append(Token(")", ch, i))
            i += 1
        elif ch == ",":
            tokens.append(Token(",", ch, i))
            i += 1
        elif ch == ".":
            if nxt in _NAME_START:
                raise ExprError(
                    "'.' is not allowed here", text, i,
                    "attributes such as x.real are not part of a formula",
                )  # fmt: skip
            raise ExprError(
                "'.' is not allowed here", text, i, "'.' only appears in numbers like 0.5"
            )
        else:
            raise _bad_character(text, i)
    return tokens


