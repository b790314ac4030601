"""One parser for a typed point: --start and --at of `gdtui run/check/graph` and the
`;`-separated starts of `gdtui compare` give the same answers and the same messages."""

from __future__ import annotations

import pytest

from gdtui.cli import main
from gdtui.engine.compare import parse_values
from gdtui.engine.points import parse_point
from gdtui.errors import OptionError


def test_a_point_parses_to_floats_in_the_order_given():
    assert parse_point(" x=1, y = -2.5 ,") == {"x": 1.0, "y": -2.5}
    assert parse_point("") == {}  # a lone empty --start: the default start


@pytest.mark.parametrize(("text", "message"), [
    ("x", "--start takes name=value pairs like x=1,y=2, got 'x'"),
    ("2x=1", "--start takes name=value pairs like x=1,y=2, got '2x=1'"),
    ("x=1,x=2", "--start gives x twice in 'x=1,x=2'"),
    ("x=abc", "--start: x must be a number, got 'abc'"),
    ("x=1e999", "--start: x must be a finite number, got '1e999'"),
    ("x=nan", "--start: x must be a finite number, got 'nan'"),
])
def test_bad_points_say_what_is_wrong(text, message):
    with pytest.raises(OptionError) as info:
        parse_point(text)
    assert str(info.value) == message


def test_a_list_of_starts_uses_the_same_parser():
    assert parse_values("start", "x=1,y=1; x=-1,y=2") == [{"x": 1.0, "y": 1.0}, {"x": -1.0, "y": 2.0}]
    with pytest.raises(OptionError, match="--start: x must be a number, got 'a'"):
        parse_values("start", "x=1;x=a")
    with pytest.raises(OptionError, match="separated by ';'"):
        parse_values("start", "x")


@pytest.mark.parametrize("argv", [
    ["run", "--fn", "x^2", "--start", "x=abc"],
    ["check", "--fn", "x^2", "--at", "x=abc"],
])
def test_the_command_line_reports_the_same_message(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    option = argv[3]
    assert f"{option}: x must be a number, got 'abc'" in err
