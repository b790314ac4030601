"""The classroom server: asyncssh in front, one forked gdtui per student behind.

:class:`Classroom` owns the listening socket, the zygote (see :mod:`.zygote`), the
students and the teacher's requests (push a setup, freeze all).  Per connection,
:class:`_Gate` (an ``asyncssh.SSHServer``) does the login: authorized keys, a
class password (rate-limited per address, constant-time compare) or nothing on
loopback; it refuses every port, agent, X11, tun and socket forward.  Each
session channel is a :class:`StudentChannel`: a pty shell gets a student app;
an exec request gets one line and is closed; subsystems (SFTP, SCP) are refused.

The relay copies bytes between the SSH channel and the pty master.  When the
client stops reading, asyncssh's write buffer passes its high-water mark: we stop
reading the pty (the app then waits for its terminal, like any program on a
stalled ssh link) and disconnect the client after ``stall_timeout`` seconds
still stalled, so the server never buffers without limit.
"""

from __future__ import annotations

import asyncio
import collections
import fcntl
import json
import os
import pty
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

import asyncssh

from gdtui.classroom.config import Auth, ClassroomConfig
from gdtui.classroom.control import LineReader, encode, settings_to_dict
from gdtui.classroom.pace import BEHIND_FPS, Governor
from gdtui.classroom.zygote import MAX_MESSAGE, spawn_env
from gdtui.settings import Settings

__all__ = ["Classroom", "LoginLimiter", "Student", "StudentChannel"]

