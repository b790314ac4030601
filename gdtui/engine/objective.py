"""The contract between expressions and the engine: a compiled loss.

`gdtui.expr` turns typed text into an :class:`Objective`; tests may build one by
hand from plain Python functions.  The engine only ever sees this class.

Conventions for the three callables (all generated code, never user text):

* ``scalar_fn(*w) -> (f, (g_0, ..., g_{D-1}))`` on Python floats, for pure
  functions only (no data columns).  This is the fast path of a single run.
  It may raise ``ValueError``/``ZeroDivisionError`` (outside the domain) or
  ``OverflowError``; it may return a ``complex`` (e.g. ``(-8.0)**0.5``).
* ``array_fn(*w, *columns) -> (f, (g_0, ...))`` on numpy arrays that broadcast
  against each other; an element may be a plain constant (it is broadcast here).
* ``hessian_fn(*w, *columns) -> ((h_00, h_01, ...), (h_10, ...), ...)``, same
  broadcasting rules.

For a data-driven loss the value is the mean over the rows of the batch of the
per-row expression; gradient and Hessian are the means of the per-row ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Sequence

import numpy as np

__all__ = ["DomainError", "Objective"]


class DomainError(ArithmeticError):
    """The loss was evaluated outside its domain (log of a negative, 1/0, ...)."""


def _domain_reason(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, ZeroDivisionError) or "division" in text:
        return "division by zero"
    return "outside the domain of a function (e.g. log or sqrt of a negative number)"


@dataclass(frozen=True)
class Objective:
    """A loss f(w) (or mean over data rows of f(w, row)) with fast derivatives."""

    params: tuple[str, ...]
    array_fn: Callable[..., Any]
    hessian_fn: Callable[..., Any]
    scalar_fn: Callable[..., Any] | None = None
    columns: tuple[str, ...] = ()
    text: str = ""
    formula: str = ""
    derivative_formulas: tuple[str, ...] = ()
    hessian_formulas: tuple[tuple[str, ...], ...] = ()
    data: Mapping[str, np.ndarray] | None = field(default=None, compare=False)

    # ----------------------------------------------------------------- basics
    @property
    def dims(self) -> int:
        """Number of parameters D."""
        return len(self.params)

    @property
    def uses_data(self) -> bool:
        """True when the loss refers to data columns (it is a mean over rows)."""
        return bool(self.columns)

    @property
    def n_rows(self) -> int:
        """Rows in the bound data set (0 for a pure function)."""
        if not self.columns or self.data is None:
            return 0
        return len(self.data[self.columns[0]])

    def bind(self, data: Mapping[str, np.ndarray]) -> "Objective":
        """Return a copy bound to a data set holding (at least) every column used."""
        missing = [c for c in self.columns if c not in data]
        if missing:
            raise KeyError(f"data set has no column {missing[0]!r}")
        cols = {c: np.ascontiguousarray(data[c], dtype=float) for c in self.columns}
        return replace(self, data=cols)

    def _cols(self, rows: np.ndarray | None) -> list[np.ndarray]:
        if not self.columns:
            return []
        if self.data is None:
            raise ValueError("this loss uses data columns: bind a data set first")
        if rows is None:
            return [self.data[c] for c in self.columns]
        return [self.data[c][rows] for c in self.columns]

    # ------------------------------------------------------------ single run
    def value_grad(
        self, w: Sequence[float], rows: np.ndarray | None = None
    ) -> tuple[float, list[float]]:
        """f and ∇f at one point, as Python floats.

        Raises :class:`DomainError` outside the domain; overflow gives ``inf``.
        """
        if self.scalar_fn is not None and not self.columns:
            try:
                f, g = self.scalar_fn(*w)
            except (ValueError, ZeroDivisionError) as exc:
                raise DomainError(_domain_reason(exc)) from None
            except OverflowError:
                return math.inf, [math.inf] * self.dims
            if type(f) is complex or any(type(gi) is complex for gi in g):
                raise DomainError(_domain_reason(ValueError()))
            return float(f), [float(gi) for gi in g]
        with np.errstate(all="ignore"):
            f, g = self.array_fn(*w, *self._cols(rows))
            if self.columns:
                return float(np.mean(f)), [float(np.mean(gi)) for gi in g]
            return float(f), [float(gi) for gi in g]

    def value(self, w: Sequence[float], rows: np.ndarray | None = None) -> float:
        """f at one point (nan outside the domain)."""
        try:
            return self.value_grad(w, rows)[0]
        except DomainError:
            return math.nan

    def hessian(self, w: Sequence[float], rows: np.ndarray | None = None) -> np.ndarray:
        """The D×D Hessian at one point."""
        with np.errstate(all="ignore"):
            h = self.hessian_fn(*[float(x) for x in w], *self._cols(rows))
            if not self.columns:
                # the common case in one conversion (same values as the loop below)
                out = np.array(h)
                if out.dtype == np.float64 and out.shape == (self.dims, self.dims):
                    return out
            out = np.empty((self.dims, self.dims))
            for i, row in enumerate(h):
                for j, hij in enumerate(row):
                    out[i, j] = np.mean(hij) if self.columns else hij
        return out

    # ------------------------------------------------------------- many runs
    def value_grad_many(
        self, W: np.ndarray, rows: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """f (R,) and ∇f (R, D) for R points W (R, D) at once; nan outside the domain."""
        W = np.asarray(W, dtype=float)
        R = W.shape[0]
        with np.errstate(all="ignore"):
            if self.columns:
                cols = [c[None, :] for c in self._cols(rows)]
                f, g = self.array_fn(*[W[:, j, None] for j in range(self.dims)], *cols)
                loss = np.broadcast_to(f, (R, cols[0].shape[1])).mean(axis=1)
                grad = np.stack(
                    [np.broadcast_to(gi, (R, cols[0].shape[1])).mean(axis=1) for gi in g],
                    axis=1,
                )
            else:
                f, g = self.array_fn(*[W[:, j] for j in range(self.dims)])
                loss = np.broadcast_to(f, (R,)).astype(float)
                grad = np.stack([np.broadcast_to(gi, (R,)) for gi in g], axis=1).astype(float)
        return loss, grad

    def values_on(self, *axes: np.ndarray, max_rows: int = 2000) -> np.ndarray:
        """f evaluated on broadcasting arrays, one per parameter (for landscapes).

        For a data-driven loss the mean is taken over at most ``max_rows`` rows.
        """
        with np.errstate(all="ignore"):
            if not self.columns:
                f, _ = self.array_fn(*axes)
                shape = np.broadcast_shapes(*[np.shape(a) for a in axes])
                return np.broadcast_to(np.asarray(f, dtype=float), shape).copy()
            n = self.n_rows
            rows = None if n <= max_rows else np.linspace(0, n - 1, max_rows).astype(int)
            cols = self._cols(rows)
            shape = np.broadcast_shapes(*[np.shape(a) for a in axes])
            total = np.zeros(shape)
            for r in range(len(cols[0])):
                f, _ = self.array_fn(*axes, *[c[r] for c in cols])
                total = total + f
            return total / len(cols[0])
