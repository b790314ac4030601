"""A character grid with one style per cell, the glyph sets the plots draw with, and
:class:`Painter`, which turns such a grid into the Strips of a line-API widget and
tells it which cells changed since the last picture.

Bytes to the terminal are what a slow SSH link pays for: Textual sends every cell
of every region a widget refreshes, and a style change costs ~20 bytes of SGR codes.
So the plots refresh only the cells that changed (``Painter.show`` returns those
regions), and a row's segments merge runs of one style, with blanks taking the style
of their neighbours (a space looks the same in any foreground colour).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Mapping, Sequence

import numpy as np
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual.geometry import Region
from textual.strip import Strip

__all__ = ["ASCII", "Canvas", "Glyphs", "Ink", "Painter", "UNICODE", "ink_styles", "merge_segments", "put_text",
           "text_grid"]


class Ink(IntEnum):
    """What a cell shows; the widget maps each to a theme variable."""

    NONE = 0
    GRID = 1  # landscape shading, the 1-D curve, axes
    PATH = 2  # the trajectory
    POINT = 3  # the current point and the −∇f arrow
    FIT = 4  # data points and the fitted line
    TANGENT = 5  # the tangent line (1-D)



def ink_styles(theme_variables: Mapping[str, str],
               inks: Mapping[Ink, tuple[str, bool]]) -> dict[int, Style]:
    """The rich Style of each ink: ``inks`` maps an ink to (theme variable, bold); a
    variable the theme lacks or cannot parse leaves the colour to the terminal."""
    from textual.color import Color, ColorParseError

    out: dict[int, Style] = {}
    for ink, (var, bold) in inks.items():
        try:
            colour = Color.parse(theme_variables[var]).rich_color
        except (KeyError, ColorParseError):
            colour = None
        out[int(ink)] = Style(color=colour, bold=bold)
    return out

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
    tangent: tuple[str, str, str, str] = ("╌", "╱", "╎", "╲")  # dashed: never the arrow's glyph
    minimum: str = "✕"  # a known minimum (presets)
    best: str = "◆"  # the lowest loss seen so far
    batch: str = "◉"  # the data rows of the current mini-batch


UNICODE = Glyphs(" .:;=+*#%@", "•", "○", "●", "·", "•", "", ("→", "↗", "↑", "↖", "←", "↙", "↓", "↘"),
                 ("─", "╱", "│", "╲"), "│")
ASCII = Glyphs(" .:;=+*#%@", "o", "s", "X", ".", "o", "", (">", ">", "^", "<", "<", "<", "v", ">"),
               ("-", "/", "|", "\\"), "|", ("~", "/", "!", "\\"), "M", "B", "@")


def line_glyph(g: Glyphs, visual_slope: float) -> str:
    """The line character for a slope measured on screen (up per across, rows counted double)."""
    if not np.isfinite(visual_slope) or abs(visual_slope) > 2.5:
        return g.lines[2]
    if abs(visual_slope) < 0.4:
        return g.lines[0]
    return g.lines[1] if visual_slope > 0 else g.lines[3]


def tangent_glyph(g: Glyphs, visual_slope: float) -> str:
    """The tangent's dashed character for a slope on screen (see :func:`line_glyph`)."""
    return g.tangent[g.lines.index(line_glyph(g, visual_slope))]


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
        """Write a string from (col, row), cut at the right edge (a wide character, Korean
        say, takes its two cells: the second is left empty, as :func:`text_grid` does)."""
        if not 0 <= row < self.height:
            return
        end = put_text(self.chars, row, col, s)
        if end > col:
            self.ink[row, max(col, 0):end] = ink

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


def put_text(chars: np.ndarray, row: int, col: int, s: str) -> int:
    """Write ``s`` into row ``row`` of the character grid ``chars`` from column ``col``,
    cell by cell: a wide character fills two cells (the second holds ""); cut at the
    right edge.  Returns the column after the last cell written."""
    width = chars.shape[1]
    x = col
    for ch in s:
        n = cell_len(ch)
        if n == 0:
            continue
        if x + n > width:
            break
        if x >= 0:
            chars[row, x] = ch
            if n == 2:
                chars[row, x + 1] = ""
        x += n
    return max(x, col)


def text_grid(text: Text, width: int, height: int, console: Console) -> tuple[np.ndarray, np.ndarray, tuple[Style, ...]]:
    """``text`` as a ``height`` × ``width`` grid for :class:`Painter`: (chars, style ids,
    styles), style id 0 being no style.  A wide character is followed by an empty cell."""
    chars = np.full((height, width), " ", dtype="<U2")  # a letter may carry an accent (m̂)
    ink = np.zeros((height, width), dtype=np.int16)
    ids: dict[Style, int] = {Style.null(): 0}
    for row, line in enumerate(text.split("\n", allow_blank=True)[:height]):
        col = 0
        for seg in line.render(console, end=""):
            if seg.control:
                continue
            sid = ids.setdefault(seg.style or Style.null(), len(ids))
            for ch in seg.text:
                n = cell_len(ch)
                if n == 0 and 0 < col <= width and len(chars[row, col - 1]) == 1:
                    chars[row, col - 1] += ch  # a combining mark joins the letter before it
                    continue
                if n == 0 or col + n > width:
                    continue
                chars[row, col] = ch
                ink[row, col] = sid
                if n == 2:
                    chars[row, col + 1] = ""
                    ink[row, col + 1] = sid
                col += n
            if col >= width:
                break
    return chars, ink, tuple(ids)


def _blank_safe(style: Style) -> bool:
    """A space in this style (over the widget's own) looks like a space in any other such
    style: it sets no background and nothing drawn across the cell."""
    return not ((style.bgcolor is not None and not style.bgcolor.is_default) or style.reverse
                or style.underline or style.underline2 or style.strike or style.overline
                or style.frame or style.encircle or style.conceal)


