"""A student's app: gdtui plus the control link to the classroom server.

The link carries the teacher's requests in (freeze, load a setup, goodbye) and a
short status out twice a second, only when it changed (problem, optimizer, step,
loss, status, lesson step and predictions when the lesson feature provides
them).  Runs in the child the zygote forked, with the student's pty as its
terminal.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import socket
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from gdtui.classroom.control import LineReader, encode, settings_from_dict
from gdtui.classroom.pace import FPS_MIN
from gdtui.settings import DEFAULT_PRESET, Settings
from gdtui.ui.app import GdApp
from gdtui.ui.textual_compat import trim_render_caches

__all__ = ["FrozenScreen", "StudentApp", "run_student", "warm_up"]

#: Seconds between two status reports (only sent when something changed).
REPORT_EVERY = 0.5
#: Seconds between two looks at the render caches that grow with live runs.
TRIM_EVERY = 60.0
#: Most steps a student's run takes (the server's ``max_steps`` may lower it): see
#: ClassroomConfig.max_steps, a bound on a run's history.
MAX_STEPS = 100_000


class FrozenScreen(ModalScreen[None]):
    """Over everything while the teacher has paused the class; keys do nothing here."""

    DEFAULT_CSS = """
    FrozenScreen { align: center middle; background: $background 60%; }
    FrozenScreen > Vertical { width: auto; max-width: 90%; height: auto; border: round $accent;
                              padding: 0 2; background: $panel; }
    #frozen-notice { width: auto; height: auto; }
    """
    BINDINGS = [Binding("question_mark,ctrl+p", "nothing", show=False),
                Binding("q", "app.quit", show=False)]  # leaving is always allowed

    def __init__(self, notice: str) -> None:
        super().__init__()
        self.text = notice

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.text, id="frozen-notice", markup=False)

    def action_nothing(self) -> None:
        """Keys are held while the class is paused."""


class StudentApp(GdApp):
    """gdtui for one student of a classroom, steered by the server over ``control``."""

    def __init__(self, settings: Settings, control: socket.socket, notice: str | None = None,
                 lesson: Any = None, live_fps: float | None = None, max_steps: int = MAX_STEPS) -> None:
        if lesson is not None:  # lesson mode (gdtui classroom --lesson NAME)
            super().__init__(settings, lesson=lesson)  # type: ignore[call-arg]
        else:
            super().__init__(settings)
        self.control = control
        self.control.setblocking(False)
        self._reader = LineReader()
        self._last_report: dict[str, Any] | None = None
        #: Freeze the collector's view of the app once it is built (see report); only in
        #: the forked student process (run_student), never in a test's own process.
        self.freeze_gc = False
        self._gc_frozen = False
        self._frozen: FrozenScreen | None = None
        self._welcome = notice
        self.live_fps = live_fps  # the server's live frame rate (see classroom.pace)
        self.lesson_start = 0  # lesson mode: the step to open first
        self.max_steps = max(1, int(max_steps))

    # ------------------------------------------------------------ link
    def on_mount(self) -> None:
        asyncio.get_running_loop().add_reader(self.control.fileno(), self._control_readable)
        self.set_interval(REPORT_EVERY, self.report)
        self.set_interval(TRIM_EVERY, trim_render_caches)  # memory flat over a class (see there)
        if self.live_fps is not None:
            self.call_after_refresh(self.pace, self.live_fps)  # the main screen is installed by then
        if self._welcome:
            self.call_after_refresh(self.notify, self.notice_text(self._welcome), timeout=6)

    def _control_readable(self) -> None:
        try:
            data = self.control.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the server has gone: nothing left to show the student
            asyncio.get_running_loop().remove_reader(self.control.fileno())
            self.exit(0)
            return
        for message in self._reader.feed(data):
            self.handle_control(message)

    def send(self, message: dict[str, Any]) -> None:
        """Send one message to the server (dropped when it is not reading: status only)."""
        try:
            self.control.send(encode(message))
        except (BlockingIOError, InterruptedError, OSError):
            pass

    def say(self, msg_id: Any, values: Any, default: str) -> str:
        """A catalog message in the student's language (``default`` when there is none)."""
        if not isinstance(msg_id, str) or not msg_id:
            return default
        try:
            from gdtui.i18n import tr
        except ImportError:
            return default
        safe = {str(k): str(v)[:60] for k, v in values.items()} if isinstance(values, dict) else {}
        try:
            text = tr(msg_id, getattr(self.settings, "lang", "en") or "en", **safe)
        except (KeyError, IndexError, ValueError):
            return default
        return default if text == msg_id else text

    def handle_control(self, message: dict[str, Any]) -> None:
        """Do what the teacher asked: freeze, load, bye (unknown requests are ignored)."""
        op = message.get("op")
        notice = str(message.get("notice", ""))[:200]
        notice = self.say(message.get("msg"), message.get("values"), notice)[:200]
        if op == "freeze":
            self.freeze(bool(message.get("on")), notice)
        elif op == "load" and isinstance(message.get("settings"), dict):
            try:
                settings = settings_from_dict(message["settings"])
            except (TypeError, ValueError):
                return
            self.load(settings, notice)
        elif op == "pace":
            try:
                self.pace(float(message.get("fps")))
            except (TypeError, ValueError):
                return
            return  # nothing the dashboard shows has changed
        elif op == "lesson":
            self.load_lesson(message.get("name"), message.get("step"), notice)
        elif op == "bye":
            self.exit(0)
        self.report()

    # ------------------------------------------------------------ teacher's requests
    def freeze(self, on: bool, notice: str = "") -> None:
        """Pause (stop any live run, cover the screen with one line) or resume."""
        if on and self._frozen is None:
            screen = self.main_screen
            screen.stop_live()
            text = notice or "The teacher paused the class: eyes on the board."
            self._frozen = FrozenScreen(self.notice_text(text))
            self.push_screen(self._frozen)
        elif not on and self._frozen is not None:
            frozen, self._frozen = self._frozen, None
            if frozen in self.screen_stack:
                if self.screen is frozen:
                    self.pop_screen()
                else:
                    frozen.remove()
            self.notify(self.notice_text(notice or "The teacher resumed the class."), timeout=4)

    #: Actions that write files (session save, export): in a classroom every student runs
    #: as the teacher's user, so they would write into the teacher's folders.
    FILE_ACTIONS = ("save_session", "export", "screenshot")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.FILE_ACTIONS:
            return False
        return super().check_action(action, parameters)

    def action_command_palette(self) -> None:
        if self._frozen is None:
            super().action_command_palette()

    def action_help(self) -> None:
        if self._frozen is None:
            super().action_help()

    def load(self, settings: Settings, notice: str = "") -> None:
        """Load the setup the teacher pushed (display options stay the student's)."""
        from gdtui.ui import jobs

        settings = settings.copy(theme=self.settings.theme, ascii=self.settings.ascii,
                                 max_steps=min(settings.max_steps, self.max_steps))
        screen = self.main_screen
        screen.stop_live()
        label = settings.preset or settings.fn
        jobs.compile_problem(screen, settings, label)
        self.notify(self.notice_text(notice or "The teacher loaded a new problem."), timeout=6)

    def pace(self, fps: float) -> None:
        """The server's live frame rate (lower while the machine is busy or our link is behind)."""
        if not (fps == fps and fps > 0):  # NaN or nonsense from the link: ignore
            return
        self.live_fps = fps
        try:
            runner = self.main_screen.runner
            if runner.interval_scale == 1.0:
                # Each student's frames a little closer than asked (0.95-1x the interval):
                # a class that pressed p together drifts apart in phase within seconds,
                # instead of thirty frames drawn at the same moments.
                runner.interval_scale = random.uniform(0.95, 0.999)
            self.set_live_frame_rate(fps)
            # The app's own CPU adaptation (for one user, ~7% of a core) must not take a
            # student below the server's floor: in a classroom the server's governor
            # decides how busy the machine may be.
            runner.min_fps = min(fps, FPS_MIN)
        except Exception:  # noqa: BLE001 - main screen not installed yet: applied on mount
            pass

    def load_lesson(self, name: Any, step: Any, notice: str = "") -> None:
        """The teacher pushed a lesson step: open that lesson (a shipped one) at ``step``."""
        from gdtui.lessons import LessonError, find_lesson

        if not isinstance(name, str) or not isinstance(step, int) or isinstance(step, bool):
            return
        try:
            lesson = find_lesson(name[:60])
        except LessonError:
            return
        if not 0 <= step < len(lesson):
            return
        if self._frozen is not None:  # a push ends a pause: the student is to work on it
            self.freeze(False, notice)
        self.main_screen.stop_live()
        self.open_lesson(lesson, step)
        self.notify(self.notice_text(notice or "The teacher opened a lesson step."), timeout=6)

    def _mount_lesson(self) -> None:
        super()._mount_lesson()
        step = getattr(self, "lesson_start", 0)
        if step:  # a newcomer after the teacher pushed a later step of the lesson
            from gdtui.ui.widgets.lesson_panel import LessonPanel

            panel = self.main_screen.query(LessonPanel).first()
            panel.call_after_refresh(panel.go, step, again=True)

    # ------------------------------------------------------------ status out
    def status(self) -> dict[str, Any]:
        """What the teacher's dashboard shows for this student."""
        session = self.session
        run, problem = session.run, session.problem
        out: dict[str, Any] = {"op": "status", "problem": "", "optimizer": "", "step": None,
                               "loss": None, "status": "starting", "lesson": None, "right": None}
        if problem is not None and run is not None:
            s = problem.settings
            out["problem"] = (s.preset or s.fn)[:60]
            out["optimizer"] = run.optimizer.name
            out["step"] = int(run.k)
            loss = float(run.history.loss[run.k])
            out["loss"] = loss if loss == loss and abs(loss) != float("inf") else str(loss)
            status = run.status
            try:
                if self.main_screen.live and status == "running":
                    status = "live"
            except Exception:  # noqa: BLE001 - screen not installed yet
                pass
            out["status"] = status
        if self._frozen is not None:
            out["status"] = "frozen"
        # The lessons feature can expose its progress here: (step label, right, asked).
        hook = getattr(self, "classroom_lesson_status", None)
        if callable(hook):
            try:
                lesson = hook()
            except Exception:  # noqa: BLE001 - a lesson bug must not stop the report
                lesson = None
            if lesson:
                out["lesson"] = str(lesson[0])[:40]
                out["right"] = f"{int(lesson[1])}/{int(lesson[2])}"
        return out

    def classroom_lesson_status(self) -> tuple[str, int, int] | None:
        """(lesson and step, predictions right, predictions made) in lesson mode, else None."""
        if getattr(self, "lesson", None) is None:
            return None
        try:
            from gdtui.ui.widgets.lesson_panel import LessonPanel

            panel = self.main_screen.query(LessonPanel).first()
            runner = panel.runner
            where = f"{panel.lesson.name} {runner.index + 1}/{len(panel.lesson)}"
            return where, int(runner.right_count), len(runner.reveals)
        except Exception:  # noqa: BLE001 - no panel yet, or a lesson build without these names
            return None

    def report(self) -> None:
        """Send the status when it changed since the last report."""
        status = self.status()
        if self.freeze_gc and not self._gc_frozen and status["step"] is not None:
            # The screen and the problem are built and live as long as the session: move
            # them out of the collector's sight (as the zygote did with the imports), so a
            # full collection during a live run scans only what came after (it took ~35 ms
            # a time, a stutter every few seconds of thirty students).
            self._gc_frozen = True
            gc.collect()  # what is garbage now would otherwise be kept for good
            gc.freeze()
        if status != self._last_report:
            self._last_report = status
            self.send(status)


