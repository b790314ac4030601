"""``python -m benchmarks.first_frame_probe FILE (gdtui ARGS... | hello)``: run gdtui or the
hello-world app and write the CPU seconds the process had used when it wrote its first
frame into FILE (Textual's App._display, the call that sends a frame to the terminal).

benchmarks/tui.py compares these CPU times: unlike wall time they do not depend on
what else the machine is doing, and unlike a reading taken from outside they do not
include the work an app does right after its first frame (gdtui starts compiling).
"""

from __future__ import annotations

import os
import runpy
import sys
import time

import textual.app

_out, _what, *_args = sys.argv[1:]
_display = textual.app.App._display


def _first_display(self, *args, **kwargs):  # type: ignore[no-untyped-def]
    result = _display(self, *args, **kwargs)
    global _out
    if _out:
        cpu = time.process_time()
        with open(_out + ".part", "w") as f:
            f.write(f"{cpu:.6f}\n")
        os.replace(_out + ".part", _out)  # the reader never sees half a number
        _out = ""
    return result


textual.app.App._display = _first_display  # type: ignore[method-assign]
if _what == "hello":
    sys.argv = ["hello_app"]
    runpy.run_module("benchmarks.hello_app", run_name="__main__")
else:
    sys.argv = ["gdtui", *_args]
    from gdtui.cli import main

    raise SystemExit(main(_args))
