"""The function pane: preset picker, the loss as typed, and its derivatives or error.

It only reports what the user did (`Edited` after a pause in typing, `Submitted`
on enter, `PresetChosen`); the screen compiles off the event loop and calls
`show_formulas` / `show_error` back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Select, Static

from gdtui.ui.charset import charset_of
from gdtui.ui.widgets.in_order_input import InOrderInput


__all__ = ["FunctionPane"]

DEBOUNCE = 0.3  # seconds of quiet typing before validating


class FunctionPane(Vertical):
    """Preset Select, the expression Input and a two-line info area."""

    DEFAULT_CSS = """
    FunctionPane { height: auto; }
    FunctionPane #fn-info { height: auto; max-height: 2; text-wrap: nowrap; text-overflow: ellipsis; }
    FunctionPane #fn-info.-error { max-height: 5; text-wrap: wrap; }  /* caret + the whole message */
    """

    @dataclass
    class Edited(Message):
        """The text changed and the user paused: validate it."""

        text: str

    @dataclass
    class Submitted(Message):
        """Enter was pressed: compile and apply this function."""

        text: str

    @dataclass
    class PresetChosen(Message):
        """A preset was picked from the Select."""

        name: str

    def __init__(self, presets: Sequence[tuple[str, str]] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._presets = list(presets)
        self._debounce: Timer | None = None
        # The preset the program last showed: its change event is not a user choice.
        self._shown_preset: str | None = None

    def compose(self) -> ComposeResult:
        from gdtui.ui.lang import field_label, t

        with Horizontal(classes="row"):
            yield Label("f =", classes="lbl")
            yield InOrderInput(placeholder=self._plain(t(self, "fn.placeholder")), id="fn", compact=True,
                               select_on_focus=False)
        with Horizontal(classes="row", id="preset-row"):
            yield Label(field_label(self, "preset"), classes="lbl")
            yield Select(self._presets, prompt=self._plain(t(self, "select.own")), id="preset", compact=True)
        yield Static(self._plain(t(self, "status.compiling")), id="fn-info", markup=False)

    def _plain(self, text: str) -> str:
        return charset_of(self).text(text)

    # ------------------------------------------------------------ program -> pane
    def set_function(self, text: str, preset: str | None = None) -> None:
        """Show the function now running (and its preset, if any) without re-posting."""
        names = {value for _, value in self._presets}
        preset = preset if preset in names else None
        self._shown_preset = preset
        self.query_one("#fn", Input).value = text
        for picker in self.query("#preset").results(Select):
            picker.value = Select.NULL if preset is None else preset

    def show_running(self, text: str, preset: str | None, params: Sequence[str],
                     formulas: Sequence[str]) -> None:
        """Show the function now running as valid: its text, preset and derivatives."""
        self.set_function(text, preset)
        self.show_formulas(params, formulas)
        self.mark_rejected(False)

    @property
    def text(self) -> str:
        """What the function field holds now (typed, not necessarily applied)."""
        return self.query_one("#fn", Input).value

    def mark_rejected(self, rejected: bool) -> None:
        """Make the function field look invalid (its text was refused) or valid again."""
        self.query_one("#fn", Input).set_class(rejected, "-rejected")

    def show_formulas(self, params: Sequence[str], formulas: Sequence[str]) -> None:
        """Show ∂f/∂p = … for each parameter (the function is valid)."""
        d = charset_of(self).pick("∂", "d")
        parts = [f"{d}f/{d}{p} = {f}" for p, f in zip(params, formulas)]
        if len(parts) <= 2:
            text = "\n".join(parts)
        else:  # two to a line: the info area has two lines
            text = "\n".join("   ".join(parts[i:i + 2]) for i in range(0, len(parts), 2))
        from gdtui.ui.lang import t

        text = text or t(self, "fn.constant")
        if any("sign(" in f for f in formulas):
            text += "   " + t(self, "fn.abs")
        info = self.query_one("#fn-info", Static)
        info.remove_class("-error")
        info.update(text)

    def show_error(self, message: str, column: int | None = None) -> None:
        """Show a one-line error; with a column, a caret under that character of the input."""
        info = self.query_one("#fn-info", Static)
        info.add_class("-error")
        message = self._plain(message)
        if column is None:
            info.update(message)
            return
        inp = self.query_one("#fn", Input)
        # Terminal cells before the column (wide characters count 2), minus any scroll.
        x = cell_len(inp.value[:column]) - int(inp.scroll_x)
        offset = inp.region.x - self.content_region.x
        if 0 <= x < inp.size.width:
            caret = " " * (offset + x) + "^"
        else:
            caret = " " * offset + f"(at column {column + 1})"
        info.update(f"{caret}\n{message}")

    def show_busy(self) -> None:
        """Say that the text is being checked."""
        from gdtui.ui.lang import t

        info = self.query_one("#fn-info", Static)
        info.remove_class("-error")
        info.update(self._plain(t(self, "fn.checking")))

    # ------------------------------------------------------------ user -> messages
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        text = event.value
        self._debounce = self.set_timer(DEBOUNCE, lambda: self._edited(text))

    def _edited(self, text: str) -> None:
        self._debounce = None
        self.post_message(self.Edited(text))

    @property
    def edit_pending(self) -> bool:
        """True while typed text waits for the debounce before it is checked."""
        return self._debounce is not None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        self.post_message(self.Submitted(event.value))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is Select.NULL or event.value == self._shown_preset:
            return
        self.post_message(self.PresetChosen(str(event.value)))
