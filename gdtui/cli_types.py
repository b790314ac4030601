"""The argparse types of gdtui's options: one message per kind of mistake, naming the
option, shared by every command (run, check, compare, lesson, classroom)."""

from __future__ import annotations

import argparse
import math

from gdtui.errors import OptionError

__all__ = ["float_type", "hyper_option", "int_type", "point_type"]


def float_type(name: str, *, positive: bool = False, nonneg: bool = False):
    """The argparse type of a number option: finite, and positive or >= 0 when asked."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{name} must be finite, got {text!r}")
        if positive and value <= 0:
            raise argparse.ArgumentTypeError(f"{name} must be positive, got {text}")
        if nonneg and value < 0:
            raise argparse.ArgumentTypeError(f"{name} must be >= 0, got {text}")
        return value

    return parse


def hyper_option(name: str):
    """The argparse type of a hyperparameter option: the engine's validator, the one
    the TUI uses too (also for `gdtui compare`)."""

    def parse(text: str) -> float:
        from gdtui.engine.optimizers.hyperparameters import parse_hyperparameter

        try:
            return parse_hyperparameter(name, text)
        except OptionError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def int_type(name: str, *, minimum: int = 0):
    """The argparse type of a whole-number option of at least ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{name} must be at least {minimum}, got {value}")
        return value

    return parse


def point_type(option: str):
    """The argparse type of a point option (``--start x=1,y=2``): the engine's parser."""
    def parse(text: str) -> dict[str, float]:
        from gdtui.engine.points import parse_point

        try:
            return parse_point(text, option)
        except OptionError as exc:
            # argparse puts "argument --start: " in front: do not name the option twice
            message = str(exc).removeprefix(option).lstrip(": ")
            raise argparse.ArgumentTypeError(message) from None

    return parse
