"""The symbolic helper in a classroom: none for presets; a typed function starts one; killing it harms nobody."""

from __future__ import annotations

import asyncio
import os

from gdtui.classroom import procs
from gdtui.settings import Settings

from classroom_helpers import WAIT, connect


async def _until(check, timeout: float = WAIT):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not (result := check()):
        if loop.time() > end:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)
    return result


async def test_presets_need_no_helper_and_a_killed_helper_harms_nobody(room):
    alice = await connect(room, "alice")
    bob = await connect(room, "bob")
    await alice.wait_for("step 0")
    await bob.wait_for("step 0")
    await asyncio.sleep(1.0)
    a, b = room.students[1].pid, room.students[2].pid
    assert procs.children(a) == [] and procs.children(b) == []  # a preset never starts sympy

    # A function nobody has compiled: the first app to get it starts its own helper (the
    # other may then find it in the shared compiled-function cache).
    room.push(Settings(fn="x^2 + 3*y^2 + sin(x*y)", start={"x": 1, "y": 1}), "a new function")
    for term in (alice, bob):
        await term.wait_for("sin(x*y)")
    helpers = await _until(lambda: procs.children(a) + procs.children(b))
    for pid in helpers:
        os.kill(pid, 9)  # the helper dies (out of memory, a bug, anything)
    # Dead before the next request (on a busy machine a killed process takes a moment to go;
    # a request in that moment gets a one-line error, which is the student's to retry).
    await _until(lambda: all(procs.is_dead(pid) for pid in helpers))

    # Everyone carries on, and the next new function starts a fresh helper where needed.
    room.push(Settings(fn="x^4 + y^2 - x*y", start={"x": 1, "y": 1}), "another function")
    for term in (alice, bob):
        await term.wait_for("x^4 + y^2 - x*y")
        term.press(" ")
        await term.wait_for("step 1")
    assert set(room.students) == {1, 2}
    await alice.close()
    await bob.close()
