"""The compiled-function cache cannot be used against its user (issue 12).

Entries hold generated Python that is executed, so planted, corrupt, linked or
foreign entries must never run and never crash: they are deleted and recompiled.
"""

from __future__ import annotations

import json
import os

import pytest

from gdtui.expr import compile as compile_module
from gdtui.expr import spec_cache
from gdtui.expr.codecheck import GeneratedCodeError, check_generated
from gdtui.expr.compile import compile_function
from gdtui.expr.parse import parse, split_variables, to_text


def _key(text: str) -> str:
    tree = parse(text)
    params, used = split_variables(tree, (), text)
    return spec_cache.cache_key(to_text(tree), params, used)


@pytest.fixture
def cache(_own_cache_folder):
    _own_cache_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return _own_cache_folder


def _entry(text: str, worker) -> dict:
    """A genuine entry for ``text`` (compiled fresh), as JSON."""
    tree = parse(text)
    params, used = split_variables(tree, (), text)
    return spec_cache.spec_to_json(worker.compile(tree, params, used))


def _plant(folder, text: str, entry: dict | str, mode: int = 0o600):
    path = folder / f"{_key(text)}.json"
    path.write_text(entry if isinstance(entry, str) else json.dumps(entry))
    os.chmod(path, mode)
    return path


def _fresh():
    compile_module._cache.clear()


EVIL = (
    "def array_fn(_a0, _a1):\n"
    "    [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'catch_warnings'][0]"
    "()._module.__builtins__['__import__']('os').system('touch {marker}')\n"
    "    return (0.0, (0.0, 0.0))\n"
)


def test_a_planted_entry_with_code_of_its_own_never_runs(cache, worker, tmp_path):
    text = "x^2 + 3*y^2"
    marker = tmp_path / "pwned"
    entry = _entry(text, worker)
    entry["array_source"] = EVIL.format(marker=marker)
    entry["scalar_source"] = EVIL.format(marker=marker).replace("array_fn", "scalar_fn")
    path = _plant(cache, text, entry)
    _fresh()
    objective = compile_function(text, worker=worker)
    assert not marker.exists()
    f, g = objective.value_grad([1.0, 1.0])
    assert (f, list(g)) == (4.0, [2.0, 6.0])
    assert "__subclasses__" not in path.read_text()  # replaced by the genuine entry


def test_an_entry_that_lies_about_the_loss_is_discarded(cache, worker):
    text = "(x - 1)^2 + y^2"
    entry = _entry(text, worker)
    for field, name in (("array_source", "array_fn"), ("scalar_source", "scalar_fn")):
        entry[field] = f"def {name}(_a0, _a1):\n    return (42.0, (0.0, 0.0))\n"
    _plant(cache, text, entry)
    _fresh()
    objective = compile_function(text, worker=worker)
    f, g = objective.value_grad([3.0, 0.0])
    assert (f, list(g)) == (4.0, [4.0, 0.0])


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"params": "oops"}),
        json.dumps([1, 2, 3]),
        "\xff\xfe",
        "[" * 100_000,
    ],
)
def test_a_corrupt_entry_is_deleted_and_recompiled(cache, worker, content):
    text = "x^5 + y^3"
    path = _plant(cache, text, content)
    _fresh()
    objective = compile_function(text, worker=worker)
    assert objective.derivative_formulas == ("5*x^4", "3*y^2")
    assert json.loads(path.read_text())["formula"] == "x^5 + y^3"  # a good entry now


def test_an_entry_with_bad_source_is_deleted_and_recompiled(cache, worker):
    text = "x^4 + y"
    entry = _entry(text, worker)
    entry["array_source"] = "def array_fn(_a0, _a1):\n    return (((\n"
    path = _plant(cache, text, entry)
    _fresh()
    f, g = compile_function(text, worker=worker).value_grad([1.0, 2.0])
    assert (f, list(g)) == (3.0, [4.0, 1.0])
    assert "(((" not in path.read_text()


def test_a_symlinked_entry_is_not_followed(cache, worker, tmp_path):
    text = "x^6 + y^2"
    elsewhere = tmp_path / "elsewhere.json"
    entry = _entry(text, worker)
    entry["formula"] = "PLANTED"
    elsewhere.write_text(json.dumps(entry))
    (cache / f"{_key(text)}.json").symlink_to(elsewhere)
    _fresh()
    assert compile_function(text, worker=worker).formula == "x^6 + y^2"
    assert elsewhere.exists()  # the target is left alone, the link is gone
    assert not (cache / f"{_key(text)}.json").is_symlink()


