"""Gradient noise: Gaussian kicks added to the gradient an optimizer sees.

Why: on x^2 - y^2 started exactly on the ridge (y = 0) the gradient has no y part,
so full-batch descent walks into the saddle and stalls there.  Real training has
noise (mini-batches); a little of it (sigma) pushes the run off the ridge and it
escapes.  The noise is an option of a run, recorded in its settings.

The noise of update t (1-based) is ``sigma * N(0, 1)`` per coordinate, a pure
function of ``(seed, t)``: blocks of :attr:`GradientNoise.BLOCK` steps come from
``np.random.default_rng([seed, TAG, block])``.  So going back and stepping again
replays exactly the same kicks, and a run in a :class:`~gdtui.engine.batch.RunBatch`
gets the same kicks as the same run alone.  The history keeps the true loss and
gradient; only the update uses the noisy gradient.
"""

from __future__ import annotations

import math

import numpy as np

from gdtui.errors import OptionError

__all__ = ["GradientNoise", "make_noise"]

#: Keeps the noise streams apart from the mini-batch shuffling streams of the same seed.
TAG = 0x6E6F6973


class GradientNoise:
    """Seeded Gaussian gradient noise of standard deviation ``sigma`` in ``dims`` coordinates."""

    __slots__ = ("sigma", "dims", "seed", "_cache")

    #: Steps drawn at once (one generator per block keeps a step's cost constant).
    BLOCK = 256

    def __init__(self, sigma: float, dims: int, seed: int = 0) -> None:
        try:
            sigma = float(sigma)
        except (TypeError, ValueError):
            raise OptionError(f"noise must be a number, got {sigma!r}") from None
        if not (math.isfinite(sigma) and sigma >= 0):
            raise OptionError(f"noise must be a finite number >= 0, got {sigma}")
        if not isinstance(seed, (int, np.integer)) or seed < 0:
            raise OptionError(f"seed must be a whole number >= 0, got {seed!r}")
        self.sigma = sigma
        self.dims = int(dims)
        self.seed = int(seed)
        self._cache: dict[int, np.ndarray] = {}

    def _block(self, b: int) -> np.ndarray:
        block = self._cache.get(b)
        if block is None:
            rng = np.random.default_rng([self.seed, TAG, b])
            block = rng.standard_normal((self.BLOCK, self.dims)) * self.sigma
            block.flags.writeable = False
            if len(self._cache) >= 2:  # bounded: stepping and going back cross one boundary
                self._cache.pop(max(self._cache, key=lambda e: abs(e - b)))
            self._cache[b] = block
        return block

    def at(self, t: int) -> np.ndarray:
        """The noise (dims,) added to the gradient of update ``t`` (1-based)."""
        if t < 1:
            raise ValueError(f"steps are numbered from 1, got {t}")
        b, i = divmod(t - 1, self.BLOCK)
        return self._block(b)[i]

    def __repr__(self) -> str:
        return f"GradientNoise(sigma={self.sigma}, dims={self.dims}, seed={self.seed})"


def make_noise(sigma: float | None, dims: int, seed: int = 0) -> GradientNoise | None:
    """The noise of a run, or None when ``sigma`` is None or 0 (no noise)."""
    if sigma is None:
        return None
    noise = GradientNoise(sigma, dims, seed)
    return noise if noise.sigma > 0 else None
