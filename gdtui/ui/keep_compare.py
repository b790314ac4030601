"""Keeping the compare view: its ``gdtui compare`` command line ("show as command") and
`e`, which exports the comparison (CSV, JSON, Markdown, SVG of the screen).

The files are written in a thread (the comparison is rebuilt from the command line,
as ``gdtui compare`` builds it); the screen says the paths, or one line on failure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gdtui.ui.screens.compare import CompareScreen

__all__ = ["compare_args_of", "compare_command", "export_compare"]


def compare_args_of(screen: "CompareScreen") -> list[str] | None:
    """The ``gdtui compare`` options that rebuild what ``screen`` shows (None before it is built)."""
    from gdtui.compare_export import compare_args
    from gdtui.engine.compare import parse_compare_text

    session = screen.session
    if session is None:
        return None
    axes, _ = parse_compare_text(session.text)
    return compare_args(screen.base, axes, session.k)


def compare_command(screen: "CompareScreen") -> str:
    """The ``gdtui compare`` line that reproduces the comparison on screen."""
    import shlex

    args = compare_args_of(screen)
    if args is None:
        return screen.app.msg("keep.compiling")
    return " ".join(shlex.quote(a) for a in ["gdtui", "compare", *args])


def export_compare(screen: "CompareScreen") -> None:
    """Export the comparison on screen into ``--save-dir`` or the working directory; the
    screen's status and a notification say the paths (or what went wrong)."""
    app = screen.app
    args = compare_args_of(screen)
    if args is None:
        screen.kept(app.msg("keep.compiling"))
        return
    svg = app.export_screenshot(title="gdtui")  # the screen as it is now, on the event loop
    folder = app.settings.save_dir or "."
    name = screen.base.preset or screen.base.fn

    def job() -> None:
        from gdtui.compare_export import export_comparison
        from gdtui.errors import GdtuiError

        try:
            paths = [str(p) for p in export_comparison(args, folder, svg=svg, name=name)]
        except (GdtuiError, OSError) as exc:
            line = app.msg("keep.notexported", error=str(exc).splitlines()[0])
        except Exception as exc:  # noqa: BLE001 - one line, never a crash
            line = app.msg("keep.notexported", error=type(exc).__name__)
        else:
            first, *rest = paths
            line = app.msg("keep.exported", path=first, more=", ".join(p.rsplit(".", 1)[-1] for p in rest))
        app.call_from_thread(screen.kept, line)

    screen.run_worker(job, thread=True, group="compare-export", exit_on_error=False)
