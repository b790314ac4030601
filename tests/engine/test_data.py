"""Data sets: built-ins, CSV loading and its errors, the mini-batch sampler."""

from __future__ import annotations

import numpy as np
import pytest

from gdtui.engine.data import (
    BUILTIN_DATASETS,
    BatchSampler,
    Dataset,
    builtin_dataset,
    load_csv,
    load_dataset,
    require_columns,
)
from gdtui.errors import DataError, OptionError


# ------------------------------------------------------------------ built-ins
def test_hours_is_the_pytorch_zero_to_all_example():
    ds = builtin_dataset("hours")
    assert ds.column_names == ["x", "y"]
    assert ds.n_rows == 3
    assert ds.columns["x"].tolist() == [1, 2, 3]
    assert ds.columns["y"].tolist() == [2, 4, 6]


def test_line_is_exactly_2x_plus_1():
    ds = load_dataset("line")
    assert ds.columns["x"].tolist() == [1, 2, 3, 4, 5]
    assert ds.columns["y"].tolist() == [3, 5, 7, 9, 11]


def test_noisy_line_rows_seed_and_noise_level():
    a = builtin_dataset("noisy-line")
    assert a.n_rows == 100
    b = builtin_dataset("noisy-line", rows=5000, seed=1)
    c = builtin_dataset("noisy-line", rows=5000, seed=1)
    d = builtin_dataset("noisy-line", rows=5000, seed=2)
    assert np.array_equal(b.columns["x"], c.columns["x"]) and np.array_equal(b.columns["y"], c.columns["y"])
    assert not np.array_equal(b.columns["y"], d.columns["y"])
    x, y = b.columns["x"], b.columns["y"]
    assert x.min() >= 0 and x.max() <= 5
    resid = y - (2 * x + 1)
    assert abs(resid.std() - 0.5) < 0.03
    assert abs(resid.mean()) < 0.03


def test_pass_fail_is_binary_and_not_separable():
    ds = builtin_dataset("pass-fail")
    x, y = ds.columns["x"], ds.columns["y"]
    assert set(y.tolist()) == {0.0, 1.0}
    # some failure studied longer than some pass: a finite logistic minimum exists
    assert x[y == 0].max() > x[y == 1].min()


def test_builtin_list_and_unknown_name():
    assert {"hours", "line", "noisy-line", "pass-fail"} <= set(BUILTIN_DATASETS)
    with pytest.raises(DataError, match="unknown data set 'nope'.*hours"):
        load_dataset("nope")


def test_rows_only_for_generated_sets():
    with pytest.raises(OptionError, match="hours"):
        builtin_dataset("hours", rows=10)
    with pytest.raises(OptionError, match="noisy-line"):
        builtin_dataset("noisy-line", rows=0)


def test_columns_are_read_only_float64():
    ds = Dataset("t", {"a": [1, 2], "b": np.array([3, 4], dtype=np.int64)})
    assert ds.columns["b"].dtype == np.float64
    with pytest.raises(ValueError):
        ds.columns["a"][0] = 9
    with pytest.raises(ValueError, match="different lengths"):
        Dataset("bad", {"a": [1, 2], "b": [1]})


def test_require_columns_message():
    ds = builtin_dataset("hours")
    require_columns(ds, ["x", "y"], "f")
    with pytest.raises(DataError) as e:
        require_columns(ds, ["x", "z"], "f")
    assert "data set 'hours' has no column 'z'" in str(e.value)
    assert "(it has x, y)" in str(e.value)


