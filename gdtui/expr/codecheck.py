"""Check generated source against what the generator can emit, before it is ever executed.

The compiled-function cache stores Python source that is executed, and a restricted
namespace is not a sandbox (``().__class__.__base__.__subclasses__()`` reaches
``os.system``).  So every source, fresh from the worker or read from a cache, is
parsed with :mod:`ast` and accepted only if it is made of exactly the node types,
names, attributes and calls that :mod:`gdtui.expr.symbolic` emits: one plain
function of ``_a0, _a1 ...``, temporaries ``_t0 ...``, arithmetic, comparisons,
``math.*`` / ``numpy.*`` functions from a fixed list, ``abs`` and ``max``, and the
domain checks (``if ...: raise ValueError('outside the domain')``).  No other
name, no attribute of anything else, no string but that message, no dunder, no
subscript, no import, no loop.
"""

from __future__ import annotations

import ast
import re

__all__ = ["GeneratedCodeError", "check_generated"]

#: Longest generated source accepted (characters); the generator stays far below.
MAX_SOURCE = 400_000

_MATH = frozenset({
    "sin", "cos", "tan", "exp", "log", "log1p", "expm1", "sqrt", "tanh", "sinh", "cosh",
    "copysign", "fabs", "pow", "pi", "e", "inf", "isinf",
})  # fmt: skip
_NUMPY = frozenset({
    "asarray", "float64", "where", "nan", "inf", "maximum", "minimum", "heaviside", "abs", "sign",
    "sin", "cos", "tan", "exp", "log", "log1p", "expm1", "logaddexp", "sqrt", "tanh", "sinh",
    "cosh", "pi", "e", "power", "errstate", "select", "isinf",
})  # fmt: skip
_MODULES = {"math": _MATH, "numpy": _NUMPY}
_BUILTINS = frozenset({"abs", "max", "min", "TypeError", "ValueError", "ZeroDivisionError", "OverflowError"})
_LOCAL = re.compile(r"_(?:a|t)\d{1,5}|_ok|_x\d{0,3}")
_MESSAGES = frozenset({"outside the domain", "too large"})
_KEYWORDS = frozenset({"dtype", "out", "where"})

_ALLOWED_NODES = (
    ast.Module, ast.FunctionDef, ast.arguments, ast.arg, ast.Assign, ast.Return, ast.If, ast.Raise,
    ast.Try, ast.ExceptHandler, ast.Expr, ast.Name, ast.Load, ast.Store, ast.Constant, ast.Tuple,
    ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.IfExp, ast.Call, ast.Attribute, ast.keyword,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd, ast.Not, ast.BitAnd, ast.BitOr,
    ast.Invert, ast.And, ast.Or, ast.Gt, ast.GtE, ast.Lt, ast.LtE, ast.Eq, ast.NotEq, ast.With,
    ast.withitem,
)  # fmt: skip


class GeneratedCodeError(ValueError):
    """Source that the generator cannot have produced (never to be executed)."""


def _fail(node: ast.AST | None, why: str) -> GeneratedCodeError:
    line = getattr(node, "lineno", "?")
    return GeneratedCodeError(f"line {line}: {why}")


def check_generated(source: str, name: str) -> None:
    """GeneratedCodeError unless ``source`` is one generated function called ``name``.

    Cheap (one ``ast.parse`` and one walk) and strict: whatever the generator does
    not emit is refused, so a planted cache entry cannot run code of its own.
    """
    if not isinstance(source, str) or len(source) > MAX_SOURCE:
        raise GeneratedCodeError("not a source string of a sensible size")
    try:
        tree = ast.parse(source, mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise GeneratedCodeError(f"does not parse ({type(exc).__name__})") from None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        raise GeneratedCodeError("expected exactly one function definition")
    fn = tree.body[0]
    if fn.name != name:
        raise _fail(fn, f"the function is called {fn.name!r}, expected {name!r}")
    args = fn.args
    if (fn.decorator_list or fn.returns or args.vararg or args.kwarg or args.kwonlyargs
            or args.posonlyargs or args.defaults or args.kw_defaults):  # fmt: skip
        raise _fail(fn, "the function signature is not a generated one")
    for i, a in enumerate(args.args):
        if a.arg != f"_a{i}" or a.annotation is not None:
            raise _fail(a, "arguments must be _a0, _a1, ...")
    for node in ast.walk(fn):
        if not isinstance(node, _ALLOWED_NODES):
            raise _fail(node, f"{type(node).__name__} is never generated")
        if isinstance(node, ast.FunctionDef) and node is not fn:
            raise _fail(node, "a nested function is never generated")
        if isinstance(node, ast.Name) and node.id not in _BUILTINS and node.id not in _MODULES:
            if not _LOCAL.fullmatch(node.id):
                raise _fail(node, f"name {node.id!r} is never generated")
        elif isinstance(node, ast.Attribute):
            base = node.value
            if not (isinstance(base, ast.Name) and base.id in _MODULES and node.attr in _MODULES[base.id]):
                raise _fail(node, f"attribute {node.attr!r} is never generated")
        elif isinstance(node, ast.Constant):
            v = node.value
            if not (v is None or type(v) in (int, float, bool) or (type(v) is str and v in _MESSAGES)):
                raise _fail(node, "a constant of this kind is never generated")
        elif isinstance(node, ast.Call):
            f = node.func
            if not (isinstance(f, ast.Attribute) or (isinstance(f, ast.Name) and f.id in _BUILTINS)):
                raise _fail(node, "only math, numpy, abs and max are called")
            if any(k.arg not in _KEYWORDS for k in node.keywords):
                raise _fail(node, "a keyword argument that is never generated")
        elif isinstance(node, ast.ExceptHandler):
            if node.name is not None or not (isinstance(node.type, ast.Name) and node.type.id in _BUILTINS):
                raise _fail(node, "an exception handler that is never generated")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            # A power of constants only (10**10**10) could take forever as a Python int.
            right = node.right
            small = isinstance(right, ast.Constant) and type(right.value) in (int, float) and abs(right.value) <= 64
            if not small and not any(isinstance(n, ast.Name) for n in ast.walk(node)):
                raise _fail(node, "a power of constants is never generated")
        elif isinstance(node, ast.Assign):
            if not all(isinstance(t, ast.Name) for t in node.targets):
                raise _fail(node, "only plain names are assigned")
        elif isinstance(node, ast.With):
            call = node.items[0].context_expr if len(node.items) == 1 else None
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "errstate" and node.items[0].optional_vars is None):  # fmt: skip
                raise _fail(node, "a with-block that is never generated")
