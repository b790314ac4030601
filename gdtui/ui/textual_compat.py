"""The few places gdtui needs something Textual (or textual-plotext) has no public API for.

Each function here touches one private attribute, checked against **textual 8.2.8**
(pinned in pyproject.toml) and textual-plotext 1.0.  When the pin moves, read the new
source for these names first; nothing else in gdtui may touch Textual's private API.
Where Textual has public API (line filters: ``App.get_line_filters``; themes:
``App.available_themes``), gdtui uses it instead.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from textual.app import App
    from textual.binding import Binding
    from textual.dom import DOMNode
    from textual.widget import Widget

__all__ = ["describe_bindings", "forget_dirty_regions", "no_matches_countdown", "rewrite_bindings",
           "run_own_key_binding", "set_plot_size", "set_theme_before_start", "trim_render_caches"]


def rewrite_bindings(node: "DOMNode", change: Callable[["Binding"], "Binding"]) -> None:
    """Replace each of ``node``'s bindings by ``change(binding)``, on this instance only.

    Textual 8.2.8 keeps a copy of the class's bindings per instance in
    ``DOMNode._bindings`` (a ``BindingsMap`` whose ``key_to_bindings`` the footer reads);
    there is no public setter for a binding's description.  Used for footer labels in
    the user's language and in ASCII, without touching the class other apps in the
    same process use.
    """
    keys = node._bindings.key_to_bindings
    for key, bindings in list(keys.items()):
        keys[key] = [change(b) for b in bindings]


def describe_bindings(node: "DOMNode", describe: Callable[[str], str], *,
                      key_display: bool = False) -> None:
    """``node``'s binding descriptions and group titles through ``describe`` (and the
    keys' displayed names too when ``key_display``), on this instance only."""

    def change(b: "Binding") -> "Binding":
        group = replace(b.group, description=describe(b.group.description)) if b.group else None
        shown = describe(b.key_display) if key_display and b.key_display else b.key_display
        return replace(b, description=describe(b.description), key_display=shown, group=group)

    rewrite_bindings(node, change)


def forget_dirty_regions(widget: "Widget") -> None:
    """Clear the regions Textual marked dirty, for a widget that renders its own lines.

    ``Widget.render_line`` in textual 8.2.8 re-renders its cache when
    ``Widget._dirty_regions`` is non-empty and then clears it; a widget that overrides
    ``render_line`` (and never uses that cache) must clear it itself, or Textual
    keeps asking for the whole widget.
    """
    widget._dirty_regions.clear()


def set_plot_size(plt: Any, width: int, height: int) -> None:
    """Size a textual-plotext ``Plot`` exactly: ``plotsize`` alone leaves plotext's
    figure at its own size (textual-plotext issue 5), so set the private size too."""
    plt.plotsize(width, height)
    plt._set_size(width, height)


def set_theme_before_start(app: "App[Any]", name: str) -> None:
    """Make the registered theme ``name`` the app's theme before it runs, without the
    full CSS re-parse that setting ``App.theme`` queues.

    In textual 8.2.8 ``App._watch_theme`` sets the ``-theme-NAME``/``-dark-mode``/
    ``-light-mode`` classes, swaps the ANSI→truecolor filter
    (``App._refresh_truecolor_filter``) and queues ``refresh_css``, which parses every
    stylesheet again (at start-up: the app's and Textual's own CSS a second time).
    Before the app runs nothing is parsed yet, so the new variables alone are enough;
    the rest is what the watcher does.  Switching later (``t``) goes through
    ``App.theme`` as usual.
    """
    from textual.app import App

    app.set_reactive(App.theme, app._validate_theme(name))
    theme = app.current_theme
    classes = {c: False for c in app.classes if c.startswith("-theme-")}
    classes.update({f"-theme-{theme.name}": True, "-dark-mode": theme.dark, "-light-mode": not theme.dark})
    app.update_classes(classes, update=False)
    app._refresh_truecolor_filter(app.ansi_theme)
    app.stylesheet.set_variables(app.get_css_variables())


def no_matches_countdown(palette: Any, search_value: str, text: str) -> None:
    """What ``CommandPalette._start_no_matches_countdown`` does in textual 8.2.8, with
    ``text`` instead of its fixed English "No matches found" (a palette subclass
    overrides that private method with this).  The palette's own attributes used:
    ``_stop_no_matches_countdown``, ``_no_matches_timer``, ``_NO_MATCHES``,
    ``_NO_MATCHES_COUNTDOWN``, ``_list_visible``."""
    from rich.align import Align
    from rich.text import Text
    from textual.command import CommandList
    from textual.widgets.option_list import Option

    palette._stop_no_matches_countdown()

    def show() -> None:
        if search_value:
            palette.query_one(CommandList).add_option(
                Option(Align.center(Text(text, style="not bold")), disabled=True, id=palette._NO_MATCHES))
            palette._list_visible = True
        else:  # discovery mode: nothing to say
            palette._list_visible = False

    palette._no_matches_timer = palette.set_timer(palette._NO_MATCHES_COUNTDOWN, show)


#: Entries above which :func:`trim_render_caches` empties rich's segment-splitting cache.
SPLIT_CACHE_KEEP = 2048


def trim_render_caches(keep: int = SPLIT_CACHE_KEEP) -> bool:
    """Empty rich's ``Segment._split_cells`` cache once it holds more than ``keep`` entries;
    True when it did.

    That cache (``functools.lru_cache(16384)`` in rich 15.0, used by Textual to cut strips
    at the screen's edge) keys on whole segments, so a live run, whose numbers change
    every frame, adds entries it never finds again: ~400 bytes each, 6-7 MB per process
    once full after half an hour or so (the classroom soak saw students grow ~16% in an
    hour).  Emptying it is cheap (the next frames recompute a few splits); called every
    minute by long-lived apps (a classroom student), so memory stays flat.
    """
    from rich.segment import Segment

    split = Segment._split_cells
    if split.cache_info().currsize <= keep:
        return False
    split.cache_clear()
    return True


async def run_own_key_binding(field: "Widget", key: str) -> bool:
    """Run ``field``'s own (non-priority) binding for ``key`` now; True if one acted.

    Textual 8.2.8 runs a focused Input's editing keys only after the key event has
    bubbled up to the app, behind characters that arrived with it (issue #6605); the
    bindings are in ``DOMNode._bindings`` and an Input restarts its cursor blink with
    ``_restart_blink`` on every key (``Input._on_key``).  Used by ``InOrderInput``.
    """
    for binding in field._bindings.key_to_bindings.get(key, ()):
        # the app has run its priority bindings before the key reached the field
        if not binding.priority and await field.app.run_action(binding.action, field):
            restart = getattr(field, "_restart_blink", None)
            if restart is not None:
                restart()
            return True
    return False