def test_an_entry_others_can_write_is_not_used(cache, worker):
    text = "x^8 + y^2"
    entry = _entry(text, worker)
    entry["formula"] = "PLANTED"
    _plant(cache, text, entry, mode=0o666)
    _fresh()
    assert compile_function(text, worker=worker).formula == "x^8 + y^2"


def test_a_symlinked_cache_folder_is_not_used(tmp_path, monkeypatch, worker):
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.setenv("GDTUI_CACHE_DIR", str(link))
    _fresh()
    compile_function("x^2 + 7*y", worker=worker)
    assert list(real.iterdir()) == []


def test_a_folder_others_can_write_is_not_trusted(cache, worker):
    text = "x^7 + y"
    compile_function(text, worker=worker)
    assert spec_cache.load(_key(text)) is not None
    os.chmod(cache, 0o777)
    assert spec_cache.load(_key(text)) is None
    os.chmod(cache, 0o700)


def test_only_applied_functions_are_stored(cache, worker):
    for prefix in ("x^2 + y", "x^2 + y^", "x^2 + y^3"):
        if prefix.endswith("^"):
            continue
        compile_function(prefix, worker=worker, store=False)  # typing: previews
    assert list(cache.iterdir()) == []
    compile_function("x^2 + y^3", worker=worker)  # applied (Enter, a CLI run)
    assert [p.name for p in cache.iterdir()] == [f"{_key('x^2 + y^3')}.json"]


def test_the_cache_keeps_the_most_recently_used_entries(cache, worker, monkeypatch):
    monkeypatch.setattr(spec_cache, "MAX_ENTRIES", 3)
    texts = [f"x^{k} + y" for k in range(2, 6)]
    for i, text in enumerate(texts[:3]):
        compile_function(text, worker=worker)
        os.utime(cache / f"{_key(text)}.json", (1000 + i, 1000 + i))  # used long ago, in order
    assert spec_cache.load(_key(texts[0])) is not None  # used again: now the most recent
    compile_function(texts[3], worker=worker)  # a fourth entry: the least recently used goes
    kept = {p.name for p in cache.iterdir()}
    assert kept == {f"{_key(t)}.json" for t in (texts[0], texts[2], texts[3])}


def test_the_key_depends_on_generator_sympy_and_numpy_versions(monkeypatch):
    base = _key("x^2")
    generator, sympy_version, numpy_version = spec_cache.versions()
    for changed in [(generator + 1, sympy_version, numpy_version), (generator, "0.1", numpy_version),
                    (generator, sympy_version, "0.1")]:
        monkeypatch.setattr(spec_cache, "versions", lambda changed=changed: changed)
        assert _key("x^2") != base
    monkeypatch.undo()
    assert _key("x^2") == base


def test_the_key_does_not_depend_on_unrelated_source(monkeypatch):
    # The old key hashed the worker's whole source; a comment must not invalidate the presets.
    assert not hasattr(spec_cache, "_generator_digest")


@pytest.mark.parametrize(
    "source",
    [
        "import os\ndef array_fn(_a0):\n    return (0, (0,))\n",
        "def array_fn(_a0):\n    return (_a0.__class__, (0,))\n",
        "def array_fn(_a0):\n    return (open('x'), (0,))\n",
        "def array_fn(_a0):\n    return (numpy.load('x'), (0,))\n",
        "def array_fn(_a0):\n    return ([c for c in ()], (0,))\n",
        "def array_fn(_a0):\n    return (getattr(_a0, 'x'), (0,))\n",
        "def array_fn(_a0):\n    return ('hello', (0,))\n",
        "def array_fn(_a0):\n    return (10**10**10, (0,))\n",
        "def array_fn(_a0):\n    while True: pass\n",
        "def array_fn(_a0, x=__import__('os')):\n    return (0, (0,))\n",
        "@numpy.vectorize\ndef array_fn(_a0):\n    return (0, (0,))\n",
        "def array_fn(self):\n    return (0, (0,))\n",
        "def other(_a0):\n    return (0, (0,))\n",
        "def array_fn(_a0):\n    _a0[0] = 1\n    return (0, (0,))\n",
        "def array_fn(_a0):\n    return (__builtins__, (0,))\n",
        "def array_fn(_a0):\n    return ((lambda: 0)(), (0,))\n",
    ],
)
def test_the_code_check_refuses_what_the_generator_never_writes(source):
    with pytest.raises(GeneratedCodeError):
        check_generated(source, "array_fn")
