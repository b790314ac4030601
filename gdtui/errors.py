"""Errors a user can cause.  Each carries one clear line; the CLI prints it and exits 2."""

from __future__ import annotations


class GdtuiError(ValueError):
    """Base class for every user-facing error (bad expression, CSV, option, file)."""

    def lines(self) -> list[str]:
        """The lines to print (at most three); the first names what and where."""
        return [str(self)]


class OptionError(GdtuiError):
    """A bad command-line option or setting value."""


class DataError(GdtuiError):
    """A bad data set or CSV file; the message names the file, line and column."""


class ThemeError(GdtuiError):
    """A bad theme file; the message names the file."""
