"""Generated source is registered in linecache, and per-use sources stay bounded."""

from __future__ import annotations

import linecache
import traceback

import pytest

from gdtui import generated
from gdtui.expr.compile import load_function


def test_tracebacks_in_a_loaded_function_show_its_generated_line():
    source = "def scalar_fn(_a0):\n    return 1.0 / _a0\n"
    fn = load_function(source, "scalar_fn")
    with pytest.raises(ZeroDivisionError) as info:
        fn(0.0)
    frame = traceback.extract_tb(info.tb)[-1]
    assert frame.filename.startswith("<gdtui scalar_fn ")
    assert frame.line == "return 1.0 / _a0"


def test_a_class_typing_many_functions_does_not_grow_linecache_without_end():
    names = set()
    for i in range(generated.BOUNDED_MAX + 40):
        source = f"def scalar_fn(_a0):\n    return _a0 * {i}.0\n"
        load_function(source, "scalar_fn")
        names.add(generated.register_source(source, "scalar_fn", bounded=True))
    kept = [name for name in names if name in linecache.cache]
    assert len(kept) == generated.BOUNDED_MAX
    # The newest stay (the last one registered is still readable).
    newest = generated.register_source("def scalar_fn(_a0):\n    return _a0 * 103.0\n", "scalar_fn", bounded=True)
    assert linecache.getlines(newest)[1].strip() == "return _a0 * 103.0"


def test_fixed_sources_are_kept():
    name = generated.register_source("x = 1\n", "fixed rule")
    for i in range(generated.BOUNDED_MAX + 5):
        generated.register_source(f"y = {i}\n", "per use", bounded=True)
    assert linecache.getlines(name) == ["x = 1\n"]
