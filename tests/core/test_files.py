"""gdtui.files: outside files are opened once, must be regular files, and are size-capped."""

from __future__ import annotations

import os
import socket
import tempfile

import pytest

from gdtui.files import FileLimitError, open_bounded, read_bounded_bytes, read_bounded_text


def test_reads_a_small_text_file(tmp_path):
    p = tmp_path / "lesson.toml"
    p.write_bytes("\ufeffname = \"경사\"\n".encode("utf-8"))
    assert read_bounded_text(p, 1024, "lesson file") == 'name = "경사"\n'


def test_dev_zero_is_refused_without_reading():
    with pytest.raises(FileLimitError, match=r"^/dev/zero: not a regular file"):
        read_bounded_text("/dev/zero", 1024, "theme file")


def test_symlink_to_dev_zero_is_refused(tmp_path):
    link = tmp_path / "evil.toml"
    link.symlink_to("/dev/zero")
    with pytest.raises(FileLimitError, match="not a regular file"):
        read_bounded_bytes(link, 1 << 20, "theme file")


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    with pytest.raises(FileLimitError, match="not a regular file"):
        open_bounded(fifo, 1 << 20, "data file")


def test_socket_is_refused(tmp_path):
    # AF_UNIX paths are short: use a short temp dir
    folder = tempfile.mkdtemp(prefix="gd")
    path = os.path.join(folder, "s")
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(path)
        with pytest.raises(FileLimitError, match="not a regular file|cannot open"):
            read_bounded_text(path, 10, "session file")
    finally:
        s.close()
        os.unlink(path)
        os.rmdir(folder)


def test_too_big_is_refused_with_sizes(tmp_path):
    p = tmp_path / "big.toml"
    p.write_bytes(b"x" * 2048)
    with pytest.raises(FileLimitError, match=r"big.toml: 2 KB is too big for a theme file \(at most 1 KB\)"):
        read_bounded_text(p, 1024, "theme file")
    assert read_bounded_text(p, 2048, "theme file") == "x" * 2048


def test_missing_directory_and_not_utf8(tmp_path):
    with pytest.raises(FileLimitError, match="no such file"):
        read_bounded_text(tmp_path / "nope.toml", 10)
    with pytest.raises(FileLimitError, match="is a directory"):
        read_bounded_text(tmp_path, 10, "lesson file")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"ok\xff\xfe")
    with pytest.raises(FileLimitError, match=r"not a UTF-8 text file \(byte 3\)"):
        read_bounded_text(bad, 10)


def test_error_names_the_file_escaped(tmp_path):
    name = "x\x1b]0;pwned\x07.toml"
    with pytest.raises(FileLimitError) as info:
        read_bounded_text(tmp_path / name, 10)
    message = str(info.value)
    assert "\x1b" not in message and "\x07" not in message
    assert "\\e]0;pwned\\x07.toml: no such file" in message
