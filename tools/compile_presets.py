"""Precompile every preset's function into gdtui/expr/presets_compiled.json.

Run after changing the presets or the code generator (tests/expr/test_spec_cache.py
fails until you do):  .venv/bin/python tools/compile_presets.py
"""

from __future__ import annotations

import json

from gdtui.engine.data import load_dataset
from gdtui.engine.presets import PRESETS
from gdtui.expr import spec_cache
from gdtui.expr.parse import parse, split_variables, to_text
from gdtui.expr.worker import SymbolicWorker


def main() -> None:
    worker = SymbolicWorker()
    entries = {}
    for preset in PRESETS.values():
        columns = tuple(load_dataset(preset.data).column_names) if preset.data else ()
        tree = parse(preset.fn, columns)
        params, used = split_variables(tree, columns, preset.fn)
        spec = worker.compile(tree, params, used, timeout=30.0)
        entries[spec_cache.cache_key(to_text(tree), params, used)] = spec_cache.spec_to_json(spec)
    worker.shutdown()
    path = spec_cache.packaged_path()
    path.write_text(json.dumps(entries, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(entries)} functions to {path}")


if __name__ == "__main__":
    main()
