"""An objective's generated numpy code, rewritten to write its results in place.

:class:`~gdtui.engine.batch.RunBatch` keeps every run's loss and gradient in history
rows.  Calling ``objective.array_fn`` returns new arrays that are then copied into
the row; :func:`objective_lines` instead rewrites the function's own source (from
:mod:`gdtui.expr`, registered in linecache) so that the last operation of the loss
and of each derivative writes straight into the row.  Every other operation stays
as written, so the numbers are the same bits.  Functions that do not have the
simple shape of generated code (assignments to names, one ``return (f, (g0, …))``)
are left alone: the caller then calls ``array_fn``.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any, Callable

from gdtui.engine.optimizers.codegen import into_assign, writes_into

__all__ = ["Buffers", "Unsupported", "objective_lines"]

#: Names generated code may use besides its arguments and temporaries.
_GLOBALS = {"numpy", "math", "abs", "max"}


def objective_lines(array_fn: Callable[..., Any], dims: int, w: str, loss_out: str, grad_out: str) -> list[str] | None:
    """Lines computing ``array_fn(w[0], …, w[dims-1])`` with the loss written into the
    array named ``loss_out`` and derivative j into ``<grad_out>[j]``; None when
    ``array_fn`` is not plain generated code of ``dims`` arguments."""
    try:
        fdef = ast.parse(textwrap.dedent(inspect.getsource(array_fn))).body[0]
    except (OSError, TypeError, SyntaxError, IndexError):
        return None
    if not isinstance(fdef, ast.FunctionDef) or fdef.args.kwonlyargs or fdef.args.vararg:
        return None
    args = [a.arg for a in fdef.args.args]
    if len(args) != dims or not fdef.body or not isinstance(fdef.body[-1], ast.Return):
        return None
    names = set(args)
    body: list[ast.stmt] = []
    for stmt in fdef.body[:-1]:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            return None
        target = stmt.targets[0].id
        if target in args and _is_asarray(stmt.value, target):
            continue  # the history rows are float64 arrays already
        names.add(target)
        body.append(stmt)
    ret = fdef.body[-1].value
    if not (
        isinstance(ret, ast.Tuple) and len(ret.elts) == 2
        and isinstance(ret.elts[1], ast.Tuple) and len(ret.elts[1].elts) == dims
    ):
        return None
    free = {n.id for n in ast.walk(fdef) if isinstance(n, ast.Name)} - names
    if not free <= _GLOBALS:
        return None
    rename = _Rename(names)
    lines = [f"{rename.prefix}{a} = {w}[{j}]" for j, a in enumerate(args)]
    out = [rename.visit(s) for s in body]
    results = [(ret.elts[0], loss_out)] + [(g, f"{grad_out}_{j}") for j, g in enumerate(ret.elts[1].elts)]
    lines += [f"{grad_out}_{j} = {grad_out}[{j}]" for j in range(dims)]
    for value, target in results:
        assign = into_assign("_value", rename.visit(value), target)
        out += assign
        if not (len(assign) == 1 and writes_into(assign[0], "_value", target)):
            out.append(ast.parse(f"if _value is not {target}:\n    {target}[...] = _value").body[0])
    for stmt in out:
        ast.fix_missing_locations(stmt)
        lines += ast.unparse(stmt).splitlines()
    return lines


def _is_asarray(node: ast.expr, name: str) -> bool:
    return (
        isinstance(node, ast.Call) and ast.unparse(node.func) == "numpy.asarray"
        and len(node.args) == 1 and isinstance(node.args[0], ast.Name) and node.args[0].id == name
    )


class _Rename(ast.NodeTransformer):
    """Prefix the function's own names so they cannot clash with the loop's."""

    prefix = "_o"

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id in self.names:
            return ast.copy_location(ast.Name(self.prefix + node.id, node.ctx), node)
        return node


# ------------------------------------------------------------------ buffers
class Unsupported(Exception):
    """The code has a shape the buffer pass does not handle (the caller keeps it as is)."""


#: The ufunc behind each operator (numpy applies the same one to ``a <op> b``).
_BINOPS = {ast.Add: "_add", ast.Sub: "_sub", ast.Mult: "_mul", ast.Div: "_div"}


class Buffers:
    """Rewrite straight-line numpy code so that every arithmetic operation on arrays
    writes into a buffer allocated once, and every number or loop-invariant float it
    combines with an array is a full array of that value, made once.

    The operations, their operands and their order are unchanged (numpy converts a
    Python number to a float64 array of the same value before the ufunc runs), so
    the results are the same bits; only allocations and the slow path for Python
    scalars go away.  ``shapes`` gives the shape of every array name known before
    the code runs; ``invariant`` the names holding floats that do not change in the
    loop; any other name is a scalar computed in the loop (it stays a Python value).
    """

    def __init__(self, shapes: dict[str, tuple[int, ...]], invariant: dict[str, float]) -> None:
        self.shapes = dict(shapes)
        self.invariant = dict(invariant)
        self.scalars: set[str] = set()
        self.prologue: list[str] = []
        self._consts: dict[tuple, str] = {}
        self._n = 0

    def rewrite(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        """The statements with buffers (raises :class:`Unsupported`)."""
        return [self._stmt(s) for s in stmts]

    def _stmt(self, stmt: ast.stmt) -> ast.stmt:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            value, shape = self._expr(stmt.value)
            if isinstance(target, ast.Name):
                self._bind(target.id, shape)
            elif isinstance(target, ast.Tuple) and shape is None:
                for e in target.elts:
                    self._bind(_name_of(e), None)
            elif isinstance(target, ast.Subscript):  # out[...] = value: a copy
                pass
            else:
                raise Unsupported(ast.unparse(stmt))
            return ast.Assign([target], value, lineno=0)
        if isinstance(stmt, ast.If):
            test, shape = self._expr(stmt.test)
            if shape is not None:
                raise Unsupported(ast.unparse(stmt))
            return ast.If(test, [self._stmt(s) for s in stmt.body], [self._stmt(s) for s in stmt.orelse])
        if isinstance(stmt, ast.For):
            raise Unsupported("loop")
        if isinstance(stmt, ast.Expr):
            value, _ = self._expr(stmt.value)
            return ast.Expr(value)
        raise Unsupported(ast.unparse(stmt))

    def _bind(self, name: str, shape: tuple[int, ...] | None) -> None:
        self.invariant.pop(name, None)
        if shape is None:
            self.shapes.pop(name, None)
            self.scalars.add(name)
        else:
            self.scalars.discard(name)
            self.shapes[name] = shape

    def _buffer(self, shape: tuple[int, ...]) -> ast.Name:
        name = f"_buf{self._n}"
        self._n += 1
        self.prologue.append(f"{name} = numpy.empty({shape!r})")
        return ast.Name(name, ast.Load())

    def _constant(self, value: float, shape: tuple[int, ...]) -> ast.Name:
        key = (float(value).hex(), shape)
        name = self._consts.get(key)
        if name is None:
            name = self._consts[key] = f"_const{len(self._consts)}"
            self.prologue.append(f"{name} = numpy.full({shape!r}, float.fromhex({float(value).hex()!r}))")
        return ast.Name(name, ast.Load())

    def _invariant_value(self, node: ast.expr) -> float | None:
        """The value of a number or loop-invariant float name (None otherwise)."""
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self._invariant_value(node.operand)
            return None if inner is None else -inner
        if isinstance(node, ast.Name) and node.id in self.invariant:
            return self.invariant[node.id]
        return None

    def _expr(self, node: ast.expr) -> tuple[ast.expr, tuple[int, ...] | None]:
        """The rewritten expression and its shape (None for a scalar)."""
        if isinstance(node, ast.Constant):
            return node, None
        if isinstance(node, ast.Name):
            if node.id in self.shapes:
                return node, self.shapes[node.id]
            return node, None
        if isinstance(node, ast.Attribute):  # numpy.nan, math.pi
            return node, None
        if isinstance(node, ast.Subscript):
            value, shape = self._expr(node.value)
            if shape is None or not isinstance(node.slice, ast.Constant) or not isinstance(node.slice.value, int):
                raise Unsupported(ast.unparse(node))
            return ast.Subscript(value, node.slice, ast.Load()), shape[1:]
        if isinstance(node, ast.BinOp):
            left, ls = self._expr(node.left)
            right, rs = self._expr(node.right)
            shape = _broadcast(ls, rs)
            if (
                ls is not None and isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant)
                and type(node.right.value) is int and node.right.value == 2
            ):
                # numpy computes array ** 2 (a Python int) with its square ufunc
                return ast.Call(ast.Name("_square", ast.Load()), [left, self._buffer(ls)], []), ls
            if shape is None or type(node.op) not in _BINOPS:
                return ast.BinOp(left, node.op, right), shape
            if ls is None:
                value = self._invariant_value(node.left)
                if value is not None:
                    left = self._constant(value, shape)
            if rs is None:
                value = self._invariant_value(node.right)
                if value is not None:
                    right = self._constant(value, shape)
            fn = ast.Name(_BINOPS[type(node.op)], ast.Load())
            return ast.Call(fn, [left, right, self._buffer(shape)], []), shape
        if isinstance(node, ast.UnaryOp):
            operand, shape = self._expr(node.operand)
            if shape is not None and isinstance(node.op, ast.USub):
                return ast.Call(ast.Name("_neg", ast.Load()), [operand, self._buffer(shape)], []), shape
            return ast.UnaryOp(node.op, operand), shape
        if isinstance(node, ast.Call) and not node.keywords:
            args = [self._expr(a) for a in node.args]
            func = ast.unparse(node.func)
            if func in ("_add", "_sub", "_mul", "_div") and len(args) == 3:  # writes into its out
                out_shape = args[2][1]
                operands = []
                for original, (arg, shape) in zip(node.args[:2], args[:2]):
                    value = self._invariant_value(original) if shape is None and out_shape else None
                    operands.append(arg if value is None else self._constant(value, out_shape))
                return ast.Call(node.func, [*operands, args[2][0]], []), out_shape
            shapes = [s for _, s in args if s is not None]
            shape = None
            for s in shapes:
                shape = _broadcast(shape, s)
            if func in ("sqrt", "numpy.sqrt", "numpy.exp", "numpy.log") and len(args) == 1 and shape is not None:
                return ast.Call(node.func, [args[0][0], self._buffer(shape)], []), shape
            if func in ("sqrt", "numpy.sqrt") and len(args) == 2:
                return ast.Call(node.func, [a for a, _ in args], []), args[1][1]
            return ast.Call(node.func, [a for a, _ in args], []), shape
        if isinstance(node, ast.Compare):
            left, ls = self._expr(node.left)
            comps = [self._expr(c) for c in node.comparators]
            if all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
                return ast.Compare(left, node.ops, [c for c, _ in comps]), None
            shape = ls
            for _, s in comps:
                shape = _broadcast(shape, s)
            return ast.Compare(left, node.ops, [c for c, _ in comps]), shape
        if isinstance(node, ast.IfExp):
            test, ts = self._expr(node.test)
            body, bs = self._expr(node.body)
            orelse, os_ = self._expr(node.orelse)
            if ts is not None or bs != os_:
                raise Unsupported(ast.unparse(node))
            return ast.IfExp(test, body, orelse), bs
        if isinstance(node, ast.Tuple):
            elts = [self._expr(e)[0] for e in node.elts]
            return ast.Tuple(elts, ast.Load()), None
        raise Unsupported(ast.unparse(node))


def _broadcast(a: tuple[int, ...] | None, b: tuple[int, ...] | None) -> tuple[int, ...] | None:
    if a is None:
        return b
    if b is None or a == b:
        return a
    raise Unsupported(f"shapes {a} and {b}")


def _name_of(node: ast.AST) -> str:
    if not isinstance(node, ast.Name):
        raise Unsupported(ast.unparse(node))
    return node.id
