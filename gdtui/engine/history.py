"""Compact float64 history of one run: one row per step, stored in a growing numpy block.

Row layout (``width = 2*D + 2 + S`` floats)::

    w (D) | loss | grad (D) | lr | optimizer state (S, flattened)

The update is not stored: by the optimizer contract it is ``new_w - w``, so
``w[k] - w[k-1]`` gives it back bit for bit (same IEEE subtraction) and a row is
D floats smaller and one call cheaper to append.

Appending must cost far less than a step (a few microseconds), and numpy element
assignment is slow, so new rows go to a flat Python list (``pending``: just
references to floats that already exist) and are flushed to the numpy block in
chunks with one ``np.fromiter``.  The block grows by doubling (capped at
``max_rows``).  Views (``.w``, ``.loss`` ...) flush first and are cached until the
next append or truncation.
"""

from __future__ import annotations

import math

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

__all__ = ["History", "StepRecord"]


@dataclass(frozen=True)
class StepRecord:
    """Everything about row ``k`` of a run, as plain Python values."""

    k: int
    w: list[float]
    loss: float
    grad: list[float]
    update: list[float]
    lr: float
    state: dict[str, list[float]]
    note: str | None = None

    @property
    def grad_norm(self) -> float:
        """‖∇f‖ at this row (what the convergence test compares with tol)."""
        return math.hypot(*self.grad)


