"""What a student walking through a lesson sees matches the text (found by walking every
lesson in tmux): a question's answer is not on screen before the prediction, "press space
until step k" reaches step k, a reveal names the step its value belongs to, and the last
step does not point to a next one."""

from __future__ import annotations

import asyncio

import pytest
import textual.constants
from textual.widgets import Input

from lesson_waits import panel, shown, until

from gdtui.lessons import find_lesson
from gdtui.lessons.model import parse_lesson
from gdtui.lessons.runner import LessonRunner
from gdtui.ui.widgets.lesson_panel import LessonPanel
from gdtui.ui.widgets.state_table import StateTable


@pytest.fixture(autouse=True)
def calm(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setattr(Input, "cursor_blink", False)


def lesson_app(lesson, lang: str = "en"):
    from gdtui.problem import validate_quickly
    from gdtui.settings import Settings
    from gdtui.ui.app import GdApp

    return GdApp(validate_quickly(lesson.settings_at(0, Settings(lang=lang))), lesson=lesson)








async def answer(pilot, text: str) -> LessonPanel:
    p = panel(pilot.app)
    await pilot.press(*text, "enter")
    await until(pilot, lambda: p.reveal is not None)
    return p


def cells(app, row: str) -> list[str]:
    table = app.main_screen.query_one(StateTable)
    return [c.plain.strip() for c in table._cells[row][1:]]


async def test_questions_keep_their_answers_out_of_the_state_table() -> None:
    # lesson 1 asks for the gradient (step 2) and its length (step 3) at the start point,
    # which the table shows from step 1 on
    app = lesson_app(find_lesson("gradient-direction"))
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, 0)
        assert cells(app, "grad") == ["?", "?"] and cells(app, "norm")[0] == "?"
        assert cells(app, "w") == ["4", "3"]  # where the point is stays on screen
        await pilot.press("full_stop")
        await shown(pilot, 1)
        await answer(pilot, "2")
        await until(pilot, lambda: cells(app, "grad") == ["8", "6"])  # the reveal shows the gradient
        assert cells(app, "norm")[0] == "?"  # step 3 still asks for its length
        await pilot.press("full_stop")
        await shown(pilot, 2)
        await answer(pilot, "10")
        await until(pilot, lambda: cells(app, "norm")[0] == "10")
        await pilot.press("comma", "comma")
        await shown(pilot, 0)  # back at the start: both answered, nothing hidden
        assert cells(app, "grad") == ["8", "6"] and cells(app, "norm")[0] == "10"


async def test_a_step_after_a_reveal_does_not_show_its_own_answer() -> None:
    # update-rule: step 2's reveal moves the run to step 1, where y (step 3's answer) is on screen
    app = lesson_app(find_lesson("update-rule"))
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, 0)
        await pilot.press("full_stop")
        await shown(pilot, 1)
        await answer(pilot, "2.5")
        await until(pilot, lambda: app.session.run.k == 1)
        await pilot.press("full_stop")
        await shown(pilot, 2)  # "y after one update = ?"
        await until(pilot, lambda: app.session.run.k == 0)
        assert cells(app, "w") == ["3", "-1"]
        await answer(pilot, "-1.1")
        await until(pilot, lambda: app.session.run.k == 1)
        await pilot.press("full_stop")
        p = await shown(pilot, 3)  # "Press space ... w = (2.5, -1.1)", waits for step 1
        await until(pilot, lambda: app.session.run.k == 0)
        await asyncio.sleep(0.6)  # a few polls of the wait
        await until(pilot, lambda: "waiting for step 1 (now 0)" in str(p.query_one("#lesson-hint").render()))
        assert not p._waited
        await pilot.press("space")
        await until(pilot, lambda: p._waited)
        assert cells(app, "w") == ["2.5", "-1.1"]  # what the text says the table shows
        hint = str(p.query_one("#lesson-hint").render())
        assert "last step" in hint and "next step" not in hint  # step 4 of 4: nothing comes next


async def test_keys_named_reach_the_step_the_text_names() -> None:
    # parabola: step 4's reveal leaves the run at step 20; step 5 says "press n twice to reach step 20"
    app = lesson_app(find_lesson("parabola"))
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, 0)
        for i in (1, 2, 3):
            await pilot.press("escape", "full_stop")
            await shown(pilot, i)
        await answer(pilot, "0.06")
        await until(pilot, lambda: app.session.run.k == 20)
        await pilot.press("full_stop")
        p = await shown(pilot, 4)
        await until(pilot, lambda: app.session.run.k == 0)
        await pilot.press("n", "n")
        await until(pilot, lambda: p._waited)
        assert app.session.run.k == 20


