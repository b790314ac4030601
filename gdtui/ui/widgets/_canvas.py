"""A character grid with one style per cell, and the glyph sets the plots draw with."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from rich.style import Style
from rich.text import Span, Text

__all__ = ["ASCII", "Canvas", "Glyphs", "Ink", "UNICODE", "glyphs"]


class Ink(IntEnum):
    """What a cell shows; the widget maps each to a theme variable."""

    NONE = 0
    GRID = 1  # landscape shading, the 1-D curve, axes
    PATH = 2  # the trajectory
    POINT = 3  # the current point and the −∇f arrow
    FIT = 4  # data points and the fitted line
    TANGENT = 5  # the tangent line (1-D)


@dataclass(frozen=True)
class Glyphs:
    """The characters for one mode.  The shading ramp is ASCII in both modes and has
    none of the path, point or arrow characters, so the overlay reads on any band."""

    ramp: str
    path: str
    start: str
    point: str
    curve: str
    data: str
    trail: str  # along the arrow; "" = use the direction's line glyph
    heads: tuple[str, ...]  # E, NE, N, NW, W, SW, S, SE
    lines: tuple[str, str, str, str]  # horizontal, rising, vertical, falling
    separator: str


UNICODE = Glyphs(" .:;=+*#%@", "•", "○", "●", "·", "•", "", ("→", "↗", "↑", "↖", "←", "↙", "↓", "↘"),
                 ("─", "╱", "│", "╲"), "│")
ASCII = Glyphs(" .:;=+*#%@", "o", "s", "X", ".", "o", "", (">", ">", "^", "<", "<", "<", "v", ">"),
               ("-", "/", "|", "\\"), "|")


def glyphs(ascii: bool) -> Glyphs:
    """The glyph set for ``ascii`` mode or not."""
    return ASCII if ascii else UNICODE


def line_glyph(g: Glyphs, visual_slope: float) -> str:
    """The line character for a slope measured on screen (up per across, rows counted double)."""
    if not np.isfinite(visual_slope) or abs(visual_slope) > 2.5:
        return g.lines[2]
    if abs(visual_slope) < 0.4:
        return g.lines[0]
    return g.lines[1] if visual_slope > 0 else g.lines[3]


def head_glyph(g: Glyphs, dx: float, dy_up: float) -> str:
    """The arrow head for a direction on screen (``dy_up`` > 0 is up)."""
    sector = int(np.round(np.arctan2(dy_up, dx) / (np.pi / 4))) % 8
    return g.heads[sector]


class Canvas:
    """``height`` rows of ``width`` characters; row 0 is the top."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = max(width, 0), max(height, 0)
        self.chars = np.full((self.height, self.width), " ", dtype="<U1")
        self.ink = np.zeros((self.height, self.width), dtype=np.int8)

    def copy(self) -> "Canvas":
        out = Canvas.__new__(Canvas)
        out.width, out.height = self.width, self.height
        out.chars, out.ink = self.chars.copy(), self.ink.copy()
        return out

    def put(self, col: int, row: int, char: str, ink: Ink) -> bool:
        """Draw one cell; False (and nothing drawn) outside the canvas."""
        if 0 <= col < self.width and 0 <= row < self.height:
            self.chars[row, col] = char
            self.ink[row, col] = ink
            return True
        return False

    def put_many(self, cols: np.ndarray, rows: np.ndarray, char: str, ink: Ink) -> None:
        """Draw ``char`` at every (col, row) inside the canvas."""
        ok = (cols >= 0) & (cols < self.width) & (rows >= 0) & (rows < self.height)
        self.chars[rows[ok], cols[ok]] = char
        self.ink[rows[ok], cols[ok]] = ink

    def text(self, row: int, col: int, s: str, ink: Ink = Ink.NONE) -> None:
        """Write a string from (col, row), cut at the right edge."""
        for i, ch in enumerate(s[: max(self.width - col, 0)]):
            self.put(col + i, row, ch, ink)

    def paste(self, other: "Canvas", col: int, row: int) -> None:
        """Copy ``other`` in with its top-left corner at (col, row) (it must fit)."""
        self.chars[row:row + other.height, col:col + other.width] = other.chars
        self.ink[row:row + other.height, col:col + other.width] = other.ink

    def to_text(self, styles: dict[int, Style]) -> Text:
        """The grid as rich Text, one span per run of equal ink (vectorised: a frame is ~1 ms)."""
        if self.width == 0 or self.height == 0:
            return Text(no_wrap=True, end="")
        rows = np.ascontiguousarray(self.chars).view(f"<U{self.width}").ravel()
        plain = "\n".join(rows.tolist())
        # one extra column per row stands for the newline and breaks every run
        ink = np.full((self.height, self.width + 1), -1, dtype=np.int16)
        ink[:, : self.width] = self.ink
        flat = ink.ravel()[:-1]
        starts = np.concatenate([[0], np.flatnonzero(np.diff(flat)) + 1])
        ends = np.append(starts[1:], len(flat))
        spans = [
            Span(int(a), int(b), styles[int(flat[a])])
            for a, b in zip(starts.tolist(), ends.tolist())
            if flat[a] > 0 and int(flat[a]) in styles
        ]
        return Text(plain, spans=spans, no_wrap=True, end="")
