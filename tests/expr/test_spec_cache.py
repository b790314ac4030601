"""The disk cache of compiled functions and the precompiled presets."""

from __future__ import annotations

import json
import os
import random

import pytest

from gdtui.engine.data import load_dataset
from gdtui.engine.presets import PRESETS
from gdtui.expr import compile as compile_module
from gdtui.expr import spec_cache
from gdtui.expr.compile import compile_function, objective_from_spec
from gdtui.expr.parse import parse, split_variables, to_text
from gdtui.expr.worker import SymbolicWorker


def _key(text: str, columns: tuple[str, ...] = ()) -> str:
    tree = parse(text, columns)
    params, used = split_variables(tree, columns, text)
    return spec_cache.cache_key(to_text(tree), params, used)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("GDTUI_CACHE_DIR", str(folder))
    monkeypatch.setattr(compile_module, "_cache", type(compile_module._cache)())  # empty memory cache
    return folder


def _shipped() -> dict:
    """Only the file that ships with gdtui (no user cache, no memory cache)."""
    return json.loads(spec_cache.packaged_path().read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_precompiled_and_current(name):
    """Fails when a preset, the generator version or sympy/numpy changed: run `make presets`."""
    preset = PRESETS[name]
    columns = tuple(load_dataset(preset.data).column_names) if preset.data else ()
    entry = _shipped().get(_key(preset.fn, columns))
    assert entry is not None, f"preset {name} is not precompiled for {spec_cache.versions()}: run make presets"
    spec_cache.spec_from_json(entry)  # and its source passes the generated-code check


def test_the_shipped_file_holds_nothing_but_current_presets():
    keys = set()
    for preset in PRESETS.values():
        columns = tuple(load_dataset(preset.data).column_names) if preset.data else ()
        keys.add(_key(preset.fn, columns))
    assert set(_shipped()) == keys


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_precompiled_presets_are_what_the_generator_makes_now(name, worker):
    """The shipped source is exactly what a fresh compile gives (else GENERATOR_VERSION was not raised)."""
    preset = PRESETS[name]
    columns = tuple(load_dataset(preset.data).column_names) if preset.data else ()
    tree = parse(preset.fn, columns)
    params, used = split_variables(tree, columns, preset.fn)
    shipped = _shipped()[_key(preset.fn, columns)]
    fresh = spec_cache.spec_to_json(worker.compile(tree, params, used, timeout=60.0))
    for field in ("scalar_source", "array_source", "hessian_source", "params", "columns", "formula"):
        assert shipped[field] == fresh[field], field
    packaged = objective_from_spec(spec_cache.spec_from_json(shipped))
    rng = random.Random(name)
    for _ in range(3):
        w = [rng.uniform(0.1, 2.0) for _ in params]
        cols = [rng.uniform(0.1, 0.9) for _ in used]
        f1, _ = packaged.array_fn(*w, *cols)
        assert f1 == pytest.approx(objective_from_spec(worker.compile(tree, params, used)).array_fn(*w, *cols)[0])


def test_a_compiled_function_is_kept_and_reused_without_the_worker(cache_dir):
    text = "x^3 - 2*x*y + tanh(y)"
    busy = SymbolicWorker()
    try:
        first = compile_function(text, worker=busy)
    finally:
        busy.shutdown()
    assert (cache_dir / f"{_key(text)}.json").exists()
    assert oct(cache_dir.stat().st_mode & 0o777) == "0o700"
    compile_module._cache.clear()
    idle = SymbolicWorker()
    again = compile_function(text, worker=idle)
    assert idle.pid is None  # never started: the answer came from the disk
    assert again.derivative_formulas == first.derivative_formulas
    assert again.value_grad([0.5, -1.0]) == first.value_grad([0.5, -1.0])


def test_a_broken_cache_file_is_ignored(cache_dir, worker):
    text = "x^5 + y^3"
    cache_dir.mkdir(mode=0o700)
    (cache_dir / f"{_key(text)}.json").write_text(json.dumps({"params": "oops"}))
    objective = compile_function(text, worker=worker)
    assert objective.derivative_formulas == ("5*x^4", "3*y^2")


def test_a_folder_others_can_write_is_not_trusted(cache_dir, worker):
    text = "x^7 + y"
    compile_function(text, worker=worker)
    assert spec_cache.load(_key(text)) is not None
    os.chmod(cache_dir, 0o777)
    assert spec_cache.load(_key(text)) is None


def test_cache_off(monkeypatch, tmp_path, worker):
    monkeypatch.setenv("GDTUI_CACHE_DIR", "off")
    assert spec_cache.user_cache_dir() is None
    compile_function("x^9 + 1", worker=worker)  # still compiles
    assert not any(tmp_path.iterdir())
