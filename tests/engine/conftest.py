"""Hand-built objectives for the engine tests (no gdtui.expr needed).

Each objective is written from plain Python functions following the Objective
contract: ``scalar_fn`` on floats (pure functions only), ``array_fn`` and
``hessian_fn`` on broadcasting numpy arrays.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdtui.engine.objective import Objective


def make_parabola() -> Objective:
    """f(x) = x^2."""
    return Objective(
        params=("x",),
        scalar_fn=lambda x: (x * x, (2 * x,)),
        array_fn=lambda x: (x * x, (2 * x,)),
        hessian_fn=lambda x: ((2.0,),),
        text="x^2",
    )


def _rosen(x, y):  # type: ignore[no-untyped-def]
    a = 1 - x
    b = y - x * x
    return a * a + 100 * b * b, (-2 * a - 400 * x * b, 200 * b)


def make_rosenbrock() -> Objective:
    """f(x, y) = (1-x)^2 + 100 (y - x^2)^2."""
    return Objective(
        params=("x", "y"),
        scalar_fn=_rosen,
        array_fn=_rosen,
        hessian_fn=lambda x, y: ((2 - 400 * (y - x * x) + 800 * x * x, -400 * x), (-400 * x, 200.0)),
        text="(1-x)^2 + 100*(y-x^2)^2",
    )


def make_quadratic(a: float, b: float, c: float) -> Objective:
    """f(x, y) = a x^2 + b x y + c y^2 (Hessian [[2a, b], [b, 2c]])."""

    def fn(x, y):  # type: ignore[no-untyped-def]
        return a * x * x + b * x * y + c * y * y, (2 * a * x + b * y, b * x + 2 * c * y)

    return Objective(
        params=("x", "y"),
        scalar_fn=fn,
        array_fn=fn,
        hessian_fn=lambda x, y: ((2.0 * a, float(b)), (float(b), 2.0 * c)),
    )


def _log_scalar(x):  # type: ignore[no-untyped-def]
    return math.log(x), (1 / x,)


def make_log() -> Objective:
    """f(x) = log(x): math.log raises ValueError for x <= 0, numpy gives nan."""
    return Objective(
        params=("x",),
        scalar_fn=_log_scalar,
        array_fn=lambda x: (np.log(x), (1 / x,)),
        hessian_fn=lambda x: ((-1 / (x * x),),),
    )


def make_line_loss(data=None) -> Objective:  # type: ignore[no-untyped-def]
    """Mean over rows of (w*x + b - y)^2, bound to ``data`` (a mapping of columns)."""

    def fn(w, b, x, y):  # type: ignore[no-untyped-def]
        r = w * x + b - y
        return r * r, (2 * r * x, 2 * r)

    def hess(w, b, x, y):  # type: ignore[no-untyped-def]
        return ((2 * x * x, 2 * x), (2 * x, 2.0))

    obj = Objective(params=("w", "b"), columns=("x", "y"), array_fn=fn, hessian_fn=hess)
    return obj if data is None else obj.bind(data)


@pytest.fixture
def parabola() -> Objective:
    return make_parabola()


@pytest.fixture
def rosenbrock() -> Objective:
    return make_rosenbrock()


class _Objectives:
    """Factories for the hand-built objectives (tests get them via the ``objectives`` fixture)."""

    parabola = staticmethod(make_parabola)
    rosenbrock = staticmethod(make_rosenbrock)
    quadratic = staticmethod(make_quadratic)
    log = staticmethod(make_log)
    line_loss = staticmethod(make_line_loss)


@pytest.fixture
def objectives() -> type[_Objectives]:
    return _Objectives
