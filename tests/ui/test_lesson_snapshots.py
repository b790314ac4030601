"""Screenshots of a lesson step (a revealed prediction) at 80x24, in English and Korean.

Korean syllables are two cells wide: the Korean shot shows the panel still fits.
"""

from __future__ import annotations

import asyncio

import pytest
from lesson_waits import panel, until

from gdtui.lessons import find_lesson
from gdtui.ui.widgets.lesson_panel import LessonPanel


@pytest.fixture(autouse=True)
def same_terminal_everywhere(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("GDTUI_THEME_DIR", str(tmp_path))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("NO_COLOR", raising=False)


def lesson_app(lang: str):
    from gdtui.problem import validate_quickly
    from gdtui.settings import Settings
    from gdtui.ui.app import GdApp

    lesson = find_lesson("parabola")
    return GdApp(validate_quickly(lesson.settings_at(0, Settings(lang=lang))), lesson=lesson)


async def reveal_step_two(pilot) -> None:
    app = pilot.app

    await until(pilot, lambda: app.session.ready and app.main_screen.query(LessonPanel) and panel(app).shown is not None)
    await pilot.press("full_stop")
    await until(pilot, lambda: panel(app).shown is not None and panel(app).shown.index == 1)
    await pilot.press("3", "enter")
    await until(pilot, lambda: panel(app).reveal is not None and app.session.run.k == 1)
    await asyncio.sleep(0.2)
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_lesson_step_at_80x24(snap_compare, lang: str) -> None:
    assert snap_compare(lesson_app(lang), terminal_size=(80, 24), run_before=reveal_step_two)


def test_main_screen_in_korean_at_80x24(snap_compare, ui) -> None:
    assert snap_compare(ui.make_app(lang="ko"), terminal_size=(80, 24), run_before=ui.settle)


def test_help_screen_in_korean_at_80x24(snap_compare, ui) -> None:
    async def open_help(pilot) -> None:
        await ui.settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(ui.make_app(lang="ko"), terminal_size=(80, 24), run_before=open_help)


def test_compare_view_in_korean_at_80x24(snap_compare, ui) -> None:
    """The leaderboard's Korean words are padded by cells: the columns line up."""
    from test_compare_view import compare_ready

    async def ten_steps(pilot) -> None:
        await ui.ready(pilot)
        await compare_ready(pilot)
        await pilot.press("n")
        await compare_ready(pilot)

    app = ui.make_app(preset="parabola", lang="ko", compare=(("lr", (0.1, 0.5, 0.9, 1.05)),))
    assert snap_compare(app, terminal_size=(80, 24), run_before=ten_steps)


def test_lesson_step_with_the_gradient_check_in_korean_at_80x24(snap_compare) -> None:
    """A lesson step that opens a panel: the panel above, the lesson's text under it."""
    from gdtui.problem import validate_quickly
    from gdtui.settings import Settings
    from gdtui.ui.app import GdApp
    from gdtui.ui.screens.gradcheck import GradCheckPanel
    from gdtui.ui.widgets.lesson_panel import LessonSide

    lesson = find_lesson("numerical-derivatives")
    app = GdApp(validate_quickly(lesson.settings_at(0, Settings(lang="ko"))), lesson=lesson)

    async def opened(pilot) -> None:
        for _ in range(600):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            screen = pilot.app.screen
            if isinstance(screen, GradCheckPanel) and screen.query(LessonSide) and screen.settled:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=opened)


async def test_korean_labels_footer_and_status(ui) -> None:
    from textual.widgets import Footer

    app = ui.make_app(lang="ko", preset="parabola")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.settle(pilot, steps=3)
        text = ui.screen_text(app)
        for word in ("함수", "옵티마이저", "상태 · 3스텝", "지형", "손실", "준비", "초당 30스텝",
                     "스텝", "실행", "도움", "종료", "프리셋", "스케줄"):
            assert word in text, word
        footer = text.splitlines()[-1]
        assert "q 종료" in footer  # the whole footer still fits 80 columns
        assert app.screen.query_one(Footer).size.width == 80
