"""Typed text -> a small allowlisted tree of :class:`Node`, with every limit checked.

Typed text is hostile: it never reaches ``eval``, ``exec``, ``sympify`` or
``parse_expr``.  The steps, each reporting the leftmost problem it finds, with
its column:

1. length (at most :data:`MAX_LENGTH` characters);
2. our own lexer checks every character (ASCII letters, digits, ``. + - * / ^ ( ) ,``,
   space and tab), names, number literals and parenthesis depth, so nothing
   deeper than :data:`MAX_DEPTH` reaches Python's parser;
3. a token pass finds what Python would parse differently or explain badly:
   implicit multiplication (``3x``, ``x(y+1)``, ``)(``), a function without
   parentheses, a missing term, a stray comma, a missing ``)``;
4. the normalised text (``^`` -> ``**``) goes to ``ast.parse(mode="eval")`` and the
   tree is walked against an allowlist (BinOp + - * / **, unary - +, int/float
   constants, names, one-argument calls of :data:`FUNCTIONS`), building
   :class:`Node` objects and checking the node count, nesting depth, variable
   count and constant sub-expressions (evaluated with bounded float math, so
   ``9^9^9^9`` is rejected without ever being computed exactly).

No sympy here: this runs on every key press.
"""

from __future__ import annotations

import ast
import difflib
import keyword
import math
import re
import string
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from gdtui.expr.errors import ExprError

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_INT_DIGITS",
    "MAX_LENGTH",
    "MAX_NAME_LENGTH",
    "MAX_NODES",
    "MAX_VARIABLES",
    "Node",
    "check_syntax",
    "evaluate",
    "parse",
    "split_variables",
    "to_text",
    "variables",
]

MAX_LENGTH = 300
MAX_NODES = 200
MAX_DEPTH = 32
MAX_VARIABLES = 8
MAX_INT_DIGITS = 15
MAX_EXPONENT = 100
MAX_NAME_LENGTH = 16

#: The functions a loss may use, each of one argument.  ``log`` and ``ln`` are natural logs.
FUNCTIONS = (
    "sin", "cos", "tan", "exp", "log", "ln", "sqrt", "abs",
    "tanh", "sinh", "cosh", "sigmoid", "relu", "softplus",
)  # fmt: skip
#: Names that are constants, never variables.
CONSTANTS = {"pi": math.pi, "e": math.e}

#: Binary node kinds and the operator they print as.
BINARY = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^"}


@dataclass(frozen=True)
class Node:
    """One node of a parsed function (plain data: picklable, hashable, no sympy).

    ``kind`` is ``num`` (value: int or float), ``var`` / ``const`` (value: the
    name), ``neg`` (one arg), ``add sub mul div pow`` (two args) or ``call``
    (value: the function name, one arg).  ``col`` is the 0-based column in the
    typed text where the node starts; it is not part of equality.
    """

    kind: str
    value: int | float | str | None = None
    args: tuple["Node", ...] = ()
    col: int | None = field(default=None, compare=False)


# ----------------------------------------------------------------- the lexer
_DIGITS = set(string.digits)
_NAME_START = set(string.ascii_letters + "_")
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z0-9_]+")
_ALLOWED = "numbers, names, + - * / ^ ( ) and spaces"
_ALLOWED_HINT = "use " + _ALLOWED

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
class _Token:
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
        return ExprError(f"character {_char_name(ch)} is not allowed", text, i, _ALLOWED_HINT)
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


def _check_name(text: str, name: str, col: int) -> None:
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


def _lex(text: str) -> list[_Token]:
    """Tokens of ``text``; raises on the leftmost bad character, name, number or ')'."""
    tokens: list[_Token] = []
    opened: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if ch in " \t":
            i += 1
        elif ch in _DIGITS or (ch == "." and nxt in _DIGITS):
            m = _NUMBER.match(text, i)
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
            tokens.append(_Token("num", literal, i))
            i = m.end()
        elif ch in _NAME_START:
            m = _NAME.match(text, i)
            assert m is not None
            _check_name(text, m.group(), i)
            tokens.append(_Token("name", m.group(), i))
            i = m.end()
        elif ch == "*" and nxt == "*":
            tokens.append(_Token("op", "**", i))
            i += 2
        elif ch in "+-*/^":
            tokens.append(_Token("op", ch, i))
            i += 1
        elif ch == "(":
            opened.append(i)
            if len(opened) > MAX_DEPTH:
                raise ExprError(
                    "nested too deeply", text, i,
                    f"at most {MAX_DEPTH} levels of parentheses",
                )  # fmt: skip
            tokens.append(_Token("(", ch, i))
            i += 1
        elif ch == ")":
            if not opened:
                raise ExprError("unexpected ')'", text, i, "there is no '(' for it to close")
            opened.pop()
            tokens.append(_Token(")", ch, i))
            i += 1
        elif ch == ",":
            tokens.append(_Token(",", ch, i))
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


