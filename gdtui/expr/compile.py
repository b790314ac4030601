"""Typed text -> :class:`~gdtui.engine.objective.Objective`.

The text is parsed here (fast, no sympy); the symbolic work runs in the worker
process (:mod:`gdtui.expr.worker`), which sends back formulas and Python source;
the source is turned into functions here.  This module never imports sympy, so
the CLI and the TUI start fast.  What the worker sends is kept in memory and on disk
(:mod:`gdtui.expr.spec_cache`; presets ship precompiled), so the same function never
waits for sympy twice.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import replace
from typing import Any, Callable, Iterable

import numpy as np

from gdtui.engine.objective import Objective
from gdtui.expr import spec_cache
from gdtui.expr.codecheck import GeneratedCodeError, check_generated
from gdtui.expr.errors import ExprError
from gdtui.expr.parse import parse, split_variables, to_text
from gdtui.expr.spec import CompiledSpec
from gdtui.expr.worker import DEFAULT_TIMEOUT, SymbolicWorker, default_worker
from gdtui.generated import register_source

__all__ = ["compile_function", "load_function", "objective_from_spec"]

#: All the builtins generated code may use (the printers emit abs and max).
_BUILTINS = {
    "abs": abs, "max": max,
    "TypeError": TypeError, "ValueError": ValueError, "ZeroDivisionError": ZeroDivisionError,
}  # fmt: skip
_CACHE_SIZE = 64
# key -> [objective, spec, stored on disk]
_cache: "OrderedDict[tuple, list[Any]]" = OrderedDict()
_cache_lock = threading.Lock()


def load_function(source: str, name: str) -> Callable[..., Any]:
    """The function ``name`` defined by generated ``source``.

    The source comes from the worker: sympy's code printers applied to sympy
    objects built from the allowlisted :class:`~gdtui.expr.parse.Node` tree, with
    every variable renamed ``_a0, _a1, ...``.  It is generated code, not typed
    text (formulas with typed names are only ever displayed), so compiling it is
    safe.  It runs in a fresh namespace holding only ``math``, ``numpy`` and the
    few builtins the printers use.
    """
    check_generated(source, name)  # never execute what the generator cannot have written
    # Bounded: a class typing function after function must not grow linecache forever.
    code = compile(source, register_source(source, name, bounded=True), "exec")
    namespace: dict[str, Any] = {"__builtins__": dict(_BUILTINS), "math": math, "numpy": np}
    exec(code, namespace)
    return namespace[name]


def objective_from_spec(spec: CompiledSpec, text: str = "") -> Objective:
    """An (unbound) Objective from what the worker worked out."""
    scalar = load_function(spec.scalar_source, "scalar_fn") if spec.scalar_source else None
    return Objective(
        params=spec.params,
        array_fn=load_function(spec.array_source, "array_fn"),
        hessian_fn=load_function(spec.hessian_source, "hessian_fn"),
        scalar_fn=scalar,
        columns=spec.columns,
        text=text,
        formula=spec.formula,
        derivative_formulas=spec.derivative_formulas,
        hessian_formulas=spec.hessian_formulas,
    )


def compile_function(
    text: str,
    columns: Iterable[str] = (),
    *,
    timeout: float = DEFAULT_TIMEOUT,
    worker: SymbolicWorker | None = None,
    store: bool = True,
) -> Objective:
    """Compile a typed loss into an :class:`Objective`; ExprError if it cannot be used.

    Names in ``columns`` that appear in the text are data columns; every other
    variable is a parameter (in order of first appearance).  The symbolic work runs
    in ``worker`` (default: :func:`~gdtui.expr.worker.default_worker`) and may take
    at most ``timeout`` seconds.  Blocks: call it from a thread in a UI.  Results
    are kept in memory, so compiling the same function again is instant; with
    ``store`` (a function that is applied, not an as-you-type preview) also in the
    user's disk cache.
    """
    columns = tuple(columns)
    tree = parse(text, columns)
    params, used = split_variables(tree, columns, text)
    key = (to_text(tree), params, used)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
    if hit is None:
        disk_key = spec_cache.cache_key(key[0], params, used)
        objective, spec = _from_disk(disk_key, tree, params, used)
        stored = spec is not None
        if objective is None:
            try:
                spec = (worker or default_worker()).compile(tree, params, used, timeout=timeout)
                objective = objective_from_spec(spec)
            except ExprError as err:
                raise err.with_text(text) from None
            except GeneratedCodeError as exc:  # a generator bug: refuse, never run it
                raise ExprError(f"could not compile the derivatives ({exc})", text) from None
        hit = [objective, spec, stored]
        with _cache_lock:
            _cache[key] = hit
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    if store and not hit[2]:
        spec_cache.store(spec_cache.cache_key(key[0], params, used), hit[1])
        hit[2] = True
    return replace(hit[0], text=text)


def _from_disk(disk_key: str, tree: Any, params: tuple[str, ...], used: tuple[str, ...]) -> tuple[Any, Any]:
    """(objective, spec) from the shipped presets or the user's cache, or (None, None).

    A user entry is executed only after its source passed the check in
    :func:`~gdtui.expr.spec_cache.spec_from_json`, and kept only if its value and
    gradient agree with the typed tree (:func:`~gdtui.expr.spec_cache.verify`).
    """
    spec = spec_cache.load(disk_key)
    if spec is None:
        return None, None
    if spec.params != params or spec.columns != used:
        spec_cache.discard(disk_key)
        return None, None
    try:
        objective = objective_from_spec(spec)
    except (GeneratedCodeError, SyntaxError, ValueError, KeyError, RecursionError, MemoryError):
        spec_cache.discard(disk_key)
        return None, None
    if disk_key not in spec_cache.packaged_keys() and not spec_cache.verify(objective, tree, params, used):
        spec_cache.discard(disk_key)
        return None, None
    return objective, spec
