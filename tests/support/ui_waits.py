"""Waiting for the app's workers in tests (tests/support is on sys.path: `from ui_waits import ...`)."""

from __future__ import annotations

import asyncio
from typing import Callable

from textual.worker import WorkerCancelled


async def workers_done(app) -> None:
    """Wait for every worker; one cancelled by a newer exclusive worker is expected, not a failure."""
    for _ in range(1000):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            await asyncio.sleep(0.01)  # the cancelled one leaves the manager when its task ends
    raise AssertionError("workers kept being cancelled")


async def open_palette(pilot, text: str = "", timeout: float = 10.0):
    """Open the command palette and type ``text``; returns the palette's CommandList."""
    from textual.command import CommandList, CommandPalette

    app = pilot.app
    await pilot.press("ctrl+p")
    for _ in range(int(timeout / 0.02)):
        if isinstance(app.screen, CommandPalette):
            break
        await pilot.pause(0.02)
    else:
        raise AssertionError("the command palette did not open")
    if text:
        await pilot.press(*text)
    return app.screen.query_one(CommandList)


async def palette_run(pilot, text: str, timeout: float = 10.0) -> None:
    """Open the command palette, type `text`, wait for its first match and run it.

    The palette's providers search in the background: on a loaded machine a fixed
    pause can end before any match is listed, and enter would run nothing."""
    commands = await open_palette(pilot, text, timeout)
    for _ in range(int(timeout / 0.02)):
        if commands.option_count and commands.highlighted is not None:
            break
        await pilot.pause(0.02)
    else:
        raise AssertionError(f"the palette listed nothing for {text!r}")
    await pilot.press("enter")
    await pilot.pause()


async def palette_entries(pilot, text: str = "", timeout: float = 10.0) -> list[str]:
    """The palette's entries (title and help) once its list has held still for 0.7 s after
    typing ``text``; the palette stays open.  The providers fill the list in the
    background, and "no matches" comes after 0.5 s."""
    commands = await open_palette(pilot, text, timeout)
    counts: list[int] = []
    for _ in range(int(timeout / 0.05)):
        await asyncio.sleep(0.05)
        await pilot.pause()
        counts.append(commands.option_count)
        if len(counts) > 14 and counts[-1] == counts[-14] > 0:
            break
    return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]


async def until(pilot, condition: Callable[[], object], timeout: float = 30.0) -> None:
    """Wait (workers finished, screen settled) until ``condition()`` holds; fail after ``timeout``."""
    for _ in range(int(timeout / 0.05)):
        await workers_done(pilot.app)  # a panel's worker cancelled when it closes is fine
        await pilot.pause()
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")
