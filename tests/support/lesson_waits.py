"""Waiting for a lesson in Pilot tests (tests/support is on sys.path: `from lesson_waits import ...`)."""

from __future__ import annotations

import asyncio
from ui_waits import until, workers_done

from gdtui.ui.widgets.lesson_panel import LessonPanel

__all__ = ["panel", "shown", "until"]


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
