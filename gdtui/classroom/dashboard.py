"""The teacher's dashboard: the room at a glance in the terminal that runs the server.

One row per student (problem, optimizer, step, loss, status, lesson step and
predictions right), refreshed twice a second, sortable.  Keys: ``f`` freezes or
unfreezes everyone, ``p`` pushes a session file to everyone ("everyone load
this"), ``l`` pushes a lesson step (a shipped lesson and a step number), ``s``
changes the sort, ``q`` (twice when students are connected) ends the class with a
goodbye to each.
"""

from __future__ import annotations

import math
import time
from typing import Any, Callable

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.widgets import DataTable, Footer, Input, Static

from gdtui.classroom.server import Classroom, Student
from gdtui.errors import GdtuiError
from gdtui.sanitize import shown
from gdtui.ui.widgets.in_order_input import InOrderInput

__all__ = ["Dashboard", "SORTS"]

#: Refreshes a second (the room changes at human speed).
RATE = 2
#: The table's columns and their widths in an 80-column terminal, each holding its text
#: and the space after it (the table's own padding is off; the last column needs none):
#: 78 in all, so the last column is on screen at 80 columns, also beside a scroll bar.  Wider terminals give the room left to the columns in
#: ``GROWS`` (up to the widths of what they hold).  Text longer than its column is
#: shortened in the middle (``…``); numbers are formatted to fit, never cut.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("#", 3), ("student", 10), ("problem", 12), ("optimizer", 10), ("step", 7), ("loss", 9),
    ("status", 10), ("lesson", 8), ("right", 6), ("min", 3))
#: Column -> most it grows to in a wide terminal (what it can hold, plus the space).
GROWS = {"student": 33, "problem": 41, "lesson": 21}
#: Statuses longer than their column, said shorter.
SHORT_STATUS = {"domain-error": "domain"}


def _loss_key(s: Student) -> float:
    loss = s.status.get("loss")
    return float(loss) if isinstance(loss, (int, float)) else math.inf


#: Sort orders the `s` key cycles through: (name, key function).
SORTS: tuple[tuple[str, Callable[[Student], Any]], ...] = (
    ("arrival", lambda s: s.number),
    ("name", lambda s: s.user.lower()),
    ("step", lambda s: -(s.status.get("step") or 0)),
    ("loss", _loss_key),
    ("status", lambda s: str(s.status.get("status") or "")),
)


def _fmt_loss(value: Any, width: int = 12) -> str:
    """A loss in at most ``width`` characters (fewer digits rather than a cut number)."""
    if isinstance(value, (int, float)):
        for digits in range(6, 0, -1):
            text = f"{value:.{digits}g}"
            if len(text) <= width:
                return text
        return text
    return str(value or "")


def column_widths(width: int) -> dict[str, int]:
    """Each column's width (text and the space after it) for a table ``width`` cells wide."""
    widths = dict(COLUMNS)
    room = width - sum(widths.values()) - 2  # the vertical scroll bar, when there are many students
    for name, most in GROWS.items():
        extra = max(0, min(room, most - widths[name]))
        widths[name] += extra
        room -= extra
    return widths


def text_widths(widths: dict[str, int]) -> dict[str, int]:
    """How much text each column holds: its width less the space after it (none after the last)."""
    last = COLUMNS[-1][0]
    return {name: n - (name != last) for name, n in widths.items()}