def warm_up(app: bool = True) -> None:
    """Import and build what every student needs (the zygote calls this once)."""
    import numpy  # noqa: F401
    import plotext  # noqa: F401
    import textual_plotext  # noqa: F401

    from gdtui.problem import build_problem
    from gdtui.ui import ascii, jobs, themes  # noqa: F401
    from gdtui.ui.screens import help  # noqa: F401

    build_problem(Settings(preset=DEFAULT_PRESET))
    themes.load_themes([themes.builtin_theme_dir()])
    jobs.preset_options()
    jobs.optimizer_specs()
    # One headless app to the first frame: imports what Textual imports lazily (drivers,
    # parsers, layouts) and fills its caches, so every student's first frame is faster.
    # Its threads have all ended when asyncio.run returns (the zygote checks before forking).
    if app:
        asyncio.run(_headless_once())


async def _headless_once() -> None:
    app = GdApp(Settings(preset=DEFAULT_PRESET))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()


def student_lang(server_lang: str | None, env: dict[str, str]) -> str:
    """The student's language: the server's --lang, else their LC_ALL/LANG (ssh SetEnv)."""
    if server_lang in ("en", "ko"):
        return server_lang
    locale = env.get("LC_ALL") or env.get("LC_MESSAGES") or env.get("LANG") or ""
    return "ko" if locale.lower().startswith("ko") else "en"


