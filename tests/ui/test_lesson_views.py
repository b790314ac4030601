"""Lesson steps that open a view themselves (compare, gradient check, curvature, graph):
the view opens with the step, the step's text stays beside it, answering works there,
and going back, again and on to a playground step open and close the views."""

from __future__ import annotations


import pytest
from test_lesson_mode import lesson_app, panel
from lesson_waits import shown, until

from gdtui.lessons import find_lesson
from gdtui.ui.screens.compare import CompareScreen
from gdtui.ui.widgets.lesson_panel import LessonSide


@pytest.fixture(autouse=True)
def state_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))






def side(app) -> LessonSide:
    return app.screen.query_one(LessonSide)


async def beside(pilot, cls) -> LessonSide:
    """Wait until the view ``cls`` is on top with the lesson beside it."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, cls) and bool(app.screen.query(LessonSide))
                and (not isinstance(app.screen, CompareScreen) or app.screen.session is not None))
    return side(app)


async def test_a_compare_step_opens_the_compare_view_with_the_lesson_beside_it(ui) -> None:
    app = lesson_app(ui, find_lesson("learning-rates"))
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, 0)
        assert app.screen is app.main_screen  # step 1 is the playground
        await pilot.press("full_stop")
        await shown(pilot, 1)
        s = await beside(pilot, CompareScreen)
        screen = app.screen
        assert screen.text == "lr=0.01,0.5,0.9,1.1 steps=200"
        text = ui.screen_text(app)
        assert "Four learning rates side by side" in text and "which learning rate diverges" in text.lower()
        assert "lesson · step 2/5" in text
        assert "2/λmax" not in text and "lr=1.1 *" not in text  # the answer waits for the reveal
        assert s.answer_field.has_focus
        await pilot.press("4", "enter")
        await until(pilot, lambda: panel(app).reveal is not None and screen.session.k == 200)
        assert panel(app).reveal.right
        text = ui.screen_text(app)
        assert "✓ right" in text and "2/λmax = 1" in text and "lr=1.1 *" in text
        assert [screen.session.comparison.status(i) for i in range(4)][3] == "diverged"
        await pilot.press("full_stop")  # step 3 compares other learning rates
        await shown(pilot, 2)
        await until(pilot, lambda: isinstance(app.screen, CompareScreen)
                    and app.screen.text == "lr=0.01,0.1,0.5 steps=20" and app.screen.session is not None)
        await until(pilot, lambda: side(app).answer_field.has_focus)
        await pilot.press("escape")  # out of the answer field: . skips the question
        assert isinstance(app.screen, CompareScreen) and not side(app).answer_field.has_focus
        await pilot.press("full_stop")  # step 4 is the playground again: the view closes
        await shown(pilot, 3)
        await until(pilot, lambda: app.screen is app.main_screen)
        assert not any(isinstance(sc, CompareScreen) for sc in app.screen_stack)
        await pilot.press("comma")  # back: the compare step opens its view again
        await shown(pilot, 2)
        await beside(pilot, CompareScreen)
        assert app.screen.text == "lr=0.01,0.1,0.5 steps=20"


async def test_a_gradcheck_step_answers_beside_the_panel_and_again_asks_anew(ui) -> None:
    from gdtui.ui.screens.gradcheck import GradCheckPanel

    app = lesson_app(ui, find_lesson("numerical-derivatives"), lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, 0)
        s = await beside(pilot, GradCheckPanel)
        assert "도함수를 구하는 방법은 두 가지" in ui.screen_text(app)
        await pilot.press("full_stop")
        await shown(pilot, 1)
        await until(pilot, lambda: side(app).answer_field.display and side(app).answer_field.has_focus)
        s = side(app)
        assert not app.screen.query_one("#math-body").display  # its numbers wait for the answer
        assert "답을 입력하면" in ui.screen_text(app)
        await pilot.press(*"0.01", "enter")
        await until(pilot, lambda: panel(app).reveal is not None)
        assert app.screen.query_one("#math-body").display
        assert panel(app).reveal.right
        assert "맞았습니다" in ui.screen_text(app)
        assert isinstance(app.screen, GradCheckPanel)  # the panel stays open
        await pilot.press("a")  # again: the question comes back
        await shown(pilot, 1)
        await until(pilot, lambda: panel(app).reveal is None and s.answer_field.display)
        assert "맞았습니다" not in ui.screen_text(app)
        await until(pilot, lambda: s.answer_field.has_focus)
        await pilot.press("escape", "comma")  # out of the field, then back a step
        await shown(pilot, 0)
        await beside(pilot, GradCheckPanel)


# hessian-saddle opens its panel with its first question (step 2): the panel shows the
# eigenvalues and the kind of point that the questions ask for
@pytest.mark.parametrize("name, view, at", [("hessian-saddle", "curvature", 1), ("chain-rule", "graph", 0)])
async def test_math_panel_lessons_open_their_panel(ui, name, view, at) -> None:
    from gdtui.ui.screens.math_panel import panel_class

    lesson = find_lesson(name)
    app = lesson_app(ui, lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, 0)
        for i in range(1, at + 1):
            await pilot.press("full_stop")
            await shown(pilot, i)
        s = await beside(pilot, panel_class(view))
        first = lesson.steps[at].text.en.split(".")[0][:30]
        assert first in " ".join(ui.screen_text(app).split()), first
        assert s.border_title == f"lesson · step {at + 1}/{len(lesson)}"
        if at:
            await pilot.press("escape")  # out of the answer field
        await pilot.press("escape")  # the student may leave the panel: the lesson goes on beside the panes
        await until(pilot, lambda: app.screen is app.main_screen)
        assert app.main_screen.query_one("#lesson").display
