"""The student's side alone: the control protocol and the adaptive frame rate."""

from __future__ import annotations

from gdtui.classroom.control import LineReader, encode, settings_from_dict, settings_to_dict
from gdtui.classroom.pace import FPS_LOWEST, FPS_MAX, FPS_MIN, Governor, cpu_busy_reader
from gdtui.settings import Settings


def _governor(readings):
    it = iter(readings)
    return Governor(busy=lambda: next(it))


def test_frame_rate_falls_while_the_machine_is_saturated_and_climbs_back_when_it_has_room():
    g = _governor([1.0] * 20 + [0.4] * 20)
    told = [g.update() for _ in range(20)]
    assert g.fps == FPS_LOWEST  # saturated even at FPS_MIN: keys first, down to the last floor
    assert told[0] is not None and told[0] < FPS_MAX
    assert all(b < a for a, b in zip([FPS_MAX] + [t for t in told if t], [t for t in told if t]))
    for _ in range(20):
        g.update()
    assert g.fps == FPS_MAX  # room again: back up to the app's own rate, never above


def test_a_busy_machine_that_is_not_saturated_keeps_the_class_at_fps_min():
    g = _governor([1.0] * 2 + [0.95] * 10)
    for _ in range(2):
        g.update()
    assert FPS_MIN <= g.fps < FPS_MAX
    for _ in range(10):
        g.update()
    assert g.fps == FPS_MIN  # over the target, but the machine still gives every student 5


def test_below_fps_min_only_while_saturated_and_back_when_there_is_room():
    g = _governor([1.0] * 8 + [0.9] * 5 + [0.5] * 3)
    told = [g.update() for _ in range(8)]
    assert FPS_LOWEST in told and g.fps == FPS_LOWEST  # told when it reaches the last floor
    for _ in range(5):
        g.update()
    assert g.fps == FPS_LOWEST  # busy, not saturated: not lower, and not higher yet
    rates = [g.update() or g.fps for _ in range(3)]
    assert rates == sorted(rates) and rates[-1] > FPS_LOWEST  # room again: it climbs


def test_frame_rate_settles_where_the_machine_is_near_the_target():
    g = _governor([0.9, 0.82, 0.78, 0.8])
    assert g.update() is not None and g.fps < FPS_MAX  # 90% busy: a little less
    before = g.fps
    assert [g.update() for _ in range(3)] == [None, None, None]  # near the target: no change, no message
    assert g.fps == before


def test_the_machine_reader_gives_a_fraction():
    busy = cpu_busy_reader()
    sum(i * i for i in range(200_000))
    value = busy()
    assert value is None or 0.0 <= value <= 1.0


async def test_the_students_app_takes_the_servers_frame_rate():
    import socket

    from gdtui.classroom.student import StudentApp

    ours, theirs = socket.socketpair()
    app = StudentApp(Settings(preset="rosenbrock"), theirs, live_fps=3.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.main_screen.runner.draw_fps == 3.0  # given at start
        assert 0.95 <= app.main_screen.runner.interval_scale < 1.0  # its own phase drift
        app.handle_control({"op": "pace", "fps": 2})
        assert app.main_screen.runner.draw_fps == 2.0
        for bad in ("fast", None, -1, float("nan")):
            app.handle_control({"op": "pace", "fps": bad})
        assert app.main_screen.runner.draw_fps == 2.0  # nonsense is ignored
        assert app.main_screen.runner.min_fps == 2.0  # the app's own adaptation stays at or above it
        app.handle_control({"op": "pace", "fps": 500})
        assert app.main_screen.runner.draw_fps == FPS_MAX  # never above the app's own rate
        # ... and never takes the student below the server's floor on its own
        assert app.main_screen.runner.min_fps == FPS_MIN
    ours.close()


def test_control_lines_round_trip_and_bad_lines_are_dropped():
    reader = LineReader(limit=100)
    settings = Settings(preset="rosenbrock", start={"x": -1.5}, hyper={"lr": 0.01})
    if hasattr(settings, "compare"):  # tuples inside tuples come back as tuples, not lists
        settings.compare = (("lr", (0.01, 0.1)),)
    line = encode({"op": "load", "settings": settings_to_dict(settings)})
    assert list(reader.feed(b"not json\n[1, 2]\n")) == []
    whole = LineReader()
    assert list(whole.feed(line[:10])) == []  # half a line waits for the rest
    (message,) = list(whole.feed(line[10:]))
    assert settings_from_dict(message["settings"]) == settings
    assert reader.dropped == 2


def test_an_endless_line_is_dropped_without_growing():
    reader = LineReader(limit=100)
    for _ in range(50):
        assert list(reader.feed(b"x" * 64)) == []
    assert len(reader._buf) <= 164
    assert list(reader.feed(b"tail\n" + encode({"op": "bye"}))) == [{"op": "bye"}]


def test_language_is_the_servers_else_the_students_locale():
    from gdtui.classroom.student import student_lang

    assert student_lang("ko", {"LANG": "en_US.UTF-8"}) == "ko"
    assert student_lang(None, {"LANG": "ko_KR.UTF-8"}) == "ko"
    assert student_lang(None, {"LANG": "ko_KR.UTF-8", "LC_ALL": "en_GB.UTF-8"}) == "en"
    assert student_lang(None, {}) == "en"


async def test_the_server_tells_students_their_rate_one_after_another(host_key):
    """Across the second, not all at once: students restart their frame timers when told,
    and timers restarted together would draw in step."""
    import asyncio

    from gdtui.classroom.config import Auth, ClassroomConfig
    from gdtui.classroom.server import Classroom

    room = Classroom(ClassroomConfig(port=0, no_auth=True, adapt_fps=False), Auth(none=True), host_key)
    loop = asyncio.get_running_loop()
    told: dict[int, list[float]] = {}

    class Channel:
        def __init__(self, n: int) -> None:
            self.n = n

        def pace(self) -> None:
            told.setdefault(self.n, []).append(loop.time())

    room.channels = {Channel(n) for n in range(4)}  # type: ignore[assignment]
    t0 = loop.time()
    task = asyncio.ensure_future(room._watch_pace())
    while len(told) < 4 and loop.time() - t0 < 10:  # a busy machine runs the timers late
        await asyncio.sleep(0.05)
    task.cancel()
    first = sorted(times[0] - t0 for times in told.values())
    assert len(first) == 4 and 1.0 <= first[0] < 2.0  # after the first second, in the first round
    assert first[-1] - first[0] >= 0.6  # spread over the second (0, 1/4, 2/4, 3/4 s)


def test_the_render_cache_that_grows_with_live_numbers_is_trimmed():
    """rich's segment-splitting cache keys on whole segments: live numbers fill it with
    entries never found again (6-7 MB per student after half an hour); a student's app
    empties it once it holds more than a few thousand."""
    from rich.segment import Segment

    from gdtui.ui.textual_compat import trim_render_caches

    split = Segment._split_cells
    split.cache_clear()
    for i in range(300):
        Segment(f"x₁₉ − η·g₁₉ = {i * 1e-3:.6f}", None).split_cells(4)
    assert split.cache_info().currsize == 300
    assert not trim_render_caches(keep=500) and split.cache_info().currsize == 300
    assert trim_render_caches(keep=200) and split.cache_info().currsize == 0
