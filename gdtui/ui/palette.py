"""Command palette (ctrl+p): presets, optimizers, themes, comparisons, and every key.

The keys' entries are derived from the key bindings themselves (the app's and the
playground's ``BINDINGS``): each binding with a tooltip that means anything now
is a command, titled from the message catalogue (``cmd.<binding id>``) or else by its
tooltip, with its key as help.  A new binding is in the palette without listing it here.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Callable, Iterator

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from gdtui.ui.app import GdApp

__all__ = ["GdCommands"]


class GdCommands(Provider):
    """Everything the playground can switch to, by name."""

    def _commands(self, lang: str | None = None) -> Iterator[tuple[str, Callable[[], object], str]]:
        """(name, callback, help) for every command, in the app's language or ``lang``
        (always the same commands in the same order)."""
        from gdtui.i18n import tr
        from gdtui.ui.jobs import optimizer_specs, preset_options

        app: "GdApp" = self.app  # type: ignore[assignment]
        screen = app.main_screen
        try:
            from gdtui.engine.presets import PRESETS
        except ImportError:
            PRESETS = {}
        msg = app.msg if lang is None else partial(_tr, tr, lang)
        for _, name in preset_options():
            desc = getattr(PRESETS.get(name), "description", "")
            if f"preset.{name}" in _catalog():  # the description in the user's language
                desc = msg(f"preset.{name}")
            yield msg("cmd.preset", name=name), partial(screen.choose_preset, name), desc
        for name in optimizer_specs():
            yield msg("cmd.optimizer", name=name), partial(screen.choose_optimizer, name), msg("cmd.optimizer.help")
        for name in app.theme_cycle or list(app.available_themes):
            yield msg("cmd.theme", name=name), partial(setattr, app, "theme", name), msg("cmd.theme.help")
        yield from _compare_commands(app, msg)
        yield from _binding_commands(app, self.screen, msg)
        yield from _keep_commands(app, self.screen, msg)

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Commands whose title matches; in another language the English title counts
        too (a student who types "theme" finds 테마: ...), the shown title is the own one."""
        matcher = self.matcher(query)
        app: "GdApp" = self.app  # type: ignore[assignment]
        english = self._commands("en") if app.settings.lang != "en" else None
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if english is not None:
                score = max(score, matcher.match(next(english)[0]))
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


def _tr(tr: Callable[..., str], lang: str, msg_id: str, **values: object) -> str:
    return tr(msg_id, lang, **values)


def _catalog() -> dict[str, dict[str, str]]:
    from gdtui.messages_catalog import CATALOG

    return CATALOG


def _binding_commands(app: "GdApp", top: object,
                      msg: Callable[..., str]) -> Iterator[tuple[str, Callable[[], object], str]]:
    """(title, callback, help) for every key binding of the app and the playground that
    has a tooltip and means anything now (their ``available``), whatever has focus.
    Over another screen (``top``, e.g. the compare view) a key that screen binds itself
    is its own, as when pressed, so the playground's and the app's are left out."""
    from gdtui.messages_catalog import CATALOG
    from gdtui.ui.screens.math_panel import PANELS

    screen = app.main_screen
    taken = set() if top is screen else {
        key for b in getattr(top, "BINDINGS", ()) if isinstance(b, Binding) for key in b.key.split(",")}
    seen: set[str] = set()
    for node in (screen, app):
        for binding in type(node).BINDINGS:
            if not isinstance(binding, Binding) or not binding.tooltip or binding.action in seen:
                continue
            if taken & set(binding.key.split(",")):
                continue
            if binding.action == "compare":
                continue  # offered with each kind of comparison, by _compare_commands
            seen.add(binding.action)
            name, params = _action(binding.action)
            if not node.available(name):
                continue
            key = app.get_key_display(binding)
            run = partial(getattr(node, f"action_{name}"), *params)
            if name == "view" and params and params[0] in PANELS:
                view = str(params[0])
                yield (msg("cmd.panel", title=msg(f"view.{view}")), run,
                       msg("cmd.panel.help", key=key, view=view))
                continue
            msg_id = f"cmd.{(binding.id or '').removeprefix('gd.')}"
            own_title = msg_id in CATALOG and "{" not in CATALOG[msg_id]["en"]
            tip = f"tip.{binding.tooltip}"  # a tooltip in the user's language, when the catalog has it
            title = msg(msg_id) if own_title else msg(tip) if tip in CATALOG else binding.tooltip
            yield title, run, msg("cmd.key", key=key)


def _action(text: str) -> tuple[str, tuple[object, ...]]:
    """An action string's name and parameters ("step(10)" -> ("step", (10,)))."""
    from textual.actions import parse

    _, name, params = parse(text)
    return name, params


def _compare_commands(app: "GdApp",
                      msg: Callable[..., str]) -> Iterator[tuple[str, Callable[[], object], str]]:
    """The compare view's entries (the view itself is gdtui.ui.screens.compare)."""
    from gdtui.settings import Settings

    saddle = Settings(fn="x^2 - y^2", start={"x": 1.0, "y": 0.0}, hyper={"lr": 0.1}, seed=1,
                      theme=app.settings.theme, ascii=app.settings.ascii)
    key = next(app.get_key_display(b) for b in type(app).BINDINGS
               if isinstance(b, Binding) and b.action == "compare")
    yield msg("pal.cmp.lr"), partial(app.action_compare, None), msg("pal.cmp.lr.help", key=key)
    yield (msg("pal.cmp.race"), partial(app.action_compare, "optimizer=sgd,momentum,nesterov,rmsprop,adam"),
           msg("pal.cmp.race.help"))
    yield msg("pal.cmp.batch"), partial(app.action_compare, "batch-size=full,10,1"), msg("pal.cmp.batch.help")
    yield (msg("pal.cmp.noise"), partial(app.action_compare, "noise=0,0.01 steps=300", saddle),
           msg("pal.cmp.noise.help"))


def _keep_commands(app: "GdApp", screen: object,
                   msg: Callable[..., str]) -> Iterator[tuple[str, Callable[[], object], str]]:
    """Show as command (no key), and over the compare view its export; save and export of
    the playground come from their bindings."""
    from gdtui.ui.screens.compare import CompareScreen

    if isinstance(screen, CompareScreen):
        yield msg("cmd.command"), app.action_show_command, msg("cmd.command.compare")
        yield msg("cmd.export.compare"), screen.action_export, msg("cmd.key", key="e")
        return
    yield msg("cmd.command"), app.action_show_command, msg("cmd.command.help")
