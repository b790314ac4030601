"""A point typed as text, ``x=1,y=-2``: the one parser behind --start, --at and lists of starts."""

from __future__ import annotations

import math

from gdtui.errors import OptionError

__all__ = ["parse_point"]


def parse_point(text: str, option: str = "--start", listed: bool = False) -> dict[str, float]:
    """``"x=1,y=-2"`` as ``{"x": 1.0, "y": -2.0}``; a one-line OptionError on bad text.

    ``option`` names the option in messages.  ``listed`` is for one point of a
    ``;``-separated list (``gdtui compare --start``): there an empty point is an
    error, while a lone empty ``--start ""`` means "the default start".
    """
    example = "points like x=1,y=2 separated by ';'" if listed else "name=value pairs like x=1,y=2"
    point: dict[str, float] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, eq, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not eq or not name.isidentifier() or not name.isascii():
            raise OptionError(f"{option} takes {example}, got {part!r}")
        if name in point:
            raise OptionError(f"{option} gives {name} twice in {text.strip()!r}")
        try:
            number = float(value)
        except ValueError:
            raise OptionError(f"{option}: {name} must be a number, got {value!r}") from None
        if not math.isfinite(number):
            raise OptionError(f"{option}: {name} must be a finite number, got {value!r}")
        point[name] = number
    if listed and not point:
        raise OptionError(f"{option}: an empty point in the list")
    return point
