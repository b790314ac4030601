"""Settings for the whole suite."""

from __future__ import annotations

import os
import tempfile

# Compiled functions are cached on disk (gdtui.expr.spec_cache); keep the suite's
# cache out of the user's home and fresh for every run.
os.environ["GDTUI_CACHE_DIR"] = tempfile.mkdtemp(prefix="gdtui-test-cache-")
