"""The teacher pushes a lesson step from the dashboard: two students (one Korean) open it, newcomers too."""

from __future__ import annotations

import asyncio

import pytest

from gdtui.classroom.dashboard import Dashboard
from gdtui.classroom.setup import lesson_step
from gdtui.errors import OptionError

from classroom_helpers import WAIT, connect

lessons = pytest.importorskip("gdtui.lessons", reason="the lessons feature is not in this build")


async def _until(check, timeout: float = WAIT) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not check():
        if loop.time() > end:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def test_a_lesson_step_is_named_by_lesson_and_step_number():
    name = lessons.find_lesson("03").name
    steps = len(lessons.find_lesson("03"))
    assert lesson_step("03 2") == (name, 1, steps)
    assert lesson_step(f"{name}") == (name, 0, steps)
    for bad, why in (("03 0", "steps 1 to"), (f"03 {steps + 1}", "steps 1 to"), ("03 two", "a number"),
                     ("nosuchlesson 1", "no lesson called"), ("", "give a lesson")):
        with pytest.raises(OptionError, match=why):
            lesson_step(bad)


async def test_dashboard_pushes_a_lesson_step_to_every_student(room):
    lesson = lessons.find_lesson("03")
    alice = await connect(room, "alice")
    min_jun = await connect(room, "minjun", env={"LANG": "ko_KR.UTF-8"})
    await alice.wait_for("step 0")
    await min_jun.wait_for("0")
    assert all(s.status.get("lesson") is None for s in room.students.values())
    app = Dashboard(room, "ssh -t -p 2222 NAME@127.0.0.1")
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(lambda: len(room.students) == 2)
        await pilot.press("l")
        app.query_one("#push").value = "03 2"
        await pilot.press("enter")
        await alice.wait_for("The teacher loaded lesson")  # the one-line notice
        await min_jun.wait_for("선생님")
        await alice.wait_for(f"step 2/{len(lesson)}")  # the lesson panel, at the pushed step
        await min_jun.wait_for(f"2/{len(lesson)}단계")
        # The dashboard sees both students in the lesson, at that step.
        await _until(lambda: all((s.status.get("lesson") or "") == f"{lesson.name} 2/{len(lesson)}"
                                 for s in room.students.values()))
        await _until(lambda: f"pushed lesson {lesson.name} step 2/{len(lesson)} to 2 students"
                     in str(app.query_one("#info").render()))

        # A bad step is not pushed, and says why in one line.
        await pilot.press("l")
        app.query_one("#push").value = "03 99"
        await pilot.press("enter")
        await _until(lambda: "not pushed" in str(app.query_one("#info").render()))
        assert room.lesson == (lesson.name, 1)

    # A newcomer opens the same step.
    carol = await connect(room, "carol")
    await carol.wait_for(f"step 2/{len(lesson)}")
    await _until(lambda: (room.students[3].status.get("lesson") or "") == f"{lesson.name} 2/{len(lesson)}")
    for term in (alice, min_jun, carol):
        await term.close()
