"""`gdtui classroom --lesson NAME` and each student's language (needs the lessons feature)."""

from __future__ import annotations

import asyncio

import pytest

from classroom_helpers import WAIT, connect

lessons = pytest.importorskip("gdtui.lessons", reason="the lessons feature is not in this build")


async def test_everyone_starts_the_lesson_in_their_own_language(make_room):
    name = lessons.builtin_lessons()[0].name
    room = await make_room(lesson=name)
    alice = await connect(room, "alice")
    min_jun = await connect(room, "minjun", env={"LANG": "ko_KR.UTF-8"})  # ssh -o SetEnv=LANG=...
    await alice.wait_for("lesson")
    await min_jun.wait_for("레슨")
    assert "레슨" not in alice.text()
    loop = asyncio.get_running_loop()
    end = loop.time() + WAIT
    while loop.time() < end and not all((s.status.get("lesson") or "").startswith(name)
                                        for s in room.students.values()):
        await asyncio.sleep(0.1)
    for student in room.students.values():
        assert student.status["lesson"].startswith(f"{name} 1/")
        assert student.status["right"] == "0/0"
    room.freeze(True)  # the teacher's notice, in each student's language
    await min_jun.wait_for("선생님이 수업을 잠시 멈췄습니다")
    await alice.wait_for("The teacher paused the class")
    room.freeze(False)
    await min_jun.wait_for("수업을 다시 시작합니다")
    await alice.close()
    await min_jun.close()
