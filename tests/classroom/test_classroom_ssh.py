"""`gdtui classroom` end to end: real SSH clients with a pty on a loopback port."""

from __future__ import annotations

import asyncio
import os

import asyncssh
import pytest

from gdtui.classroom.server import EXEC_MESSAGE, FULL_MESSAGE, IDLE_MESSAGE

from classroom_helpers import WAIT, connect, ready


async def _status(room, number: int, key: str, value: object, timeout: float = WAIT) -> dict:
    """Wait until student ``number``'s reported status has ``key == value``."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        student = room.students.get(number)
        if student is not None and student.status.get(key) == value:
            return student.status
        if loop.time() > end:
            raise AssertionError(f"student {number}: {key} never became {value!r}: "
                                 f"{student.status if student else 'gone'}")
        await asyncio.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_a_student_sees_the_app_and_steps_it(make_room):
    room = await make_room(prewarm_app=True)  # as `gdtui classroom` runs: forked after a headless app
    alice = await connect(room, "alice")
    await alice.wait_for("step 0")
    await ready(room, 1)
    alice.press(" ")
    screen = await alice.wait_for("step 1")
    assert "loss" in screen
    status = await _status(room, 1, "step", 1)
    assert status["problem"] and status["optimizer"] == "sgd"
    assert room.students[1].user == "alice"
    await alice.close()


async def test_two_students_are_isolated(room):
    alice = await connect(room, "alice")
    bob = await connect(room, "bob")
    await alice.wait_for("step 0")
    await bob.wait_for("step 0")
    await ready(room, 2)
    alice.press("   ")
    await alice.wait_for("step 3")
    await _status(room, 1, "step", 3)
    bob.press("b")  # something harmless, so bob's app has surely seen a key by now
    await _status(room, 2, "step", 0)  # bob's app reports (it may take a while on a busy machine)
    assert "step 0" in bob.text()
    assert room.students[1].status["step"] == 3  # alice's steps did not reach bob
    a, b = room.students[1].pid, room.students[2].pid
    assert a != b and a is not None and b is not None
    # A crash of alice's process leaves bob's running.
    os.kill(a, 9)
    await alice.closed()
    bob.press(" ")
    await bob.wait_for("step 1")
    await bob.close()


async def test_exec_sftp_and_forwarding_are_refused(room):
    conn = await asyncssh.connect("127.0.0.1", room.port, username="eve", known_hosts=None,
                                  client_keys=None, agent_path=None)
    result = await conn.run("cat /etc/passwd")
    assert result.stdout == EXEC_MESSAGE.replace("\r\n", "\n") or result.stdout == EXEC_MESSAGE
    assert result.exit_status == 1
    with pytest.raises((asyncssh.SFTPError, asyncssh.ChannelOpenError, asyncssh.Error)):
        await conn.start_sftp_client()
    with pytest.raises(asyncssh.ChannelOpenError):
        await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", room.port)
    with pytest.raises(asyncssh.ChannelListenError):
        await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)
    with pytest.raises(asyncssh.ChannelOpenError):
        await conn.create_unix_connection(asyncssh.SSHUNIXSession, "/tmp/anything")
    conn.close()
    assert not room.students  # none of that started an app


async def test_resize_reaches_the_app(room):
    alice = await connect(room, "alice", size=(80, 24))
    await alice.wait_for("step 0")
    alice.resize(50, 16)
    await alice.wait_for("terminal too small")
    assert "have 50" in alice.text()
    alice.resize(100, 30)
    screen = await alice.wait_for("step 0")
    assert "too small" not in screen
    alice.press(" ")
    await alice.wait_for("step 1")  # the session survived both resizes
    await alice.close()


async def test_over_the_limit_gets_one_polite_line(make_room):
    room = await make_room(max_sessions=1)
    alice = await connect(room, "alice")
    await alice.wait_for("step 0")
    late = await connect(room, "late")
    await late.closed()
    said = bytes(late.raw).decode()
    assert said == FULL_MESSAGE.format(n=1)
    assert said.count("\n") == 1
    await alice.close()


async def test_idle_students_are_told_and_closed(make_room):
    room = await make_room(idle_timeout=1.0)
    alice = await connect(room, "alice")
    # No wait for the first frame: on a loaded machine it can take longer than the idle limit itself.
    await alice.closed()
    # the screen may be cut mid-character when the session is closed: decode leniently
    assert IDLE_MESSAGE.format(m=1 / 60).strip() in bytes(alice.raw).decode(errors="replace")


async def test_clean_shutdown_says_goodbye_and_restores_screens(room):
    alice = await connect(room, "alice")
    bob = await connect(room, "bob")
    await alice.wait_for("step 0")
    await bob.wait_for("step 0")
    pids = room.pids()
    assert len(pids) == 2
    await room.stop()
    for term in (alice, bob):
        await term.closed()
        raw = bytes(term.raw)
        tail = raw[raw.rindex(b"\x1b[?1049h"):]
        assert b"\x1b[?1049l" in tail  # left the alternate screen
        assert tail.rstrip().endswith(b"the class has ended. Goodbye!")
    loop = asyncio.get_running_loop()
    end = loop.time() + WAIT
    while any(_alive(p) for p in pids) and loop.time() < end:
        await asyncio.sleep(0.05)
    assert not any(_alive(p) for p in pids)
    assert len(room.test_log) == 2 and all("end=" in line for line in room.test_log)


async def test_one_log_line_per_connection(room):
    alice = await connect(room, "alice")
    await alice.wait_for("step 0")
    await ready(room, 1)
    alice.press(" ")
    await alice.wait_for("step 1")
    await alice.close()
    loop = asyncio.get_running_loop()
    end = loop.time() + WAIT
    while not room.test_log and loop.time() < end:
        await asyncio.sleep(0.05)
    (line,) = room.test_log
    assert "user=alice" in line and "addr=127.0.0.1:" in line and "key=no-auth" in line
    assert "in=1B" in line and "duration=" in line
    assert int(line.split("out=")[1].split("B")[0]) > 1000
