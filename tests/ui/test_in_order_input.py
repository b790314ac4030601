"""Keys that arrive together are applied in the order they came (Textual issue #6605).

A slow SSH link delivers several keystrokes in one packet: Textual's own Input would
insert the characters behind a backspace before the backspace runs."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from gdtui.ui.widgets.in_order_input import InOrderInput

BURST = [("backspace", None), ("0", "0"), ("full_stop", "."), ("0", "0"), ("1", "1"),
         ("left", None), ("left", None), ("delete", None), ("end", None), ("2", "2")]


async def typed_in_one_burst(field: Input) -> str:
    """"." typed, then BURST posted with no pause in between (as one packet would be)."""
    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield field

    app = One()
    async with app.run_test() as pilot:
        field.focus()
        await pilot.press("full_stop")
        for key, character in BURST:
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        return field.value


async def test_textual_input_reorders_a_burst_and_ours_does_not() -> None:
    # "." ⌫ "0.01" ← ← del end "2": 0.01 → 0.1 (the 0 before 1 deleted) → 0.12
    assert await typed_in_one_burst(InOrderInput()) == "0.12"
    # the bug this works around: if Textual fixes it, this line tells us to drop ours
    assert await typed_in_one_burst(Input()) != "0.12"


async def test_every_field_of_the_playground_keeps_keys_in_order(ui) -> None:
    app = ui.make_app(preset="hours")
    async with app.run_test(size=(120, 40)) as pilot:
        await ui.ready(pilot)
        fields = list(app.main_screen.query(Input))
        assert len(fields) >= 6  # f, lr, schedule, start, batch, seed
        assert all(isinstance(f, InOrderInput) for f in fields), [type(f).__name__ for f in fields]
        fn = app.main_screen.query_one("#fn", Input)
        fn.focus()
        await pilot.pause()
        fn.value = ""
        for key, character in [("x", "x"), ("circumflex_accent", "^"), ("3", "3"), ("backspace", None),
                               ("2", "2"), ("plus", "+"), ("1", "1")]:
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        assert fn.value == "x^2+1"


async def test_the_lesson_answer_field_keeps_keys_in_order() -> None:
    from lesson_waits import panel, shown, until

    from gdtui.lessons import find_lesson
    from gdtui.problem import validate_quickly
    from gdtui.settings import Settings
    from gdtui.ui.app import GdApp

    lesson = find_lesson("update-rule")
    app = GdApp(validate_quickly(lesson.settings_at(0, Settings())), lesson=lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, 0)
        await pilot.press("full_stop")
        await shown(pilot, 1)  # "x after one update = ?": the answer field has the focus
        field = panel(app).query_one("#lesson-answer", Input)
        assert isinstance(field, InOrderInput)
        await until(pilot, lambda: field.has_focus)
        for key, character in [("2", "2"), ("full_stop", "."), ("6", "6"), ("backspace", None), ("5", "5")]:
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        assert field.value == "2.5"