class Dashboard(App[None]):
    """The room: who is here, where each student is, and the teacher's keys."""

    TITLE = "gdtui classroom"
    CSS = """
    #info { height: auto; padding: 0 1; }
    #students { height: 1fr; }
    #push { display: none; }
    #push.-open { display: block; }
    #log { height: 4; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("f", "freeze", "freeze all"),
        Binding("p", "push", "push file"),
        Binding("l", "push_lesson", "push lesson"),
        Binding("s", "sort", "sort"),
        Binding("q,ctrl+c", "end_class", "end class", priority=True),
        Binding("escape", "cancel", "", show=False),
    ]

    def __init__(self, room: Classroom, ssh_line: str, session_path: str | None = None) -> None:
        super().__init__()
        self.room = room
        self.fingerprint = room.host_key.get_fingerprint()
        self.ssh_line = ssh_line
        self.session_path = session_path or ""
        self.lesson_text = f"{room.lesson[0]} {room.lesson[1] + 1}" if room.lesson else ""
        self.push_kind = "file"  # what the field at the bottom asks for: "file" or "lesson"
        self.sort_index = 0
        self.message = ""
        self._quit_armed = 0.0
        self._shown: dict[str, Any] = {}  # what is on screen, so unchanged parts are not redrawn

    def compose(self) -> ComposeResult:
        yield Static(id="info", markup=False)
        # No padding of its own: each column's width includes one space (see COLUMNS).
        yield DataTable(id="students", cursor_type="row", zebra_stripes=True, cell_padding=0)
        yield InOrderInput(placeholder="session file to load for everyone (enter: push, escape: cancel)",
                           id="push")
        yield Static(id="log", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._columns(self.size.width)
        self.refresh_room()
        self.set_interval(1 / RATE, self.refresh_room)

    def on_resize(self, event: Any) -> None:
        if column_widths(event.size.width) != self._shown.get("widths"):
            self._columns(event.size.width)
            self.refresh_room()

    def _columns(self, width: int) -> None:
        """(Re)make the columns for a terminal ``width`` wide; the rows follow on the next refresh."""
        widths = column_widths(width)
        self._shown["widths"] = widths
        self._shown.pop("rows", None)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        room = text_widths(widths)
        for name, _ in COLUMNS:
            table.add_column(shown(name, room[name]), key=name, width=widths[name])

    # ------------------------------------------------------------ drawing
    def rows(self) -> list[Student]:
        """The students in the current sort order."""
        _, key = SORTS[self.sort_index]
        return sorted(self.room.students.values(), key=key)

    def refresh_room(self) -> None:
        """Redraw the header, the table and the log tail (nothing while the app is closing)."""
        try:
            self._refresh_room()
        except NoMatches:  # the timer fired after the widgets went (the dashboard is closing)
            pass

    def _refresh_room(self) -> None:
        room = self.room
        n, limit = len(room.students), room.config.max_sessions
        state = "FROZEN (f to resume)" if room.frozen else "running"
        lines = [f"{n}/{limit} students · {state} · sorted by {SORTS[self.sort_index][0]}",
                 f"students: {self.ssh_line}   host key {self.fingerprint}"]
        if self.message:
            lines.append(self.message)
        info = "\n".join(lines)
        if info != self._shown.get("info"):
            self._shown["info"] = info
            self.query_one("#info", Static).update(info)
        widths = self._shown["widths"]
        rows = [self._cells(s, widths) for s in self.rows()]
        if rows != self._shown.get("rows"):  # nothing changed: nothing redrawn
            self._shown["rows"] = rows
            table = self.query_one(DataTable)
            row = table.cursor_row
            table.clear()
            for cells in rows:  # Text, not str: a student's typed function is never markup
                table.add_row(*(Text(c) for c in cells), key=cells[0])
            if table.row_count:
                table.move_cursor(row=min(row, table.row_count - 1))
        log = "\n".join(list(room.log_lines)[-4:])
        if log != self._shown.get("log"):
            self._shown["log"] = log
            self.query_one("#log", Static).update(log)

    @staticmethod
    def _cells(s: Student, widths: dict[str, int] | None = None) -> tuple[str, ...]:
        """One student's row, each cell fitting its column (one space left after it)."""
        w = text_widths(widths or column_widths(80))
        st = s.status
        step = st.get("step")
        status = str(st.get("status") or "starting")
        # Everything but the number comes from the student's process: shown escaped and bounded.
        return (shown(s.number, w["#"]), shown(s.user, w["student"]), shown(st.get("problem") or "", w["problem"]),
                shown(st.get("optimizer") or "", w["optimizer"]), "" if step is None else shown(step, w["step"]),
                shown(_fmt_loss(st.get("loss"), w["loss"]), w["loss"]),
                shown(SHORT_STATUS.get(status, status), w["status"]),
                shown(st.get("lesson") or "", w["lesson"]), shown(st.get("right") or "", w["right"]),
                shown(f"{s.seconds / 60:.0f}", w["min"]))

    def say(self, text: str) -> None:
        """One line under the header for the teacher."""
        self.message = text
        self.refresh_room()

    # ------------------------------------------------------------ keys
    def action_sort(self) -> None:
        """Next sort order."""
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.refresh_room()

    def action_freeze(self) -> None:
        """Freeze or unfreeze every student."""
        on = not self.room.frozen
        told = self.room.freeze(on)
        self.say(f"{'froze' if on else 'resumed'} {told} students")

    def action_push(self) -> None:
        """Ask for a session file to load for everyone."""
        self._ask("file", self.session_path,
                  "session file to load for everyone (enter: push, escape: cancel)")

    def action_push_lesson(self) -> None:
        """Ask for a lesson step to open for everyone ("03 2", "parabola 2")."""
        self._ask("lesson", self.lesson_text,
                  "lesson and step for everyone, e.g. 03 2 or parabola 2 (enter: push, escape: cancel)")

    def _ask(self, kind: str, value: str, placeholder: str) -> None:
        self.push_kind = kind
        field = self.query_one("#push", Input)
        field.placeholder = placeholder
        field.add_class("-open")
        field.value = value
        field.focus()

    def action_cancel(self) -> None:
        field = self.query_one("#push", Input)
        field.remove_class("-open")
        self.query_one(DataTable).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        self.action_cancel()
        if not path:
            return
        if self.push_kind == "lesson":
            self.lesson_text = path
            self.run_worker(lambda: self._prepare_lesson(path), thread=True, exclusive=True, group="push",
                            exit_on_error=False)
            return
        self.session_path = path
        self.say(f"checking {path} …")
        self.run_worker(lambda: self._prepare(path), thread=True, exclusive=True, group="push",
                        exit_on_error=False)

    def _prepare(self, path: str) -> None:
        """In a thread: read and check the file, compile a typed function once (fills the cache)."""
        from gdtui.classroom.setup import check_setup, load_setup, setup_label

        try:
            settings = load_setup(path)
            check_setup(settings)
            if settings.fn and not settings.preset:
                from gdtui.problem import build_problem

                build_problem(settings)  # students then find it in the compiled-function cache
        except GdtuiError as exc:
            self.call_from_thread(self.say, f"not pushed: {shown(exc.lines()[0])}")
            return
        except Exception as exc:  # noqa: BLE001 - one line for the teacher, never a crash
            self.call_from_thread(self.say, f"not pushed: {type(exc).__name__}: {shown(exc)}")
            return
        self.call_from_thread(self._push, settings, setup_label(settings, path))

    def _prepare_lesson(self, text: str) -> None:
        """In a thread: find the lesson and check the step (reads the lesson files)."""
        from gdtui.classroom.setup import lesson_step

        try:
            name, step, steps = lesson_step(text)
        except GdtuiError as exc:
            self.call_from_thread(self.say, f"not pushed: {shown(exc.lines()[0])}")
            return
        except Exception as exc:  # noqa: BLE001 - one line for the teacher, never a crash
            self.call_from_thread(self.say, f"not pushed: {type(exc).__name__}: {shown(exc)}")
            return
        self.call_from_thread(self._push_lesson, name, step, steps)

    def _push_lesson(self, name: str, step: int, steps: int) -> None:
        told = self.room.push_lesson(name, step)
        self.say(f"pushed lesson {name} step {step + 1}/{steps} to {told} students")

    def _push(self, settings: Any, label: str) -> None:
        told = self.room.push(settings, label)
        self.say(f"pushed {label} to {told} students")

    def action_end_class(self) -> None:
        """End the class (asks once more when students are connected)."""
        now = time.monotonic()
        if self.room.students and now - self._quit_armed > 5:
            self._quit_armed = now
            self.say(f"press q again to end the class for {len(self.room.students)} students")
            return
        self.exit()
