"""compile_function: formulas, gradients and Hessians against finite differences, domains."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdtui.engine.objective import DomainError, Objective
from gdtui.expr import ExprError, compile_function

# a small data set for data-driven losses
DATA = {
    "x": np.array([0.0, 1.0, 2.0, 3.0, -1.5]),
    "y": np.array([1.0, 2.9, 5.2, 7.1, -2.0]),
    "t": np.array([1.0, 1.0, -1.0, 1.0, -1.0]),
}

# (text, columns, points): points keep away from kinks (relu, abs) and domain edges
FUNCTIONS = [
    ("x^2 + 3*x*y + y^2", (), [(1.0, 2.0), (-0.5, 0.3), (2.0, -1.0)]),
    ("(1-x)^2 + 100*(y-x^2)^2", (), [(-1.2, 1.0), (0.5, 0.5), (1.1, 1.3)]),
    ("sigmoid(2*x - y)", (), [(0.1, 0.4), (-1.0, 1.0), (2.0, 0.5)]),
    ("relu(x - y) + relu(2*x + 1)", (), [(1.0, 0.2), (-2.0, 1.0), (0.5, 1.5)]),
    ("softplus(x - 2*y) + softplus(-x)", (), [(0.3, 0.1), (-1.0, 2.0), (2.0, -1.0)]),
    ("tanh(x*y) + tanh(x)^2", (), [(0.3, 0.7), (-1.0, 0.5), (1.5, -0.2)]),
    ("abs(x - y) + abs(y)*x", (), [(1.0, 0.3), (-1.0, 0.5), (0.5, -2.0)]),
    ("log(x^2 + y^2 + 1)", (), [(0.3, 0.7), (-1.0, 2.0), (3.0, -0.5)]),
    ("log(x) + ln(y)*x", (), [(0.5, 2.0), (1.5, 0.7), (3.0, 3.0)]),
    ("sqrt(x^2 + y^2 + 1)", (), [(0.3, 0.7), (-1.0, 2.0), (3.0, -0.5)]),
    ("exp(-(x^2 + y^2)/2)", (), [(0.3, 0.7), (-1.0, 0.2), (0.5, -0.5)]),
    ("sin(x)*cos(y) + tan(x/3)", (), [(0.3, 0.7), (-1.0, 2.0), (2.0, -0.5)]),
    ("sinh(x/2) + cosh(y/2)*x", (), [(0.3, 0.7), (-1.0, 2.0), (2.0, -0.5)]),
    ("x^y + y^0.5", (), [(1.5, 0.7), (0.5, 2.0), (2.0, 1.3)]),
    ("x^(1/3)*y^1.5 - 1/(1 + x^2 + y^2)", (), [(1.5, 0.7), (0.5, 2.0), (2.0, 1.3)]),
    ("e^x + pi*y^2 - 2^x*3^(-y)", (), [(0.3, 0.7), (-1.0, 2.0), (1.0, -0.5)]),
    ("x^3/3 - x", (), [(0.3,), (-1.0,), (2.0,)]),
    ("-x^2 - (y - 1)^4", (), [(0.3, 0.7), (-1.0, 2.0)]),
    ("(w*x + b - y)^2", ("x", "y"), [(1.0, 0.0), (2.0, 1.0), (-0.5, 0.3)]),
    ("log(1 + exp(-t*(w*x + b)))", ("x", "t"), [(0.5, 0.1), (-1.0, 0.3), (2.0, -1.0)]),
    ("(sigmoid(w*x + b) - t)^2 + 0.01*(w^2 + b^2)", ("x", "t"), [(0.5, 0.1), (-1.0, 0.3)]),
    ("(relu(w*x + b) - y)^2", ("x", "y"), [(1.3, 0.4), (2.0, 1.1)]),
]


def numeric_gradient(obj: Objective, w: list[float], h: float = 1e-6) -> list[float]:
    out = []
    for j in range(len(w)):
        step = h * max(1.0, abs(w[j]))
        up, down = list(w), list(w)
        up[j] += step
        down[j] -= step
        out.append((obj.value(up) - obj.value(down)) / (2 * step))
    return out


def numeric_hessian(obj: Objective, w: list[float], h: float = 1e-5) -> np.ndarray:
    d = len(w)
    out = np.empty((d, d))
    for j in range(d):
        step = h * max(1.0, abs(w[j]))
        up, down = list(w), list(w)
        up[j] += step
        down[j] -= step
        diff = np.array(obj.value_grad(up)[1]) - np.array(obj.value_grad(down)[1])
        out[:, j] = diff / (2 * step)
    return out


@pytest.fixture(scope="module")
def compiled() -> dict[str, Objective]:
    out = {}
    for text, columns, _ in FUNCTIONS:
        obj = compile_function(text, columns)
        out[text] = obj.bind(DATA) if obj.columns else obj
    return out


@pytest.mark.parametrize(("text", "columns", "points"), FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_gradient_matches_central_differences(compiled, text, columns, points) -> None:
    obj = compiled[text]
    assert obj.columns == tuple(c for c in columns)
    for w in points:
        f, g = obj.value_grad(list(w))
        assert math.isfinite(f)
        assert g == pytest.approx(numeric_gradient(obj, list(w)), rel=1e-5, abs=1e-6), w


@pytest.mark.parametrize(("text", "columns", "points"), FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_hessian_matches_differences_of_the_gradient(compiled, text, columns, points) -> None:
    obj = compiled[text]
    for w in points:
        h = obj.hessian(list(w))
        assert h == pytest.approx(numeric_hessian(obj, list(w)), rel=1e-4, abs=1e-5), w
        assert np.allclose(h, h.T)


@pytest.mark.parametrize(("text", "columns", "points"), FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_array_path_agrees_with_scalar_path(compiled, text, columns, points) -> None:
    obj = compiled[text]
    W = np.array(points, dtype=float)
    loss, grad = obj.value_grad_many(W)
    assert loss.shape == (len(points),) and grad.shape == (len(points), obj.dims)
    for r, w in enumerate(points):
        f, g = obj.value_grad(list(w))
        assert loss[r] == pytest.approx(f, rel=1e-10)
        assert grad[r] == pytest.approx(g, rel=1e-9, abs=1e-12)


def test_seed_lesson() -> None:
    obj = compile_function("x^2 + 3*x*y + y^2")
    assert obj.params == ("x", "y")
    assert obj.value_grad([1, 2]) == (11.0, [8.0, 7.0])
    assert obj.formula == "x^2 + 3*x*y + y^2"
    assert obj.derivative_formulas == ("2*x + 3*y", "3*x + 2*y")
    assert obj.hessian_formulas == (("2", "3"), ("3", "2"))
    assert obj.text == "x^2 + 3*x*y + y^2"


def test_saddle_hessian() -> None:
    obj = compile_function("x^2 - y^2")
    assert obj.hessian([0.3, -0.2]).tolist() == [[2.0, 0.0], [0.0, -2.0]]
    assert obj.hessian_formulas == (("2", "0"), ("0", "-2"))


def test_data_driven_loss() -> None:
    obj = compile_function("(w*x + b - y)^2", ["x", "y"])
    assert obj.params == ("w", "b") and obj.columns == ("x", "y")
    assert obj.scalar_fn is None
    assert obj.formula == "(b + w*x - y)^2"
    assert obj.derivative_formulas == ("2*x*(b + w*x - y)", "2*(b + w*x - y)")
    bound = obj.bind(DATA)
    w, b = 2.0, 1.0
    residual = w * DATA["x"] + b - DATA["y"]
    f, g = bound.value_grad([w, b])
    assert f == pytest.approx(np.mean(residual**2))
    assert g == pytest.approx([np.mean(2 * residual * DATA["x"]), np.mean(2 * residual)])
    rows = np.array([0, 2])
    assert bound.value([w, b], rows) == pytest.approx(np.mean(residual[rows] ** 2))


def test_unused_columns_are_not_columns() -> None:
    obj = compile_function("(w - 3)^2", ["x", "y"])
    assert obj.columns == () and obj.scalar_fn is not None


def test_formulas_use_caret_and_typed_names() -> None:
    obj = compile_function("relu(w) + abs(b) + e^w + sqrt(b^2 + 1)")
    assert "^" in obj.formula and "**" not in obj.formula
    assert "relu(w)" in obj.formula and "abs(b)" in obj.formula and "exp(w)" in obj.formula
    assert obj.derivative_formulas == ("exp(w) + step(w)", "b/sqrt(b^2 + 1) + sign(b)")
    assert obj.hessian_formulas[0][1] == "0"
    obj = compile_function("0.1*x^2 + 1e-3*x")
    assert obj.formula == "0.1*x^2 + 0.001*x"
    obj = compile_function("sigmoid(x)")
    assert obj.formula == "sigmoid(x)"
    assert obj.derivative_formulas[0] == "sigmoid(-x)*sigmoid(x)"  # σ(x)(1 - σ(x))


def test_kinks_take_derivative_zero() -> None:
    obj = compile_function("relu(x) + abs(y)")
    assert obj.value_grad([0.0, 0.0]) == (0.0, [0.0, 0.0])
    assert obj.value_grad([2.0, -3.0]) == (5.0, [1.0, -1.0])
    loss, grad = obj.value_grad_many(np.array([[0.0, 0.0], [-1.0, 2.0]]))
    assert grad.tolist() == [[0.0, 0.0], [0.0, 1.0]]


def test_names_cannot_clash_with_generated_code() -> None:
    obj = compile_function("math^2 + numpy*print + ValueError + match")
    assert obj.params == ("math", "numpy", "print", "ValueError", "match")
    f, g = obj.value_grad([1.0, 2.0, 3.0, 4.0, 5.0])
    assert f == 1 + 6 + 4 + 5 and g == [2.0, 3.0, 2.0, 1.0, 1.0]


def test_constant_derivatives_broadcast() -> None:
    obj = compile_function("x^2 + 3*y")
    W = np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 0.0]])
    loss, grad = obj.value_grad_many(W)
    assert loss.tolist() == [7.0, -2.75, 0.0]
    assert grad.tolist() == [[2.0, 3.0], [1.0, 3.0], [0.0, 3.0]]
    X, Y = np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3))
    assert obj.values_on(X, Y).shape == (3, 4)
    f, g = obj.array_fn(np.zeros(5), np.zeros(5))
    assert np.broadcast_to(g[1], (5,)).tolist() == [3.0] * 5
    assert obj.hessian([1.0, 1.0]).tolist() == [[2.0, 0.0], [0.0, 0.0]]
    linear = compile_function("2*x - y")
    assert linear.values_on(X, Y).shape == (3, 4)


def test_no_variables_to_optimise() -> None:
    with pytest.raises(ExprError, match="no variables to optimise"):
        compile_function("2 + 3")
    with pytest.raises(ExprError, match="no variables to optimise") as info:
        compile_function("x*y", ["x", "y"])
    assert "data column" in str(info.value)


def test_parse_errors_carry_the_text() -> None:
    with pytest.raises(ExprError) as info:
        compile_function("x^2 + 3y")
    assert info.value.text == "x^2 + 3y" and info.value.column == 7


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("log(-x^2 - 1)", "undefined everywhere"),
        ("sqrt(-1 - x^2)", "undefined everywhere"),
        ("x/(x - x)", "divides by zero everywhere"),
        ("(-2)^x", "undefined everywhere"),
    ],
)
def test_nowhere_defined_is_an_error(text: str, words: str) -> None:
    with pytest.raises(ExprError, match=words) as info:
        compile_function(text)
    assert info.value.text == text and info.value.column == 0


# ------------------------------------------------------------------ domains
def test_log_of_a_negative_is_a_domain_error() -> None:
    obj = compile_function("log(x)")
    with pytest.raises(DomainError):
        obj.value_grad([-1.0])
    with pytest.raises(DomainError):
        obj.value_grad([0.0])
    assert math.isnan(obj.value([-1.0]))
    loss, grad = obj.value_grad_many(np.array([[-1.0], [1.0]]))
    assert math.isnan(loss[0]) and loss[1] == 0.0 and grad[1, 0] == 1.0


def test_division_by_zero_is_a_domain_error() -> None:
    obj = compile_function("1/x")
    with pytest.raises(DomainError, match="division by zero"):
        obj.value_grad([0.0])
    loss, grad = obj.value_grad_many(np.array([[0.0], [2.0]]))
    assert not math.isfinite(loss[0]) and loss[1] == 0.5


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("sqrt(x)", [-1.0]),
        ("x^0.5", [-4.0]),
        ("x^(1/3)", [-8.0]),
        ("exp(log(x))", [-1.0]),  # sympy rewrites it to x: the guard still holds
        ("sqrt(x)^2", [-1.0]),
        ("sqrt(x)*sqrt(x) + y", [-1.0, 1.0]),
        ("x/x", [0.0]),
        ("abs(x^0.5)", [-4.0]),
        ("log(x^0.5 - 1)", [-4.0]),
        ("x^y", [-2.0, 0.5]),
        ("relu(sqrt(x))", [-1.0]),
    ],
)
def test_outside_the_domain_never_gives_a_wrong_real(text: str, point: list[float]) -> None:
    obj = compile_function(text)
    with pytest.raises(DomainError):
        obj.value_grad(point)
    loss, grad = obj.value_grad_many(np.array([point]))
    assert not math.isfinite(loss[0])


def test_whole_exponents_work_on_negative_bases() -> None:
    for text in ("x^2.0", "x^(4/2)", "x^2"):
        obj = compile_function(text)
        assert obj.value_grad([-3.0]) == (9.0, [-6.0]), text
    assert compile_function("x^-1.0").value_grad([-2.0]) == (-0.5, [-0.25])


def test_overflow_gives_inf() -> None:
    obj = compile_function("exp(x)")
    f, g = obj.value_grad([1000.0])
    assert f == math.inf and g == [math.inf]
    loss, _ = obj.value_grad_many(np.array([[1000.0]]))
    assert loss[0] == math.inf


def test_scalar_fast_path_is_straight_line() -> None:
    obj = compile_function("(1-x)^2 + 100*(y-x^2)^2")
    assert obj.scalar_fn is not None
    code = obj.scalar_fn.__code__
    assert code.co_argcount == 2
    # no calls at all: plain arithmetic on floats after common-subexpression elimination
    assert set(code.co_names) <= {"TypeError", "ValueError"}
    assert obj.value_grad([1.0, 1.0]) == (0.0, [0.0, 0.0])
    assert obj.value_grad([-1.2, 1.0])[1] == pytest.approx([-215.6, -88.0])


def test_recompiling_is_cached_but_keeps_the_text() -> None:
    a = compile_function("x^2+y")
    b = compile_function(" x^2 + y ")
    assert b.text == " x^2 + y " and a.text == "x^2+y"
    assert a.array_fn is b.array_fn
    c = compile_function("x^2.0+y")
    assert c.formula == "x^2.0 + y" and a.formula == "x^2 + y"
