"""A disk cache of worked-out functions, so a function never waits for sympy twice.

Starting the symbolic worker costs ~0.5 s (sympy's import); with this cache a
function compiled once before, or a preset (shipped precompiled in
``presets_compiled.json``), compiles in about a millisecond.  What is stored is what
the worker sends back: formulas and generated source (like ``__pycache__``, it is
our own generated code, never typed text).

The key is a hash of the canonical expression, its parameters and columns, and the
source of the modules that generate code, so any change to the code generator
makes old entries miss instead of being wrong.  Any problem reading or writing
the cache is ignored: it can only make compiling slower, never fail.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from gdtui.expr.worker import CompiledSpec

__all__ = ["cache_key", "load", "packaged_path", "spec_from_json", "spec_to_json", "store", "user_cache_dir"]

FORMAT = 1
_GENERATORS = ("symbolic.py", "worker.py", "parse.py")


@lru_cache(maxsize=1)
def _generator_digest() -> str:
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in _GENERATORS:
        h.update((here / name).read_bytes())
    return h.hexdigest()


def cache_key(canonical: str, params: Sequence[str], columns: Sequence[str]) -> str:
    """The key of one function: canonical text, argument order and generator version."""
    payload = json.dumps([FORMAT, _generator_digest(), canonical, list(params), list(columns)])
    return hashlib.sha256(payload.encode()).hexdigest()


def packaged_path() -> Path:
    """The precompiled presets shipped with gdtui (made by tools/compile_presets.py)."""
    return Path(__file__).with_name("presets_compiled.json")


def user_cache_dir() -> Path | None:
    """$GDTUI_CACHE_DIR, else $XDG_CACHE_HOME/gdtui or ~/.cache/gdtui; None when set to "off"."""
    explicit = os.environ.get("GDTUI_CACHE_DIR")
    if explicit is not None:
        return None if explicit.strip().lower() in ("", "off", "0", "none") else Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gdtui" / "compiled"


def spec_to_json(spec: CompiledSpec) -> dict[str, Any]:
    """A spec as plain JSON values."""
    return {
        "params": list(spec.params),
        "columns": list(spec.columns),
        "formula": spec.formula,
        "derivative_formulas": list(spec.derivative_formulas),
        "hessian_formulas": [list(row) for row in spec.hessian_formulas],
        "scalar_source": spec.scalar_source,
        "array_source": spec.array_source,
        "hessian_source": spec.hessian_source,
    }


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of strings")
    return tuple(value)


def spec_from_json(data: Any) -> CompiledSpec:
    """A spec from :func:`spec_to_json` output; ValueError on anything malformed."""
    if not isinstance(data, dict):
        raise ValueError("expected an object")
    sources = [data.get(k) for k in ("array_source", "hessian_source")]
    scalar = data.get("scalar_source")
    if not all(isinstance(s, str) for s in sources) or not (scalar is None or isinstance(scalar, str)):
        raise ValueError("bad source")
    formula = data.get("formula")
    if not isinstance(formula, str):
        raise ValueError("bad formula")
    hessian = data.get("hessian_formulas")
    if not isinstance(hessian, list):
        raise ValueError("bad Hessian formulas")
    return CompiledSpec(
        params=_strings(data.get("params")),
        columns=_strings(data.get("columns")),
        formula=formula,
        derivative_formulas=_strings(data.get("derivative_formulas")),
        hessian_formulas=tuple(_strings(row) for row in hessian),
        scalar_source=scalar,
        array_source=sources[0],
        hessian_source=sources[1],
    )


@lru_cache(maxsize=1)
def _packaged() -> dict[str, Any]:
    try:
        data = json.loads(packaged_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _private_dir(path: Path) -> bool:
    """Only trust a cache folder that is ours and that nobody else can write to."""
    try:
        st = path.stat()
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


def load(key: str) -> CompiledSpec | None:
    """The cached spec for ``key``, from the packaged presets or the user cache."""
    for source in (_packaged().get(key), _load_user(key)):
        if source is not None:
            try:
                return spec_from_json(source)
            except ValueError:
                continue
    return None


def _load_user(key: str) -> Any:
    folder = user_cache_dir()
    if folder is None or not _private_dir(folder):
        return None
    try:
        return json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store(key: str, spec: CompiledSpec) -> None:
    """Keep a spec in the user cache (atomically; failures are ignored)."""
    folder = user_cache_dir()
    if folder is None or key in _packaged():
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private_dir(folder):
            return
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(spec_to_json(spec), out)
        os.replace(tmp, folder / f"{key}.json")
    except OSError:
        pass
