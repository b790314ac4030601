"""Reading a small text file from outside (session or lesson file) without trusting it.

One place for it: the shared bounded reader (``gdtui.files``, regular files only,
about 1 MB at most) when it is there, else the same checks done here.
"""

from __future__ import annotations

import os
import stat

from gdtui.errors import GdtuiError

__all__ = ["TEXT_LIMIT", "read_text_file"]

#: Largest session or lesson file gdtui reads.
TEXT_LIMIT = 1024 * 1024


def read_text_file(path: str | os.PathLike[str], what: str = "file") -> str:
    """The UTF-8 text of a regular file of at most :data:`TEXT_LIMIT` bytes.

    GdtuiError with one line naming the file when it is missing, not a regular
    file (a FIFO or device must not hang or flood us), too big or not UTF-8.
    """
    try:
        from gdtui.files import read_bounded_text  # the shared reader, once it is there
    except ImportError:
        read_bounded_text = None
    if read_bounded_text is not None:
        return read_bounded_text(path, TEXT_LIMIT, what)
    label = repr(os.fspath(path))[1:-1]
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise GdtuiError(f"{label}: no such file") from None
    except OSError as exc:
        raise GdtuiError(f"{label}: cannot open ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise GdtuiError(f"{label}: not a regular file, cannot be a {what}")
        if st.st_size > TEXT_LIMIT:
            raise GdtuiError(f"{label}: too big for a {what} (at most 1 MB)")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as fh:
            fd = -1
            data = fh.read(TEXT_LIMIT + 1)
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > TEXT_LIMIT:
        raise GdtuiError(f"{label}: too big for a {what} (at most 1 MB)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GdtuiError(f"{label}: not a UTF-8 text file (byte {exc.start + 1})") from None
