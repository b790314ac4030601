"""Waiting for a lesson in Pilot tests (tests/support is on sys.path: `from lesson_waits import ...`)."""

from __future__ import annotations

import asyncio
from typing import Callable

from ui_waits import workers_done

from gdtui.ui.widgets.lesson_panel import LessonPanel

__all__ = ["panel", "shown", "until"]


async def until(pilot, condition: Callable[[], object], timeout: float = 30.0) -> None:
    """Wait (workers finished, screen settled) until ``condition()`` holds; fail after ``timeout``."""
    for _ in range(int(timeout / 0.05)):
        await workers_done(pilot.app)  # a panel's worker cancelled when it closes is fine
        await pilot.pause()
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def panel(app) -> LessonPanel:
    """The lesson panel of the playground."""
    return app.main_screen.query_one(LessonPanel)


async def shown(pilot, index: int) -> LessonPanel:
    """Wait until the lesson shows step ``index`` and its problem's run is ready."""
    app = pilot.app
    await until(pilot, lambda: app.main_screen.query(LessonPanel) and panel(app).shown is not None
                and panel(app).shown.index == index and app.session.ready and app.session.run is not None)
    await pilot.pause()
    return panel(app)
