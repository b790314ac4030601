"""A disk cache of worked-out functions, so a function never waits for sympy twice.

Starting the symbolic worker costs ~0.5 s (sympy's import); with this cache a
function compiled once before, or a preset (shipped precompiled in
``presets_compiled.json``), compiles in about a millisecond.  What is stored is what
the worker sends back: formulas and generated source.

The key is a hash of what decides the generated code and nothing else: the
canonical expression, its parameters and columns, the generator's own version
(:data:`~gdtui.expr.spec.GENERATOR_VERSION`) and the sympy and numpy versions.

On a shared server the cache must not be usable against its user (stored source
is executed).  So:

* the folder is opened once with ``O_DIRECTORY | O_NOFOLLOW`` and must be owned by
  the current user and not group- or world-writable; entries are opened through
  that folder's descriptor with ``O_NOFOLLOW`` and must be regular files owned by
  the user, not group/world-writable and at most :data:`MAX_ENTRY_BYTES`, so no
  path can be swapped between the check and the read;
* every stored source is checked against what the generator emits
  (:func:`~gdtui.expr.codecheck.check_generated`) before it is executed, and the
  function's value and gradient are compared at a few points with the typed tree
  evaluated in floats (:func:`verify`): an entry that lies is discarded;
* anything malformed (bad JSON, bad source, a lie) is deleted and recompiled;
* only functions that were applied are stored, and the folder is kept to
  :data:`MAX_ENTRIES` entries, least recently used first out.

Any problem reading or writing the cache only makes compiling slower, never fails.
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import re
import secrets
import stat
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator, Sequence
from contextlib import contextmanager

from gdtui.expr.spec import GENERATOR_VERSION, CompiledSpec

__all__ = [
    "MAX_ENTRIES",
    "cache_key",
    "discard",
    "load",
    "packaged_path",
    "spec_from_json",
    "spec_to_json",
    "store",
    "user_cache_dir",
    "versions",
]

FORMAT = 2
#: Largest cache entry read (bytes).
MAX_ENTRY_BYTES = 1 << 20
#: Entries kept in the user's cache folder (least recently used go first).
MAX_ENTRIES = 256
_KEY = re.compile(r"[0-9a-f]{64}")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


@lru_cache(maxsize=1)
def versions() -> tuple[int, str, str]:
    """(generator version, sympy version, numpy version): what decides the generated code."""
    return GENERATOR_VERSION, _version("sympy"), _version("numpy")


def cache_key(canonical: str, params: Sequence[str], columns: Sequence[str]) -> str:
    """The key of one function: canonical text, argument order, generator and library versions."""
    payload = json.dumps([FORMAT, *versions(), canonical, list(params), list(columns)])
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


# ------------------------------------------------------------------- JSON form
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
    """A spec from :func:`spec_to_json` output; ValueError on anything malformed.

    The sources are checked against what the generator emits
    (:func:`~gdtui.expr.codecheck.check_generated`), so a spec from here never
    holds code the generator could not have written.
    """
    from gdtui.expr.codecheck import check_generated

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
    spec = CompiledSpec(
        params=_strings(data.get("params")),
        columns=_strings(data.get("columns")),
        formula=formula,
        derivative_formulas=_strings(data.get("derivative_formulas")),
        hessian_formulas=tuple(_strings(row) for row in hessian),
        scalar_source=scalar,
        array_source=sources[0],
        hessian_source=sources[1],
    )
    n = len(spec.params)
    if len(spec.derivative_formulas) != n or len(spec.hessian_formulas) != n:
        raise ValueError("formulas do not match the parameters")
    if spec.scalar_source is not None:
        check_generated(spec.scalar_source, "scalar_fn")
    check_generated(spec.array_source, "array_fn")
    check_generated(spec.hessian_source, "hessian_fn")
    return spec


# ------------------------------------------------------------ shipped presets
@lru_cache(maxsize=1)
def _packaged() -> dict[str, Any]:
    try:
        data = json.loads(packaged_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def packaged_keys() -> frozenset[str]:
    """The keys of the shipped precompiled presets."""
    return frozenset(_packaged())


# ---------------------------------------------------------------- user folder
def _trusted(st: os.stat_result) -> bool:
    """Ours and nobody else's to write: owned by this user, not group/world-writable."""
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


@contextmanager
def _folder(create: bool) -> Iterator[int | None]:
    """The user's cache folder as a descriptor (None when off, missing or untrusted)."""
    path = user_cache_dir()
    if path is None or not hasattr(os, "O_DIRECTORY"):
        yield None
        return
    if create:
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            pass
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW | _CLOEXEC)
    except OSError:
        yield None
        return
    try:
        st = os.fstat(fd)
        yield fd if stat.S_ISDIR(st.st_mode) and _trusted(st) else None
    finally:
        os.close(fd)


def _unlink(folder: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=folder)
    except OSError:
        pass