# ------------------------------------------------------------ the token pass
def _ends_operand(tok: _Token | None) -> bool:
    return tok is not None and (
        tok.kind in ("num", ")") or (tok.kind == "name" and tok.text not in FUNCTIONS)
    )


def _starts_operand(tok: _Token | None) -> bool:
    return tok is not None and tok.kind in ("num", "name", "(")


def _check_tokens(text: str, tokens: list[_Token], columns: Iterable[str]) -> None:
    """Explain what Python would accept or reject differently, leftmost first."""
    if not tokens:
        raise ExprError("the expression is empty", text, None, "type a function such as x^2 + y^2")
    names_used = {t.text for i, t in enumerate(tokens) if t.kind == "name"
                  and (i + 1 == len(tokens) or tokens[i + 1].kind != "(")}  # fmt: skip
    known_columns = set(columns)
    calls: list[list] = []  # one per open '(': [function token or None, commas, column]
    nodes = 0
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        unary_plus = tok.text == "+" and not _ends_operand(prev)
        if tok.kind in ("num", "name") or (tok.kind == "op" and not unary_plus):
            nodes += 1  # each makes one tree node (a unary '+' makes none)
            if nodes > MAX_NODES:
                raise ExprError(
                    "too many terms", text, tok.col,
                    f"at most {MAX_NODES} numbers, names and operations",
                )  # fmt: skip
        if tok.kind == "name" and tok.text in FUNCTIONS and (nxt is None or nxt.kind != "("):
            raise ExprError(f"{tok.text} is a function", text, tok.col, f"write {tok.text}(x)")
        if _ends_operand(prev) and _starts_operand(tok):
            assert prev is not None
            if prev.kind == "name" and tok.kind == "(" and prev.text not in CONSTANTS:
                fn = prev.text
                if not (fn in names_used or fn in known_columns or len(fn) <= 2):
                    close = difflib.get_close_matches(fn.lower(), FUNCTIONS, 1, 0.6)
                    hint = (
                        f"did you mean {close[0]}?" if close
                        else "known functions: " + " ".join(FUNCTIONS)
                    )  # fmt: skip
                    raise ExprError(f"unknown function '{fn}'", text, prev.col, hint)
            raise ExprError(
                f"missing '*' between '{prev.text}' and '{tok.text}'", text, tok.col,
                f"write {prev.text}*{tok.text}",
            )  # fmt: skip
        if tok.kind == "op":
            if tok.text not in "+-" and not _ends_operand(prev):
                hint = (
                    "a term is missing before it" if prev is None
                    else f"a term is missing between '{prev.text}' and '{tok.text}'"
                )  # fmt: skip
                raise ExprError(f"unexpected '{tok.text}'", text, tok.col, hint)
            if nxt is None:
                raise ExprError(f"the expression ends with '{tok.text}'", text, tok.col,
                                "a term is missing after it")  # fmt: skip
            if nxt.kind in (")", ","):
                raise ExprError(f"missing a term after '{tok.text}'", text, tok.col)
        elif tok.kind == "(":
            is_call = prev is not None and prev.kind == "name" and prev.text in FUNCTIONS
            fn = prev if is_call else None
            if nxt is not None and nxt.kind == ")":
                if fn is not None:
                    raise ExprError(f"{fn.text}() needs an argument", text, nxt.col,
                                    f"write {fn.text}(x)")  # fmt: skip
                raise ExprError("empty parentheses '()'", text, tok.col, "put an expression inside")
            calls.append([fn, 0, tok.col])
        elif tok.kind == ",":
            if calls and calls[-1][0] is not None and _ends_operand(prev) and _starts_operand(nxt):
                calls[-1][1] += 1
                continue
            if prev is not None and nxt is not None and prev.kind == nxt.kind == "num":
                hint = f"write {prev.text}.{nxt.text} (decimals take a '.')"
            else:
                hint = "',' only separates function arguments, and every function takes one"
            raise ExprError("',' is not allowed here", text, tok.col, hint)
        elif tok.kind == ")":
            fn, commas, _ = calls.pop()
            if fn is not None and commas:
                raise ExprError(
                    f"{fn.text} takes exactly one argument", text, fn.col,
                    f"write {fn.text}(x), not {commas + 1} arguments",
                )  # fmt: skip
    if calls:
        opened_at = calls[-1][2] + 1
        raise ExprError("missing ')'", text, len(text), f"close the '(' at column {opened_at}")


