"""Shared fixtures for gdtui.expr: one symbolic worker for the whole session."""

from __future__ import annotations

import pytest

from gdtui.expr.worker import SymbolicWorker, default_worker


@pytest.fixture(scope="session", autouse=True)
def worker() -> SymbolicWorker:
    """The default worker, started at once so it warms up while parser tests run."""
    w = default_worker()
    w.start()
    return w
