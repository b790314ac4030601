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
        msg = app.msg
        for _, name in preset_options():
            desc = getattr(PRESETS.get(name), "description", "")
            if f"preset.{name}" in _catalog():  # the description in the user's language
                desc = msg(f"preset.{name}")
            yield msg("cmd.preset", name=name), partial(screen.choose_preset, name), desc
        for name in optimizer_specs():
            yield msg("cmd.optimizer", name=name), partial(screen.choose_optimizer, name), msg("cmd.optimizer.help")
        for name in app._theme_cycle or list(app.available_themes):
            yield msg("cmd.theme", name=name), partial(setattr, app, "theme", name), msg("cmd.theme.help")
        yield from _compare_commands(app)
        for title, action, desc in (
            ("cmd.run", "toggle_live", "p"), ("cmd.step", "step(1)", "space"),
            ("cmd.ten", "step(10)", "n"), ("cmd.back", "back", "b"), ("cmd.reset", "reset", "r"),
            ("cmd.log", "log", "l"),
        ):
            yield msg(title), partial(screen.run_action, action), msg("cmd.key", key=desc)
        yield from _keep_commands(app, self.screen)
        from gdtui.ui.screens.math_panel import PANELS

        for view, (key, title) in PANELS.items():
            yield (msg("cmd.panel", title=msg(f"view.{view}")), partial(app.action_view, view),
                   msg("cmd.panel.help", key=key, view=view))

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


def _catalog() -> dict[str, dict[str, str]]:
    from gdtui.messages_catalog import CATALOG

    return CATALOG


def _compare_commands(app: "GdApp") -> Iterator[tuple[str, Callable[[], object], str]]:
    """The compare view's entries (the view itself is gdtui.ui.screens.compare)."""
    from gdtui.settings import Settings

    saddle = Settings(fn="x^2 - y^2", start={"x": 1.0, "y": 0.0}, hyper={"lr": 0.1}, seed=1,
                      theme=app.settings.theme, ascii=app.settings.ascii)
    msg = app.msg
    yield msg("pal.cmp.lr"), partial(app.action_compare, None), msg("pal.cmp.lr.help")
    yield (msg("pal.cmp.race"), partial(app.action_compare, "optimizer=sgd,momentum,nesterov,rmsprop,adam"),
           msg("pal.cmp.race.help"))
    yield msg("pal.cmp.batch"), partial(app.action_compare, "batch-size=full,10,1"), msg("pal.cmp.batch.help")
    yield (msg("pal.cmp.noise"), partial(app.action_compare, "noise=0,0.01 steps=300", saddle),
           msg("pal.cmp.noise.help"))


def _keep_commands(app: "GdApp", screen: object) -> Iterator[tuple[str, Callable[[], object], str]]:
    """Show as command, save, export: of the comparison when opened over the compare view."""
    from gdtui.ui.screens.compare import CompareScreen

    msg = app.msg
    if isinstance(screen, CompareScreen):
        yield msg("cmd.command"), app.action_show_command, msg("cmd.command.compare")
        yield msg("cmd.export.compare"), screen.action_export, msg("cmd.key", key="e")
        return
    yield msg("cmd.command"), app.action_show_command, msg("cmd.command.help")
    yield msg("cmd.save"), app.action_save_session, msg("cmd.key", key="s")
    yield msg("cmd.export"), app.action_export, msg("cmd.key", key="e")