def _normalise(tokens: list[_Token]) -> tuple[str, list[int], list[int]]:
    """Python source for the tokens (``^`` -> ``**``, one space between tokens).

    Returns the source and where each token starts and ends in it, so positions
    Python reports can be mapped back to columns of the typed text.
    """
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for tok in tokens:
        piece = "**" if tok.text == "^" else tok.text
        if tok.kind == "num" and piece.isdigit():
            piece = str(int(piece))  # Python rejects leading zeros (at most 15 digits)
        parts.append(piece)
        starts.append(pos)
        ends.append(pos + len(piece))
        pos += len(piece) + 1
    return " ".join(parts), starts, ends


# ------------------------------------------------------ bounded float maths
def _sigmoid(a: float) -> float:
    return 0.5 * (1.0 + math.tanh(0.5 * a))


def _softplus(a: float) -> float:
    return max(a, 0.0) + math.log1p(math.exp(-abs(a)))


def _log(a: float) -> float:
    if a <= 0:
        raise ValueError("math domain error")
    return math.log(a)


_FLOAT_FUNCTIONS = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp,
    "log": _log, "ln": _log, "sqrt": math.sqrt, "abs": abs,
    "tanh": math.tanh, "sinh": math.sinh, "cosh": math.cosh,
    "sigmoid": _sigmoid, "relu": lambda a: max(a, 0.0), "softplus": _softplus,
}  # fmt: skip


def _pow(a: float, b: float) -> float:
    if a == 0 and b < 0:
        raise ZeroDivisionError("0 to a negative power")
    return math.pow(a, b)  # ValueError for a fractional power of a negative number


def _apply(kind: str, value: object, args: list[float]) -> float:
    """One node on floats: raises ZeroDivisionError, ValueError or OverflowError."""
    if kind == "neg":
        out = -args[0]
    elif kind == "add":
        out = args[0] + args[1]
    elif kind == "sub":
        out = args[0] - args[1]
    elif kind == "mul":
        out = args[0] * args[1]
    elif kind == "div":
        out = args[0] / args[1]
    elif kind == "pow":
        out = _pow(args[0], args[1])
    else:
        out = _FLOAT_FUNCTIONS[str(value)](args[0])
    if math.isinf(out):
        raise OverflowError("result too large")
    return float(out)


def evaluate(node: Node, values: Mapping[str, float] | None = None) -> float:
    """The value of a tree on floats, variables taken from ``values``.

    Plain bounded float maths (no big integers): raises ``ZeroDivisionError``,
    ``ValueError`` (outside the domain) or ``OverflowError`` like :mod:`math`.
    """
    if node.kind == "num":
        return float(node.value)  # type: ignore[arg-type]
    if node.kind == "const":
        return CONSTANTS[str(node.value)]
    if node.kind == "var":
        return float((values or {})[str(node.value)])
    return _apply(node.kind, node.value, [evaluate(a, values) for a in node.args])


def _fmt(v: float) -> str:
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.4g}"


# ------------------------------------------------- the allowlisted AST walk
_AST_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_CHAIN = {"add": "add", "sub": "add", "mul": "mul", "div": "mul"}  # flat chains: one level
_NOT_ALLOWED = {
    ast.Lambda: "'lambda'", ast.Attribute: "attribute access", ast.Subscript: "indexing",
    ast.Compare: "comparison", ast.BoolOp: "'and'/'or'", ast.IfExp: "'if'/'else'",
    ast.Tuple: "a tuple", ast.List: "a list", ast.Starred: "'*' unpacking",
}  # fmt: skip


