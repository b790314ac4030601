"""Typed functions: safe parse -> allowlisted tree -> sympy (in a worker) -> fast callables.

``parse``/``check_syntax`` are instant and never import sympy; ``compile_function``
asks the symbolic worker process (see :mod:`gdtui.expr.worker`).  It is imported on
first use, so the worker's own child process stays free of numpy.
"""

from __future__ import annotations

from typing import Any

from gdtui.expr.errors import ExprError
from gdtui.expr.parse import Node, check_syntax, parse

__all__ = ["ExprError", "Node", "check_syntax", "compile_function", "parse"]


def __getattr__(name: str) -> Any:
    if name == "compile_function":
        from gdtui.expr.compile import compile_function

        return compile_function
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
