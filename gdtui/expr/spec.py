"""What the symbolic worker sends back for one function, and the version of the code that makes it.

Its own module so that the worker (:mod:`gdtui.expr.worker`, main process), the
generator (:mod:`gdtui.expr.symbolic`, child process) and the disk cache
(:mod:`gdtui.expr.spec_cache`) can share it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GENERATOR_VERSION", "CompiledSpec"]

#: The version of the generated code.  Raise it with every change that changes
#: what :mod:`gdtui.expr.symbolic` emits (printers, guards, stable forms, cse),
#: then run ``make presets``: cached entries made by another version then miss,
#: and tests/expr/test_spec_cache.py fails while the shipped presets are stale.
GENERATOR_VERSION = 3


@dataclass(frozen=True)
class CompiledSpec:
    """What the worker works out for one function (plain strings: picklable).

    ``*_source`` are Python source of ``scalar_fn`` (math on floats; None when the
    function uses data columns), ``array_fn`` and ``hessian_fn`` (numpy), with the
    contract of :mod:`gdtui.engine.objective`; arguments are the parameters then
    the columns, in the order of ``params`` and ``columns``.  Formulas use ``^``.
    """

    params: tuple[str, ...]
    columns: tuple[str, ...]
    formula: str
    derivative_formulas: tuple[str, ...]
    hessian_formulas: tuple[tuple[str, ...], ...]
    scalar_source: str | None
    array_source: str
    hessian_source: str
