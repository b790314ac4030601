"""numpy after the first frame (issue 13: ``gdtui``'s first frame within 1.5× a
hello-world Textual app's).

Importing numpy costs about a third of a whole hello-world Textual app's start, and
the first frame needs none of it: the panes are painted before any problem is
compiled.  :func:`defer` puts a stand-in module in ``sys.modules`` that imports the
real one the first time one of its attributes is used (in practice the compile
worker, right after the first frame), then takes on the real module's names, so code
that bound the stand-in (``import numpy as np``) goes on at full speed.  Only the
TUI's launch path calls it; ``gdtui run`` and the other commands import as usual.

Why not :class:`importlib.util.LazyLoader`: on Python 3.11 (which gdtui supports) it
is not thread-safe, and here the UI thread and the compile worker's thread can touch
numpy for the first time at once; its lock arrived only in later Pythons.
"""

from __future__ import annotations

import importlib
import sys
import threading
import types

__all__ = ["defer", "deferred"]

_lock = threading.RLock()  # one thread imports; another asking meanwhile waits for it
_waiting: set[str] = set()


class _Deferred(types.ModuleType):
    """Stands in for a module until one of its attributes is needed."""

    def __getattr__(self, name: str) -> object:
        # called only for names not in this module's namespace (before the import: all)
        if name.startswith("__") and name not in ("__version__", "__path__", "__file__", "__all__"):
            raise AttributeError(name)  # the import system probes these: not a use
        return getattr(_load(self), name)


def _load(stub: _Deferred) -> types.ModuleType:
    with _lock:
        real = stub.__dict__.get("_deferred_real")
        if real is None:
            name = stub.__name__
            if sys.modules.get(name) is stub:
                del sys.modules[name]
            real = importlib.import_module(name)  # the real module takes its place
            stub.__dict__.update(real.__dict__)
            stub.__dict__["_deferred_real"] = real
            _waiting.discard(name)
        return real


def defer(*names: str) -> None:
    """Stand-ins for the modules ``names`` that are not imported yet."""
    with _lock:
        for name in names:
            if name not in sys.modules:
                stub = _Deferred(name)
                stub.__dict__["_deferred_real"] = None
                sys.modules[name] = stub
                _waiting.add(name)


def deferred() -> bool:
    """True while a deferred module has not been imported yet."""
    return bool(_waiting)
