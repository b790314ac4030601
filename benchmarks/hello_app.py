"""The smallest Textual app: one Static saying hello.  `benchmarks/tui.py` compares
gdtui's time to first frame with this one's, on the same machine, the same way."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static


class HelloApp(App[None]):
    """Shows `hello`; ctrl+q quits."""

    def compose(self) -> ComposeResult:
        yield Static("hello")


if __name__ == "__main__":
    HelloApp().run()
