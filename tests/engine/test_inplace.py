"""Generated numpy code rewritten to write in place gives the same bits as the original."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdtui.engine.inplace import Buffers, objective_lines
from gdtui.expr import compile_function

FUNCTIONS = [
    ("(1 - x)^2 + 100*(y - x^2)^2", ()),
    ("x^2 - y^2", ()),
    ("log(x) + exp(-y) * sqrt(x + y)", ()),  # domain checks: numpy.where(..., numpy.nan)
    ("sin(3*x) * cos(y) - x/(1 + y^2)", ()),
    ("-x^3 + 2.5*x*y - 7", ()),
]


def run_lines(lines, dims, W, buffered):
    ns = {"numpy": np, "math": math, "_add": np.add, "_sub": np.subtract, "_mul": np.multiply,
          "_div": np.true_divide, "_neg": np.negative, "_square": np.square}
    loss, grad = np.full(W.shape[1], 7.0), np.full(W.shape, 7.0)
    if buffered:
        buffers = Buffers({"w": W.shape, "g": W.shape, "_loss": loss.shape}, {})
        import ast

        stmts = buffers.rewrite(ast.parse("\n".join(lines)).body)
        for stmt in stmts:
            ast.fix_missing_locations(stmt)
        lines = [*buffers.prologue, *(ast.unparse(s) for s in stmts)]
    ns.update(w=W, g=grad, _loss=loss)
    with np.errstate(all="ignore"):
        exec("\n".join(lines), ns)
    return loss, grad


@pytest.mark.parametrize("buffered", [False, True])
@pytest.mark.parametrize("text,columns", FUNCTIONS, ids=[f for f, _ in FUNCTIONS])
def test_in_place_objective_is_array_fn_bit_for_bit(text, columns, buffered):
    obj = compile_function(text, columns)
    rng = np.random.default_rng(1)
    W = rng.uniform(-2, 3, (obj.dims, 50))
    lines = objective_lines(obj.array_fn, obj.dims, "w", "_loss", "g")
    assert lines is not None
    loss, grad = run_lines(lines, obj.dims, W, buffered)
    with np.errstate(all="ignore"):
        f, g = obj.array_fn(*W)
    np.testing.assert_array_equal(loss, np.broadcast_to(f, loss.shape))
    for j in range(obj.dims):
        np.testing.assert_array_equal(grad[j], np.broadcast_to(g[j], grad[j].shape))


def test_functions_that_are_not_plain_generated_code_are_left_alone():
    k = 3.0
    assert objective_lines(lambda x: (x * x, (2 * x,)), 1, "w", "_loss", "g") is None

    def closure(x):  # reads a name from outside
        return k * x, (k,)

    def loop(x):
        for _ in range(2):
            x = x + 1
        return x, (1.0,)

    assert objective_lines(closure, 1, "w", "_loss", "g") is None
    assert objective_lines(loop, 1, "w", "_loss", "g") is None
    assert objective_lines(len, 1, "w", "_loss", "g") is None
