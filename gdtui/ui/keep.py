"""Keeping what is on screen: `s` saves the setup as a session file, `e` exports the run
(CSV, JSON, Markdown and an SVG of the screen), the palette shows the command line.

Files go into ``--save-dir`` or the working directory, never anywhere else; every
failure is one line in the status bar, never a crash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gdtui.ui.app import GdApp

__all__ = ["export_now", "save_now", "show_command"]


def _folder(app: "GdApp") -> str:
    return app.settings.save_dir or "."


def _current_settings(app: "GdApp"):  # type: ignore[no-untyped-def]
    problem = app.session.problem
    if problem is None:
        return None
    s = problem.settings.copy()
    s.theme = app.theme if app.theme in app.theme_cycle else app.settings.theme
    s.lang, s.view = app.settings.lang, app.settings.view
    return s


def save_now(app: "GdApp") -> str:
    """Save the current setup; returns the line to show (the path, or what went wrong)."""
    from gdtui.errors import GdtuiError
    from gdtui.sessionfile import save_session

    settings = _current_settings(app)
    if settings is None:
        return app.msg("keep.compiling")
    try:
        path = save_session(settings, _folder(app))
    except (GdtuiError, OSError) as exc:
        return app.msg("keep.notsaved", error=str(exc))
    return app.msg("keep.saved", path=str(path))


def export_now(app: "GdApp") -> str:
    """Export the current run and the screen; returns the line to show."""
    from gdtui.errors import GdtuiError
    from gdtui.export import export_run

    session = app.session
    if session.problem is None or session.run is None:
        return app.msg("keep.compiling")
    try:
        svg = app.export_screenshot(title="gdtui")
        paths = export_run(session.problem, session.run, _folder(app), svg=svg)
    except (GdtuiError, OSError) as exc:
        return app.msg("keep.notexported", error=str(exc))
    first, *rest = [str(p) for p in paths]
    exts = ", ".join(p.rsplit(".", 1)[-1] for p in rest)
    return app.msg("keep.exported", path=first, more=exts)


def show_command(app: "GdApp") -> str:
    """The `gdtui run` command line that reproduces the run on screen."""
    from gdtui.export import command_line

    session = app.session
    if session.problem is None or session.run is None:
        return app.msg("keep.norun")
    return command_line(session.problem.settings, session.run.k, session.problem.objective.params)
