"""Guided lessons: TOML files with English and Korean text, predictions checked by the engine.

- :mod:`gdtui.lessons.model`: the file format and its checks (one line FILE:LINE on error)
- :mod:`gdtui.lessons.runner`: the engine's numbers, answers and reveals (no screen)
- :mod:`gdtui.lessons.progress`: lessons finished and predictions right, per user
- :func:`builtin_lessons` / :func:`load_lesson`: the shipped lessons and a teacher's own file

Nothing here imports textual, so the classroom server and the CLI can use it.
"""

from __future__ import annotations

import os
from pathlib import Path

from gdtui.lessons.model import Lesson, LessonError, parse_lesson

__all__ = ["LESSON_DIR", "Lesson", "LessonError", "builtin_lessons", "find_lesson", "load_lesson"]

#: Where the shipped lessons live (package data).
LESSON_DIR = Path(__file__).parent


def load_lesson(path: str | os.PathLike[str]) -> Lesson:
    """Read and check a lesson file (bounded read; LessonError FILE:LINE on a problem)."""
    from gdtui.textfile import read_text_file

    text = read_text_file(path, "lesson file")
    return parse_lesson(text, os.fspath(path))


def builtin_lessons() -> list[Lesson]:
    """The shipped lessons, in course order (file names start with their number)."""
    return [load_lesson(p) for p in sorted(LESSON_DIR.glob("[0-9][0-9]-*.toml"))]


def find_lesson(name: str) -> Lesson:
    """The shipped lesson called ``name`` (or numbered so); LessonError listing them otherwise."""
    lessons = builtin_lessons()
    for i, lesson in enumerate(lessons, 1):
        if name in (lesson.name, str(i), f"{i:02d}"):
            return lesson
    raise LessonError(f"no lesson called {name!r} (gdtui lesson lists them: "
                      f"{', '.join(x.name for x in lessons)})")
