"""Data sets for data-driven losses: built-in sets, CSV loading and the mini-batch sampler.

A loss such as ``(w*x + b - y)^2`` is a mean over the rows of a :class:`Dataset`.
:class:`BatchSampler` picks the rows of each step's mini-batch as a pure function of
``(seed, step)``, so going back and stepping again replays exactly the same batches.
"""

from __future__ import annotations

import csv
import io
import itertools
import keyword
import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Mapping, Sequence

import numpy as np

from gdtui.errors import DataError, OptionError
from gdtui.files import DATA_LIMIT, FileLimitError, open_bounded
from gdtui.sanitize import shown

__all__ = [
    "BUILTIN_DATASETS",
    "BatchSampler",
    "Dataset",
    "builtin_dataset",
    "csv_columns",
    "dataset_columns",
    "load_csv",
    "load_dataset",
    "require_columns",
]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Named numeric columns of equal length (float64)."""

    name: str
    columns: Mapping[str, np.ndarray]

    def __post_init__(self) -> None:
        cols = {k: np.ascontiguousarray(v, dtype=float) for k, v in self.columns.items()}
        lengths = {len(v) for v in cols.values()}
        if len(lengths) > 1:
            raise ValueError(f"data set {self.name!r}: columns have different lengths {sorted(lengths)}")
        for v in cols.values():
            v.flags.writeable = False  # shared with objectives and samplers: never edited
        object.__setattr__(self, "columns", cols)

    @property
    def n_rows(self) -> int:
        """Number of rows (0 for a data set without columns)."""
        for v in self.columns.values():
            return len(v)
        return 0

    @property
    def column_names(self) -> list[str]:
        """Column names in file / definition order."""
        return list(self.columns)

    def __repr__(self) -> str:
        return f"Dataset({self.name!r}, columns={self.column_names}, n_rows={self.n_rows})"


# ------------------------------------------------------------------ built-ins
def _hours() -> dict[str, np.ndarray]:
    # PyTorchZeroToAll, lecture 2: hours studied -> points; the answer is w = 2.
    return {"x": np.array([1.0, 2.0, 3.0]), "y": np.array([2.0, 4.0, 6.0])}


def _line() -> dict[str, np.ndarray]:
    x = np.arange(1.0, 6.0)
    return {"x": x, "y": 2 * x + 1}


def _pass_fail() -> dict[str, np.ndarray]:
    # Hours studied -> passed (1) or not (0).  Not separable (2.5 h passed, 3 h failed),
    # so logistic regression has a finite minimum.
    x = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0])
    y = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0])
    return {"x": x, "y": y}


def _noisy_line(rows: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 5.0, rows)
    return {"x": x, "y": 2 * x + 1 + rng.normal(0.0, 0.5, rows)}


#: Built-in data sets: name -> one-line description.
BUILTIN_DATASETS: dict[str, str] = {
    "hours": "x = hours studied 1, 2, 3 -> y = points 2, 4, 6 (PyTorchZeroToAll)",
    "line": "x = 1..5, y = 2x + 1 exactly",
    "noisy-line": "x uniform in [0, 5], y = 2x + 1 + Gaussian noise (sigma 0.5); rows (100) and seed",
    "pass-fail": "x = hours studied 0.5..5, y = passed (1) or not (0), for logistic regression",
}

_FIXED = {"hours": _hours, "line": _line, "pass-fail": _pass_fail}


def builtin_dataset(name: str, rows: int | None = None, seed: int = 0) -> Dataset:
    """A built-in data set by name; ``rows`` and ``seed`` only apply to ``noisy-line``."""
    if name == "noisy-line":
        n = 100 if rows is None else rows
        if not isinstance(n, int) or n < 1:
            raise OptionError(f"rows for data set 'noisy-line' must be a whole number >= 1, got {rows!r}")
        return Dataset(name, _noisy_line(n, seed))
    if name in _FIXED:
        ds = Dataset(name, _FIXED[name]())
        if rows is not None and rows != ds.n_rows:
            raise OptionError(
                f"data set {name!r} has a fixed {ds.n_rows} rows; a row count only applies to noisy-line"
            )
        return ds
    raise DataError(
        f"unknown data set {shown(name)!r} (built-in: {', '.join(BUILTIN_DATASETS)}; or a path to a .csv file)"
    )


def _is_path(spec: str, rows: int | None) -> bool:
    """True when ``spec`` names a CSV file rather than a built-in set (OptionError for rows on a file)."""
    if spec in BUILTIN_DATASETS:
        return False
    looks_like_path = spec.lower().endswith(".csv") or os.sep in spec or "/" in spec or os.path.exists(spec)
    if looks_like_path and rows is not None:
        raise OptionError(f"a row count only applies to the generated data set noisy-line, not {shown(spec)}")
    return looks_like_path


def load_dataset(
    spec: str, rows: int | None = None, seed: int = 0, progress: Callable[[float], None] | None = None
) -> Dataset:
    """A built-in data set name or a path to a CSV file (DataError / OptionError on bad input).

    ``progress`` is passed to :func:`load_csv` (called with 0..1 while a file loads).
    """
    if _is_path(spec, rows):
        return load_csv(spec, progress)
    return builtin_dataset(spec, rows=rows, seed=seed)  # or the "unknown data set" error


def dataset_columns(spec: str, rows: int | None = None, seed: int = 0) -> list[str]:
    """The column names of a data set without loading its rows (a CSV file's header only).

    For start-up checks: the same errors as :func:`load_dataset` for the name, the
    file and its header, in milliseconds even for a big file.
    """
    if _is_path(spec, rows):
        return csv_columns(spec)
    return builtin_dataset(spec, rows=rows, seed=seed).column_names


def require_columns(dataset: Dataset, columns: Sequence[str], source: str = "") -> None:
    """DataError if ``dataset`` lacks one of ``columns`` (``source`` says who needs them)."""
    for c in columns:
        if c not in dataset.columns:
            where = f" (used by {source})" if source else ""
            have = ", ".join(dataset.column_names) or "no columns"
            raise DataError(f"data set {dataset.name!r} has no column {c!r}{where} (it has {have})")


# ------------------------------------------------------------------------ CSV
#: Longest header line read by the start-up check (a file without newlines is refused early).
HEADER_LIMIT = 64 * 1024
#: Data rows parsed per numpy call (progress is reported after each).
_CHUNK_ROWS = 1 << 16


def _valid_name(name: str) -> bool:
    return name.isascii() and name.isidentifier() and not keyword.iskeyword(name)


def _open_csv(path: str | os.PathLike[str]) -> tuple[BinaryIO, int, str]:
    """The CSV file opened once as a bounded regular file: (binary file, size, label)."""
    try:
        fh, size = open_bounded(path, DATA_LIMIT, "data file")
    except FileLimitError as exc:
        raise DataError(str(exc)) from None
    return fh, size, shown(os.fspath(path))


def _text(fh: BinaryIO) -> io.TextIOWrapper:
    return io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")


def _header(lines: Iterator[str], label: str) -> tuple[list[str], int]:
    """The checked column names and the header's line number (DataError naming file, line, column)."""
    reader = csv.reader(lines)
    header: list[str] | None = None
    header_line = 0
    try:
        for cells in reader:
            if cells and any(c.strip() for c in cells):
                header = [c.strip() for c in cells]
                header_line = reader.line_num
                break
    except UnicodeDecodeError:
        raise DataError(f"{label}: not a UTF-8 text file") from None
    except csv.Error as exc:
        raise DataError(f"{label}: not valid CSV ({shown(exc)})") from None
    if header is None:
        raise DataError(f"{label}: the file is empty (expected a header row of column names, e.g. x,y)")
    seen: dict[str, int] = {}
    for i, h in enumerate(header, start=1):
        if not _valid_name(h):
            what = repr(shown(h, 40)) if h else "an empty name"
            raise DataError(
                f"{label}, line {header_line}, column {i}: {what} is not a valid column name "
                "(use letters, digits and _, not starting with a digit)"
            )
        if h in seen:
            raise DataError(
                f"{label}, line {header_line}: column {h!r} appears twice (columns {seen[h]} and {i})"
            )
        seen[h] = i
    return header, header_line


def _bounded_lines(text: io.TextIOWrapper, label: str) -> Iterator[str]:
    """Lines of at most HEADER_LIMIT characters (a longer one is refused, not read whole)."""
    while True:
        line = text.readline(HEADER_LIMIT)
        if not line:
            return
        if len(line) >= HEADER_LIMIT and not line.endswith(("\n", "\r")):
            raise DataError(
                f"{label}: a line before the data is longer than {HEADER_LIMIT // 1024} KB "
                "(expected a header row of column names, e.g. x,y)"
            )
        yield line


def csv_columns(path: str | os.PathLike[str]) -> list[str]:
    """The column names of a CSV file, reading only its header row (for start-up checks).

    The same checks and messages as :func:`load_csv` for the file and its header;
    the data rows are not read.
    """
    fh, _, label = _open_csv(path)
    with fh:
        return _header(_bounded_lines(_text(fh), label), label)[0]


def load_csv(path: str | os.PathLike[str], progress: Callable[[float], None] | None = None) -> Dataset:
    """Read a CSV file: a header row of column names, then rows of finite numbers.

    The file is opened once and must be a regular file of at most 256 MB.  The rows
    are parsed once, straight into numpy arrays, in chunks; ``progress`` (if given)
    is called with the share of the file read so far (0..1) after each chunk, from
    the calling thread.  Every problem is a :class:`DataError` naming the file, the
    line and the column.  Blank lines are skipped; cells may have surrounding spaces.
    """
    fh, size, label = _open_csv(path)
    name = shown(Path(path).stem, 60)
    with fh:
        try:
            dataset = _read_fast(fh, size, label, name, progress)
            if dataset is None:  # something is wrong: find the first bad cell and say where
                fh.seek(0)
                dataset = _read_checked(_text(fh), label, name)
        except UnicodeDecodeError:
            raise DataError(f"{label}: not a UTF-8 text file") from None
        except csv.Error as exc:
            raise DataError(f"{label}: not valid CSV ({shown(exc)})") from None
    return dataset


def _read_fast(
    fh: BinaryIO, size: int, label: str, name: str, progress: Callable[[float], None] | None
) -> Dataset | None:
    """numpy's parser over chunks of lines; None when a chunk is not clean numbers."""
    text = _text(fh)
    try:
        return _parse_chunks(text, fh, size, label, name, progress)
    finally:
        text.detach()  # keep ``fh`` open: the checked reader may read it again


def _parse_chunks(
    text: io.TextIOWrapper, fh: BinaryIO, size: int, label: str, name: str,
    progress: Callable[[float], None] | None,
) -> Dataset | None:
    header, _ = _header(_bounded_lines(text, label), label)
    ncol = len(header)
    chunks: list[np.ndarray] = []
    while True:
        raw = list(itertools.islice(text, _CHUNK_ROWS))
        if not raw:
            break
        # numpy skips empty lines and refuses 1_000 (which float() would take); anything
        # else it refuses (a line of spaces, a bad cell) goes to the checked reader.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data" for a chunk of blank lines
            try:
                block = np.loadtxt(raw, delimiter=",", quotechar='"', comments=None, ndmin=2, dtype=float)
            except ValueError:
                return None
        if block.size:
            if block.shape[1] != ncol or not np.isfinite(block).all():
                return None
            chunks.append(block)
        if progress is not None and size:
            progress(min(1.0, fh.tell() / size))
    if not chunks:
        return None  # no data rows: the checked reader says so with the line
    data = np.concatenate(chunks) if len(chunks) > 1 else chunks[0]
    return Dataset(name, {h: data[:, j] for j, h in enumerate(header)})


def _read_checked(fh, label: str, name: str) -> Dataset:  # type: ignore[no-untyped-def]
    """The slow reader, cell by cell: the exact error for a file numpy refused."""
    header, header_line = _header(_bounded_lines(fh, label), label)
    reader = csv.reader(fh)
    ncol = len(header)
    values: list[list[float]] = [[] for _ in header]
    isfinite = math.isfinite
    for cells in reader:
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # blank line
        line = header_line + reader.line_num
        if len(cells) != ncol:
            raise DataError(
                f"{label}, line {line}: {len(cells)} cells, but the header has {ncol} columns"
            )
        for j, cell in enumerate(cells):
            try:
                v = float(cell)
                bad = "_" in cell  # float() accepts 1_000; a CSV number should not
            except ValueError:
                bad = True
            if bad:
                text = cell.strip()
                what = "an empty cell" if not text else f"{shown(text, 40)!r} is not a number"
                raise DataError(f"{label}, line {line}, column {header[j]!r}: {what}")
            if not isfinite(v):
                raise DataError(
                    f"{label}, line {line}, column {header[j]!r}: {cell.strip()!r} is not a finite number"
                )
            values[j].append(v)
    if not values[0]:
        raise DataError(f"{label}: no data rows after the header (line {header_line})")
    return Dataset(name, {h: np.array(v, dtype=float) for h, v in zip(header, values)})


# -------------------------------------------------------------------- sampler
class BatchSampler:
    """The rows of each step's mini-batch, as a pure function of ``(seed, step)``.

    Step ``t`` (1-based) is in epoch ``(t-1) // batches_per_epoch``; each epoch uses
    its own permutation from ``np.random.default_rng([seed, epoch])`` and the batches
    are consecutive slices of it, the last one smaller when ``batch_size`` does not
    divide ``n_rows`` (like torch's DataLoader with ``drop_last=False``).  One
    permutation per epoch keeps a step's cost independent of the data set size.
    ``batch_size`` None or >= ``n_rows`` means the full batch: ``rows(t)`` is None.
    """

    __slots__ = ("n_rows", "batch_size", "seed", "batches_per_epoch", "_cache")

    def __init__(self, n_rows: int, batch_size: int | None, seed: int = 0) -> None:
        if n_rows < 1:
            raise DataError("the data set has no rows")
        if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
            raise OptionError(f"batch size must be a whole number >= 1, got {batch_size!r}")
        if not isinstance(seed, (int, np.integer)) or seed < 0:
            raise OptionError(f"seed must be a whole number >= 0, got {seed!r}")
        self.n_rows = int(n_rows)
        self.seed = int(seed)
        full = batch_size is None or batch_size >= n_rows
        self.batch_size: int | None = None if full else int(batch_size)  # type: ignore[arg-type]
        self.batches_per_epoch = 1 if self.batch_size is None else -(-self.n_rows // self.batch_size)
        self._cache: dict[int, np.ndarray] = {}

    @property
    def full_batch(self) -> bool:
        """True when every step sees all rows."""
        return self.batch_size is None

    def permutation(self, epoch: int) -> np.ndarray:
        """The order of the rows in ``epoch`` (0-based); cached for the last two epochs."""
        perm = self._cache.get(epoch)
        if perm is None:
            perm = np.random.default_rng([self.seed, epoch]).permutation(self.n_rows)
            perm.flags.writeable = False
            if len(self._cache) >= 2:  # keep two epochs: stepping and going back cross one boundary
                self._cache.pop(max(self._cache, key=lambda e: abs(e - epoch)))
            self._cache[epoch] = perm
        return perm

    def rows(self, step: int) -> np.ndarray | None:
        """Row indices of the batch for update ``step`` (1-based), or None for the full batch."""
        B = self.batch_size
        if B is None:
            return None
        if step < 1:
            raise ValueError(f"steps are numbered from 1, got {step}")
        epoch, i = divmod(step - 1, self.batches_per_epoch)
        perm = self._cache.get(epoch)
        if perm is None:
            perm = self.permutation(epoch)
        return perm[i * B : (i + 1) * B]

    def epoch_of(self, step: int) -> int:
        """The 0-based epoch that update ``step`` belongs to."""
        return (step - 1) // self.batches_per_epoch

    def __repr__(self) -> str:
        return f"BatchSampler(n_rows={self.n_rows}, batch_size={self.batch_size}, seed={self.seed})"
