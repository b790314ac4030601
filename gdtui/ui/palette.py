"""Command palette (ctrl+p): presets, optimizers, themes and the run actions."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from gdtui.ui.app import GdApp

__all__ = ["GdCommands"]


class GdCommands(Provider):
    """Everything the playground can switch to, by name."""

    def _commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        """(name, callback, help) for every command."""
        from gdtui.ui.jobs import optimizer_specs, preset_options

        app: "GdApp" = self.app  # type: ignore[assignment]
        screen = app.main_screen
        try:
            from gdtui.engine.presets import PRESETS
        except ImportError:
            PRESETS = {}
        for _, name in preset_options():
            desc = getattr(PRESETS.get(name), "description", "")
            yield f"preset: {name}", partial(screen.choose_preset, name), desc
        for name in optimizer_specs():
            yield f"optimizer: {name}", partial(screen.choose_optimizer, name), "restart with it"
        for name in app._theme_cycle or list(app.available_themes):
            yield f"theme: {name}", partial(setattr, app, "theme", name), "colours"
        for title, action, desc in (
            ("run / pause", "toggle_live", "p"), ("step", "step(1)", "space"),
            ("ten steps", "step(10)", "n"), ("back", "back", "b"), ("reset", "reset", "r"),
            ("log-scale loss", "log", "l"),
        ):
            yield title, partial(screen.run_action, action), f"key: {desc}"
        yield "show as command", app.action_show_command, "the gdtui run line for what is on screen"
        yield "save session file", app.action_save_session, "key: s"
        yield "export run (csv, json, md, svg)", app.action_export, "key: e"

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
