"""The outputs pasted in the README are what the program prints now."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from gdtui.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLES = re.findall(r"```\n\$ gdtui ([^\n]*)\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_readme_has_pasted_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(("command", "pasted"), EXAMPLES, ids=[c[:40] for c, _ in EXAMPLES])
def test_pasted_output_matches(capsys, command: str, pasted: str) -> None:
    assert main(shlex.split(command)) == 0
    assert capsys.readouterr().out == pasted