class Painter:
    """The grid a line-API widget shows, as cached Strips (one per row).

    :meth:`show` takes the next picture and returns the regions (runs of cells in a
    row) that differ from the last one, or None when everything must be redrawn (the
    first picture, a new size or new styles).  The widget refreshes just those regions;
    Textual then rerenders and sends only them: one region per row, from the first to
    the last changed cell (Textual sends a row's cells from the widget's left edge up to
    the end of each region, so two regions in a row would send its start twice).
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget the picture: the next :meth:`show` redraws everything."""
        self.chars: np.ndarray | None = None
        self.ink: np.ndarray | None = None
        self.styles: tuple[Style, ...] = ()
        self.base: Style | None = None
        self._full: list[Style] = []
        self._safe: np.ndarray | None = None  # (no numpy before the first picture: see gdtui.lazy_import)
        self._strips: dict[int, Strip] = {}

    @property
    def empty(self) -> bool:
        return self.chars is None

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the picture, (0, 0) when empty."""
        return (0, 0) if self.chars is None else (self.chars.shape[1], self.chars.shape[0])

    def show(self, chars: np.ndarray, ink: np.ndarray, styles: Sequence[Style],
             base: Style) -> list[Region] | None:
        """Take the next picture; the regions that changed, or None for all of it."""
        styles = tuple(styles)
        old_chars, old_ink = self.chars, self.ink
        full = (old_chars is None or old_ink is None or old_chars.shape != chars.shape
                or styles != self.styles or base != self.base)
        self.chars, self.ink = chars, ink
        if full:
            self.styles, self.base = styles, base
            self._full = [base + s for s in styles]
            self._safe = np.array([_blank_safe(s) for s in styles] or [True], dtype=bool)
            self._strips.clear()
            return None
        assert old_chars is not None and old_ink is not None
        changed = (chars != old_chars) | (ink != old_ink)
        regions: list[Region] = []
        for row in np.flatnonzero(changed.any(axis=1)).tolist():
            cols = np.flatnonzero(changed[row])
            first, last = int(cols[0]), int(cols[-1])
            regions.append(Region(first, row, last + 1 - first, 1))
            self._strips.pop(row, None)
        return regions

    def strip(self, y: int) -> Strip:
        """Row ``y`` as a Strip (cached until the row changes)."""
        strip = self._strips.get(y)
        if strip is not None:
            return strip
        if self.chars is None or self.ink is None or not 0 <= y < self.chars.shape[0]:
            w = self.size[0]
            return Strip.blank(w, self.base)
        chars, ink = self.chars[y], self.ink[y].astype(np.intp)
        w = len(chars)
        if w == 0:
            return Strip([], 0)
        # blanks take the style of the cell before them (or after, at the row's start)
        blank = (chars == " ") & self._safe[np.clip(ink, 0, len(self._safe) - 1)]
        if blank.all():
            eff = np.zeros(w, dtype=np.intp)
        elif blank.any():
            idx = np.where(blank, -1, np.arange(w))
            idx = np.maximum.accumulate(idx)
            idx[idx < 0] = int(np.flatnonzero(~blank)[0])
            eff = ink[idx]
        else:
            eff = ink
        bounds = [0, *(np.flatnonzero(np.diff(eff)) + 1).tolist(), w]
        full = self._full
        segments = [Segment("".join(chars[a:b].tolist()), full[eff[a]] if eff[a] < len(full) else self.base)
                    for a, b in zip(bounds, bounds[1:])]
        strip = Strip(segments)
        self._strips[y] = strip
        return strip


def _look(style: Style | None) -> tuple:
    """What the terminal shows for text in ``style`` (styles equal in this are the same SGR)."""
    s = style or Style.null()
    return (s.color, s.bgcolor, bool(s.bold), bool(s.dim), bool(s.italic), bool(s.underline),
            bool(s.blink), bool(s.blink2), bool(s.reverse), bool(s.conceal), bool(s.strike),
            bool(s.underline2), bool(s.frame), bool(s.encircle), bool(s.overline), s.link)


def _blank_look(style: Style | None) -> tuple:
    """What the terminal shows for spaces in ``style``."""
    s = style or Style.null()
    if s.reverse:
        return ("reverse", s.color, s.bgcolor, s.link)
    lines = bool(s.underline or s.underline2 or s.strike or s.overline or s.frame or s.encircle)
    return (s.bgcolor, lines and s.color, bool(s.underline), bool(s.underline2), bool(s.strike),
            bool(s.overline), bool(s.frame), bool(s.encircle), s.link)


def merge_segments(strip: Strip) -> Strip:
    """``strip`` with adjacent segments that look the same joined (blanks join either
    neighbour when they look the same there) and metadata dropped: fewer colour codes on
    the wire, the same picture.  For read-only widgets (cell metadata is for clicks)."""
    runs: list[list] = []  # [text, style, look, all blank]
    for seg in strip:
        if seg.control:
            continue
        text, style = seg.text, seg.style
        blank = not text.strip(" ")
        if runs:
            last = runs[-1]
            if _look(style) == last[2] or (blank and _blank_look(style) == _blank_look(last[1])):
                last[0] += text
                continue
            if last[3] and _blank_look(last[1]) == _blank_look(style):
                last[0] += text
                last[1], last[2], last[3] = style, _look(style), blank
                continue
        runs.append([text, style, _look(style), blank])
    segments = [Segment(text, style if style is None or style.link else style.clear_meta_and_links())
                for text, style, _, _ in runs]
    return Strip(segments, strip.cell_length)
