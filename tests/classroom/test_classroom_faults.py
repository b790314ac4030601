"""Faults: a client that stops reading, one that vanishes mid-run, a garbage handshake."""

from __future__ import annotations

import asyncio
import socket

import asyncssh

from gdtui.classroom.pace import BEHIND_FPS
from gdtui.classroom.server import STALL_MESSAGE

from classroom_helpers import WAIT, connect, ready


class _Deaf(asyncssh.SSHClientSession):
    """A client that never reads what the server sends."""

    def connection_made(self, chan) -> None:
        chan.pause_reading()


async def test_a_client_that_stops_reading_is_cut_off_and_others_carry_on(make_room):
    room = await make_room(write_buffer=4096, stall_timeout=1.0)
    alice = await connect(room, "alice")
    await alice.wait_for("step 0")
    conn = await asyncssh.connect("127.0.0.1", room.port, username="deaf", known_hosts=None,
                                  client_keys=None, agent_path=None, window=8192)
    chan, _ = await conn.create_session(_Deaf, term_type="xterm", term_size=(80, 24), encoding=None)
    chan.write(b"p")  # run live: the app keeps drawing, the client reads nothing
    await asyncio.wait_for(conn.wait_closed(), WAIT)
    loop = asyncio.get_running_loop()
    end = loop.time() + WAIT
    while not any("user=deaf" in line for line in room.test_log) and loop.time() < end:
        await asyncio.sleep(0.05)
    line = next(line for line in room.test_log if "user=deaf" in line)
    assert "end=stalled" in line
    # What the server sent the deaf client is bounded by its window and the buffer limit.
    assert int(line.split("out=")[1].split("B")[0]) < 200_000
    alice.press(" ")
    await alice.wait_for("step 1")
    await alice.close()
    assert STALL_MESSAGE


async def test_a_client_that_falls_behind_gets_fewer_frames_until_it_catches_up(make_room):
    room = await make_room(adapt_fps=False, live_fps=10.0, behind_bytes=2048, stall_timeout=60.0)
    conn = await asyncssh.connect("127.0.0.1", room.port, username="deaf", known_hosts=None,
                                  client_keys=None, agent_path=None, window=4096)
    chan, session = await conn.create_session(_Deaf, term_type="xterm", term_size=(80, 24), encoding=None)
    loop = asyncio.get_running_loop()
    end = loop.time() + WAIT
    while not room.channels and loop.time() < end:
        await asyncio.sleep(0.05)
    (channel,) = room.channels
    chan.write(b"p")  # live: frames pile up in the server for a client that reads nothing
    while not channel.behind and loop.time() < end:
        await asyncio.sleep(0.05)
    assert channel.behind and channel.fps_told == BEHIND_FPS
    chan.resume_reading()  # the link is back: the client reads everything waiting
    while channel.behind and loop.time() < end:
        await asyncio.sleep(0.05)
    assert not channel.behind
    while channel.fps_told != 10.0 and loop.time() < end:
        await asyncio.sleep(0.05)
    assert channel.fps_told == 10.0  # the room's rate again
    conn.close()


async def test_a_client_vanishing_mid_run_leaves_the_others(room):
    alice = await connect(room, "alice")
    bob = await connect(room, "bob")
    await alice.wait_for("step 0")
    await bob.wait_for("step 0")
    pid = room.students[1].pid
    alice.press("p")  # live
    await asyncio.sleep(0.5)
    alice.conn.abort()  # no goodbye from the client
    loop = asyncio.get_running_loop()
    end = loop.time() + WAIT
    while 1 in room.students and loop.time() < end:
        await asyncio.sleep(0.05)
    assert 1 not in room.students
    while pid in room._alive and loop.time() < end:
        await asyncio.sleep(0.05)
    assert pid not in room._alive  # the app's process ended with its connection
    bob.press("  ")
    await bob.wait_for("step 2")
    await bob.close()


async def test_a_garbage_handshake_is_dropped(make_room):
    room = await make_room(login_timeout=2.0)  # a half-sent packet waits no longer than this
    alice = await connect(room, "alice")
    await alice.wait_for("step 0")
    reader, writer = await asyncio.open_connection("127.0.0.1", room.port)
    await reader.readline()  # the server's version line
    writer.write(b"SSH-2.0-evil\r\n" + bytes(range(256)) * 40)
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), WAIT)  # the server closes on us
    writer.close()
    assert b"gdtui" not in data
    s = socket.create_connection(("127.0.0.1", room.port))
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    s.close()
    alice.press(" ")
    await alice.wait_for("step 1")
    assert len(room.students) == 1
    await alice.close()


async def _throttled_proxy(port: int, rate: int) -> tuple[asyncio.AbstractServer, int]:
    """A loopback TCP proxy to ``port`` that passes at most ``rate`` bytes a second each way."""

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(1024):
                writer.write(data)
                await writer.drain()
                await asyncio.sleep(len(data) / rate)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", port)
        await asyncio.gather(pipe(client_r, server_w), pipe(server_r, client_w))

    proxy = await asyncio.start_server(handle, "127.0.0.1", 0)
    return proxy, proxy.sockets[0].getsockname()[1]


async def test_a_very_slow_link_still_works_and_slows_nobody_else(room):
    proxy, port = await _throttled_proxy(room.port, rate=20_000)  # 20 KB/s, a poor mobile link
    try:
        bob = await connect(room, "bob")
        await bob.wait_for("step 0")
        await ready(room, 1)
        slow = await connect(room, "slow", port=port)
        slow.press("p")  # live: more to draw than the link carries
        bob.press(" ")
        await bob.wait_for("step 1")  # the fast student is not held up
        await slow.wait_for("step")
        slow.press(" ")  # pause, one step: the screen settles on a step number
        await slow.wait_for("state · step")
        assert len(room.students) == 2
        await slow.close()
        await bob.close()
    finally:
        proxy.close()
