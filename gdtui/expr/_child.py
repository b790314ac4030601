"""The symbolic worker's child process: ``python -m gdtui.expr._child FD MEMORY_LIMIT``."""

import sys

from gdtui.expr.worker import _child_main

_child_main(sys.argv[1:])