EXEC_MESSAGE = "gdtui classroom runs gdtui only: connect without a command (ssh -t ...).\r\n"
NO_PTY_MESSAGE = "gdtui classroom needs a terminal: connect with ssh -t ...\r\n"
FULL_MESSAGE = "gdtui classroom is full ({n} students): please try again in a minute.\r\n"
IDLE_MESSAGE = "\r\ngdtui classroom: closed after {m:g} minutes without a key press. Bye!\r\n"
STALL_MESSAGE = "\r\ngdtui classroom: your connection stopped reading; closed.\r\n"
BYE_MESSAGE = "\r\ngdtui classroom: the class has ended. Goodbye!\r\n"
START_FAILED = "gdtui classroom: could not start your session ({why}); please tell the teacher.\r\n"
#: Restores a terminal the app could not restore itself (killed): main screen, cursor, no mouse.
RESTORE = b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[0m"

#: Environment a client may send (ssh SetEnv/SendEnv); everything else is ignored.
ACCEPTED_ENV = ("LANG", "LC_ALL", "LC_MESSAGES", "COLORTERM", "NO_COLOR")
MAX_NAME = 32


def _clean(text: str, limit: int = MAX_NAME, allowed: str = "") -> str:
    """Printable ASCII letters, digits and ``allowed`` only (names shown on the dashboard)."""
    out = "".join(c for c in text if (c.isascii() and c.isalnum()) or c in allowed)
    return out[:limit]


def _clean_env(name: str, value: str) -> str | None:
    value = str(value)
    if len(value) > 64 or not value.isprintable() or not value.isascii():
        return None
    return value


class LoginLimiter:
    """Failed logins per address: each failure waits, and many failures lock the address out.

    ``limit`` failures within ``window`` seconds lock the address until the window
    has passed; at most ``max_addresses`` addresses are remembered (oldest forgotten).
    """

    def __init__(self, limit: int = 5, window: float = 60.0, delay: float = 1.0,
                 max_addresses: int = 4096) -> None:
        self.limit, self.window, self.delay = limit, window, delay
        self.max_addresses = max_addresses
        self._failures: collections.OrderedDict[str, collections.deque[float]] = collections.OrderedDict()

    def _recent(self, address: str, now: float) -> collections.deque[float]:
        times = self._failures.get(address)
        if times is None:
            return collections.deque()
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def blocked(self, address: str, now: float | None = None) -> bool:
        """True while ``address`` has too many recent failures."""
        now = time.monotonic() if now is None else now
        return len(self._recent(address, now)) >= self.limit

    def failed(self, address: str, now: float | None = None) -> None:
        """Count one failure for ``address``."""
        now = time.monotonic() if now is None else now
        times = self._recent(address, now)
        times.append(now)
        self._failures[address] = times
        self._failures.move_to_end(address)
        while len(self._failures) > self.max_addresses:
            self._failures.popitem(last=False)


@dataclass
class Student:
    """One connected student as the dashboard sees them."""

    number: int
    user: str
    address: str
    fingerprint: str
    started: float = field(default_factory=time.monotonic)
    pid: int | None = None
    status: dict[str, Any] = field(default_factory=dict)
    channel: "StudentChannel | None" = None

    @property
    def seconds(self) -> float:
        """How long this student has been connected."""
        return time.monotonic() - self.started


class _Zygote:
    """The server's side of the zygote: start it, ask it for children, hear of their exits."""

    def __init__(self, on_exit: Callable[[int, int], None], prewarm_app: bool = True) -> None:
        self.on_exit = on_exit
        self.prewarm_app = prewarm_app
        self.process: subprocess.Popen[bytes] | None = None
        self.sock: socket.socket | None = None
        self._waiting: dict[int, asyncio.Future[int]] = {}
        self._ready: asyncio.Future[int] | None = None
        self._next = 0

    async def start(self, timeout: float = 120.0) -> None:
        loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gdtui.classroom.zygote", str(theirs.fileno()),
             "1" if self.prewarm_app else "0"],
            pass_fds=[theirs.fileno()], env=spawn_env(),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # the teacher's ctrl+c is for the server, which says goodbye first
        )
        theirs.close()
        ours.setblocking(False)
        self.sock = ours
        self._ready = loop.create_future()
        loop.add_reader(ours.fileno(), self._readable)
        try:
            await asyncio.wait_for(self._ready, timeout)
        except asyncio.TimeoutError:
            self.stop()
            raise RuntimeError(f"the session starter was not ready after {timeout:g} s") from None

    def _readable(self) -> None:
        assert self.sock is not None
        while True:
            try:
                data = self.sock.recv(MAX_MESSAGE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data = b""
            if not data:
                self._gone("the session starter stopped")
                return
            try:
                message = json.loads(data)
            except ValueError:
                continue
            if "exited" in message:
                self.on_exit(int(message["exited"]), int(message.get("code", 0)))
            elif "ready" in message:
                if self._ready is not None and not self._ready.done():
                    self._ready.set_result(int(message["ready"]))
            elif "failed" in message:
                self._gone(str(message["failed"]))
            else:
                future = self._waiting.pop(message.get("id"), None)
                if future is not None and not future.done():
                    if "pid" in message:
                        future.set_result(int(message["pid"]))
                    else:
                        future.set_exception(RuntimeError(str(message.get("error", "no reply"))))

    def _gone(self, why: str) -> None:
        if self.sock is not None:
            try:
                asyncio.get_running_loop().remove_reader(self.sock.fileno())
            except (RuntimeError, ValueError):
                pass
        error = RuntimeError(why)
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(error)
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(error)
        self._waiting.clear()

    @property
    def pid(self) -> int | None:
        """The zygote's process id while it runs."""
        return self.process.pid if self.process is not None and self.process.poll() is None else None

    async def spawn(self, request: dict[str, Any], fds: list[int], timeout: float = 30.0) -> int:
        """Fork a student's process; returns its pid."""
        if self.sock is None or self.pid is None:
            raise RuntimeError("the session starter is not running")
        self._next += 1
        request = dict(request, id=self._next)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting[self._next] = future
        try:
            socket.send_fds(self.sock, [json.dumps(request).encode()], fds)
            return await asyncio.wait_for(future, timeout)
        finally:
            self._waiting.pop(request["id"], None)  # a late reply finds nothing

    def stop(self) -> None:
        """Stop the zygote (students already started carry on until told)."""
        if self.sock is not None:
            self._gone("stopped")
            self.sock.close()
            self.sock = None
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                pass


class StudentChannel(asyncssh.SSHServerSession):  # type: ignore[type-arg]
    """One SSH session channel: a pty shell becomes a student's gdtui; nothing else is allowed."""

    def __init__(self, room: "Classroom", gate: "_Gate") -> None:
        self.room, self.gate = room, gate
        self.chan: Any = None
        self.term = "xterm-256color"
        self.size = (80, 24)
        self.has_pty = False
        self.kind = "shell"
        self.master: int | None = None
        self.control: socket.socket | None = None
        self.student: Student | None = None
        self.last_key = time.monotonic()
        self.frozen_since: float | None = None
        self._reader = LineReader()
        self._stall: asyncio.TimerHandle | None = None
        self._paused = False
        self._closing = False
        self._ended = False
        self.behind = False  # the client has not read what was sent: live frames at BEHIND_FPS
        self.fps_told: float | None = None

    # ------------------------------------------------------------ requests
    def connection_made(self, chan: Any) -> None:
        self.chan = chan
        chan.set_write_buffer_limits(high=self.room.config.write_buffer)

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any) -> bool:
        self.has_pty = True
        self.term = _clean(term_type or "", 64, "-_.+") or "xterm-256color"
        self.size = (max(1, min(term_size[0] or 80, 1000)), max(1, min(term_size[1] or 24, 1000)))
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self.kind = "exec"  # accepted only to say so in one line, then closed
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        return False  # no SFTP, no SCP

    def break_received(self, msec: int) -> bool:
        return False

    def signal_received(self, signal: str) -> None:
        pass

    def eof_received(self) -> bool:
        return False

    def session_started(self) -> None:
        if self.kind == "exec":
            self.say_and_close(EXEC_MESSAGE, 1)
        elif not self.has_pty:
            self.say_and_close(NO_PTY_MESSAGE, 1)
        elif not self.room.take_seat(self):
            self.say_and_close(FULL_MESSAGE.format(n=self.room.config.max_sessions), 1)
        else:
            self.gate.sessions += 1
            self.room.track(asyncio.ensure_future(self._start()))

    def say_and_close(self, text: str, code: int = 0) -> None:
        """Write one line and end the channel."""
        try:
            self.chan.write(text.encode())
            self.chan.exit(code)
        except (OSError, asyncssh.Error, BrokenPipeError):
            pass

    # ------------------------------------------------------------ start
    def _env(self) -> dict[str, str]:
        env = {"TERM": self.term}
        try:
            sent = dict(self.chan.get_environment())
        except Exception:  # noqa: BLE001
            sent = {}
        for name in ACCEPTED_ENV:
            if name in sent:
                value = _clean_env(name, sent[name])
                if value is not None:
                    env[name] = value
        env["GDTUI_CLASSROOM"] = "1"
        return env

    async def _start(self) -> None:
        room = self.room
        master, slave = pty.openpty()
        self.master = master
        self._set_size(*self.size)
        os.set_blocking(master, False)
        ours, theirs = socket.socketpair()
        ours.setblocking(False)
        self.control = ours
        request = {
            "settings": settings_to_dict(room.settings),
            "env": self._env(),
            "memory_limit": room.config.memory_limit_mb << 20,
            "nice": room.config.nice,
            "notice": room.welcome,
            "msg": room.welcome_msg,
            "lang": room.config.lang,
            "lesson": room.lesson[0] if room.lesson else None,
            "lesson_step": room.lesson[1] if room.lesson else 0,
            "fps": room.live_fps,
            "max_steps": room.config.max_steps,
        }
        self.fps_told = room.live_fps
        student = Student(room.next_number(), self.gate.username, self.gate.address, self.gate.fingerprint)
        student.channel = self
        self.student = student
        try:
            student.pid = await room.zygote.spawn(request, [slave, theirs.fileno()])
        except Exception as exc:  # noqa: BLE001 - one student's failure is told to them, not raised
            self.say_and_close(START_FAILED.format(why=str(exc)[:80]), 1)
            self._cleanup()
            return
        finally:
            os.close(slave)
            theirs.close()
        if self._closing or self.chan is None:
            self._cleanup()
            return
        room.add(student)
        loop = asyncio.get_running_loop()
        loop.add_reader(master, self._pty_readable)
        loop.add_reader(ours.fileno(), self._control_readable)
        if room.frozen:
            self.send({"op": "freeze", "on": True, "notice": room.freeze_notice, "msg": "classroom.paused"})

    def _set_size(self, width: int, height: int) -> None:
        if self.master is None:
            return
        try:
            fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        except OSError:
            pass

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = (max(1, min(width, 1000)), max(1, min(height, 1000)))
        self._set_size(*self.size)  # the kernel sends SIGWINCH to the student's app

    # ------------------------------------------------------------ relay
    def data_received(self, data: bytes, datatype: Any) -> None:
        self.last_key = time.monotonic()
        self.gate.bytes_in += len(data)
        if self.master is None:
            return
        try:
            os.write(self.master, data)
        except (BlockingIOError, InterruptedError):
            pass  # the app is not reading its keyboard: drop keys rather than queue them
        except OSError:
            pass

    def _pty_readable(self) -> None:
        if self.master is None:
            return
        try:
            data = os.read(self.master, 65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""  # EIO: every copy of the slave side is closed, the app has ended
        if not data:
            self._app_ended()
            return
        self.gate.bytes_out += len(data)
        try:
            self.chan.write(data)
        except (OSError, asyncssh.Error, BrokenPipeError):
            self._app_ended()
            return
        if not self.behind and self.waiting() > self.room.config.behind_bytes:
            self.pace()

    def waiting(self) -> int:
        """Bytes sent to this client that it has not taken yet (0 when unknown)."""
        try:
            return int(self.chan.get_write_buffer_size())
        except Exception:  # noqa: BLE001 - a closing channel
            return 0

    def pace(self) -> None:
        """Tell the app its live frame rate: the room's, or BEHIND_FPS while the client is behind.

        Behind means more than ``behind_bytes`` wait for the client; it is caught up
        again below a quarter of that (a gap, so the rate does not flap)."""
        if self.student is None or self.control is None:
            return
        waiting = self.waiting()
        limit = self.room.config.behind_bytes
        if waiting > limit:
            self.behind = True
        elif waiting < limit // 4:
            self.behind = False
        fps = min(BEHIND_FPS, self.room.live_fps) if self.behind else self.room.live_fps
        if fps != self.fps_told:
            self.fps_told = fps
            self.send({"op": "pace", "fps": round(fps, 2)})

    def pause_writing(self) -> None:
        """The client stopped reading: stop reading the app, and give the client a deadline."""
        if self.master is not None and not self._paused:
            self._paused = True
            asyncio.get_running_loop().remove_reader(self.master)
            self._stall = asyncio.get_running_loop().call_later(self.room.config.stall_timeout,
                                                                self._stalled)

    def resume_writing(self) -> None:
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None
        if self._paused and self.master is not None:
            self._paused = False
            asyncio.get_running_loop().add_reader(self.master, self._pty_readable)

    def _stalled(self) -> None:
        self.gate.end = "stalled"
        self.close(STALL_MESSAGE, restore=False)

    # ------------------------------------------------------------ control
    def send(self, message: dict[str, Any]) -> None:
        """A request to the student's app (dropped if the app is not reading its control)."""
        if self.control is None:
            return
        try:
            self.control.send(encode(message))
        except (BlockingIOError, InterruptedError, OSError):
            pass

    def _control_readable(self) -> None:
        if self.control is None:
            return
        try:
            data = self.control.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self.control.fileno())
            return
        for message in self._reader.feed(data):
            if message.get("op") == "status" and self.student is not None:
                self.student.status = {k: message.get(k) for k in
                                       ("problem", "optimizer", "step", "loss", "status", "lesson", "right")}

    # ------------------------------------------------------------ ending
    def _app_ended(self) -> None:
        """The student's app has exited (they quit, or the class ended)."""
        if self._ended:
            return
        self._ended = True
        message = BYE_MESSAGE if self.room.closing else "\r\n"
        self.gate.end = self.gate.end or ("class ended" if self.room.closing else "quit")
        self._cleanup()
        try:
            self.chan.write(message.encode())
            self.chan.exit(0)
        except (OSError, asyncssh.Error, BrokenPipeError):
            pass

    def close(self, message: str, restore: bool = True) -> None:
        """End this student's session with one line (idle, stalled, class over)."""
        if self._ended:
            return
        self._ended = True
        self._cleanup()
        try:
            self.chan.write((RESTORE if restore else b"") + message.encode())
            self.chan.exit(0)
        except (OSError, asyncssh.Error, BrokenPipeError):
            pass
        if not restore:  # a stalled client will not read a goodbye: drop the connection
            try:
                self.gate.conn.abort()
            except Exception:  # noqa: BLE001
                pass

    def _cleanup(self) -> None:
        """Close the pty and the control link (the app gets SIGHUP) and forget the student."""
        loop = asyncio.get_event_loop()
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None
        if self.master is not None:
            try:
                loop.remove_reader(self.master)
            except (ValueError, RuntimeError):
                pass
            os.close(self.master)
            self.master = None
        if self.control is not None:
            try:
                loop.remove_reader(self.control.fileno())
            except (ValueError, RuntimeError):
                pass
            self.control.close()
            self.control = None
        self.room.leave(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._closing = True
        self._ended = True
        self._cleanup()
        self.chan = None


class _Gate(asyncssh.SSHServer):
    """One SSH connection: login, refusals, and its log line."""

    def __init__(self, room: "Classroom") -> None:
        self.room = room
        self.conn: Any = None
        self.username = "?"
        self.address = "?"
        self.fingerprint = "-"
        self.started = time.monotonic()
        self.when = datetime.now(timezone.utc)
        self.bytes_in = 0
        self.bytes_out = 0
        self.sessions = 0
        self.end = ""

    def connection_made(self, conn: Any) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.address = f"{peer[0]}:{peer[1]}"
        self.room.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.room.connections.discard(self)
        if not self.end:
            self.end = "closed" if exc is None else f"error: {str(exc)[:60]}"
        self.room.log_connection(self)

    @property
    def host(self) -> str:
        """The client's address without the port."""
        return self.address.rsplit(":", 1)[0]

    def begin_auth(self, username: str) -> bool:
        self.username = _clean(username, MAX_NAME, "-_.") or "student"
        if self.room.auth.none:
            self.fingerprint = "no-auth"
            return False
        return True

    def public_key_auth_supported(self) -> bool:
        return bool(self.room.auth.keys)

    def validate_public_key(self, username: str, key: Any) -> bool:
        if self.room.limiter.blocked(self.host):
            return False
        if self.room.auth.key_allowed(key):
            self.fingerprint = key.get_fingerprint()
            return True
        return False

    def password_auth_supported(self) -> bool:
        return self.room.auth.password is not None

    async def validate_password(self, username: str, password: str) -> bool:
        limiter = self.room.limiter
        if limiter.blocked(self.host):
            await asyncio.sleep(limiter.delay)
            return False
        if self.room.auth.password_ok(password):
            self.fingerprint = "password"
            return True
        limiter.failed(self.host)
        await asyncio.sleep(limiter.delay)  # slows guessing; other logins carry on meanwhile
        return False

    def kbdint_auth_supported(self) -> bool:
        return False  # the class password goes through plain password auth

    def session_requested(self) -> Any:
        return StudentChannel(self.room, self)

    # Every kind of forwarding is refused.
    def connection_requested(self, *args: Any) -> bool:
        return False

    def server_requested(self, *args: Any) -> bool:
        return False

    def unix_connection_requested(self, *args: Any) -> bool:
        return False

    def unix_server_requested(self, *args: Any) -> bool:
        return False

    def tun_requested(self, *args: Any) -> bool:
        return False

    def tap_requested(self, *args: Any) -> bool:
        return False


class Classroom:
    """The server: listening socket, zygote, students, and the teacher's requests."""

    def __init__(self, config: ClassroomConfig, auth: Auth, host_key: Any,
                 log: Callable[[str], None] | None = None) -> None:
        self.config = config
        self.auth = auth
        self.host_key = host_key
        self.settings: Settings = config.settings
        self.welcome: str | None = None
        self.welcome_msg: tuple[str, dict[str, str]] | None = None  # the same, as a catalog message
        #: The lesson and step (0-based) newcomers open, from --lesson or the teacher's last push.
        self.lesson: tuple[str, int] | None = (config.lesson, 0) if config.lesson else None
        self.students: dict[int, Student] = {}
        self.channels: set[StudentChannel] = set()
        self.connections: set[_Gate] = set()
        self.limiter = LoginLimiter()
        self.frozen = False
        self.freeze_notice = ""
        self.closing = False
        self.log_lines: collections.deque[str] = collections.deque(maxlen=200)
        self._log = log
        self._number = 0
        self._tasks: set[asyncio.Future[Any]] = set()
        self._server: Any = None
        self._idle_task: asyncio.Task[None] | None = None
        self._alive: set[int] = set()  # student pids the zygote has not reported ended
        self.governor = Governor() if config.adapt_fps else None
        self.live_fps = self.governor.fps if self.governor is not None else config.live_fps
        self._pace_task: asyncio.Task[None] | None = None
        self.zygote = _Zygote(self._child_exited, config.prewarm_app)
        self.port = config.port

    # ------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Start the zygote, then listen (a student can connect once this returns)."""
        await self.zygote.start()
        self._server = await asyncssh.create_server(
            lambda: _Gate(self), self.config.host, self.config.port,
            server_host_keys=[self.host_key],
            encoding=None, line_editor=False,
            agent_forwarding=False, x11_forwarding=False, allow_scp=False,
            login_timeout=self.config.login_timeout,
            keepalive_interval=30, keepalive_count_max=4,
        )
        sockets = self._server.sockets
        if sockets:
            self.port = sockets[0].getsockname()[1]
        self._idle_task = asyncio.ensure_future(self._watch_idle())
        self._pace_task = asyncio.ensure_future(self._watch_pace())

    async def stop(self, grace: float = 3.0) -> None:
        """A clean goodbye: every app exits (screens restored), one line each, then stop."""
        if self.closing:
            return
        self.closing = True
        if self._server is not None:
            self._server.close()
        for channel in list(self.channels):
            channel.gate.end = "class ended"
            channel.send({"op": "bye"})
        deadline = time.monotonic() + grace
        while any(ch.student is not None and ch.student.pid in self._alive for ch in self.channels) \
                and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for channel in list(self.channels):
            channel.close(BYE_MESSAGE)
        self._kill_all()
        await asyncio.sleep(0.1)  # let the goodbyes leave
        for gate in list(self.connections):
            try:
                gate.conn.close()
            except Exception:  # noqa: BLE001
                pass
        for task in (self._idle_task, self._pace_task):
            if task is not None:
                task.cancel()
        for task in list(self._tasks):
            task.cancel()
        if self._server is not None:
            try:
                await asyncio.wait_for(self._server.wait_closed(), 5)
            except (asyncio.TimeoutError, Exception):  # noqa: BLE001
                pass
        self.zygote.stop()

    def _kill_all(self) -> None:
        for pid in list(self._alive):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    # ------------------------------------------------------------ students
    def take_seat(self, channel: StudentChannel) -> bool:
        """Reserve a place for a new session (False when the class is full or closing)."""
        if self.closing or len(self.channels) >= self.config.max_sessions:
            return False
        self.channels.add(channel)
        return True

    def next_number(self) -> int:
        self._number += 1
        return self._number

    def add(self, student: Student) -> None:
        self.students[student.number] = student
        if student.pid is not None:
            self._alive.add(student.pid)

    def leave(self, channel: StudentChannel) -> None:
        """A session has ended: forget it, and make sure its process goes too."""
        self.channels.discard(channel)
        student = channel.student
        if student is None:
            return
        self.students.pop(student.number, None)
        pid = student.pid
        if pid is not None and pid in self._alive:
            # Closing the pty sent SIGHUP; a process still there after a moment is killed.
            asyncio.get_event_loop().call_later(2.0, self._kill_if_alive, pid)

    def _kill_if_alive(self, pid: int) -> None:
        if pid in self._alive:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def _child_exited(self, pid: int, code: int) -> None:
        self._alive.discard(pid)

    def track(self, task: asyncio.Future[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def pids(self) -> list[int]:
        """Process ids of the students' apps (for memory figures)."""
        return [s.pid for s in self.students.values() if s.pid is not None]

    # ------------------------------------------------------------ teacher's requests
    def push(self, settings: Settings, label: str) -> int:
        """Every student (and every new one) loads ``settings``; returns how many were told."""
        self.settings = settings
        self.lesson = None  # newcomers get the pushed setup, not the lesson
        self.welcome = f"The teacher loaded {label} for everyone."
        self.welcome_msg = ("classroom.loaded", {"label": label})
        message = {"op": "load", "settings": settings_to_dict(settings), "notice": self.welcome,
                   "msg": "classroom.loaded", "values": {"label": label}}
        return self._broadcast(message)

    def push_lesson(self, name: str, step: int) -> int:
        """Every student (and every new one) opens shipped lesson ``name`` at ``step`` (0-based);
        returns how many were told.  The name and step are checked by the caller
        (:func:`gdtui.classroom.setup.lesson_step`)."""
        label = f"lesson {name}, step {step + 1}"
        self.lesson = (name, step)
        self.welcome = f"The teacher loaded {label} for everyone."
        self.welcome_msg = ("classroom.loaded", {"label": label})
        return self._broadcast({"op": "lesson", "name": name, "step": step, "notice": self.welcome,
                                "msg": "classroom.loaded", "values": {"label": label}})

    def freeze(self, on: bool, notice: str = "") -> int:
        """Pause (or resume) every student; returns how many were told."""
        self.frozen = on
        self.freeze_notice = notice or ("The teacher paused the class: eyes on the board." if on else "")
        now = time.monotonic()
        for channel in self.channels:
            channel.last_key = now  # a pause is not idleness
        return self._broadcast({"op": "freeze", "on": on, "notice": self.freeze_notice if on else notice,
                                "msg": "" if notice else ("classroom.paused" if on else "classroom.resumed")})

    def _broadcast(self, message: dict[str, Any]) -> int:
        told = 0
        for channel in list(self.channels):
            if channel.student is not None and channel.control is not None:
                channel.send(message)
                told += 1
        return told

    async def _watch_pace(self) -> None:
        """Once a second: the machine's load sets everyone's live frame rate; a client that
        is behind gets fewer frames until it has caught up.  The students are told one
        after another across the second: a student's app restarts its frame timer when
        told a new rate, and thirty timers restarted at once would draw in step (thirty
        frames at the same moment, then nothing), which delays key presses."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(1.0)
            if self.governor is not None:
                fps = self.governor.update()
                if fps is not None:
                    self.live_fps = fps
            channels = list(self.channels)
            for i, channel in enumerate(channels):
                loop.call_later(i / len(channels), channel.pace)

    def set_live_fps(self, fps: float) -> None:
        """Fix every student's live frame rate (the governor, if any, moves it again later)."""
        self.live_fps = float(fps)
        if self.governor is not None:
            self.governor.fps = float(fps)
        for channel in list(self.channels):
            channel.pace()

    async def _watch_idle(self) -> None:
        limit = self.config.idle_timeout
        every = max(0.2, min(5.0, limit / 4))
        while True:
            await asyncio.sleep(every)
            if self.frozen:
                continue
            now = time.monotonic()
            for channel in list(self.channels):
                if now - channel.last_key > limit:
                    channel.gate.end = "idle"
                    channel.close(IDLE_MESSAGE.format(m=limit / 60))

    # ------------------------------------------------------------ log
    def log_connection(self, gate: _Gate) -> None:
        """One line per connection: time, user, key, address, duration, bytes, how it ended."""
        line = (f"{gate.when:%Y-%m-%dT%H:%M:%SZ} user={gate.username} key={gate.fingerprint} "
                f"addr={gate.address} duration={time.monotonic() - gate.started:.1f}s "
                f"in={gate.bytes_in}B out={gate.bytes_out}B end={gate.end or 'closed'}")
        self.log_lines.append(line)
        if self._log is not None:
            self._log(line)

    def log(self, line: str) -> None:
        """A line for the teacher (server events other than connections)."""
        self.log_lines.append(line)
        if self._log is not None:
            self._log(line)

