"""GdApp: the Textual app of gdtui, and `run_app`, the entry point the CLI calls.

The app owns one session (settings, problem, run, speed) and the themes; the
MainScreen composes the panes and does the work.  Nothing here is global, so
many apps (one per student) can share a process.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from gdtui.settings import Settings
from gdtui.ui.ascii import AsciiFilter
from gdtui.ui.charset import ASCII, UNICODE, charset_of

if TYPE_CHECKING:
    from gdtui.lessons.model import Lesson
    from gdtui.ui.controller import Session
from gdtui.ui.lang import localize_bindings
from gdtui.ui.palette import GdCommands
from gdtui.ui.screens.help import HelpScreen
from gdtui.ui.screens.live import DRAW_FPS
from gdtui.ui.screens.main import MainScreen

__all__ = ["GdApp", "run_app", "save_screenshot_file"]

STYLES = Path(__file__).parent / "styles"


#: App actions bound to printable keys (a focused field takes those keys).
_LETTER_ACTIONS = {"help", "quit_key", "compare", "view", "save_session", "export", "lesson"}


class GdApp(App[int]):
    """The gradient-descent playground for one user."""

    TITLE = "gdtui"
    CSS_PATH = [STYLES / "app.tcss", STYLES / "panes.tcss", STYLES / "lesson.tcss"]
    COMMANDS = App.COMMANDS | {GdCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [
        Binding("question_mark", "help", "help", id="gd.help", tooltip="keys and what they do"),
        # its own action, so that hiding "q" in a field leaves ctrl+q (action "quit") working
        Binding("q", "quit_key", "quit", id="gd.quit", tooltip="quit gdtui"),
        Binding("s", "save_session", "save", id="gd.save", show=False,
                tooltip="save the setup as a session file"),
        Binding("e", "export", "export", id="gd.export", show=False,
                tooltip="export the run: csv, json, md and an svg of the screen"),
        Binding("full_stop", "lesson('next')", "next", id="gd.lesson.next", key_display=".", show=False,
                tooltip="lesson: next step"),
        Binding("comma", "lesson('back')", "prev", id="gd.lesson.back", key_display=",", show=False,
                tooltip="lesson: previous step"),
        Binding("a", "lesson('again')", "again", id="gd.lesson.again", show=False,
                tooltip="lesson: this step again"),
        Binding("v", "compare", "compare", id="gd.compare", show=False,
                tooltip="compare runs side by side (learning rates, optimizers, batch sizes)"),
        # the 'inside the math' panels (gdtui/ui/screens/math_panel.py), also `--view NAME`
        Binding("g", "view('gradcheck')", "grad check", id="gd.view.gradcheck", show=False,
                tooltip="gradient check: analytic vs numerical, the choice of h"),
        Binding("c", "view('curvature')", "curvature", id="gd.view.curvature", show=False,
                tooltip="Hessian, eigenvalues, Taylor and Newton"),
        Binding("d", "view('graph')", "graph", id="gd.view.graph", show=False,
                tooltip="computation graph and backprop"),
    ]

    def __init__(self, settings: Settings | None = None, lesson: "Lesson | None" = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.lesson = lesson  # lesson mode when set (gdtui lesson NAME)
        self._session: "Session | None" = None
        self.theme_failures: list[str] = []
        self.theme_cycle: list[str] = []
        """Theme names in the order `t` cycles them (gdtui's own first), once loaded."""
        self.charset = ASCII if self.settings.ascii else UNICODE
        """How symbols are written (``--ascii``): every screen and widget asks for it
        with :func:`gdtui.ui.charset.charset_of`."""
        self.ascii_filter: AsciiFilter | None = AsciiFilter() if self.charset.ascii else None
        """Under ``--ascii``: what Textual draws itself (scroll bars, arrows, corners) in ASCII."""
        self.warm_up_helper = False
        """Start the symbolic helper right after the first frame (the ``gdtui`` command)."""
        # Before the first CSS parse: a theme switched at mount parses every style again.
        self._load_themes()

    @property
    def session(self) -> "Session":
        """The user's session (problem, run, speed), made on first use: right after the
        first frame, with the panes (its module needs numpy's stand-in and dataclasses
        that the first frame can do without)."""
        if self._session is None:
            from gdtui.ui.controller import Session

            self._session = Session(self.settings)
        return self._session

    def get_line_filters(self):  # type: ignore[no-untyped-def]
        """Textual's filters, then (under ``--ascii``) the ASCII filter last."""
        filters = super().get_line_filters()  # asked for each widget drawn: no copy unless needed
        if self.ascii_filter is None:
            return filters
        return [*filters, self.ascii_filter]

    # ------------------------------------------------------------ themes
    def get_theme_variable_defaults(self) -> dict[str, str]:
        """Defaults for gdtui's own `$gd-*` variables, so any theme can be used."""
        from gdtui.ui.themes import default_theme_variables

        return default_theme_variables()

    def _load_themes(self) -> None:
        """The theme to start with, set before the first CSS parse.  A built-in one with
        no user theme folder around: only its own file is read now, every theme after
        the first frame (:meth:`_load_all_themes`, from ``on_ready``).  Else all now."""
        from gdtui.ui.themes import DEFAULT_THEME, load_builtin_theme, user_theme_dirs

        wanted = self.settings.theme or DEFAULT_THEME
        theme = None if user_theme_dirs() else load_builtin_theme(wanted)
        if theme is None:
            self._load_all_themes()
            return
        self.register_theme(theme)
        self._set_first_theme(wanted)

    def _load_all_themes(self) -> None:
        """Every theme file (built-in and the user's): registered, the `t` cycle, and a
        warning for each file skipped.  The first time only."""
        from gdtui.ui.themes import builtin_theme_dir, known_theme_names, load_themes, user_theme_dirs

        if self.theme_cycle:
            return
        themes, failures = load_themes([builtin_theme_dir(), *user_theme_dirs()], lang=self.settings.lang)
        for theme in themes.values():
            self.register_theme(theme)
        self.theme_failures = [message for _, message in failures]
        self.theme_cycle = known_theme_names(themes)
        if not self.is_running:
            self._set_first_theme(self.settings.theme)
        else:
            self._notify_theme_failures()

    def _set_first_theme(self, name: str | None) -> None:
        from gdtui.ui.themes import DEFAULT_THEME

        wanted = name or DEFAULT_THEME
        if wanted in self.available_themes:
            from gdtui.ui.textual_compat import set_theme_before_start

            set_theme_before_start(self, wanted)  # not `self.theme =`: that parses all CSS twice
        elif self.settings.theme:
            self.theme_failures.append(self.msg("theme.unknown", name=repr(wanted)))

    def _notify_theme_failures(self) -> None:
        for message in self.theme_failures:  # already in the user's language
            self.notify(message, title=self.msg("key.theme"), severity="warning", timeout=8,
                        markup=False)  # text from a file

    def next_theme(self) -> None:
        """Switch to the next theme in the cycle (gdtui's own first)."""
        cycle = self.theme_cycle or list(self.available_themes)
        i = cycle.index(self.theme) + 1 if self.theme in cycle else 0
        self.theme = cycle[i % len(cycle)]
        self.main_screen.notice(self.msg("main.theme", name=self.theme))

    # ------------------------------------------------------------ lifecycle
    @property
    def main_screen(self) -> MainScreen:
        """The playground screen (the bottom of the screen stack)."""
        return self.get_screen("main")  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.set_class(self.charset.ascii, "-ascii")  # ASCII border styles (the .tcss files)
        localize_bindings(self)  # footer labels in the user's language and character set
        self.install_screen(MainScreen(), "main")
        self.push_screen("main")
        if self.lesson is not None:
            self.call_after_refresh(self._mount_lesson)
        if self.settings.compare:  # gdtui ... --compare lr=0.01,0.1
            from gdtui.ui.compare_session import axes_text

            self.action_compare(axes_text(self.settings.compare))
        elif self.settings.view not in ("single", "", None):
            self.action_view(self.settings.view)
        self._notify_theme_failures()

    def on_ready(self) -> None:
        """The first frame is on the terminal: the playground's panes come now, and the
        symbolic helper starts (before, it would compete with the first frame)."""
        self.main_screen.first_frame_shown()
        self.call_after_refresh(self._load_all_themes)  # the rest of the themes (`t`, the palette)
        if self.warm_up_helper:
            self.call_after_refresh(_start_helper)

    def msg(self, msg_id: str, **values: object) -> str:
        """An interface text in the app's language (from the message catalog)."""
        from gdtui.i18n import tr

        return tr(msg_id, self.settings.lang, **values)

    def error_text(self, line: str) -> str:
        """A one-line error in the app's language (known patterns translated)."""
        from gdtui.i18n import error_text

        return error_text(line, self.settings.lang)

    def notice_text(self, text: str) -> str:
        """``text`` as this app shows it (ASCII symbols under ``--ascii``)."""
        return self.charset.text(text)

    # ------------------------------------------------------------ palette and screenshots
    def action_command_palette(self) -> None:
        """The command palette, its placeholder in the app's language and character set."""
        from textual.command import CommandPalette

        if not self.charset.ascii and self.settings.lang == "en":
            super().action_command_palette()
        elif self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(_palette()(id="--command-palette",
                                        placeholder=self.notice_text(self.msg("cmd.search"))))

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        """Save an SVG of the screen into ``--save-dir`` (default: the working folder),
        create nothing else, and say where it went (the palette's "Screenshot")."""
        if self.check_action("screenshot", ()) is False:  # e.g. a classroom: no files
            self.notify(self.msg("shot.off"), title=self.msg("sys.Screenshot"), severity="warning")
            return None
        if self.is_web:  # in a browser the file is served to the user instead
            return super().deliver_screenshot(filename, path, time_format)
        target = save_screenshot_file(self.export_screenshot(), path or self.settings.save_dir,
                                      filename or None, self.title)
        if isinstance(target, Path):
            self.notify(self.msg("shot.saved", path=str(target)), title=self.msg("sys.Screenshot"), timeout=8)
        else:
            self.notify(target, title=self.msg("sys.Screenshot"), severity="error", timeout=8)
        return None

    async def action_quit_key(self) -> None:
        """Quit (the q key)."""
        await self.action_quit()

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Same as the palette's "Screenshot"."""
        self.deliver_screenshot(filename, path)

    def search_themes(self) -> None:
        """The list of themes (the palette's "Theme") as Textual shows it, but in our
        palette (its icon, "no matches") with its placeholder in the app's language."""
        from textual.theme import ThemeProvider

        self.push_screen(_palette()(providers=[ThemeProvider],
                                    placeholder=self.notice_text(self.msg("cmd.search.themes"))))

    def action_help_quit(self) -> None:
        """ctrl+c does not quit (Textual's rule, since it copies in a field): say which
        key does, in the app's language."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(self.msg("quit.how", key=key), title=self.msg("quit.title"), markup=False)
                return

    def get_system_commands(self, screen):  # type: ignore[no-untyped-def]
        """Textual's palette commands, without "Screenshot" where files may not be written."""
        allowed = self.check_action("screenshot", ()) is not False
        for command in super().get_system_commands(screen):
            if allowed or command.title != "Screenshot":
                yield _system_command_in(command, self.settings.lang)

    # ------------------------------------------------------------ hosted (gdtui classroom)
    def set_live_frame_rate(self, fps: float) -> None:
        """Redraw a live run at most ``fps`` times a second (a busy classroom server lowers
        it for everyone).  Stepping, keys and a paused screen are not slowed."""
        runner = self.main_screen.runner
        runner.draw_fps = max(0.2, min(float(fps), DRAW_FPS))

    # ------------------------------------------------------------ lesson mode
    def _mount_lesson(self) -> None:
        from gdtui.ui.widgets.lesson_panel import LessonPanel

        screen = self.main_screen
        screen.add_class("-lesson")
        screen.query_one("#right").mount(LessonPanel(self.lesson, self.settings.lang))

    def open_lesson(self, lesson: "Lesson", step: int = 0) -> None:
        """Lesson mode with ``lesson`` at ``step`` (0-based), in place of any lesson open now
        (a classroom teacher hands everyone the same lesson step)."""
        self.call_next(self._open_lesson, lesson, step)

    async def _open_lesson(self, lesson: "Lesson", step: int) -> None:
        from gdtui.ui.widgets.lesson_panel import LessonPanel

        screen = self.main_screen
        for panel in list(screen.query(LessonPanel)):
            await panel.remove()  # removed before the new one mounts: they share an id
        self.lesson = lesson
        screen.add_class("-lesson")
        panel = LessonPanel(lesson, self.settings.lang)
        await screen.query_one("#right").mount(panel)
        if step:
            panel.go(step, again=True)  # again: its setup is applied even if step 0's was the same
        self.refresh_bindings()  # the lesson keys exist now

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Lesson keys exist only in lesson mode.  While a text field has focus, letters
        type into it: the letter keys (q, ?, v, g, c, d …) are not offered then."""
        from textual.widgets import Input

        if action in _LETTER_ACTIONS and isinstance(self.focused, Input):
            return False
        return self.available(action)

    def available(self, action: str) -> bool:
        """Whether ``action`` means anything now, whatever has focus (the palette asks)."""
        if action == "lesson":
            return self.lesson is not None
        return True

    def action_lesson(self, what: str) -> None:
        """Lesson mode: next, back or again."""
        from gdtui.ui.widgets.lesson_panel import LessonPanel

        panels = self.main_screen.query(LessonPanel)
        if not panels:
            return
        panel = panels.first()
        {"next": panel.next_step, "back": panel.back_step, "again": panel.again}[what]()

    def action_save_session(self) -> None:
        """Save the setup as a session file (working dir or --save-dir) and say where."""
        from gdtui.ui.keep import save_now

        self._keep_notice(save_now(self))

    def action_export(self) -> None:
        """Export the run as CSV, JSON, Markdown and an SVG of the screen; say where."""
        from gdtui.ui.keep import export_now

        self._keep_notice(export_now(self))

    def action_show_command(self) -> None:
        """Show the `gdtui run` (or, in the compare view, `gdtui compare`) command line that
        reproduces what is on screen."""
        from gdtui.ui.keep import show_command
        from gdtui.ui.screens.compare import CompareScreen

        compare = next((s for s in reversed(self.screen_stack) if isinstance(s, CompareScreen)), None)
        if compare is not None:
            from gdtui.ui.keep_compare import compare_command

            line = compare_command(compare)
        else:
            line = show_command(self)
        self.notify(line, title=self.msg("keep.command"), timeout=20, markup=False)

    def _keep_notice(self, line: str) -> None:
        self.main_screen.notice(line)
        self.notify(line, timeout=8, markup=False)
    # ------------------------------------------------------------ compare view
    def action_compare(self, text: str | None = None, base: Settings | None = None) -> None:
        """Open the compare view on the current problem (or ``base``); ``text`` says what is
        compared (default: a learning-rate sweep around the current lr)."""
        from gdtui.ui.screens.compare import CompareScreen

        if isinstance(self.screen, CompareScreen):
            return
        problem = self.session.problem
        if base is None:
            base = problem.settings if problem is not None else self.settings
        if text is None:
            from gdtui.ui.compare_session import default_text

            text = default_text(base)
        self.main_screen.stop_live()
        self.push_screen(CompareScreen(base.copy(compare=()), text))

    def leave_compare(self, settings: Settings | None) -> None:
        """Back to the single view, going on with ``settings`` (the first run's)."""
        from gdtui.ui import jobs
        from gdtui.ui.screens.compare import CompareScreen

        if isinstance(self.screen, CompareScreen):
            self.pop_screen()
        if settings is not None:
            label = settings.preset if settings.preset and not settings.fn else settings.fn
            jobs.compile_problem(self.main_screen, settings.copy(compare=()), label)

    def action_help(self) -> None:
        """Show the keys; escape closes."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_view(self, name: str) -> None:
        """Open a panel by view name over the playground ('single': back to the playground)."""
        from gdtui.ui.screens.math_panel import PANELS, MathPanel, panel_class

        current = self.screen
        if name not in PANELS:
            while isinstance(self.screen, MathPanel):
                self.pop_screen()
            return
        cls = panel_class(name)
        if isinstance(current, cls):
            return
        if isinstance(current, MathPanel):
            self.pop_screen()
        elif current is not self.main_screen:
            return  # help or another modal screen is open: it keeps the keys
        self.push_screen(cls())


def _start_helper() -> None:
    from gdtui.expr.worker import default_worker

    default_worker().start()


@cache  # one class, made on first use (importing textual.command is not for the first frame)
def _palette() -> type:
    """Textual's command palette with its search icon in the app's character set (🔎 is
    two cells: the line filter would make it "??") and "no matches" in its language."""
    from textual.command import CommandPalette, SearchIcon

    class Palette(CommandPalette):
        def on_mount(self) -> None:
            for icon in self.query(SearchIcon):
                icon.icon = charset_of(self).pick(icon.icon, ">")

        def _start_no_matches_countdown(self, search_value: str) -> None:
            from gdtui.ui.lang import t
            from gdtui.ui.textual_compat import no_matches_countdown

            no_matches_countdown(self, search_value, charset_of(self).text(t(self, "cmd.nomatch")))

    return Palette


def save_screenshot_file(svg: str, directory: str | None, filename: str | None,
                         title: str = "gdtui") -> "Path | str":
    """Write ``svg`` into ``directory`` (default: the working folder, which must exist:
    nothing is created outside it) under ``filename`` or a dated name; returns the path
    written, or a one-line error."""
    import os
    from datetime import datetime

    folder = Path(directory).expanduser() if directory else Path.cwd()
    if not folder.is_dir():
        return f"cannot save: {folder} is not a folder"
    name = filename or f"{title}_{datetime.now():%Y-%m-%dT%H_%M_%S}.svg"
    if os.sep in name or (os.altsep and os.altsep in name) or name.startswith("."):
        return f"cannot save: {name!r} is not a plain file name"
    target = folder / name
    try:
        # "x": never overwrite (or follow a planted symlink to) an existing file
        with open(target, "x", encoding="utf-8") as out:
            out.write(svg)
    except OSError as exc:
        return f"cannot save {target}: {exc.strerror or exc}"
    return target.resolve()


def _system_command_in(command, lang: str):  # type: ignore[no-untyped-def]
    """Textual's own palette command (Theme, Quit, Keys ...) with its title and help in
    ``lang`` when the catalog has them (``sys.TITLE`` and ``sys.TITLE.help``)."""
    if lang == "en":
        return command
    from gdtui.i18n import tr

    key = f"sys.{command.title}"
    catalog = _catalog()
    if key not in catalog:
        return command
    show = "show" if "Show" in command.help else "hide" if "Hide" in command.help else ""
    help_key = f"{key}.help" + (f".{show}" if command.title == "Keys" and show else "")
    return command._replace(title=tr(key, lang), help=tr(help_key, lang) if help_key in catalog else command.help)


def _catalog() -> dict[str, dict[str, str]]:
    from gdtui.messages_catalog import CATALOG

    return CATALOG


def run_app(settings: Settings, lesson: "Lesson | None" = None) -> int:
    """Run the playground until the user quits; returns the exit code."""
    app = GdApp(settings, lesson=lesson)
    app.warm_up_helper = True  # sympy warms up in its process while the user reads the screen
    result = app.run()
    if app.return_code:  # a crash (textual printed it): never exit 0
        return int(app.return_code)
    return 0 if result is None else int(result)
