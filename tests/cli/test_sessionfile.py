"""Session files: parsing, errors with file and line, flags over the file, saving."""

from __future__ import annotations

import os

import pytest

from gdtui.cli import main
from gdtui.sessionfile import (SessionError, load_session, parse_session, save_session,
                               session_text)
from gdtui.settings import Settings


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, text: str, name: str = "s.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


FILE = '''# the lesson's setup
fn = "x^2 + 3*x*y + y^2"
start = {x = 1, y = 2}
optimizer = "momentum"
lr = 0.05
momentum = 0.9
steps = 7
'''
FLAGS = ["--fn", "x^2 + 3*x*y + y^2", "--start", "x=1,y=2", "--optimizer", "momentum",
         "--lr", "0.05", "--momentum", "0.9", "--steps", "7"]


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "md"])
def test_run_session_prints_exactly_what_the_flags_print(capsys, tmp_path, fmt):
    path = write(tmp_path, FILE)
    code, from_file, err = run_cli(capsys, "run", "--session", path, "--format", fmt)
    assert code == 0, err
    code, from_flags, err = run_cli(capsys, "run", *FLAGS, "--format", fmt)
    assert code == 0, err
    assert from_file == from_flags
    assert "0.6" in from_file and "1.65" in from_file  # momentum from (1, 2): the file was read


def test_flags_override_the_file(capsys, tmp_path):
    path = write(tmp_path, FILE)
    code, out, err = run_cli(capsys, "run", "--session", path, "--lr", "0.01", "--steps", "2",
                             "--format", "json")
    assert code == 0, err
    code, want, err = run_cli(capsys, "run", *FLAGS[:-4], "--momentum", "0.9", "--lr", "0.01",
                              "--steps", "2", "--format", "json")
    assert out == want
    assert '"lr": 0.01' in out


@pytest.mark.parametrize("text, line, words", [
    ('fn = "x^2"\n\nlearning_rate = 0.1\n', 3, "unknown key 'learning_rate'"),
    ('fn = "x^2"\nbatch_size = 2\n', 2, "did you mean 'batch-size'"),
    ('fn = "x^2"\nlr = -1\n', 2, "lr must be positive"),
    ('fn = "x^2"\nlr = "fast"\n', 2, "lr must be a number"),
    ('fn = "x^2"\nmomentum = 1.5\n', 2, "momentum must be in [0, 1)"),
    ('fn = "x^2"\nsteps = 2.5\n', 2, "steps must be a whole number"),
    ('fn = "x^2"\nstart = {x = "a"}\n', 2, "start.x must be a number"),
    ('fn = "x^2"\nview = "fancy"\n', 2, "view must be one of"),
    ('fn = "x^2\n', 1, "not valid TOML"),
    ('fn = "x^2"\npreset = "bowl"\n', 2, "fn or preset, not both"),
])
def test_bad_session_file_is_one_line_with_file_and_line(capsys, tmp_path, text, line, words):
    path = write(tmp_path, text)
    code, out, err = run_cli(capsys, "run", "--session", path)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert f"{os.path.basename(path)}:{line}: " in err  # the file (a long path is shortened)
    assert words in err
    assert "Traceback" not in err


def test_session_that_is_not_a_regular_file(capsys, tmp_path):
    code, _, err = run_cli(capsys, "run", "--session", str(tmp_path))
    assert code == 2 and err.count("\n") == 1
    if os.path.exists("/dev/zero"):
        code, _, err = run_cli(capsys, "run", "--session", "/dev/zero")
        assert code == 2 and "/dev/zero" in err


def test_app_keys_are_known():
    s = parse_session('preset = "bowl"\ntheme = "mono"\nview = "compare"\nlang = "ko"\n'
                      'compare = {lr = [0.01, 0.1]}\nlesson = "parabola"\n')
    assert s.values["compare"] == {"lr": [0.01, 0.1]}
    assert s.values["lang"] == "ko"
    with pytest.raises(SessionError, match="lang must be one of"):
        parse_session('lang = "fr"\n')


def test_saved_session_loads_back_to_the_same_settings(tmp_path, capsys):
    s = Settings(fn="(w*x + b - y)^2", data="line", start={"w": 0.5, "b": -0.25}, optimizer="adam",
                 hyper={"lr": 0.1, "beta1": 0.8}, batch_size=2, seed=3, schedule="exp:0.99")
    path = save_session(s, tmp_path)
    assert path.parent == tmp_path and path.name.startswith("gdtui-") and path.suffix == ".toml"
    second = save_session(s, tmp_path)
    assert second != path and path.exists()  # never overwrites
    values = load_session(path).values
    assert values["fn"] == s.fn and values["start"] == s.start and values["batch-size"] == 2
    code, from_file, err = run_cli(capsys, "run", "--session", str(path), "--steps", "5", "--format", "json")
    assert code == 0, err
    code, from_flags, err = run_cli(capsys, "run", "--fn", s.fn, "--data", "line", "--start", "w=0.5,b=-0.25",
                                    "--optimizer", "adam", "--lr", "0.1", "--beta1", "0.8",
                                    "--batch-size", "2", "--seed", "3", "--schedule", "exp:0.99",
                                    "--steps", "5", "--format", "json")
    assert from_file == from_flags


def test_session_text_escapes_hostile_text():
    s = Settings(fn='x^2"\nlr = 5')
    values = parse_session(session_text(s)).values
    assert values["fn"] == s.fn
    assert "lr" not in values


def test_noise_round_trips(tmp_path, capsys):
    s = Settings(fn="x^2 - y^2", start={"x": 1.0}, noise=0.5, seed=4)
    path = save_session(s, tmp_path)
    assert load_session(path).values["noise"] == 0.5
    code, a, _ = run_cli(capsys, "run", "--session", str(path), "--steps", "5", "--format", "json")
    code, b, _ = run_cli(capsys, "run", "--fn", "x^2 - y^2", "--start", "x=1", "--noise", "0.5",
                         "--seed", "4", "--steps", "5", "--format", "json")
    assert a == b


def test_settings_from_file_for_the_classroom(tmp_path):
    from gdtui.sessionfile import settings_from_file

    path = write(tmp_path, FILE + 'theme = "mono"\nlang = "ko"\n')
    s = settings_from_file(path)
    assert (s.fn, s.start, s.optimizer, s.hyper) == ("x^2 + 3*x*y + y^2", {"x": 1, "y": 2}, "momentum",
                                                     {"lr": 0.05, "momentum": 0.9})
    assert (s.theme, s.lang) == ("mono", "ko")


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_compare_session_prints_what_the_flags_print(tmp_path, capsys, fmt):
    path = write(tmp_path, 'preset = "double-well"\nmomentum = 0.9\nsteps = 80\n'
                           'compare = {optimizer = ["sgd", "momentum"]}\n')
    code, from_file, err = run_cli(capsys, "compare", "--session", path, "--format", fmt)
    assert code == 0, err
    code, from_flags, err = run_cli(capsys, "compare", "--preset", "double-well", "--momentum", "0.9",
                                    "--optimizer", "sgd,momentum", "--steps", "80", "--format", fmt)
    assert code == 0, err
    assert from_file == from_flags and "momentum" in from_file
    code, over, _ = run_cli(capsys, "compare", "--session", path, "--steps", "5", "--format", fmt)
    assert over != from_file  # the command line wins
