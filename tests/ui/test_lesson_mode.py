"""Pilot tests of lesson mode: predictions right and wrong, back and again, a teacher's
file, a lesson whose setup the engine refuses, and the panel beside the panes."""

from __future__ import annotations


import pytest

from lesson_waits import panel, shown, until

from gdtui.lessons import find_lesson
from gdtui.lessons.model import parse_lesson


@pytest.fixture(autouse=True)
def state_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state"


def lesson_app(ui, lesson, lang="en"):
    from gdtui.problem import validate_quickly
    from gdtui.settings import Settings
    from gdtui.ui.app import GdApp

    settings = validate_quickly(lesson.settings_at(0, Settings(lang=lang)))
    return GdApp(settings, lesson=lesson)








async def answer(pilot, text: str) -> None:
    p = panel(pilot.app)
    assert p.query_one("#lesson-answer").has_focus
    await pilot.press(*text, "enter")
    await until(pilot, lambda: p.reveal is not None or "number" in str(p.query_one("#lesson-reveal").render()))


async def test_prediction_right_then_wrong_after_again(ui, state_home) -> None:
    app = lesson_app(ui, find_lesson("parabola"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await shown(pilot, 0)
        await pilot.press("full_stop")
        p = await shown(pilot, 1)
        await answer(pilot, "4")
        assert p.reveal.right
        await until(pilot, lambda: app.session.run.k == 1)  # the playground shows step 1
        assert app.session.run.w[0] == pytest.approx(4.0)
        text = ui.screen_text(app)
        assert "✓ right" in text and "true value at step 1: 4" in text
        await pilot.press("a")  # the step again: answer anew
        p = await shown(pilot, 1)
        assert p.reveal is None
        await answer(pilot, "3")
        assert not p.reveal.right
        text = ui.screen_text(app)
        assert "✗ not quite" in text and "off by -1" in text
    from gdtui.lessons.progress import Progress

    assert Progress().entry("parabola")["asked"] == 1


async def test_bad_answer_is_one_line_and_can_be_retyped(ui) -> None:
    app = lesson_app(ui, find_lesson("parabola"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("full_stop")
        p = await shown(pilot, 1)
        await pilot.press(*"abc", "enter")
        await until(pilot, lambda: "not a number" in str(p.query_one("#lesson-reveal").render()))
        assert p.reveal is None
        await pilot.press(*("backspace",) * 3)
        await answer(pilot, "4")
        assert p.reveal.right


async def test_going_back_restores_the_earlier_step_and_its_setup(ui) -> None:
    app = lesson_app(ui, find_lesson("learning-rates"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        for i in range(1, 4):
            await pilot.press("escape", "full_stop")
            await shown(pilot, i)
        await until(pilot, lambda: app.session.problem.settings.hyper["lr"] == 0.9)  # step 4: lr 0.9
        await pilot.press("escape", "comma")
        p = await shown(pilot, 2)
        assert "Lowest loss after 20 steps?" in str(p.query_one("#lesson-question").render())
        await until(pilot, lambda: app.session.problem.settings.hyper["lr"] == 0.1)  # its own setup again
        for i in (1, 0):  # a question takes the focus: escape leaves the answer field first
            await pilot.press("escape", "comma")
            await shown(pilot, i)
        await pilot.press("escape", "comma")
        await pilot.pause()
        assert "first step" in str(p.query_one("#lesson-hint").render())


async def test_choice_reveal_runs_the_true_choice(ui) -> None:
    app = lesson_app(ui, find_lesson("learning-rates"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("full_stop")
        p = await shown(pilot, 1)
        await answer(pilot, "4")
        assert p.reveal.right and p.reveal.choice == 3
        await until(pilot, lambda: app.session.problem.settings.hyper["lr"] == 1.1
                    and app.session.run.status == "diverged")


async def test_teacher_lesson_file_and_finishing(ui, tmp_path, state_home) -> None:
    from gdtui.lessons import load_lesson

    path = tmp_path / "mine.toml"
    path.write_text('''title = {en = "Mine", ko = "내 것"}
[setup]
fn = "(x - 1)^2"
start = {x = 3}
lr = 0.25
[[step]]
text = {en = "From {x@0}: predict.", ko = "{x@0}에서 예측."}
[step.predict]
question = {en = "x after one step?", ko = "한 스텝 뒤 x?"}
quantity = "x"
at = 1
why = {en = "3 - 0.25*4 = {x@1}", ko = "3 - 0.25*4 = {x@1}"}
''', encoding="utf-8")
    app = lesson_app(ui, load_lesson(path), lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        p = await shown(pilot, 0)
        assert "3에서 예측." in ui.screen_text(app)
        await answer(pilot, "2")
        assert p.reveal.right
        assert "맞았습니다" in ui.screen_text(app)
        await pilot.press("full_stop")  # the last step: the lesson is finished
        await pilot.pause()
        assert p.finished
    from gdtui.lessons.progress import Progress

    assert Progress().entry("mine") == {"done": True, "right": 1, "asked": 1}


async def test_a_step_the_engine_refuses_is_one_line_not_a_crash(ui) -> None:
    lesson = parse_lesson('''title = {en = "Bad", ko = "나쁨"}
[setup]
fn = "x^2"
start = {x = 3}
[[step]]
text = {en = "fine", ko = "좋음"}
[[step]]
setup = {fn = "x^2 +* 1"}
text = {en = "broken", ko = "깨짐"}
[step.predict]
question = {en = "?", ko = "?"}
quantity = "x"
at = 1
why = {en = "-", ko = "-"}
''', "bad.toml")
    app = lesson_app(ui, lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await shown(pilot, 0)
        await pilot.press("full_stop")
        p = await shown(pilot, 1)
        assert p.shown.error and "\n" not in p.shown.error
        assert app.is_running
        await pilot.press("space")  # the playground still works on the last good problem
        await pilot.pause()
        assert app.session.run.k == 1


async def test_lesson_panel_sits_beside_the_panes(ui) -> None:
    app = lesson_app(ui, find_lesson("parabola"), lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        p = await shown(pilot, 0)
        region = p.region
        for selector in ("#function", "#optimizer", "#state", "#landscape-pane"):
            other = app.main_screen.query_one(selector).region
            assert not region.overlaps(other), selector
        assert region.right <= 80 and region.bottom <= 22
        assert "레슨 · 1/5단계" in ui.screen_text(app)
