"""Data sets for data-driven losses: built-in sets, CSV loading and the mini-batch sampler.

A loss such as ``(w*x + b - y)^2`` is a mean over the rows of a :class:`Dataset`.
:class:`BatchSampler` picks the rows of each step's mini-batch as a pure function of
``(seed, step)``, so going back and stepping again replays exactly the same batches.
"""

from __future__ import annotations

import csv
import keyword
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from gdtui.errors import DataError, OptionError

__all__ = [
    "BUILTIN_DATASETS",
    "BatchSampler",
    "Dataset",
    "builtin_dataset",
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
        f"unknown data set {name!r} (built-in: {', '.join(BUILTIN_DATASETS)}; or a path to a .csv file)"
    )


def load_dataset(spec: str, rows: int | None = None, seed: int = 0) -> Dataset:
    """A built-in data set name or a path to a CSV file (DataError / OptionError on bad input)."""
    if spec in BUILTIN_DATASETS:
        return builtin_dataset(spec, rows=rows, seed=seed)
    looks_like_path = spec.lower().endswith(".csv") or os.sep in spec or "/" in spec or os.path.exists(spec)
    if looks_like_path:
        if rows is not None:
            raise OptionError(f"a row count only applies to the generated data set noisy-line, not {spec}")
        return load_csv(spec)
    return builtin_dataset(spec)  # raises the "unknown data set" error


def require_columns(dataset: Dataset, columns: Sequence[str], source: str = "") -> None:
    """DataError if ``dataset`` lacks one of ``columns`` (``source`` says who needs them)."""
    for c in columns:
        if c not in dataset.columns:
            where = f" (used by {source})" if source else ""
            have = ", ".join(dataset.column_names) or "no columns"
            raise DataError(f"data set {dataset.name!r} has no column {c!r}{where} (it has {have})")


# ------------------------------------------------------------------------ CSV
def _valid_name(name: str) -> bool:
    return name.isascii() and name.isidentifier() and not keyword.iskeyword(name)


def load_csv(path: str | os.PathLike[str]) -> Dataset:
    """Read a CSV file: a header row of column names, then rows of finite numbers.

    Every problem is a :class:`DataError` naming the file, the line and the column.
    Blank lines are skipped; cells may have surrounding spaces.
    """
    label = str(path)
    p = Path(path)
    try:
        fh = open(p, newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{label}: is a directory, not a CSV file") from None
    except OSError as exc:
        raise DataError(f"{label}: cannot open ({exc.strerror or exc})") from None
    with fh:
        try:
            return _read_csv(fh, label, p.stem)
        except UnicodeDecodeError:
            raise DataError(f"{label}: not a UTF-8 text file") from None
        except csv.Error as exc:
            raise DataError(f"{label}: not valid CSV ({exc})") from None


def _read_csv(fh, label: str, name: str) -> Dataset:  # type: ignore[no-untyped-def]
    reader = csv.reader(fh)
    header: list[str] | None = None
    header_line = 0
    for cells in reader:
        if cells and any(c.strip() for c in cells):
            header = [c.strip() for c in cells]
            header_line = reader.line_num
            break
    if header is None:
        raise DataError(f"{label}: the file is empty (expected a header row of column names, e.g. x,y)")
    seen: dict[str, int] = {}
    for i, h in enumerate(header, start=1):
        if not _valid_name(h):
            shown = repr(h) if h else "an empty name"
            raise DataError(
                f"{label}, line {header_line}, column {i}: {shown} is not a valid column name "
                "(use letters, digits and _, not starting with a digit)"
            )
        if h in seen:
            raise DataError(
                f"{label}, line {header_line}: column {h!r} appears twice (columns {seen[h]} and {i})"
            )
        seen[h] = i
    ncol = len(header)
    values: list[list[float]] = [[] for _ in header]
    isfinite = math.isfinite
    for cells in reader:
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # blank line
        line = reader.line_num
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
                what = "an empty cell" if not text else f"{text!r} is not a number"
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
