"""Waiting for the app's workers in tests (tests/support is on sys.path: `from ui_waits import ...`)."""

from __future__ import annotations

import asyncio

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
