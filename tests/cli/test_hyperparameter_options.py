"""Hyperparameter options go through the engine's one validator per hyperparameter:
the CLI accepts and refuses what the engine (and the TUI's fields) accept and refuse,
with the engine's message."""

from __future__ import annotations

import json

import pytest

from gdtui.cli import main
from gdtui.engine.optimizers import make_optimizer
from gdtui.engine.optimizers.hyperparameters import parse_hyperparameter
from gdtui.errors import OptionError


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    return code, out, err


# torch accepts these (SGD: momentum ≥ 0; Adam: eps ≥ 0), so gdtui does everywhere
ACCEPTED = [("momentum", "momentum", "1.2"), ("adam", "eps", "0"), ("rmsprop", "alpha", "1")]


@pytest.mark.parametrize(("optimizer", "option", "text"), ACCEPTED)
def test_values_torch_accepts_run_on_the_command_line(capsys, optimizer, option, text):
    code, out, err = run_cli(capsys, "run", "--fn", "x^2", "--start", "x=1", "--optimizer", optimizer,
                             "--lr", "0.01", f"--{option}", text, "--steps", "3", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["optimizer"][option] == float(text)
    assert make_optimizer(optimizer, **{option: float(text)}).hyperparameters()[option] == float(text)


OWNER = {"lr": "adam", "momentum": "momentum", "eps": "adam", "beta1": "adam", "beta2": "adam",
         "alpha": "rmsprop"}
REFUSED = [("lr", "0"), ("lr", "-1"), ("momentum", "-0.5"), ("eps", "-1e-8"), ("beta1", "1"),
           ("beta2", "nan"), ("alpha", "1.5"), ("lr", "abc"), ("momentum", "inf")]


@pytest.mark.parametrize(("option", "text"), REFUSED)
def test_refused_values_carry_the_engines_message(capsys, option, text):
    with pytest.raises(OptionError) as info:
        parse_hyperparameter(option, text)
    message = str(info.value)
    assert message.startswith(f"{option} must be")
    code, _, err = run_cli(capsys, "run", "--fn", "x^2", f"--{option}={text}")
    assert code == 2
    assert err.count("\n") == 1 and f"--{option}" in err and message in err
    try:
        value = float(text)
    except ValueError:
        return
    with pytest.raises(OptionError) as engine:
        make_optimizer(OWNER[option], **{option: value})
    assert str(engine.value) == message


def test_optimizer_specific_rules_come_from_the_optimizer(capsys):
    code, _, err = run_cli(capsys, "run", "--fn", "x^2", "--optimizer", "nesterov", "--momentum", "0")
    assert code == 2
    assert "momentum must be a positive number for nesterov, got 0" in err
