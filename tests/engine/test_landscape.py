"""The landscape maths: view boxes, grids, levels, tangents, slices (numpy only)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdtui.engine import landscape as L
from gdtui.engine.objective import Objective


def bowl() -> Objective:
    return Objective(
        params=("x", "y"),
        array_fn=lambda x, y: (x**2 + 3 * y**2, (2 * x, 6 * y)),
        hessian_fn=lambda x, y: ((2, 0), (0, 6)),
    )


def cubic() -> Objective:
    return Objective(
        params=("w",),
        array_fn=lambda w: (w**3 - 2 * w, (3 * w**2 - 2,)),
        hessian_fn=lambda w: ((6 * w,),),
    )


def three() -> Objective:
    return Objective(
        params=("a", "b", "c"),
        array_fn=lambda a, b, c: (a**2 + 2 * b**2 + 3 * c**2 + a * c, (2 * a + c, 4 * b, 6 * c + a)),
        hessian_fn=lambda a, b, c: ((2, 0, 1), (0, 4, 0), (1, 0, 6)),
    )


finite = st.floats(-1e3, 1e3, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=30))
def test_fit_box_includes_every_point(pts: list[tuple[float, float]]) -> None:
    box = L.fit_box(np.array(pts), cells=(40, 12))
    assert box.x0 < box.x1 and box.y0 < box.y1
    assert box.contains(np.array(pts))


def test_fit_box_ignores_non_finite_points() -> None:
    pts = np.array([[1.0, 2.0], [np.nan, 0.0], [np.inf, 1.0], [3.0, -1.0]])
    box = L.fit_box(pts)
    assert box.contains(pts[[0, 3]])
    assert all(np.isfinite([box.x0, box.x1, box.y0, box.y1]))


def test_fit_box_equal_aspect_within_limit() -> None:
    box = L.fit_box(np.array([[-1.0, -1.0], [1.0, 1.0]]), cells=(40, 10), cell_aspect=2.0)
    # 40 columns across vs 10 rows × 2 down: x per column equals y per (row/2)
    assert box.width / 40 == pytest.approx(box.height / 20)


def test_levels_strictly_increasing_and_bands_ordered() -> None:
    box = L.Box(-2, 2, -2, 2)
    z = L.sample_slice(bowl(), box, 30, 20, [0.0, 0.0])
    levels = L.contour_levels(z, 10)
    assert len(levels) == 9
    assert np.all(np.diff(levels) > 0)
    bands = L.band_index(z, levels)
    # sorting by value sorts by band
    order = np.argsort(z, axis=None)
    assert np.all(np.diff(bands.ravel()[order]) >= 0)


def test_levels_of_constant_or_empty_grid() -> None:
    assert len(L.contour_levels(np.full((3, 3), 2.0))) == 1
    assert len(L.contour_levels(np.full((3, 3), np.nan))) == 0
    assert (L.band_index(np.array([np.nan, 1.0]), np.array([0.5]))[0]) == -1


def test_sample_slice_row_zero_is_bottom() -> None:
    box = L.Box(0, 1, 0, 10)
    z = L.sample_slice(bowl(), box, 4, 5, [0.0, 0.0])
    assert z.shape == (5, 4)
    assert z[0, 0] < z[-1, 0]  # y grows upward with the row index
    assert z[0, 0] == pytest.approx(0.125**2 + 3 * 1.0**2)


def test_slice_passes_through_the_current_point() -> None:
    obj = three()
    point = [0.5, -1.0, 2.0]
    box = L.Box(-1, 1, 1, 3)  # axes (a, c); b fixed at -1
    z = L.sample_slice(obj, box, 2, 2, point, axes=(0, 2))
    xs, ys = L.grid_centres(-1, 1, 2), L.grid_centres(1, 3, 2)
    for r, c_ in enumerate(ys):
        for k, a in enumerate(xs):
            f, _ = obj.value_grad([a, point[1], c_])
            assert z[r, k] == pytest.approx(f)


def test_domain_errors_become_nan() -> None:
    obj = Objective(
        params=("x", "y"),
        array_fn=lambda x, y: (np.log(x) + y, (1 / x, np.ones_like(y))),
        hessian_fn=lambda x, y: ((0, 0), (0, 0)),
    )
    z = L.sample_slice(obj, L.Box(-1, 1, -1, 1), 4, 4, [0.5, 0.0])
    assert np.isnan(z[:, :2]).all() and np.isfinite(z[:, 2:]).all()


def test_tangent_slope_is_the_derivative() -> None:
    obj = cubic()
    w = 0.7
    f, (g,) = obj.value_grad([w])
    xs, ys = L.tangent(w, f, g, -2.0, 3.0)
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(3 * w**2 - 2)
    # it touches the curve at w: a finite difference of f matches the slope
    h = 1e-6
    fd = (obj.value([w + h]) - obj.value([w - h])) / (2 * h)
    assert fd == pytest.approx(g, rel=1e-6)
    # and passes through (w, f(w))
    assert np.interp(w, xs, ys) == pytest.approx(f)


def test_curve_values() -> None:
    xs, ys = L.curve(cubic(), -1, 1, 10)
    assert xs.shape == ys.shape == (10,)
    assert np.allclose(ys, xs**3 - 2 * xs)


def test_to_cells_maps_corners_and_outside() -> None:
    box = L.Box(0, 10, 0, 5)
    cols, rows, ok = L.to_cells(np.array([[0, 0], [10, 5], [5.01, 2.6], [11, 1], [np.nan, 1]]), box, 10, 5)
    assert list(ok) == [True, True, True, False, False]
    assert (cols[0], rows[0]) == (0, 0)
    assert (cols[1], rows[1]) == (9, 4)
    assert (cols[2], rows[2]) == (5, 2)


def test_low_point_finds_the_bowl_bottom() -> None:
    lp = L.low_point(bowl(), L.Box(-3, 5, -2, 6), [0, 0])
    assert lp is not None and abs(lp[0]) < 0.3 and abs(lp[1]) < 0.3


def test_axis_pairs() -> None:
    assert L.axis_pairs(3) == [(0, 1), (0, 2), (1, 2)]
    assert L.axis_pairs(1) == []


def test_linear_fit_convention() -> None:
    data = {"x": np.array([0.0, 1.0, 2.0]), "y": np.array([1.0, 3.0, 5.0])}
    got = L.linear_fit(("w", "b"), [2.0, 1.0], data)
    assert got is not None
    x, y, predict = got
    assert np.allclose(predict(x), y)
    no_b = L.linear_fit(("w",), [2.0], data)
    assert no_b is not None and np.allclose(no_b[2](x), 2 * x)
    assert L.linear_fit(("a", "b"), [1.0, 1.0], data) is None
    assert L.linear_fit(("w",), [1.0], {"x": data["x"]}) is None
    assert L.linear_fit(("w",), [1.0], None) is None


def test_landscape_maths_imports_no_ui() -> None:
    import subprocess
    import sys

    code = "import sys, gdtui.engine.landscape; print(sorted(m for m in ('textual', 'rich', 'plotext') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
