"""Every class of bad input: an ExprError with a specific message and the right column."""

from __future__ import annotations

import pickle

import pytest

from gdtui.errors import GdtuiError
from gdtui.expr import ExprError, parse
from gdtui.expr.parse import MAX_CALL_DEPTH, MAX_DEPTH, MAX_LENGTH, MAX_NODES

# (text, words the one-line message must contain, 0-based column or None)
BAD = [
    # implicit multiplication
    ("3x", ["missing '*'", "write 3*x"], 1),
    ("2 x", ["missing '*'", "write 2*x"], 2),
    ("(x+1)(x-1)", ["missing '*'", "write )*("], 5),
    ("x(y+1)", ["missing '*'", "write x*("], 1),
    ("2(x)", ["missing '*'", "write 2*("], 1),
    ("2 sin(x)", ["missing '*'", "write 2*sin"], 2),
    ("x y", ["missing '*'", "write x*y"], 2),
    ("2e", ["missing '*'", "write 2*e"], 1),
    # Python that is not maths
    ("__import__('os')", ["'__import__' is not allowed", "'_'"], 0),
    ("().__class__", ["'.' is not allowed", "attributes"], 2),
    ("lambda: 0", ["'lambda' is not allowed"], 0),
    ("x.real", ["'.' is not allowed", "attributes"], 1),
    ("[1]", ["'[' is not allowed"], 0),
    ("'a'", ["quotes are not allowed"], 0),
    ('"a"', ["quotes are not allowed"], 0),
    ("x if y else 1", ["'if' is not allowed"], 2),
    ("x == 1", ["'=' is not allowed"], 2),
    ("x < 1", ["'<' is not allowed"], 2),
    ("not x", ["'not' is not allowed"], 0),
    ("True*x", ["'True' is not allowed"], 0),
    ("x % 2", ["character '%' is not allowed"], 2),
    ("x; y", ["character ';' is not allowed"], 1),
    ("{x}", ["'{' is not allowed"], 0),
    ("x\n+1", ["control character U+000A", "one line"], 1),
    ("x @ y", ["character '@' is not allowed"], 2),
    # functions
    ("sin(x, y)", ["sin takes exactly one argument", "not 2"], 0),
    ("sin", ["sin is a function", "write sin(x)"], 0),
    ("2*exp + 1", ["exp is a function", "write exp(x)"], 2),
    ("foo(x)", ["unknown function 'foo'"], 0),
    ("sinn(x)", ["unknown function 'sinn'", "did you mean sin"], 0),
    ("sin()", ["sin() needs an argument"], 4),
    ("x, y", ["',' is not allowed"], 1),
    ("1,5*x", ["',' is not allowed", "write 1.5"], 1),
    # limits
    ("9^9^9^9", ["exponent 9^9", "too large", "at most 100"], 4),
    ("x^101", ["exponent 101 is too large"], 2),
    ("x^-101", ["exponent -101 is too large"], 2),
    ("x^(2^7)", ["exponent 2^7 = 128 is too large"], 3),
    ("x^1e3", ["exponent 1e3 is too large"], 2),
    ("((9^99)^99)^99*x", ["too large", "1e308"], 1),
    ("exp(1000)*x", ["exp(1000) is too large"], 0),
    ("1e999*x", ["number 1e999 is too large"], 0),
    ("1234567890123456", ["16 digits", "at most 15"], 0),
    ("x*1234567890123456789", ["19 digits"], 2),
    ("a+b+c+d+f+g+h+k+m", ["too many variables", "'m'", "at most 8"], 16),
    ("abcdefghijklmnopq+1", ["too long", "at most 16"], 0),
    # look-alikes and other non-ASCII
    ("𝔁^2", ["non-ASCII character '𝔁'", "write 'x'"], 0),
    ("ｘ", ["non-ASCII character 'ｘ'", "write 'x'"], 0),
    ("x²", ["non-ASCII character '²'", "write x^2"], 1),
    ("2×x", ["non-ASCII character '×'", "write *"], 1),
    ("x−1", ["non-ASCII character '−'", "write -"], 1),
    ("2·x", ["non-ASCII character '·'"], 1),
    ("π*x", ["non-ASCII character 'π'", "write pi"], 0),
    ("θ^2", ["non-ASCII character 'θ'", "theta"], 0),
    ("x\u00a0+ 1", ["non-ASCII character U+00A0", "plain space"], 1),
    ("x\u200b", ["non-ASCII character U+200B"], 1),
    ("\ud800x", ["non-ASCII character U+D800"], 0),
    # structure
    ("", ["empty"], None),
    ("   ", ["empty"], None),
    ("(x+1", ["missing ')'", "column 1"], 4),
    ("((x+1)*y", ["missing ')'", "column 1"], 8),
    ("x+1)", ["unexpected ')'"], 3),
    (")(", ["unexpected ')'"], 0),
    ("x +", ["ends with '+'"], 2),
    ("x*", ["ends with '*'"], 1),
    ("x^", ["ends with '^'"], 1),
    ("(x-)", ["missing a term after '-'"], 2),
    ("*x", ["unexpected '*'"], 0),
    ("x*/y", ["unexpected '/'"], 2),
    ("x***2", ["unexpected '*'"], 3),
    ("()", ["empty parentheses"], 0),
    ("1.2.3", ["malformed number"], 0),
    ("1_000*x", ["'_' in a number"], 1),
    # constant parts outside their domain
    ("x/0", ["division by zero"], 1),
    ("x/(1-1)", ["division by zero", "1-1 is 0"], 1),
    ("log(-1)+x", ["log(-1) is undefined", "above 0"], 0),
    ("x*sqrt(-2)", ["sqrt(-2) is undefined"], 2),
    ("(-8)^(1/3)*x", ["not a real number"], 0),
]


