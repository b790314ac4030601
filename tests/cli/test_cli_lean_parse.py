"""The playground's command line is parsed without the slow commands' modules (issue 13:
the first frame within 1.5× a hello-world app), with the same result as the whole parser
and the same errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gdtui import cli


@pytest.mark.parametrize("argv", [
    [], ["--preset", "rosenbrock"], ["--fn", "x^2 + y^2", "--start", "x=1,y=2", "--lr", "0.05"],
    ["--ascii", "--theme", "mono"], ["presets"], ["run", "--preset", "parabola", "--steps", "3"],
    ["--view", "graph"],
])
def test_the_lean_parse_gives_what_the_whole_parser_gives(argv: list[str]) -> None:
    parser, args = cli._parse(argv)
    assert isinstance(parser, cli._LeanParser)
    assert vars(args) == vars(cli.build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [["compare", "--fn", "x^2", "--lr", "0.1,0.2"], ["lesson", "--list"],
                                  ["--session", "s.toml"], ["--preset", "bowl", "--ses", "s.toml"]])
def test_the_slow_commands_and_sessions_get_the_whole_parser(argv: list[str]) -> None:
    parser, args = cli._parse(argv)
    assert type(parser) is cli._Parser
    assert vars(args) == vars(cli.build_parser().parse_args(argv))


def test_help_lists_every_command(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli._parse(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert all(command in out for command in ("compare", "lesson", "classroom", "serve"))


def test_a_bad_command_line_is_reported_by_the_whole_parser() -> None:
    done = subprocess.run([sys.executable, "-m", "gdtui", "nonsense"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    line = done.stderr.strip()
    assert "\n" not in line and "invalid choice: 'nonsense'" in line
    for command in ("run", "compare", "lesson", "classroom", "serve"):
        assert f"'{command}'" in line  # every command is offered, the slow ones too


def test_the_playground_parse_imports_no_lesson_or_server_module() -> None:
    code = ("import sys; from gdtui import cli; cli._parse(['--preset', 'rosenbrock']); "
            "print(sorted(m for m in sys.modules if m.startswith(('gdtui.lessons', 'gdtui.classroom', "
            "'gdtui.serve', 'gdtui.compare_cli'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