class History:
    """Rows of (w, loss, grad, update, lr, state) for one run, plus notes by row."""

    #: Rows kept in the Python list before a flush to numpy (bounded, so memory is too).
    FLUSH_ROWS = 4096

    def __init__(
        self,
        dims: int,
        state_layout: Sequence[tuple[str, int]] = (),
        *,
        capacity: int = 1024,
        max_rows: int | None = None,
    ) -> None:
        """``state_layout``: (name, number of floats) per optimizer state entry."""
        if dims < 1:
            raise ValueError("a history needs at least one parameter")
        self.dims = D = int(dims)
        self.state_layout: tuple[tuple[str, int], ...] = tuple((str(n), int(s)) for n, s in state_layout)
        self.state_size = sum(s for _, s in self.state_layout)
        self.width = 2 * D + 2 + self.state_size
        self.max_rows = max_rows
        cap = max(1, capacity if max_rows is None else min(capacity, max_rows))
        self._buf = np.empty((cap, self.width))
        self._n = 0  # rows in _buf
        #: Rows not yet flushed, flattened.  Run's hot loop extends it directly.
        self.pending: list[float] = []
        self.pending_limit = self.FLUSH_ROWS * self.width
        self.notes: dict[int, str] = {}
        self._views: dict[str, np.ndarray] = {}
        # column slices
        self._sl_w = slice(0, D)
        self._i_loss = D
        self._sl_grad = slice(D + 1, 2 * D + 1)
        self._i_lr = 2 * D + 1
        self._sl_state = slice(2 * D + 2, self.width)

    # --------------------------------------------------------------- writing
    def append(
        self,
        w: Iterable[float],
        loss: float,
        grad: Iterable[float],
        lr: float,
        state: Iterable[Iterable[float] | float] = (),
        note: str | None = None,
    ) -> None:
        """Add one row (the general path; Run's hot loop extends ``pending`` itself).

        The update is not passed: it is ``w - previous w`` (see the module docstring).
        """
        p = self.pending
        before = len(p)
        p.extend(w)
        p.append(loss)
        p.extend(grad)
        p.append(lr)
        for s in state:
            if isinstance(s, (int, float)):
                p.append(s)
            else:
                p.extend(s)
        if len(p) - before != self.width:
            del p[before:]
            raise ValueError(f"row has the wrong number of values (expected {self.width})")
        if note is not None:
            self.notes[len(self) - 1] = note
        if len(p) >= self.pending_limit:
            self.flush()

    def flush(self) -> None:
        """Move pending rows into the numpy block (growing it if needed)."""
        p = self.pending
        if not p:
            return
        rows = len(p) // self.width
        need = self._n + rows
        if need > len(self._buf):
            cap = len(self._buf)
            while cap < need:
                cap *= 2
            if self.max_rows is not None:
                cap = max(need, min(cap, self.max_rows))
            new = np.empty((cap, self.width))
            new[: self._n] = self._buf[: self._n]
            self._buf = new
        block = np.fromiter(p, dtype=float, count=rows * self.width)
        self._buf[self._n : need] = block.reshape(rows, self.width)
        self._n = need
        p.clear()
        self._views.clear()

    def truncate(self, k: int) -> None:
        """Keep rows 0..k (k = -1 empties the history); notes after k are dropped."""
        if k < -1 or k >= len(self):
            raise IndexError(f"cannot truncate to row {k}: the history has rows 0..{len(self) - 1}")
        self.flush()
        self._n = k + 1
        if self.notes and max(self.notes) > k:
            self.notes = {s: n for s, n in self.notes.items() if s <= k}
        self._views.clear()

    def clear(self) -> None:
        """Remove every row."""
        self.truncate(-1)

    # --------------------------------------------------------------- reading
    def __len__(self) -> int:
        return self._n + len(self.pending) // self.width

    @property
    def n(self) -> int:
        """Number of rows (steps taken + 1 once the start row is in)."""
        return len(self)

    def _view(self, key: str, cols: slice | int) -> np.ndarray:
        if self.pending:
            self.flush()
        v = self._views.get(key)
        if v is None:
            v = self._buf[: self._n, cols]
            v.flags.writeable = False
            self._views[key] = v
        return v

    @property
    def w(self) -> np.ndarray:
        """Parameters per row, (n, D).  A read-only view: copy it to keep it across back()."""
        return self._view("w", self._sl_w)

    @property
    def loss(self) -> np.ndarray:
        """Loss per row, (n,)."""
        return self._view("loss", self._i_loss)

    @property
    def grad(self) -> np.ndarray:
        """Gradient per row, (n, D)."""
        return self._view("grad", self._sl_grad)

    def grad_norms(self, start: int, stop: int) -> np.ndarray:
        """‖∇f‖ of rows start..stop-1, (stop - start,)."""
        g = self.grad[start:stop]
        return np.sqrt((g * g).sum(axis=1))

    @property
    def update(self) -> np.ndarray:
        """The update that produced each row's w, (n, D) (zeros in row 0); computed, cached."""
        w = self.w
        v = self._views.get("update")
        if v is None:
            v = np.zeros_like(w)
            np.subtract(w[1:], w[:-1], out=v[1:])
            v.flags.writeable = False
            self._views["update"] = v
        return v

    @property
    def lr(self) -> np.ndarray:
        """Learning rate of each row's update, (n,) (0 in row 0)."""
        return self._view("lr", self._i_lr)

    @property
    def state(self) -> np.ndarray:
        """Flattened optimizer state per row, (n, S)."""
        return self._view("state", self._sl_state)

    def _raw(self, k: int) -> np.ndarray:
        n = len(self)
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError(f"row {k} is not in the history (rows 0..{n - 1})")
        if k < self._n:
            return self._buf[k]
        start = (k - self._n) * self.width
        return np.array(self.pending[start : start + self.width], dtype=float)

    def state_of(self, k: int) -> tuple[list[float], ...]:
        """The optimizer state after row k: one list of floats per state entry."""
        raw = self._raw(k)[self._sl_state].tolist()
        out: list[list[float]] = []
        i = 0
        for _, size in self.state_layout:
            out.append(raw[i : i + size])
            i += size
        return tuple(out)

    def row(self, k: int) -> StepRecord:
        """Row k as a :class:`StepRecord` (state by its stored names, raw)."""
        n = len(self)
        kk = k + n if k < 0 else k
        raw = self._raw(kk).tolist()
        D = self.dims
        if kk > 0:
            prev = self._raw(kk - 1)[:D].tolist()
            update = [a - b for a, b in zip(raw[:D], prev)]
        else:
            update = [0.0] * D
        state = {name: s for (name, _), s in zip(self.state_layout, self.state_of(kk))}
        return StepRecord(
            k=kk,
            w=raw[0:D],
            loss=raw[D],
            grad=raw[D + 1 : 2 * D + 1],
            update=update,
            lr=raw[2 * D + 1],
            state=state,  # type: ignore[arg-type]
            note=self.notes.get(kk),
        )

    def nbytes(self) -> int:
        """Bytes held by the numpy block (the pending list is bounded by FLUSH_ROWS)."""
        return int(self._buf.nbytes)

    def __repr__(self) -> str:
        return f"History(rows={len(self)}, dims={self.dims}, state={self.state_layout})"
