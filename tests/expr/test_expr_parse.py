"""The parser: grammar, precedence, functions, constants, the tree and its helpers."""

from __future__ import annotations

import builtins
import math
import pickle

import pytest

from gdtui.expr import ExprError, Node, check_syntax, parse
from gdtui.expr.parse import FUNCTIONS, evaluate, split_variables, to_text, variables


def value(text: str, **values: float) -> float:
    return evaluate(parse(text), values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2^3^2", 512.0),  # right-associative
        ("2**3**2", 512.0),
        ("(2^3)^2", 64.0),
        ("-3^2", -9.0),  # -(3^2)
        ("2^-1", 0.5),
        ("2*3+4", 10.0),
        ("2+3*4", 14.0),
        ("8/4/2", 1.0),  # left-associative
        ("8-4-2", 2.0),
        ("--2", 2.0),
        ("+2", 2.0),
        ("-+-2", 2.0),
        ("1e-3 * 1000", 1.0),
        ("1E3", 1000.0),
        ("2.5e+2", 250.0),
        (".5 + 2.", 2.5),
        ("007", 7.0),
        ("\t1 +  2 ", 3.0),
    ],
)
def test_precedence_and_numbers(text: str, expected: float) -> None:
    assert value(text) == pytest.approx(expected)


def test_unary_minus_binds_looser_than_power() -> None:
    assert value("-x^2", x=3) == -9.0
    assert value("(-x)^2", x=3) == 9.0
    assert value("x^2+1", x=3) == 10.0
    assert value("-x^-2", x=2) == -0.25


def test_caret_and_double_star_are_the_same() -> None:
    for a, b in [("x^2", "x**2"), ("x^y^2", "x**y**2"), ("-x^2", "-x**2"), ("2^-x", "2**-x")]:
        assert parse(a) == parse(b)
        assert value(a, x=1.5, y=0.5) == value(b, x=1.5, y=0.5)


@pytest.mark.parametrize(
    ("fn", "reference"),
    [
        ("sin", math.sin),
        ("cos", math.cos),
        ("tan", math.tan),
        ("exp", math.exp),
        ("log", math.log),
        ("ln", math.log),
        ("sqrt", math.sqrt),
        ("abs", abs),
        ("tanh", math.tanh),
        ("sinh", math.sinh),
        ("cosh", math.cosh),
        ("sigmoid", lambda a: 1 / (1 + math.exp(-a))),
        ("relu", lambda a: max(a, 0.0)),
        ("softplus", lambda a: math.log(1 + math.exp(a))),
    ],
)
def test_every_function(fn: str, reference) -> None:
    tree = parse(f"{fn}(x)")
    assert tree == Node("call", fn, (Node("var", "x"),))
    for x in (0.3, 1.7, 2.5):
        assert evaluate(tree, {"x": x}) == pytest.approx(reference(x), rel=1e-12)
    if fn not in ("log", "ln", "sqrt"):
        assert evaluate(tree, {"x": -0.7}) == pytest.approx(reference(-0.7), rel=1e-12)
    assert fn in FUNCTIONS


def test_constants() -> None:
    assert value("pi") == math.pi
    assert value("e") == math.e
    assert value("e^2") == pytest.approx(math.exp(2))
    assert value("2*pi*x", x=0.5) == pytest.approx(math.pi)
    assert parse("pi").kind == "const"
    assert variables(parse("e*x + pi*y")) == ("x", "y")


def test_tree_shape_and_columns() -> None:
    tree = parse("  x^2+1")
    square = Node("pow", None, (Node("var", "x"), Node("num", 2)))
    assert tree == Node("add", None, (square, Node("num", 1)))
    assert tree.col == 2  # columns of the typed text, not of the normalised one
    assert tree.args[0].args[1].col == 4
    assert tree.args[1].col == 6


def test_tree_is_picklable_and_hashable() -> None:
    tree = parse("sigmoid(w*x + b) - y")
    assert pickle.loads(pickle.dumps(tree)) == tree
    assert hash(parse("x + 1")) == hash(parse(" x+1 "))


def test_variables_in_order_of_first_appearance() -> None:
    assert variables(parse("x^2 + 3*x*y + y^2")) == ("x", "y")
    assert variables(parse("(w*x + b - y)^2")) == ("w", "x", "b", "y")
    assert variables(parse("y + x")) == ("y", "x")
    assert split_variables(parse("(w*x + b - y)^2"), ["x", "y", "z"]) == (("w", "b"), ("x", "y"))
    assert split_variables(parse("(w*x + b - y)^2"), ["y", "x"]) == (("w", "b"), ("y", "x"))


def test_names() -> None:
    assert variables(parse("w_1 + W2 + abcdefghijklmnop")) == ("w_1", "W2", "abcdefghijklmnop")
    # names that are not keywords are fine, even if they mean something to Python
    assert variables(parse("math + numpy + print + match + E + I")) == (
        "math", "numpy", "print", "match", "E", "I"
    )  # fmt: skip


@pytest.mark.parametrize(
    "text",
    ["x^2+1", "-x^2", "(-x)^2", "2^3^2", "(2^3)^2", "x-(y-1)", "x/(y/2)", "-(x+y)*3",
     "sin(x)^2+cos(x)^2", "x^-2", "x^(1/3)", "1e-07*x", "0.5*x", "-(-x)", "e^pi*x",
     "sigmoid(w*x+b)-y", "x^(y^2)", "(x^y)^2"],
)  # fmt: skip
def test_to_text_round_trip(text: str) -> None:
    tree = parse(text)
    assert parse(to_text(tree)) == tree


def test_check_syntax() -> None:
    assert check_syntax("x^2 + y^2") is None
    assert check_syntax("(w*x + b - y)^2", ["x", "y"]) is None
    err = check_syntax("3x")
    assert isinstance(err, ExprError) and err.column == 1
    err = check_syntax("x*y", ["x", "y"])
    assert isinstance(err, ExprError) and "no variables to optimise" in str(err)
    err = check_syntax("2 + 3")
    assert isinstance(err, ExprError) and "no variables to optimise" in str(err)


def test_parse_never_calls_eval(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args, **kwargs):
        raise AssertionError("eval must not be called")

    monkeypatch.setattr(builtins, "eval", boom)
    monkeypatch.setattr(builtins, "exec", boom)
    assert parse("sin(x)^2 + 3*y").kind == "add"
    with pytest.raises(ExprError):
        parse("__import__('os').system('echo hi')")


def test_rejects_non_str() -> None:
    with pytest.raises(TypeError):
        parse(b"x^2")  # type: ignore[arg-type]
