"""Data files from outside are bounded: regular files only, a size cap, header-only checks."""

from __future__ import annotations

import os

import numpy as np
import pytest

from gdtui.engine import data as data_mod
from gdtui.engine.data import csv_columns, dataset_columns, load_csv, load_dataset
from gdtui.errors import DataError
from gdtui.problem import validate_quickly
from gdtui.settings import Settings


def test_dev_zero_is_refused_at_once():
    with pytest.raises(DataError, match=r"^/dev/zero: not a regular file"):
        load_dataset("/dev/zero")
    with pytest.raises(DataError, match="not a regular file"):
        dataset_columns("/dev/zero")


def test_a_symlink_to_dev_zero_and_a_fifo_are_refused(tmp_path):
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    with pytest.raises(DataError, match="not a regular file"):
        load_csv(link)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match="not a regular file"):
        csv_columns(fifo)


def test_a_file_over_the_cap_is_refused_before_reading(tmp_path, monkeypatch):
    p = tmp_path / "big.csv"
    p.write_text("x,y\n" + "1,2\n" * 1000)
    monkeypatch.setattr(data_mod, "DATA_LIMIT", 1024)
    with pytest.raises(DataError, match=r"big.csv: .* is too big for a data file \(at most 1 KB\)"):
        load_csv(p)


def test_a_long_line_without_newline_is_refused_by_the_header_check(tmp_path):
    p = tmp_path / "noline.csv"
    p.write_bytes(b"x" * (data_mod.HEADER_LIMIT + 10))
    with pytest.raises(DataError, match="longer than 64 KB"):
        csv_columns(p)


def test_the_start_up_check_reads_only_the_header(tmp_path):
    # A bad cell far down is found by loading, not by the header check.
    p = tmp_path / "late.csv"
    p.write_text("x,y\n" + "1,2\n" * 5000 + "3,oops\n")
    assert csv_columns(p) == ["x", "y"]
    assert validate_quickly(Settings(fn="(w*x-y)^2", data=str(p))).data == str(p)
    with pytest.raises(DataError, match=r"late.csv, line 5002, column 'y': 'oops' is not a number"):
        load_csv(p)


def test_the_bad_line_number_is_right_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(data_mod, "_CHUNK_ROWS", 7)
    p = tmp_path / "chunks.csv"
    p.write_text("\n# x\n".replace("# x", "x,y") + "1,2\n\n" * 20 + "3,4,5\n")
    with pytest.raises(DataError, match=r"line 43: 3 cells, but the header has 2 columns"):
        load_csv(p)


def test_chunks_give_the_same_arrays_and_report_progress(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=100), rng.normal(size=100)
    p = tmp_path / "many.csv"
    p.write_text("x,y\n" + "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in zip(x, y)))
    monkeypatch.setattr(data_mod, "_CHUNK_ROWS", 16)
    seen: list[float] = []
    ds = load_csv(p, progress=seen.append)
    assert np.array_equal(ds.columns["x"], x) and np.array_equal(ds.columns["y"], y)
    assert len(seen) >= 6 and seen == sorted(seen) and seen[-1] == 1.0


def test_escape_sequences_in_a_file_name_are_never_printed(tmp_path):
    name = "\x1b]0;pwned\x07\x1b[2J.csv"
    with pytest.raises(DataError) as info:
        load_dataset(str(tmp_path / name))
    assert "\x1b" not in str(info.value) and "\x07" not in str(info.value)
    p = tmp_path / name
    p.write_text("x,y\n1,2\n")
    ds = load_csv(p)
    assert ds.name == "\\e]0;pwned\\x07\\e[2J"
