"""Settings for the whole suite: every test gets its own compiled-function cache.

Compiled functions are cached on disk (gdtui.expr.spec_cache) and in memory
(gdtui.expr.compile).  Each test starts with an empty folder of its own and an
empty memory cache, so no test passes because an earlier one filled a cache, and
the user's real cache is never touched.
"""

from __future__ import annotations

import os
import tempfile

import pytest
from hypothesis import settings

# In CI (CI=true) the property tests draw the same examples every run, so a rare example found
# once is not a coin toss on a submission; locally they keep exploring new ones.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

# For anything that runs before the first fixture (collection, subprocesses).
os.environ["GDTUI_CACHE_DIR"] = tempfile.mkdtemp(prefix="gdtui-test-cache-")


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """A fresh, private GDTUI_CACHE_DIR and an empty in-memory cache for this test."""
    folder = tmp_path_factory.mktemp("gdtui-cache") / "compiled"
    monkeypatch.setenv("GDTUI_CACHE_DIR", str(folder))
    try:
        from gdtui.expr import compile as compile_module
    except ImportError:  # pragma: no cover - the expression layer is always there
        yield folder
        return
    with compile_module._cache_lock:
        compile_module._cache.clear()
    yield folder
    with compile_module._cache_lock:
        compile_module._cache.clear()
