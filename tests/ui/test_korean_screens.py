"""The interface in Korean: every screen a student meets with --lang ko (the playground,
a mini-batch run, Newton, the help, the palette, the compare view, the three math panels
and a lesson) shows no English words beyond names (functions, optimizers, presets, keys).

A text that bypasses the message catalog shows up here as an English word on screen."""

from __future__ import annotations

import asyncio
import re

import pytest
from ui_waits import palette_entries, workers_done

from gdtui.engine.presets import PRESETS
from gdtui.messages_catalog import CATALOG

#: Words that are names, not English: keys, optimizers, schedules, functions, presets, units.
NAMES = {
    "space", "tab", "enter", "esc", "escape", "shift", "ctrl", "arrows", "gdtui",
    "sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad", "newton", "constant",
    "exp", "log", "sin", "cos", "tan", "sqrt", "abs", "sigmoid", "tanh", "steps",
    "max", "svg",  # λmax, an SVG file
} | set(PRESETS) | {part for name in PRESETS for part in name.split("-")}
WORD = re.compile(r"(?<![A-Za-z_])[A-Za-z]{3,}(?![A-Za-z_])")


def english_words(text: str) -> set[str]:
    return {w for w in WORD.findall(text) if w.lower() not in NAMES}


def screen_text(app) -> str:
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


async def calm(pilot, rounds: int = 12) -> None:
    for _ in range(rounds):
        await workers_done(pilot.app)
        await pilot.pause()
        await asyncio.sleep(0.03)


WALKS = {
    "playground": ("lesson-bowl", {}, [["space"] * 3, ["question_mark"], ["escape", "ctrl+p"]]),
    "compare": ("lesson-bowl", {}, [["v"], ["n"]]),
    "panels": ("lesson-bowl", {}, [["g"], ["c"], ["d", "right", "right"]]),
    "mini-batches": ("noisy-line", {}, [["space"] * 3, ["u"], ["u"], ["f"]]),
    "newton": ("lesson", {"optimizer": "newton"}, [["space"] * 2, ["c"]]),
}


@pytest.mark.parametrize("walk", list(WALKS))
async def test_korean_screens_show_no_english(ui, walk):
    preset, extra, presses = WALKS[walk]
    app = ui.make_app(preset=preset, lang="ko", **extra)
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        for keys in presses:
            await pilot.press(*keys)
            await calm(pilot)
            text = screen_text(app)
            assert re.search(r"[가-힣]", text), (keys, text)
            found = english_words(text)
            assert not found, f"{walk} after {keys}: English on screen: {sorted(found)}\n{text}"


async def test_a_korean_lesson_with_its_view_shows_no_english(ui):
    from gdtui.lessons import find_lesson
    from gdtui.problem import validate_quickly
    from gdtui.settings import Settings
    from gdtui.ui.app import GdApp

    lesson = find_lesson("learning-rates")
    app = GdApp(validate_quickly(lesson.settings_at(0, Settings(lang="ko"))), lesson=lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        for keys in (["full_stop"], ["4", "enter"]):
            await pilot.press(*keys)
            await calm(pilot, 30)
            text = screen_text(app)
            assert not english_words(text), (sorted(english_words(text)), text)


def test_the_catalog_knows_every_preset_description_word_for_word():
    for name, preset in PRESETS.items():
        assert CATALOG[f"preset.{name}"]["en"] == preset.description, name


def test_every_key_description_is_in_the_catalog():
    """The footer and the keys panel say what a key does in the user's language: every
    binding of gdtui's own screens and widgets has its key.* message."""
    from gdtui.ui.app import GdApp
    from gdtui.ui.screens.compare import CompareScreen
    from gdtui.ui.screens.curvature import CurvaturePanel
    from gdtui.ui.screens.gradcheck import GradCheckPanel
    from gdtui.ui.screens.graph import GraphPanel
    from gdtui.ui.screens.help import HelpScreen
    from gdtui.ui.screens.main import MainScreen
    from gdtui.ui.widgets.landscape import Landscape

    for cls in (GdApp, MainScreen, CompareScreen, GradCheckPanel, CurvaturePanel, GraphPanel, HelpScreen, Landscape):
        for b in cls.BINDINGS:
            assert f"key.{b.description}" in CATALOG, (cls.__name__, b.description)


def test_no_english_phrase_literal_goes_to_the_screen():
    """Where practical, statically: a string literal with English words that is handed to
    something that shows it (update, notify, notice, Text, Static, a border title, a
    placeholder ...) bypasses the catalog.  Theme-file problems are file diagnostics shown
    through the error translation (their own words stay English)."""
    import ast
    import pathlib

    import gdtui.ui

    phrase = re.compile(r"[A-Za-z]{2,}[ ,:]+[A-Za-z]{2,}")
    sinks = {"notify", "notice", "update", "show_message", "Text", "Static", "Label", "append", "kept"}
    shown_attrs = {"border_title", "border_subtitle", "placeholder", "prompt", "_notice", "_error", "note"}
    root = pathlib.Path(gdtui.ui.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "themes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            target = None
            if isinstance(node, ast.Call) and node.args:
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
                if name in sinks:
                    target = node.args[0]
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Attribute) and t.attr in shown_attrs for t in node.targets):
                target = node.value
            if target is None:
                continue
            for sub in ast.walk(target):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and phrase.search(sub.value):
                    found.append(f"{path.relative_to(root)}:{node.lineno}: {sub.value!r}")
    assert not found, "\n".join(found)


def test_the_catalog_names_each_message_once():
    """A message id written twice in the catalog's source keeps only its last text, so
    an edit to the first one would silently do nothing."""
    import ast
    from pathlib import Path

    import gdtui.messages_catalog as catalog

    tree = ast.parse(Path(catalog.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and len(node.keys) > 50:  # the catalog itself
            ids = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            assert not repeated, repeated
            break
    else:
        raise AssertionError("no catalog dict found")


async def test_the_korean_palette_finds_commands_by_their_english_names_too(ui):
    """A student following an English handout types "theme" in a Korean app: the
    Korean entries are found (and shown in Korean); a search that finds nothing says so
    in Korean, not in Textual's English."""
    from gdtui.i18n import tr

    app = ui.make_app(preset="parabola", lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        found = await palette_entries(pilot, "theme")
        themes = [entry for entry in found if entry.startswith("테마:")]
        assert len(themes) >= 4 and found[0].startswith("테마:"), found
        await pilot.press("escape")
        await pilot.pause()
        none = await palette_entries(pilot, "qqqq")
    assert any(tr("cmd.nomatch", "ko") in entry for entry in none), none
    assert not any("No matches" in entry for entry in none), none


@pytest.mark.parametrize(("lang", "placeholder"), [("en", "all"), ("ko", "all(전체)")])
async def test_the_batch_field_says_all_in_the_students_language(ui, lang, placeholder):
    """"all" is what one types for the full batch: Korean keeps the word and says what it means."""
    from textual.widgets import Input

    app = ui.make_app(preset="hours", lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        field = app.main_screen.query_one("#batch", Input)
        assert field.value == "" and field.placeholder == placeholder
        assert placeholder in ui.screen_text(app)
