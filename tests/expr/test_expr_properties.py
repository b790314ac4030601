"""Property tests: any text gives a tree or an ExprError; compiled code keeps its contract."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gdtui.engine.objective import DomainError
from gdtui.expr import ExprError, compile_function, parse
from gdtui.expr.parse import FUNCTIONS, MAX_LENGTH, evaluate, to_text, variables

NUMBERS = st.one_of(
    st.integers(0, 60).map(str),
    st.floats(0, 100, allow_nan=False, allow_infinity=False).map(lambda v: f"{v:.3g}"),
    st.sampled_from(["1e-3", "2.5", ".5", "3.", "0.1", "1E2", "007"]),
)
LEAVES = st.one_of(NUMBERS, st.sampled_from(["x", "y", "w", "b", "pi", "e"]))
OPERATORS = st.sampled_from(["+", "-", "*", "/", "^", "**", " + ", " * ", " ^ "])


def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, OPERATORS, children).map("".join),
        children.map(lambda c: "-" + c),
        children.map(lambda c: "+" + c),
        children.map(lambda c: f"({c})"),
        st.tuples(st.sampled_from(FUNCTIONS), children).map(lambda t: f"{t[0]}({t[1]})"),
    )


EXPRESSIONS = st.recursive(LEAVES, extend, max_leaves=14)
GRAMMAR_CHARS = st.text(alphabet=st.sampled_from(list("xye0123456789.+-*/^(), \tsinlogpqrt_")),
                        max_size=60)  # fmt: skip


def outcome(tree, values):
    try:
        return evaluate(tree, values)
    except (ArithmeticError, ValueError) as exc:
        return type(exc)


@settings(max_examples=400, deadline=None)
@given(EXPRESSIONS)
def test_grammar_expressions_parse_or_explain(text: str) -> None:
    try:
        tree = parse(text)
    except ExprError as err:
        assert err.text == text
        assert err.column is None or 0 <= err.column <= len(text)
        assert len(err.lines()) <= 3
        return
    shown = to_text(tree)
    if len(shown) <= MAX_LENGTH:
        again = parse(shown)
        assert again == tree
        values = {"x": 0.7, "y": -1.3, "w": 2.1, "b": 0.4}
        first, second = outcome(tree, values), outcome(again, values)
        assert first == second or (first != first and second != second)  # nan == nan


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=80), GRAMMAR_CHARS))
def test_any_text_parses_or_raises_expr_error(text: str) -> None:
    try:
        parse(text)
    except ExprError as err:
        assert "\n" not in str(err)
        for line in err.lines():
            line.encode("utf-8")


POINT = st.lists(st.floats(-3, 3, allow_nan=False), min_size=4, max_size=4)
#: Expressions with at least one variable: something to optimise.
LOSSES = st.tuples(st.sampled_from(["x", "y", "w", "b"]), OPERATORS, EXPRESSIONS).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LOSSES, st.lists(POINT, min_size=1, max_size=3))
def test_compiled_functions_keep_the_contract(text: str, points: list[list[float]]) -> None:
    try:
        obj = compile_function(text, timeout=1.0)
    except ExprError as err:
        assert "could not work out" not in str(err), str(err)  # sympy itself failed
        return
    assume(obj.dims >= 1)
    assert obj.params == variables(parse(text))
    for point in points:
        w = point[: obj.dims]
        try:
            f, g = obj.value_grad(w)
            scalar_ok = True
        except DomainError:
            scalar_ok = False
        loss, grad = obj.value_grad_many(np.array([w]))
        obj.hessian(w)  # never raises
        values = [loss[0], *grad[0]]
        if not scalar_ok:
            assert not all(math.isfinite(v) for v in values), (text, w)
            continue
        assert isinstance(f, float) and all(isinstance(gi, float) for gi in g)
        scalar = [f, *g]
        if all(math.isfinite(v) and abs(v) < 1e8 for v in scalar):
            assert np.allclose(values, scalar, rtol=1e-6, atol=1e-6), (text, w, values, scalar)