def _read_entry(folder: int, name: str) -> bytes | None:
    """The bytes of one entry, opened through the folder without following links.

    None when it is missing; ValueError when it is there but not to be trusted.
    """
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0), dir_fd=folder)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ValueError("a symbolic link") from None
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _trusted(st) or st.st_size > MAX_ENTRY_BYTES:
            raise ValueError("not a private regular file of a sensible size")
        data = b""
        while len(data) <= MAX_ENTRY_BYTES:
            chunk = os.read(fd, MAX_ENTRY_BYTES + 1 - len(data))
            if not chunk:
                break
            data += chunk
        if len(data) > MAX_ENTRY_BYTES:
            raise ValueError("too big")
        try:
            os.utime(fd)  # "recently used": the size bound drops the oldest first
        except OSError:
            pass
        return data
    finally:
        os.close(fd)


def _load_user(key: str) -> CompiledSpec | None:
    with _folder(create=False) as folder:
        if folder is None:
            return None
        name = f"{key}.json"
        try:
            data = _read_entry(folder, name)
            if data is None:
                return None
            return spec_from_json(json.loads(data.decode("utf-8")))
        except (ValueError, UnicodeDecodeError, RecursionError):
            _unlink(folder, name)  # corrupt or planted: delete, compile again
            return None


def load(key: str) -> CompiledSpec | None:
    """The cached spec for ``key``, from the packaged presets or the user cache.

    Sources are checked (see :func:`spec_from_json`); a bad user entry is deleted.
    The caller should still :func:`verify` a user entry against the typed tree.
    """
    if not _KEY.fullmatch(key):
        return None
    packaged = _packaged().get(key)
    if packaged is not None:
        try:
            return spec_from_json(packaged)
        except ValueError:
            pass
    return _load_user(key)


def discard(key: str) -> None:
    """Delete the user's entry for ``key`` (it failed a check after loading)."""
    if not _KEY.fullmatch(key):
        return
    with _folder(create=False) as folder:
        if folder is not None:
            _unlink(folder, f"{key}.json")


def store(key: str, spec: CompiledSpec) -> None:
    """Keep a spec in the user cache (atomically; failures are ignored).

    Call it only for functions that were applied (Enter in the TUI, a CLI run),
    not for every prefix typed.  The folder keeps at most MAX_ENTRIES entries.
    """
    if not _KEY.fullmatch(key) or key in _packaged():
        return
    payload = json.dumps(spec_to_json(spec)).encode("utf-8")
    if len(payload) > MAX_ENTRY_BYTES:
        return
    with _folder(create=True) as folder:
        if folder is None:
            return
        tmp = f".{secrets.token_hex(8)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=folder)
            try:
                view = memoryview(payload)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            os.replace(tmp, f"{key}.json", src_dir_fd=folder, dst_dir_fd=folder)
        except OSError:
            _unlink(folder, tmp)
            return
        _bound(folder)


def _bound(folder: int) -> None:
    """Drop the least recently used entries beyond MAX_ENTRIES (and stale temp files)."""
    try:
        entries = []
        with os.scandir(folder) as it:
            for entry in it:
                if entry.name.endswith(".json") and _KEY.fullmatch(entry.name[:-5]):
                    st = entry.stat(follow_symlinks=False)
                    entries.append((st.st_mtime, entry.name))
    except OSError:
        return
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort()
    for _, name in entries[: len(entries) - MAX_ENTRIES]:
        _unlink(folder, name)


# ------------------------------------------------------------------ verifying
#: Points (per variable, cycled) where a loaded function is compared with the tree.
_PROBES = (0.37, -1.21, 0.83, 1.57, -0.45, 2.3, 0.11, -0.77)


def verify(spec_fns: Any, tree: Any, params: Sequence[str], columns: Sequence[str]) -> bool:
    """Whether a loaded function tells the truth: value and gradient at a few points.

    ``spec_fns`` is the Objective built from a cached spec, ``tree`` the typed
    function's parsed tree.  The value must match the tree evaluated in plain
    floats, the gradient central differences of that (loosely: this only decides
    whether to recompile).  Points outside the domain are skipped.
    """
    from gdtui.expr.floats import evaluate

    names = (*params, *columns)
    checked = 0
    for shift in range(3):
        point = {n: _PROBES[(i + 3 * shift) % len(_PROBES)] for i, n in enumerate(names)}
        try:
            want = evaluate(tree, point)
        except (ArithmeticError, ValueError):
            continue
        args = [point[n] for n in names]
        try:
            value, grad = spec_fns.array_fn(*args)
            value = float(value)
            grad = [float(g) for g in grad]
        except Exception:  # noqa: BLE001 - anything odd: not trusted
            return False
        if not math.isfinite(want):
            continue
        if not math.isclose(value, want, rel_tol=1e-6, abs_tol=1e-12):  # rounding differs, lies do not
            return False
        for i, p in enumerate(params):
            h = 1e-6 * max(1.0, abs(point[p]))
            try:
                up = evaluate(tree, {**point, p: point[p] + h})
                down = evaluate(tree, {**point, p: point[p] - h})
            except (ArithmeticError, ValueError):
                continue
            slope = (up - down) / (2 * h)
            if not math.isfinite(slope):
                continue
            if not math.isclose(grad[i], slope, rel_tol=1e-3, abs_tol=1e-4 * max(1.0, abs(want))):
                return False
        checked += 1
    return True