# ------------------------------------------------------------------------ CSV
def write(tmp_path, text, name="data.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_csv_numbers_spaces_ints_floats_scientific(tmp_path):
    p = write(tmp_path, "x, y\n1, 2.5\n  -3 ,1e-3\n\n4.,+2E2\n")
    ds = load_csv(p)
    assert ds.column_names == ["x", "y"]
    assert ds.name == "data"
    assert ds.columns["x"].tolist() == [1.0, -3.0, 4.0]
    assert ds.columns["y"].tolist() == [2.5, 0.001, 200.0]
    assert load_dataset(str(p)).n_rows == 3


def test_csv_with_bom_and_crlf(tmp_path):
    p = tmp_path / "data.csv"
    p.write_bytes(b"\xef\xbb\xbfx,y\r\n1,2\r\n")
    assert load_csv(p).column_names == ["x", "y"]


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("", ["data.csv", "empty"]),
        ("\n\n", ["data.csv", "empty"]),
        ("x,y\n", ["data.csv", "no data rows", "line 1"]),
        ("x,2y\n1,2\n", ["data.csv, line 1, column 2", "'2y' is not a valid column name"]),
        ("x,\n1,2\n", ["data.csv, line 1, column 2", "empty name"]),
        ("x,class\n1,2\n", ["line 1, column 2", "'class'"]),
        ("x,y,x\n1,2,3\n", ["data.csv, line 1", "'x' appears twice", "columns 1 and 3"]),
        ("x,y\n1,2\n3\n", ["data.csv, line 3", "1 cells", "2 columns"]),
        ("x,y\n1,2\n3,4,5\n", ["data.csv, line 3", "3 cells"]),
        ("x,y\n1,2\n3,4\n5,abc\n", ["data.csv, line 4, column 'y': 'abc' is not a number"]),
        ("x,y\n1, \n", ["data.csv, line 2, column 'y'", "empty cell"]),
        ("x,y\n1_000,2\n", ["line 2, column 'x'", "'1_000' is not a number"]),
        ("x,y\n1,nan\n", ["data.csv, line 2, column 'y'", "'nan' is not a finite number"]),
        ("x,y\ninf,1\n", ["data.csv, line 2, column 'x'", "'inf' is not a finite number"]),
        ("x,y\n1,-Infinity\n", ["line 2, column 'y'", "not a finite number"]),
    ],
)
def test_csv_errors_name_file_line_and_column(tmp_path, text, pieces):
    p = write(tmp_path, text)
    with pytest.raises(DataError) as e:
        load_csv(p)
    msg = str(e.value)
    assert "\n" not in msg
    for piece in pieces:
        assert piece in msg


def test_csv_missing_file_and_directory(tmp_path):
    with pytest.raises(DataError, match="nope.csv: no such file"):
        load_csv(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="nope.csv: no such file"):
        load_dataset(str(tmp_path / "nope.csv"))
    with pytest.raises(DataError, match="directory"):
        load_csv(tmp_path)


def test_csv_not_utf8(tmp_path):
    p = tmp_path / "data.csv"
    p.write_bytes(b"x,y\n1,\xff\n")
    with pytest.raises(DataError, match="UTF-8"):
        load_csv(p)


# -------------------------------------------------------------------- sampler
def test_full_batch_sampler_gives_none():
    assert BatchSampler(10, None, 0).rows(1) is None
    assert BatchSampler(10, 10, 0).rows(5) is None
    assert BatchSampler(10, 50, 0).full_batch


def test_batch_is_pure_function_of_seed_and_step():
    a = BatchSampler(103, 8, seed=5)
    b = BatchSampler(103, 8, seed=5)
    steps = [1, 40, 3, 14, 13, 2, 100, 1]
    for t in steps:  # order of the calls does not matter
        assert np.array_equal(a.rows(t), BatchSampler(103, 8, seed=5).rows(t))
    assert [b.rows(t).tolist() for t in steps] == [a.rows(t).tolist() for t in steps]
    assert not np.array_equal(BatchSampler(103, 8, seed=6).rows(1), a.rows(1))


def test_epochs_cover_every_row_once_last_batch_smaller():
    s = BatchSampler(10, 4, seed=0)
    assert s.batches_per_epoch == 3
    for epoch in range(3):
        batches = [s.rows(epoch * 3 + i + 1) for i in range(3)]
        assert [len(b) for b in batches] == [4, 4, 2]
        assert sorted(np.concatenate(batches).tolist()) == list(range(10))
    # different epochs shuffle differently
    assert s.rows(1).tolist() != s.rows(4).tolist()


def test_permutation_comes_from_default_rng_seed_epoch():
    s = BatchSampler(50, 7, seed=3)
    perm = np.random.default_rng([3, 2]).permutation(50)
    t = 2 * s.batches_per_epoch + 1  # first step of epoch 2
    assert s.rows(t).tolist() == perm[:7].tolist()
    assert s.rows(t + 1).tolist() == perm[7:14].tolist()


def test_batch_one_visits_each_row_once_per_epoch():
    s = BatchSampler(7, 1, seed=11)
    for epoch in range(4):
        seen = [int(s.rows(epoch * 7 + i)[0]) for i in range(1, 8)]
        assert sorted(seen) == list(range(7))


def test_sampler_rejects_bad_values():
    with pytest.raises(OptionError, match="batch size"):
        BatchSampler(10, 0, 0)
    with pytest.raises(OptionError, match="seed"):
        BatchSampler(10, 2, -1)
    with pytest.raises(ValueError):
        BatchSampler(10, 2, 0).rows(0)
    with pytest.raises(DataError):
        BatchSampler(0, 2, 0)