class _Builder:
    """Walks Python's tree of the normalised text, allowing only what a formula needs."""

    def __init__(
        self, text: str, tokens: list[_Token], starts: list[int], ends: list[int]
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.by_start = dict(zip(starts, tokens))
        self.by_end = dict(zip(ends, tokens))
        self.count = 0
        self.names: list[str] = []

    # positions in the typed text
    def col(self, a: ast.AST) -> int:
        return self.by_start[a.col_offset].col  # type: ignore[attr-defined]

    def end(self, a: ast.AST) -> int:
        return self.by_end[a.end_col_offset].end  # type: ignore[attr-defined]

    def span(self, a: ast.AST, limit: int = 40) -> str:
        shown = self.text[self.col(a) : self.end(a)]
        return shown if len(shown) <= limit else shown[: limit - 3] + "..."

    def op_col(self, left: ast.AST) -> int:
        """Column of the binary operator that follows ``left``."""
        after = self.end(left)
        return next(t.col for t in self.tokens if t.kind == "op" and t.col >= after)

    def error(self, message: str, col: int | None, hint: str = "") -> ExprError:
        return ExprError(message, self.text, col, hint)

    # building
    def make(self, kind: str, value: object, args: tuple[Node, ...], col: int) -> Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.error(
                "too many terms", col, f"at most {MAX_NODES} numbers, names and operations"
            )
        return Node(kind, value, args, col)  # type: ignore[arg-type]

    def fold(self, kind: str, value: object, args: list[float], a: ast.AST) -> float:
        """The value of a constant sub-expression, or an error naming it."""
        try:
            return _apply(kind, value, args)
        except ZeroDivisionError:
            col = self.op_col(a.left) if kind == "div" else self.col(a)  # type: ignore
            raise self.error("division by zero", col, f"{self.span(a)} divides by 0") from None
        except ValueError:
            if kind == "call":
                need = "a number >= 0" if value == "sqrt" else "a number above 0"
                raise self.error(
                    f"{self.span(a)} is undefined", self.col(a), f"{value} needs {need}"
                ) from None
            raise self.error(
                f"{self.span(a)} is not a real number", self.col(a),
                "a negative number to a fractional power",
            ) from None  # fmt: skip
        except OverflowError:
            raise self.error(
                f"{self.span(a)} is too large", self.col(a), "numbers must stay below about 1e308"
            ) from None

    def build(self, a: ast.AST, depth: int) -> tuple[Node, float | None]:
        """(node, its value if constant else None) for an allowed AST node."""
        if depth > MAX_DEPTH:
            raise self.error(
                "nested too deeply", self.col(a), f"at most {MAX_DEPTH} levels of nesting"
            )
        if isinstance(a, ast.BinOp) and type(a.op) in _AST_BINARY:
            kind = _AST_BINARY[type(a.op)]
            built = []
            for child in (a.left, a.right):
                flat = (
                    kind in _CHAIN
                    and isinstance(child, ast.BinOp)
                    and _CHAIN.get(_AST_BINARY.get(type(child.op), "")) == _CHAIN[kind]
                )
                built.append(self.build(child, depth if flat else depth + 1))
            (left, lv), (right, rv) = built
            if kind == "pow" and rv is not None and abs(rv) > MAX_EXPONENT:
                shown = self.span(a.right)
                if not re.fullmatch(r"[+-]?" + _NUMBER.pattern, shown.replace(" ", "")):
                    shown += f" = {_fmt(rv)}"
                raise self.error(
                    f"exponent {shown} is too large", self.col(a.right),
                    f"exponents can be at most {MAX_EXPONENT} in size",
                )  # fmt: skip
            if kind == "div" and rv == 0:
                shown = self.span(a.right)
                hint = "" if re.fullmatch(_NUMBER, shown) else f"{shown} is 0"
                raise self.error("division by zero", self.op_col(a.left), hint)
            node = self.make(kind, None, (left, right), self.col(a))
            if lv is None or rv is None:
                return node, None
            return node, self.fold(kind, None, [lv, rv], a)
        if isinstance(a, ast.UnaryOp) and isinstance(a.op, ast.UAdd):
            return self.build(a.operand, depth)
        if isinstance(a, ast.UnaryOp) and isinstance(a.op, ast.USub):
            arg, v = self.build(a.operand, depth + 1)
            node = self.make("neg", None, (arg,), self.col(a))
            return node, None if v is None else -v
        if isinstance(a, ast.Constant) and type(a.value) in (int, float):
            v = float(a.value)
            if not math.isfinite(v) or (type(a.value) is int and v >= 10.0**MAX_INT_DIGITS):
                raise self.error("number too large", self.col(a))
            return self.make("num", a.value, (), self.col(a)), v
        if isinstance(a, ast.Name):
            return self.name(a)
        if isinstance(a, ast.Call):
            return self.call(a, depth)
        what = _NOT_ALLOWED.get(type(a), type(a).__name__)
        raise self.error(f"{what} is not allowed", self.col(a), _ALLOWED_HINT)

    def name(self, a: ast.Name) -> tuple[Node, float | None]:
        name, col = a.id, self.col(a)
        if name in CONSTANTS:
            return self.make("const", name, (), col), CONSTANTS[name]
        if name in FUNCTIONS:
            raise self.error(f"{name} is a function", col, f"write {name}(x)")
        _check_name(self.text, name, col)
        if name not in self.names:
            self.names.append(name)
            if len(self.names) > MAX_VARIABLES:
                raise self.error(
                    f"too many variables: '{name}' is the {len(self.names)}th", col,
                    f"at most {MAX_VARIABLES}, parameters and data columns together",
                )  # fmt: skip
        return self.make("var", name, (), col), None

    def call(self, a: ast.Call, depth: int) -> tuple[Node, float | None]:
        fn = a.func
        if not isinstance(fn, ast.Name):
            raise self.error("only named functions can be called", self.col(a), _ALLOWED_HINT)
        if fn.id not in FUNCTIONS:
            raise self.error(f"unknown function '{fn.id}'", self.col(a),
                             "known functions: " + " ".join(FUNCTIONS))  # fmt: skip
        if len(a.args) != 1 or a.keywords or isinstance(a.args[0], ast.Starred):
            raise self.error(
                f"{fn.id} takes exactly one argument", self.col(a), f"write {fn.id}(x)"
            )
        arg, v = self.build(a.args[0], depth + 1)
        node = self.make("call", fn.id, (arg,), self.col(a))
        return node, None if v is None else self.fold("call", fn.id, [v], a)


# -------------------------------------------------------------- public API
def parse(text: str, columns: Iterable[str] = ()) -> Node:
    """The tree of a typed function, or :class:`ExprError` naming the first problem.

    ``columns`` (data column names) only sharpen messages: ``x(y+1)`` asks for a
    ``*`` when ``x`` is a column.  Fast (no sympy): fine on every key press.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected the expression as str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExprError(
            f"too long: {len(text)} characters", text, MAX_LENGTH, f"at most {MAX_LENGTH}"
        )
    tokens = _lex(text)
    _check_tokens(text, tokens, columns)
    source, starts, ends = _normalise(tokens)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:  # the token pass should leave nothing for this
        offset = (exc.offset or 1) - 1
        col = next((t.col for s, t in zip(starts, tokens) if s >= offset), len(text))
        raise ExprError("invalid syntax", text, col) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError("too complex to read", text, None, "simplify the expression") from None
    return _Builder(text, tokens, starts, ends).build(tree.body, 0)[0]


def variables(node: Node) -> tuple[str, ...]:
    """The variable names of a tree in order of first appearance in the text."""
    seen: dict[str, None] = {}
    stack = [node]
    while stack:
        n = stack.pop()
        if n.kind == "var":
            seen.setdefault(str(n.value))
        stack.extend(reversed(n.args))
    return tuple(seen)


def split_variables(
    node: Node, columns: Iterable[str] = (), text: str = ""
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(parameters, data columns used) of a tree.

    Parameters come in order of first appearance (``x`` before ``y``, ``w`` before
    ``b``); columns in the order of ``columns``.  ExprError when nothing is left
    to optimise.
    """
    names = variables(node)
    column_set = set(columns)
    used = tuple(c for c in dict.fromkeys(columns) if c in names)
    params = tuple(n for n in names if n not in column_set)
    if not params:
        hint = (
            "every name in it is a data column; add a parameter such as w"
            if used else "it has no variables; try x^2"
        )  # fmt: skip
        raise ExprError("no variables to optimise", text, None, hint)
    return params, used


def check_syntax(text: str, columns: Iterable[str] = ()) -> ExprError | None:
    """The problem with ``text`` as a loss, or None: parse only, fast, for as-you-type checks."""
    try:
        split_variables(parse(text, columns), columns, text)
    except ExprError as err:
        return err
    return None


def to_text(node: Node) -> str:
    """The tree as text that parses back to the same tree (``^`` for powers)."""
    return _to_text(node)[0]


_PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}


def _to_text(node: Node) -> tuple[str, int]:
    kind = node.kind
    if kind == "num":
        return (str(node.value) if type(node.value) is int else repr(node.value)), 9
    if kind in ("var", "const"):
        return str(node.value), 9
    if kind == "call":
        return f"{node.value}({_to_text(node.args[0])[0]})", 9
    prec = _PREC[kind]
    if kind == "neg":
        arg, p = _to_text(node.args[0])
        return "-" + (arg if p > prec else f"({arg})"), prec
    (left, lp), (right, rp) = (_to_text(a) for a in node.args)
    if kind == "pow":
        left_ok, right_ok = lp > prec, rp >= prec  # right-associative
    else:
        left_ok, right_ok = lp >= prec, rp > prec  # left-associative
    left = left if left_ok else f"({left})"
    right = right if right_ok else f"({right})"
    return f"{left}{BINARY[kind]}{right}", prec
