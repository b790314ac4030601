"""Reading files that come from outside (data, themes, lessons, sessions) without trusting them.

On a shared server a student can point gdtui at ``/dev/zero``, a FIFO, or a symlink to
a huge file.  Every such file is opened once, checked to be a regular file on the
descriptor that was opened (``fstat`` after ``open``, so a swapped path cannot slip
in between the check and the read), and read up to a size cap.  Every failure is a
:class:`~gdtui.errors.FileLimitError` with one line naming the file (shown through
:func:`gdtui.sanitize.shown`) and what is wrong.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

from gdtui.errors import GdtuiError
from gdtui.sanitize import shown

__all__ = [
    "DATA_LIMIT",
    "TEXT_LIMIT",
    "FileLimitError",
    "open_bounded",
    "read_bounded_bytes",
    "read_bounded_text",
]

#: Largest data (CSV) file gdtui reads.
DATA_LIMIT = 256 * 1024 * 1024
#: Largest theme, lesson or session file gdtui reads.
TEXT_LIMIT = 1024 * 1024


class FileLimitError(GdtuiError):
    """A file that cannot be read safely: missing, not a regular file, too big, not UTF-8."""


def _size(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):g} MB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):g} KB"
    return f"{n} bytes"


def open_bounded(path: str | os.PathLike[str], limit: int, what: str = "file") -> tuple[BinaryIO, int]:
    """Open ``path`` for reading as a regular file of at most ``limit`` bytes.

    Returns the open binary file and its size (from ``fstat`` on the opened
    descriptor).  ``what`` names the kind of file in messages ("data file", "theme
    file" ...).  FileLimitError on any problem; the caller closes the file.
    """
    label = shown(os.fspath(path))
    flags = os.O_RDONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # O_NONBLOCK: opening a FIFO must not wait for a writer
    except FileNotFoundError:
        raise FileLimitError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise FileLimitError(f"{label}: is a directory, not a {what}") from None
    except PermissionError:
        raise FileLimitError(f"{label}: permission denied") from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise FileLimitError(f"{label}: cannot open ({shown(reason)})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise FileLimitError(f"{label}: is a directory, not a {what}")
        if not stat.S_ISREG(st.st_mode):
            raise FileLimitError(f"{label}: not a regular file (a device, pipe or socket cannot be a {what})")
        if st.st_size > limit:
            raise FileLimitError(f"{label}: {_size(st.st_size)} is too big for a {what} (at most {_size(limit)})")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), st.st_size
    except BaseException:
        os.close(fd)
        raise


def read_bounded_bytes(path: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """The whole content of a regular file of at most ``limit`` bytes (FileLimitError otherwise)."""
    fh, _ = open_bounded(path, limit, what)
    with fh:
        # Read one byte past the limit: a file that grew after fstat is still refused.
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise FileLimitError(f"{shown(os.fspath(path))}: too big for a {what} (at most {_size(limit)})")
    return data


def read_bounded_text(path: str | os.PathLike[str], limit: int = TEXT_LIMIT, what: str = "file") -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes (a leading BOM is dropped).

    The one way to read a theme, lesson or session file: FileLimitError with one
    line naming the file when it is missing, not a regular file, too big or not UTF-8.
    """
    data = read_bounded_bytes(path, limit, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileLimitError(f"{shown(os.fspath(path))}: not a UTF-8 text file (byte {exc.start + 1})") from None
