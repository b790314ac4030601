"""The session controller without Textual: pacing of live runs and number formatting."""

from __future__ import annotations

import pytest

from gdtui.ui.controller import FRAME, SPEEDS, Pacer
from gdtui.ui.fmt import fmt


def test_slow_speeds_take_one_step_per_frame_fast_ones_batch() -> None:
    assert Pacer.interval(1) == 1.0
    assert Pacer.interval(10) == pytest.approx(0.1)
    assert Pacer.interval(10000) == pytest.approx(FRAME)  # never more than ~30 redraws/s


def test_owed_steps_follow_the_clock_and_carry_fractions() -> None:
    pacer = Pacer(step_time=1e-7)
    pacer.start(now=0.0)
    assert pacer.owed(10000, now=FRAME) == 333
    # 0.33 of a step was carried, so three frames owe 1000 steps in all.
    total = 333 + pacer.owed(10000, now=2 * FRAME) + pacer.owed(10000, now=3 * FRAME)
    assert total == 1000
    assert not pacer.capped


def test_a_slow_engine_is_capped_by_the_frame_budget_and_the_backlog_dropped() -> None:
    pacer = Pacer(budget=0.01, step_time=1e-4)  # 100 steps fit in a frame
    pacer.start(now=0.0)
    assert pacer.owed(10000, now=FRAME) == 100
    assert pacer.capped
    assert pacer.owed(10000, now=2 * FRAME) == 100  # no growing backlog
    assert pacer.top_speed() == pytest.approx(3000, rel=0.01)
    pacer.measured(100, 0.001)  # the engine turned out faster: frames grow
    assert pacer.step_time < 1e-4


def test_speeds_are_the_documented_levels() -> None:
    assert SPEEDS == (1, 2, 5, 10, 30, 100, 1000, 10000)


@pytest.mark.parametrize("value", [2.56, -1.234567891e-100, 123456789.123, -0.000123456789, 1e300,
                                   float("inf"), float("nan"), 0.0, -7.0])
def test_numbers_fit_their_cell_without_being_cut(value: float) -> None:
    text = fmt(value, 10)
    assert len(text) <= 10
    if text not in ("inf", "-inf", "nan"):
        assert float(text) == pytest.approx(value, rel=1e-3)


def test_short_numbers_keep_six_significant_digits() -> None:
    assert fmt(2.56) == "2.56"
    assert fmt(1 / 3) == "0.333333"
    assert fmt(-1.23456789e-5, 12) == "-1.23457e-05"
    assert fmt(-1.23456789e-5, 10) == "-1.235e-05"  # fewer digits, never a cut number


def _session(**settings: object):
    from gdtui.problem import build_problem
    from gdtui.settings import Settings
    from gdtui.ui.controller import Session

    s = Settings(**settings)  # type: ignore[arg-type]
    session = Session(s)
    session.set_problem(build_problem(s))
    return session


def test_the_view_names_what_the_widgets_draw() -> None:
    session = _session(preset="bowl")
    session.step(3)
    view = session.view()
    run = session.run
    assert view is not None and run is not None
    assert view.k == 3 and view.path.shape == (4, 2) and len(view.losses) == 4
    assert view.w == list(run.history.w[3]) and view.grad == list(run.history.grad[3])
    assert view.gradient == view.grad  # a plain function: the gradient drawn is the one stepped on
    assert view.best in (None, 1, 2)  # never the start or the current step (they have their own marks)
    with pytest.raises(ValueError):
        view.path[0, 0] = 1.0  # widgets read the history, never write it


def test_a_mini_batch_view_draws_the_full_gradient() -> None:
    session = _session(preset="noisy-line")
    session.step(2)
    view = session.view()
    assert view is not None and view.is_batch
    assert view.gradient == view.full_grad and view.gradient != view.grad
    assert view.best is None  # batch losses would mislead


def test_moving_the_start_makes_a_new_problem_and_leaves_the_old_one_alone() -> None:
    session = _session(preset="bowl")
    before = session.problem
    assert before is not None
    old_start = dict(before.settings.start)
    session.set_start([0.5, -0.25])
    assert session.problem is not before and before.settings.start == old_start
    assert session.start_point() == [0.5, -0.25] and session.run.start == [0.5, -0.25]