def run_student(control_fd: int, request: dict[str, Any]) -> int:
    """Run one student's app on this process's terminal; returns the exit code."""
    control = socket.socket(fileno=control_fd)
    settings = settings_from_dict(dict(request.get("settings") or {}))
    if not settings.fn and not settings.preset:
        settings.preset = DEFAULT_PRESET
    if hasattr(settings, "lang"):  # the interface speaks English and Korean
        settings.lang = student_lang(request.get("lang"), dict(os.environ))
    lesson = None
    step = 0
    if request.get("lesson"):
        from gdtui.lessons import find_lesson  # type: ignore[import-not-found]

        lesson = find_lesson(str(request["lesson"]))
        step = request.get("lesson_step") or 0
        step = step if isinstance(step, int) and 0 <= step < len(lesson) else 0
        settings = lesson.settings_at(step, settings)
    max_steps = int(request.get("max_steps") or MAX_STEPS)
    settings.max_steps = min(settings.max_steps, max_steps)
    fps = request.get("fps")
    app = StudentApp(settings, control, request.get("notice"), lesson=lesson,
                     live_fps=float(fps) if isinstance(fps, (int, float)) else None, max_steps=max_steps)
    app.lesson_start = step
    app.freeze_gc = True
    msg = request.get("msg")
    if isinstance(msg, (list, tuple)) and len(msg) == 2 and request.get("notice"):
        app._welcome = app.say(msg[0], msg[1], str(request["notice"]))
    try:
        app.run()
    finally:
        from gdtui.expr.worker import shutdown

        shutdown()  # the student's symbolic helper, if one was started
        control.close()
    return 0