def test_a_reveal_names_the_step_where_the_run_stopped() -> None:
    text = """
name = "stops"
title = {en = "t", ko = "t"}
[setup]
fn = "x^2"
start = {x = 5}
lr = 0.5
[[step]]
text = {en = "a", ko = "가"}
[step.predict]
question = {en = "x at 100?", ko = "100스텝의 x?"}
quantity = "x"
at = 100
tol = 0.01
why = {en = "one step", ko = "한 스텝"}
"""
    runner = LessonRunner(parse_lesson(text, "stops.toml"))
    reveal = runner.answer("0")
    assert reveal.right and reveal.step == 1  # lr 1/λ lands on the minimum at step 1, then stops
    runner.lang = "ko"
    assert runner.answer("1").step == 1


async def test_the_reveal_says_where_the_run_stopped_in_both_languages() -> None:
    for lang, words in (("en", "true value at step 211, where the run stopped: 8"),
                        ("ko", "실행이 멈춘 211스텝의 실제 값: 8")):
        app = lesson_app(find_lesson("hours"), lang)
        async with app.run_test(size=(120, 40)) as pilot:
            await shown(pilot, 0)
            for i in (1, 2, 3):
                await pilot.press("escape", "full_stop")
                await shown(pilot, i)
            p = await answer(pilot, "8")
            assert p.reveal.step == 211
            assert p.reveal.diff == "0"  # 8 against 7.9999999958: the same number as shown
            assert words in str(p.query_one("#lesson-reveal").render())


def test_a_choice_reveal_lists_what_each_choice_was_judged_by() -> None:
    runner = LessonRunner(find_lesson("batches"))
    runner.index = 1  # full batch, B = 10 or B = 1: lowest loss after one epoch
    reveal = runner.answer("2")
    assert reveal.quantity == "loss" and len(reveal.values) == 3
    assert reveal.values[reveal.choice] == min(reveal.values)  # the true choice is the lowest one
    runner = LessonRunner(find_lesson("gradient-direction"))
    runner.index = 1  # every choice is judged by the same value (grad.y = 6): nothing to list
    assert runner.answer("2").values == ()


async def test_the_choice_values_are_on_screen_in_korean() -> None:
    app = lesson_app(find_lesson("learning-rates"), "ko")
    async with app.run_test(size=(120, 40)) as pilot:
        await shown(pilot, 0)
        await pilot.press("full_stop")
        await shown(pilot, 1)
        await until(pilot, lambda: any(s.answer_field.has_focus for s in panel(app).sides()))
        await pilot.press("4", "enter")
        await until(pilot, lambda: panel(app).reveal is not None)
        text = str(panel(app).query_one("#lesson-reveal").render())
        assert "선택지별 상태: 1) 최대 스텝  2) 수렴  3) 수렴  4) 발산" in text  # as the leaderboard says


async def test_the_graph_keeps_the_gradient_until_backprop_or_the_reveal() -> None:
    from gdtui.ui.screens.graph import GraphPanel

    app = lesson_app(find_lesson("chain-rule"))
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, 0)  # steps 3 and 4 ask for ∂f/∂w and ∂f/∂b
        await until(pilot, lambda: isinstance(app.screen, GraphPanel) and app.screen.result is not None)
        graph = app.screen

        def bottom() -> str:
            return str(graph.query_one("#gr-step").render())

        await until(pilot, lambda: graph.gradient_hidden)  # set when the lesson attaches beside it
        assert "∂f/∂w = 9" not in bottom()
        for _ in range(6):  # the whole backward pass, node by node: the student got there
            await pilot.press("right")
        await until(pilot, lambda: "∂f/∂w = 9, ∂f/∂b = 3" in bottom())
        await pilot.press("left")
        await until(pilot, lambda: "∂f/∂w = 9" not in bottom())
        for i in (1, 2):
            await pilot.press("full_stop")
            await shown(pilot, i)
        await answer(pilot, "9")
        await pilot.press("full_stop")
        await shown(pilot, 3)
        await answer(pilot, "3")  # both answered: nothing left to keep back
        await until(pilot, lambda: not graph.gradient_hidden and "∂f/∂w = 9, ∂f/∂b = 3" in bottom())
