"""Real SSH clients with a screen, for the classroom tests.

`Terminal` is one student: an asyncssh client with a pty whose output feeds a
pyte screen, so tests read what the student would see.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncssh
import pyte

from gdtui.classroom.server import Classroom

#: Generous: the machine is shared; nothing here measures speed.
WAIT = 30.0


class Terminal:
    """One student's terminal: keys in, a pyte screen of what came out."""

    def __init__(self, conn: asyncssh.SSHClientConnection, process: asyncssh.SSHClientProcess,
                 size: tuple[int, int]) -> None:
        self.conn, self.process = conn, process
        self.screen = pyte.Screen(*size)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self._pump = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        while True:
            data = await self.process.stdout.read(65536)
            if not data:
                return
            self.raw += data
            self.stream.feed(data)

    def text(self) -> str:
        """The screen as lines of text (built from the cells: pyte's `display` can trip on
        wide characters such as Korean)."""
        buffer, width = self.screen.buffer, self.screen.columns
        return "\n".join("".join(buffer[y][x].data for x in range(width)) for y in range(self.screen.lines))

    async def wait_for(self, needle: str, timeout: float = WAIT) -> str:
        """Wait until ``needle`` is on the screen; returns the screen."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while needle not in self.text():
            if loop.time() > end:
                raise AssertionError(f"{needle!r} not on the screen after {timeout} s:\n{self.text()}")
            if self._pump.done():
                raise AssertionError(f"connection ended before {needle!r}:\n{self.text()}\n{bytes(self.raw[-300:])!r}")
            await asyncio.sleep(0.05)
        return self.text()

    async def wait_raw(self, needle: bytes, timeout: float = WAIT) -> None:
        """Wait until ``needle`` has come over the wire."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while needle not in self.raw:
            if loop.time() > end or (self._pump.done() and needle not in self.raw):
                raise AssertionError(f"{needle!r} never came; last bytes {bytes(self.raw[-300:])!r}")
            await asyncio.sleep(0.05)

    def press(self, keys: str) -> None:
        """Type ``keys``."""
        self.process.stdin.write(keys.encode())

    def resize(self, width: int, height: int) -> None:
        """Resize the client's terminal (the server gets a window-change request)."""
        self.screen.resize(height, width)
        self.process.change_terminal_size(width, height)

    async def closed(self, timeout: float = WAIT) -> None:
        """Wait until the server has ended the session."""
        await asyncio.wait_for(asyncio.shield(self._pump), timeout)

    async def close(self) -> None:
        self._pump.cancel()
        self.conn.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.conn.wait_closed(), 5)


async def connect(room: Classroom, user: str = "student", size: tuple[int, int] = (80, 24),
                  port: int | None = None, **options: object) -> Terminal:
    """A student connecting with a pty of ``size`` (columns, rows), to ``port`` if given."""
    options.setdefault("known_hosts", None)
    options.setdefault("client_keys", None)
    options.setdefault("agent_path", None)
    conn = await asyncssh.connect("127.0.0.1", port or room.port, username=user, **options)
    process = await conn.create_process(term_type="xterm-256color", term_size=size, encoding=None)
    return Terminal(conn, process, size)


async def ready(room: Classroom, count: int, timeout: float = WAIT) -> None:
    """Wait until ``count`` students' apps have reported their step: their screens are
    up and listening (a key typed the moment the first frame shows could be lost)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while sum(s.status.get("step") is not None for s in room.students.values()) < count:
        if loop.time() > end:
            raise AssertionError(f"fewer than {count} students reported a step: "
                                 f"{[s.status for s in room.students.values()]}")
        await asyncio.sleep(0.05)
