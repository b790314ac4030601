"""The teacher's dashboard with two students: the table, freeze/unfreeze, push a session file."""

from __future__ import annotations

import asyncio

import pytest

from gdtui.classroom.dashboard import Dashboard

from classroom_helpers import WAIT, connect, ready


async def _until(check, timeout: float = WAIT) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not check():
        if loop.time() > end:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def _rows(app: Dashboard) -> list[list[str]]:
    table = app.query_one("DataTable")
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_dashboard_freezes_and_pushes_to_every_student(room, tmp_path):
    alice = await connect(room, "alice")
    bob = await connect(room, "bob")
    await alice.wait_for("step 0")
    await bob.wait_for("step 0")
    await ready(room, 2)
    alice.press("  ")
    await alice.wait_for("step 2")
    setup = tmp_path / "rosen.toml"
    setup.write_text('preset = "rosenbrock"\noptimizer = "adam"\nlr = 0.05\n')
    app = Dashboard(room, "ssh -t -p 2222 NAME@127.0.0.1")
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(lambda: [r[1] for r in _rows(app)] == ["alice", "bob"]
                     and _rows(app)[0][4] == "2" and _rows(app)[1][4] == "0")
        assert _rows(app)[0][3] == "sgd"

        await pilot.press("f")
        for term in (alice, bob):
            await term.wait_for("The teacher paused the class")
        bob.press(" ")  # held while frozen
        await _until(lambda: [r[6] for r in _rows(app)] == ["frozen", "frozen"])
        assert room.students[2].status["step"] == 0
        await pilot.press("f")
        for term in (alice, bob):
            await term.wait_for("The teacher resumed the class")
        bob.press(" ")
        await bob.wait_for("step 1")

        await pilot.press("p")
        app.query_one("#push").value = str(setup)
        await pilot.press("enter")
        for term in (alice, bob):
            await term.wait_for("The teacher loaded")  # the notice, then the problem
            screen = await term.wait_for("rosenbrock")
            assert "adam" in screen
        await _until(lambda: [(r[2], r[3], r[4]) for r in _rows(app)] == [("rosenbrock", "adam", "0")] * 2)
        assert "pushed rosen.toml to 2 students" in str(app.query_one("#info").render())

        await pilot.press("s")  # sort by name: same order; twice more: by step
        assert "sorted by name" in str(app.query_one("#info").render())

        # A newcomer after the push starts on the pushed problem.
        carol = await connect(room, "carol")
        await carol.wait_for("rosenbrock")
        await carol.close()


async def test_a_bad_session_file_is_not_pushed(room, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('preset = "rosenbrock"\nlearning_rate = 3\n')
    app = Dashboard(room, "ssh")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")
        app.query_one("#push").value = str(bad)
        await pilot.press("enter")
        await _until(lambda: "not pushed" in str(app.query_one("#info").render()))
        info = str(app.query_one("#info").render())
        assert "learning_rate" in info and "bad.toml" in info
        assert room.settings.preset != "rosenbrock"


async def test_every_column_fits_an_80_column_terminal(room):
    """Long names, a typed function, a big step and a tiny negative loss: the last column
    ("min") is still on screen at 80 columns; text is shortened, numbers are not cut."""
    from textual.widgets import DataTable

    from gdtui.classroom.server import Student

    long = {"problem": "x^2 + 3*y^2 + sin(x*y) - cos(x) + 2*y", "optimizer": "momentum", "step": 100000,
            "loss": -1.2345678e-05, "status": "domain-error", "lesson": "03-learning-rate 12/14", "right": "10/12"}
    room.students[1] = Student(1, "a-rather-long-student-name", "127.0.0.1:5", "no-auth", status=long)
    room.students[2] = Student(2, "bo", "127.0.0.1:6", "no-auth",
                               status={"problem": "rosenbrock", "optimizer": "adam", "step": 12, "loss": 0.5,
                                       "status": "converged"})
    app = Dashboard(room, "ssh -t -p 2222 NAME@127.0.0.1")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(DataTable)
        assert table.virtual_size.width <= table.size.width  # nothing scrolled off to the right
        header, first, second = (table.render_line(y).text for y in range(3))
        assert header.split() == ["#", "student", "problem", "optimizer", "step", "loss", "status",
                                  "lesson", "right", "min"]
        assert "100000" in first and "domain" in first and "10/12" in first
        loss = first.split()[first.split().index("100000") + 1]
        assert float(loss) == pytest.approx(-1.2345678e-05, rel=0.05)  # fewer digits, never cut
        assert second.split()[:7] == ["2", "bo", "rosenbrock", "adam", "12", "0.5", "converged"]
        assert first.rstrip().endswith("0") and second.rstrip().endswith("0")  # minutes: the last column
        for n in range(3, 31):  # a class of thirty: a vertical scroll bar takes its room too
            room.students[n] = Student(n, f"student{n}", "127.0.0.1:7", "no-auth", status=long)
        for _ in range(100):  # the dashboard refreshes twice a second (later on a busy machine)
            await pilot.pause(0.1)
            if table.row_count == 30:
                break
        assert table.row_count == 30 and table.show_vertical_scrollbar
        assert table.virtual_size.width <= table.size.width
    async with Dashboard(room, "ssh").run_test(size=(140, 24)) as pilot:
        await pilot.pause()
        table = pilot.app.query_one(DataTable)
        assert "a-rather-long-student-name" in table.render_line(1).text  # wide: nothing shortened
