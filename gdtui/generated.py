"""Generated source shown in tracebacks: one bounded, thread-safe registry in linecache.

Code that gdtui generates (an optimizer's fast paths, RunBatch's loops, the numeric
functions of a typed expression) is compiled under a made-up file name such as
``<gdtui scalar_fn 3f2a…>``.  Registering its text in :mod:`linecache` lets
tracebacks and debuggers show the real lines.  A session that types many functions
would grow that cache without end, so entries registered with ``bounded=True`` keep
only the newest :data:`BOUNDED_MAX`; fixed sources (a few per optimizer rule) stay.
"""

from __future__ import annotations

import hashlib
import linecache
import threading
from collections import OrderedDict

__all__ = ["BOUNDED_MAX", "register_source"]

#: How many sources registered with ``bounded=True`` stay in linecache.
BOUNDED_MAX = 64
_bounded: "OrderedDict[str, None]" = OrderedDict()
_lock = threading.Lock()  # the expression worker's results are loaded from threads


def register_source(source: str, label: str, bounded: bool = False) -> str:
    """Register ``source`` in linecache under a file name made from ``label``; return the name.

    The name holds a digest of the source, so the same source always gets the same
    name (and registering it again only marks it as recently used).
    """
    digest = hashlib.sha1(source.encode()).hexdigest()[:12]
    filename = f"<gdtui {label} {digest}>"
    with _lock:
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        if bounded:
            _bounded[filename] = None
            _bounded.move_to_end(filename)
            while len(_bounded) > BOUNDED_MAX:
                old, _ = _bounded.popitem(last=False)
                linecache.cache.pop(old, None)
    return filename
