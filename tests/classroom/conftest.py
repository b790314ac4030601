"""A classroom server on a free loopback port (helpers: classroom_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdtui.classroom.config import Auth, ClassroomConfig, load_or_create_host_key
from gdtui.classroom.server import Classroom


@pytest.fixture
def host_key(tmp_path: Path):
    key, _, _ = load_or_create_host_key(tmp_path / "host_key")
    return key


@pytest.fixture
async def make_room(host_key):
    """Start classrooms (no login unless ``auth`` is given); all are stopped at the end."""
    rooms: list[Classroom] = []

    async def make(auth: Auth | None = None, **options: object) -> Classroom:
        options.setdefault("prewarm_app", False)  # one test below turns it on
        config = ClassroomConfig(port=0, no_auth=auth is None, **options)  # type: ignore[arg-type]
        lines: list[str] = []
        room = Classroom(config, auth or Auth(none=True), host_key, log=lines.append)
        room.test_log = lines  # type: ignore[attr-defined]
        rooms.append(room)
        await room.start()
        return room

    yield make
    for room in rooms:
        await room.stop()


@pytest.fixture
async def room(make_room) -> Classroom:
    """One classroom without login, stopped after the test."""
    return await make_room()
