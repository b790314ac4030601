"""Key conflicts: every key does one thing on each screen, and the lesson keys (. , a) are
bound nowhere else, so lesson mode never takes a key the playground or a view uses."""

from __future__ import annotations

import pytest

from gdtui.ui.app import GdApp
from gdtui.ui.screens.compare import CompareScreen
from gdtui.ui.screens.curvature import CurvaturePanel
from gdtui.ui.screens.gradcheck import GradCheckPanel
from gdtui.ui.screens.graph import GraphPanel
from gdtui.ui.screens.help import HelpScreen
from gdtui.ui.screens.main import MainScreen
from gdtui.ui.widgets.landscape import Landscape

LESSON_KEYS = {"full_stop", "comma", "a"}

#: Keys a screen binds on purpose over an app key, with the same meaning there.
SAME_MEANING = {
    ("e", "export"),  # the compare view exports the comparison
    ("v", "leave"),  # v opens the compare view; in it, v goes back
    ("g", "app.view('gradcheck')"), ("c", "app.view('curvature')"), ("d", "app.view('graph')"),
    ("q", "close"), ("question_mark", "close"),  # the help closes with the keys that open it / quit
}


def actions(cls) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for key, bindings in cls._merge_bindings().key_to_bindings.items():
        for b in bindings:
            out.setdefault(key, set()).add(b.action)
    return out


def _textual_defaults() -> set[tuple[str, str]]:
    """(key, action) pairs Textual itself binds (ctrl+c copies in a screen, quits with help)."""
    from textual.app import App
    from textual.screen import ModalScreen, Screen

    return {(k, a) for cls in (App, Screen, ModalScreen) for k, acts in actions(cls).items() for a in acts}


APP = actions(GdApp)
TEXTUAL = _textual_defaults()
SCREENS = {"main": [MainScreen, Landscape], "compare": [CompareScreen], "gradcheck": [GradCheckPanel],
           "curvature": [CurvaturePanel], "graph": [GraphPanel], "help": [HelpScreen]}


def test_the_lesson_keys_are_app_keys_of_lesson_mode_only():
    assert {k for k, a in APP.items() if any(x.startswith("lesson(") for x in a)} == LESSON_KEYS
    for name, classes in SCREENS.items():
        for cls in classes:
            taken = LESSON_KEYS & set(actions(cls))
            assert not taken, f"{cls.__name__} binds {taken}, a lesson key"


@pytest.mark.parametrize("name", list(SCREENS))
def test_no_key_does_two_things(name):
    seen: dict[str, set[str]] = {}
    for cls in SCREENS[name]:
        for key, acts in actions(cls).items():
            assert len(acts) == 1, f"{cls.__name__}: {key} -> {acts}"
            if key in seen and seen[key] != acts:
                raise AssertionError(f"{name}: {key} -> {seen[key]} and {acts}")
            seen[key] = acts
    for key, acts in seen.items():  # a screen key over an app key means the same
        if key in APP and APP[key] != acts:
            (act,) = acts
            if (key, act) in TEXTUAL:
                continue
            assert (key, act) in SAME_MEANING, f"{name}: {key} is {acts} here but {APP[key]} in the app"


async def test_help_lists_the_lesson_keys_in_lesson_mode(ui):
    from gdtui.lessons import find_lesson
    from gdtui.problem import validate_quickly
    from gdtui.settings import Settings

    lesson = find_lesson("parabola")
    for lang, words in (("en", ("lesson: next / back", "lesson: this step again")),
                        ("ko", ("레슨: 다음 / 이전 단계", "레슨: 이 단계 다시"))):
        app = GdApp(validate_quickly(lesson.settings_at(0, Settings(lang=lang))), lesson=lesson)
        async with app.run_test(size=(80, 24)) as pilot:
            await ui.ready(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            text = ui.screen_text(app)
            for word in words:
                assert word in text, word
            assert ". / ," in text
    app = ui.make_app(preset="parabola")  # not in the playground alone
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert "lesson:" not in ui.screen_text(app)
