"""The student's side alone: the control protocol and the adaptive frame rate."""

from __future__ import annotations

from gdtui.classroom.control import LineReader, encode, settings_from_dict, settings_to_dict
from gdtui.classroom.student import adapted_fps
from gdtui.settings import Settings


def test_frame_rate_is_full_while_the_machine_has_room_and_falls_when_busy():
    assert adapted_fps(15, load=1.5, cores=2) == 15
    assert adapted_fps(15, load=6.0, cores=2) == 5  # three times busier: a third of the frames
    assert adapted_fps(15, load=60.0, cores=2) == 4  # never below the floor


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