@pytest.mark.parametrize(("text", "words", "column"), BAD, ids=[repr(b[0])[:30] for b in BAD])
def test_bad_input(text: str, words: list[str], column: int | None) -> None:
    with pytest.raises(ExprError) as info:
        parse(text)
    err = info.value
    line = str(err)
    for word in words:
        assert word in line, line
    assert err.column == column, line
    assert err.text == text
    assert "\n" not in line
    if column is not None:
        assert f"at column {column + 1}" in line


def test_limits_are_exact() -> None:
    # 300 characters is fine, 301 is not
    parse("x" + " " * (MAX_LENGTH - 1))
    with pytest.raises(ExprError, match="too long: 301 characters") as info:
        parse("x" + " " * MAX_LENGTH)
    assert info.value.column == MAX_LENGTH


def test_node_limit() -> None:
    ok = "+".join(["x"] * 100)  # 199 nodes
    parse("-" + ok)  # 200 nodes
    parse("+" + ok)  # a unary plus makes no node
    with pytest.raises(ExprError, match="too many terms") as info:
        parse(ok + "+1")
    assert info.value.column == len(ok) + 1  # the 201st node
    assert "at most 200" in str(info.value)


def test_depth_limit() -> None:
    nested = "(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH
    parse(nested)
    with pytest.raises(ExprError, match="nested too deeply") as info:
        parse("(" + nested + ")")
    assert info.value.column == MAX_DEPTH
    calls = "sin(" * MAX_CALL_DEPTH + "x" + ")" * MAX_CALL_DEPTH
    parse(calls)
    with pytest.raises(ExprError, match="functions nested too deeply") as info:
        parse("sin(" + calls + ")")
    assert info.value.column == 4 * MAX_CALL_DEPTH
    assert info.value.hint == f"at most {MAX_CALL_DEPTH} functions inside each other"
    tower = "^".join(["x"] * (MAX_DEPTH + 1))  # 32 powers: fine
    parse(tower)
    with pytest.raises(ExprError, match="nested too deeply") as info:
        parse(tower + "^x")
    assert info.value.column == len(tower) - 1  # the left operand of the 33rd power


def test_deep_parentheses_never_reach_python() -> None:
    # 150 levels fit in 300 characters: our own depth check answers, not ast.parse
    with pytest.raises(ExprError, match="nested too deeply") as info:
        parse("(" * 149 + "x" + ")" * 149)
    assert info.value.column == MAX_DEPTH
    with pytest.raises(ExprError, match="nested too deeply"):
        parse("(" * 299)
    # 400 levels: over the length limit, found before anything else
    with pytest.raises(ExprError, match="too long") as info:
        parse("(" * 400 + "x" + ")" * 400)
    assert info.value.column == MAX_LENGTH


def test_limit_constants() -> None:
    assert (MAX_LENGTH, MAX_NODES, MAX_DEPTH) == (300, 200, 32)


def test_characters_are_checked_first() -> None:
    # every character is checked before any token is looked at
    err = pytest.raises(ExprError, parse, "3x + y²").value
    assert err.column == 6 and "'²'" in str(err)
    err = pytest.raises(ExprError, parse, "3x + (y").value
    assert err.column == 1 and "missing '*'" in str(err)


def test_message_parts() -> None:
    err = pytest.raises(ExprError, parse, "x²+1").value
    assert err.message == "non-ASCII character '²'"
    assert err.hint == "write x^2"
    assert str(err) == "non-ASCII character '²' at column 2: write x^2"
    assert isinstance(err, GdtuiError) and isinstance(err, ValueError)


def test_lines_with_caret() -> None:
    err = pytest.raises(ExprError, parse, "x^2 + 3x").value
    assert err.lines() == [
        "missing '*' between '3' and 'x' at column 8: write 3*x",
        "x^2 + 3x",
        "       ^",
    ]


def test_lines_without_column() -> None:
    err = ExprError("too complex: working out the derivatives took longer than 3 s", "x^x")
    assert err.lines() == [str(err), "x^x"]
    assert ExprError("the expression is empty", "").lines() == ["the expression is empty"]


def test_lines_are_safe_to_print() -> None:
    err = pytest.raises(ExprError, parse, "x\t+\n1").value
    lines = err.lines()
    assert len(lines) == 3
    assert lines[1] == "x +?1"  # tab shown as a space, newline as '?'
    assert lines[2] == "   ^"
    err = pytest.raises(ExprError, parse, "\ud800").value
    for line in err.lines():
        line.encode("utf-8")  # no lone surrogates


def test_lines_caret_under_wide_characters() -> None:
    err = pytest.raises(ExprError, parse, "ｘ+ｙ").value
    assert err.column == 0
    err = ExprError("bad", "ｘ+y²", 3)
    assert err.lines()[2] == "    ^"  # ｘ takes two cells


def test_lines_cut_long_text_around_the_column() -> None:
    text = "x" + " " * 250 + "+ 3y"
    err = pytest.raises(ExprError, parse, text).value
    message, shown, caret = err.lines()
    assert len(shown) <= 82 and shown.startswith("...")
    assert shown[caret.index("^")] == "y"


def test_pickle_keeps_every_field() -> None:
    err = pytest.raises(ExprError, parse, "3x").value
    back = pickle.loads(pickle.dumps(err))
    fields = ("message", "text", "column", "hint")
    assert [getattr(back, f) for f in fields] == [getattr(err, f) for f in fields]
    assert str(back) == str(err)
