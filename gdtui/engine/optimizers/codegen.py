"""Fast variants of an update rule, generated from the rule function's own source.

A rule (:mod:`gdtui.engine.optimizers.rules`) is a plain function of one coordinate.
Called as it is, it would recompute its per-step numbers (Adam's bias corrections)
for every coordinate and pay a function call per coordinate; for many runs it would
allocate every intermediate array.  :class:`CompiledRule` reads the function with
``inspect.getsource`` + :mod:`ast`, sorts its statements by what they depend on and
generates, from those same statements:

* ``fixed(**hyperparameters)``: what depends only on the hyperparameters
  (``1 - beta1``, the form of a ``lerp``), computed once per optimizer;
* ``single(d)``: for one run of ``d`` coordinates given as lists of floats, the
  per-step numbers once, then the coordinate statements once per coordinate,
  unrolled into straight-line code for small ``d`` (no loop, no calls), looped
  otherwise;
* ``into``: the same statements on numpy arrays (any shape; hyperparameters may be
  arrays that broadcast, one value per run), where the last operation of each
  assignment to ``w`` or to a state variable writes straight into an output array
  (``out=``), so :class:`~gdtui.engine.batch.RunBatch` writes its next history row
  without copies.

Every variant performs the rule's operations in the rule's order, so they agree
bit for bit with each other and with the rule called on floats (tests check it).
The generated source is registered in :mod:`linecache`, so tracebacks and
debuggers show its lines.

What a rule may contain: ``w, g, state, t, lr`` as its positional parameters and
the hyperparameters as keyword-only ones; first ``a, b = state`` (unless the state
is empty); assignments to names; ``if``/``else`` (and ``x if c else y``) whose test
depends only on hyperparameters and ``t``; ``+ - * / **``, comparisons, ``sqrt(x)``,
``lerp(start, end, weight)`` with a weight that does not depend on the coordinate;
and last ``return new_w, StateClass(a, b)`` (or ``return new_w, state``).
"""

from __future__ import annotations

import ast
import copy
import inspect
import math
import textwrap
from typing import Any, Callable

import numpy as np

from gdtui.engine.optimizers.rules import lerp_form
from gdtui.generated import register_source

__all__ = ["CompiledRule", "RuleError", "exact_pow", "into_assign", "pick", "writes_into"]

# How a name or an expression depends on the inputs, in increasing order.
CONST, FIXED, STEP, COORD = 0, 1, 2, 3

#: Dimensions up to this get straight-line code for a single run.
UNROLL_MAX = 8

_UFUNCS = {ast.Add: "_add", ast.Sub: "_sub", ast.Mult: "_mul", ast.Div: "_div"}


class RuleError(Exception):
    """A rule uses something the generator does not handle (a programming error)."""


def exact_pow(base: Any, exponent: Any) -> Any:
    """``base ** exponent`` with Python's pow (C libm), also element by element for arrays.

    torch computes Adam's bias corrections on Python floats; numpy's vectorised
    ``power`` may round differently on some CPUs, so arrays go through the same pow.
    """
    if isinstance(base, np.ndarray):
        return np.array([b**exponent for b in base.ravel().tolist()]).reshape(base.shape)
    if isinstance(exponent, np.ndarray):
        return np.array([base**e for e in exponent.ravel().tolist()]).reshape(exponent.shape)
    return base**exponent


def pick(from_end: Any, end: Any, start: Any) -> Any:
    """``end if from_end else start``, per run when ``from_end`` is an array."""
    if type(from_end) is bool:
        return end if from_end else start
    return np.where(from_end, end, start)


def _compile(source: str, name: str, label: str, namespace: dict[str, Any]) -> Callable[..., Any]:
    exec(compile(source, register_source(source, label), "exec"), namespace)
    return namespace[name]


# ------------------------------------------------------------------ analysis
class _Rule:
    """A rule function's statements, sorted into fixed, per-step and per-coordinate."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn_name = fn.__name__
        source = textwrap.dedent(inspect.getsource(fn))
        fdef = ast.parse(source).body[0]
        if not isinstance(fdef, ast.FunctionDef):
            raise RuleError(f"{self.fn_name}: not a function")
        args = [a.arg for a in fdef.args.posonlyargs + fdef.args.args]
        if args != ["w", "g", "state", "t", "lr"]:
            raise RuleError(f"{self.fn_name}: parameters must be (w, g, state, t, lr, *, hyper...)")
        self.hyper = tuple(a.arg for a in fdef.args.kwonlyargs)
        body = list(fdef.body)
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring
        self.state_vars: tuple[str, ...] = ()
        first = body[0] if body else None
        if (
            isinstance(first, ast.Assign)
            and isinstance(first.value, ast.Name)
            and first.value.id == "state"
        ):
            target = first.targets[0]
            elts = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
            self.state_vars = tuple(_name(e, self.fn_name) for e in elts)
            body = body[1:]
        if not body or not isinstance(body[-1], ast.Return):
            raise RuleError(f"{self.fn_name}: must end with `return new_w, State(...)`")
        body = body[:-1] + self._return_as_assignments(body[-1])
        self.kinds: dict[str, int] = {h: FIXED for h in self.hyper}
        self.kinds.update(t=STEP, lr=STEP, w=COORD, g=COORD)
        self.kinds.update({v: COORD for v in self.state_vars})
        self.fixed: list[ast.stmt] = []
        self.step: list[ast.stmt] = []
        self.coord: list[ast.stmt] = []
        self.flags: list[str] = []  # fixed names that choose a branch
        self._temps = 0
        for stmt in body:
            self._sort(stmt)
        self.fixed_names = tuple(dict.fromkeys([*self.hyper, *_targets(self.fixed)]))
        self.coord_names = {n for n, k in self.kinds.items() if k == COORD}

    def _return_as_assignments(self, ret: ast.Return) -> list[ast.stmt]:
        value = ret.value
        if not (isinstance(value, ast.Tuple) and len(value.elts) == 2):
            raise RuleError(f"{self.fn_name}: must return (new_w, new_state)")
        new_w, new_state = value.elts
        out: list[ast.stmt] = []
        if not (isinstance(new_w, ast.Name) and new_w.id == "w"):
            out.append(_assign("w", new_w))
        if isinstance(new_state, ast.Name) and new_state.id == "state":
            return out
        if not (isinstance(new_state, ast.Call) and len(new_state.args) == len(self.state_vars)):
            raise RuleError(f"{self.fn_name}: the new state must be State({', '.join(self.state_vars)})")
        for var, arg in zip(self.state_vars, new_state.args):
            name = _name(arg, self.fn_name)
            if name != var:
                if name in self.state_vars:
                    raise RuleError(f"{self.fn_name}: state variables must not swap places")
                out.append(_assign(var, arg))
        return out

    # -------------------------------------------------------------- kinds
    def kind(self, node: ast.expr) -> int:
        """How ``node`` depends on the inputs (the largest kind of the names in it)."""
        if isinstance(node, ast.Constant):
            return CONST
        if isinstance(node, ast.Name):
            if node.id not in self.kinds:
                raise RuleError(f"{self.fn_name}: {node.id!r} is used before it is assigned")
            return self.kinds[node.id]
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
            return max(self.kind(node.left), self.kind(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            return self.kind(node.operand)
        if isinstance(node, ast.Compare):
            return max(self.kind(n) for n in [node.left, *node.comparators])
        if isinstance(node, ast.BoolOp):
            return max(self.kind(n) for n in node.values)
        if isinstance(node, ast.IfExp):
            return max(self.kind(node.test), self.kind(node.body), self.kind(node.orelse))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            if (node.func.id, len(node.args)) in (("sqrt", 1), ("lerp", 3)):
                return max(self.kind(a) for a in node.args)
        raise RuleError(f"{self.fn_name}: the generator does not handle {ast.unparse(node)!r}")

    # ------------------------------------------------------------- sorting
    def _sort(self, stmt: ast.stmt, nested: bool = False) -> None:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            name = _name(stmt.targets[0], self.fn_name)
            kind = self.kind(stmt.value)
            if name in ("w", *self.state_vars) or self.kinds.get(name) == COORD:
                kind = COORD
            if nested and kind < COORD:
                raise RuleError(f"{self.fn_name}: {ast.unparse(stmt)!r}: only per-coordinate statements inside if")
            self.kinds[name] = max(kind, self.kinds.get(name, CONST))
            if kind == COORD:
                self.coord.append(_assign(name, self._hoist(stmt.value, STEP)))
            elif kind == STEP:
                self.step.append(_assign(name, self._hoist(stmt.value, FIXED)))
            else:
                self.fixed.append(_assign(name, self._hoist(stmt.value, CONST)))
            return
        if isinstance(stmt, ast.If):
            if self.kind(stmt.test) == COORD:
                raise RuleError(f"{self.fn_name}: an if must not depend on the coordinate")
            test = self._test(stmt.test)
            outer = self.coord
            branches = []
            for part in (stmt.body, stmt.orelse):
                self.coord = []
                for s in part:
                    self._sort(s, nested=True)
                branches.append(self.coord)
            self.coord = outer
            self.coord.append(ast.If(test, branches[0], branches[1] or []))
            return
        raise RuleError(f"{self.fn_name}: the generator does not handle {ast.unparse(stmt)!r}")

    def _test(self, test: ast.expr) -> ast.expr:
        """A branch test, as a name computed before the coordinates (a flag if fixed)."""
        kind = self.kind(test)
        if not isinstance(test, ast.Name):
            test = self._temp(test, kind)
        if kind <= FIXED:
            self.flags.append(test.id)  # type: ignore[attr-defined]
        return test

    def _temp(self, expr: ast.expr, kind: int) -> ast.Name:
        """``expr`` computed once, before the coordinates: a new name for it."""
        fixed = kind <= FIXED
        name = f"_{'f' if fixed else 's'}{self._temps}"
        self._temps += 1
        # inside a fixed value nothing more is hoisted; inside a per-step one, its fixed parts
        value = self._hoist(expr, CONST if fixed else FIXED)
        (self.fixed if fixed else self.step).append(_assign(name, value))
        self.kinds[name] = FIXED if fixed else STEP
        return ast.Name(name, ast.Load())

    def _hoist(self, expr: ast.expr, limit: int) -> ast.expr:
        """``expr`` with every largest sub-expression of kind ≤ ``limit`` (but a bare name
        or number) moved before the coordinates, and ``lerp`` in its torch form."""
        rule = self

        class Hoist(ast.NodeTransformer):
            def visit(self, node: ast.AST) -> Any:
                if isinstance(node, ast.expr) and not isinstance(node, (ast.Name, ast.Constant)):
                    kind = rule.kind(node)
                    if FIXED <= kind <= limit and not _is_lerp(node):
                        return rule._temp(node, kind)
                if isinstance(node, ast.IfExp):
                    test = rule._test(node.test) if rule.kind(node.test) > CONST else node.test
                    return ast.IfExp(test, self.visit(node.body), self.visit(node.orelse))
                if _is_lerp(node):
                    start, end, weight = node.args  # type: ignore[attr-defined]
                    if rule.kind(weight) == COORD:
                        raise RuleError(f"{rule.fn_name}: a lerp weight must not depend on the coordinate")
                    if not all(isinstance(a, ast.Name) for a in (start, end)):
                        raise RuleError(f"{rule.fn_name}: lerp takes names as start and end")
                    kind = max(rule.kind(weight), FIXED)
                    form = ast.Call(ast.Name("_lerp_form", ast.Load()), [weight], [])
                    e, k = rule._temp_pair(form, kind)
                    return ast.Call(ast.Name("_lerp", ast.Load()), [start, end, e, k], [])
                return self.generic_visit(node)

        return Hoist().visit(copy.deepcopy(expr))

    def _temp_pair(self, expr: ast.expr, kind: int) -> tuple[ast.Name, ast.Name]:
        a, b = f"_e{self._temps}", f"_k{self._temps}"
        self._temps += 1
        target = ast.Tuple([ast.Name(a, ast.Store()), ast.Name(b, ast.Store())], ast.Store())
        stmt = ast.Assign([target], expr, lineno=0)
        (self.fixed if kind <= FIXED else self.step).append(stmt)
        self.kinds[a] = self.kinds[b] = kind
        return ast.Name(a, ast.Load()), ast.Name(b, ast.Load())


def _is_lerp(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "lerp"


def _name(node: ast.AST, where: str) -> str:
    if not isinstance(node, ast.Name):
        raise RuleError(f"{where}: expected a name, got {ast.unparse(node)!r}")
    return node.id


def _assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign([ast.Name(name, ast.Store())], value, lineno=0)


def _targets(stmts: list[ast.stmt]) -> list[str]:
    out = []
    for s in stmts:
        for t in s.targets:  # type: ignore[attr-defined]
            out += [e.id for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
    return out


# ---------------------------------------------------------------- lowering
class _Lower(ast.NodeTransformer):
    """Markers to plain code: ``_lerp`` for floats or arrays, ``**`` to exact pow for arrays."""

    def __init__(self, arrays: bool) -> None:
        self.arrays = arrays

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "_lerp":
            start, end, e, k = node.args
            if self.arrays:
                base: ast.expr = ast.Call(ast.Name("_pick", ast.Load()), [e, end, start], [])
            else:
                base = ast.IfExp(e, end, start)
            diff = ast.BinOp(end, ast.Sub(), start)
            return ast.BinOp(base, ast.Add(), ast.BinOp(k, ast.Mult(), diff))
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        if self.arrays and isinstance(node.op, ast.Pow):
            return ast.Call(ast.Name("_pow", ast.Load()), [node.left, node.right], [])
        return node


class _Suffix(ast.NodeTransformer):
    """Rename the per-coordinate names: ``m`` -> ``m_3``."""

    def __init__(self, names: set[str], suffix: str) -> None:
        self.names, self.suffix = names, suffix

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id in self.names:
            return ast.copy_location(ast.Name(node.id + self.suffix, node.ctx), node)
        return node


def _lines(stmts: list[ast.stmt], indent: str, arrays: bool, suffix: tuple[set[str], str] | None = None) -> list[str]:
    out = []
    for stmt in stmts:
        stmt = _Lower(arrays).visit(copy.deepcopy(stmt))
        if suffix is not None:
            stmt = _Suffix(*suffix).visit(stmt)
        ast.fix_missing_locations(stmt)
        out += [indent + line for line in ast.unparse(stmt).splitlines()]
    return out


def _into_stmt(stmt: ast.stmt, targets: set[str]) -> list[ast.stmt]:
    """One statement with its assignments to ``targets`` writing into ``out_<name>``."""
    if isinstance(stmt, ast.If):
        body = [s for b in stmt.body for s in _into_stmt(b, targets)]
        orelse = [s for b in stmt.orelse for s in _into_stmt(b, targets)]
        return [ast.If(stmt.test, body, orelse)]
    if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id in targets:
        name = stmt.targets[0].id
        return into_assign(name, stmt.value, f"out_{name}")
    return [stmt]


def writes_into(stmt: ast.stmt, name: str, out: str) -> bool:
    """True when ``stmt`` is ``name = f(..., out)``: an operation writing into ``out``."""
    return (
        isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == name
        and isinstance(stmt.value, ast.Call) and bool(stmt.value.args)
        and isinstance(stmt.value.args[-1], ast.Name) and stmt.value.args[-1].id == out
    )


def _ends_in(body: list[ast.stmt], name: str, out: str) -> bool:
    """True when straight-line ``body`` (no branches) last assigns ``name`` by writing into ``out``."""
    if any(isinstance(s, ast.If) for s in body):
        return False
    last = [s for s in body if isinstance(s, ast.Assign) and name in _targets([s])]
    return bool(last) and writes_into(last[-1], name, out)


def into_assign(name: str, expr: ast.expr, out: str) -> list[ast.stmt]:
    """``name = expr`` with the last operation of ``expr`` writing into the array ``out``
    where it can (+ - * / and sqrt); otherwise a plain assignment."""
    if isinstance(expr, ast.IfExp):
        return [ast.If(expr.test, into_assign(name, expr.body, out), into_assign(name, expr.orelse, out))]
    if isinstance(expr, ast.BinOp) and type(expr.op) in _UFUNCS:
        fn = ast.Name(_UFUNCS[type(expr.op)], ast.Load())
        return [_assign(name, ast.Call(fn, [expr.left, expr.right, ast.Name(out, ast.Load())], []))]
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "sqrt":
        return [_assign(name, ast.Call(expr.func, [expr.args[0], ast.Name(out, ast.Load())], []))]
    # anything else (a name, a pick): computed, then copied into place at the end
    return [_assign(name, expr)]


class _Fold(ast.NodeTransformer):
    """Names whose values are known bools become constants, and the branches they
    decide are resolved (a group of runs whose flags are all equal)."""

    def __init__(self, known: dict[str, bool]) -> None:
        self.known = known

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if isinstance(node.ctx, ast.Load) and node.id in self.known:
            return ast.Constant(self.known[node.id])
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.test, ast.Constant):
            return node.body if node.test.value else node.orelse
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "_pick" and isinstance(node.args[0], ast.Constant):
            return node.args[1] if node.args[0].value else node.args[2]
        return node

    def visit_If(self, node: ast.If) -> Any:
        self.generic_visit(node)
        if isinstance(node.test, ast.Constant):
            return (node.body if node.test.value else node.orelse) or None
        return node


class _FloatPow(ast.NodeTransformer):
    """``_pow(a, b)`` back to ``a ** b`` where both are known to be Python floats or ints."""

    def __init__(self, floats: set[str]) -> None:
        self.floats = floats

    def scalar(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        if isinstance(node, ast.Name):
            return node.id in self.floats
        if isinstance(node, ast.BinOp):
            return self.scalar(node.left) and self.scalar(node.right)
        if isinstance(node, ast.UnaryOp):
            return self.scalar(node.operand)
        return False

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "_pow" and all(map(self.scalar, node.args)):
            return ast.BinOp(node.args[0], ast.Pow(), node.args[1])
        return node


# ------------------------------------------------------------------- output
class CompiledRule:
    """The variants generated from one rule function (see the module docstring)."""

    def __init__(self, fn: Callable[..., Any], state_class: type) -> None:
        rule = _Rule(fn)
        self.rule = rule
        self.hyper = rule.hyper
        self.state_vars = rule.state_vars
        self.fixed_names = rule.fixed_names
        self.flags = tuple(dict.fromkeys(rule.flags))
        self.state_class = state_class
        self._single: dict[int, Callable[..., Any]] = {}
        ns = {"_lerp_form": lerp_form, "_pow": exact_pow}
        self.fixed_source = "\n".join([
            f"def fixed({', '.join(['*', *rule.hyper]) if rule.hyper else ''}):",
            f"    # generated from {rule.fn_name}: what depends only on the hyperparameters",
            *_lines(rule.fixed, "    ", arrays=True),
            f"    return ({''.join(n + ', ' for n in self.fixed_names)})",
        ])
        self.fixed = _compile(self.fixed_source, "fixed", f"{rule.fn_name} fixed", dict(ns))
        self.into_source = self._into_source()
        into_ns = {
            **ns, "_pick": pick, "_add": np.add, "_sub": np.subtract, "_mul": np.multiply,
            "_div": np.true_divide, "sqrt": np.sqrt,
        }
        self.into = _compile(self.into_source, "into", f"{rule.fn_name} into", into_ns)

    def flag_values(self, fixed: tuple) -> tuple:
        """The values of the fixed branch tests (runs that differ in them take different
        branches) from a ``fixed(...)`` tuple."""
        index = {n: i for i, n in enumerate(self.fixed_names)}
        return tuple(fixed[index[f]] for f in self.flags)

    def _unpack_fixed(self) -> list[str]:
        return [f"    {', '.join(self.fixed_names)}, = fixed"] if self.fixed_names else []

    # ------------------------------------------------------------ many runs
    def _into_source(self) -> str:
        """``into(w, g, *state, t, lr, *fixed, out_w, *out_state)``.

        The last operation of each assignment to ``w`` or a state variable writes into
        the matching ``out_`` array; a variable the rule leaves alone (or sets to a
        name) is copied there at the end.  The ``out_`` arrays must not overlap the inputs.
        """
        rule = self.rule
        targets = {"w", *rule.state_vars}
        outs = ["out_w", *(f"out_{v}" for v in rule.state_vars)]
        args = ["w", "g", *rule.state_vars, "t", "lr", *self.fixed_names, *outs]
        lines = [f"def into({', '.join(args)}):", f"    # generated from {rule.fn_name}: in place on arrays"]
        lines += _lines(rule.step, "    ", arrays=True)
        body = [s for stmt in rule.coord for s in _into_stmt(_Lower(True).visit(copy.deepcopy(stmt)), targets)]
        lines += _lines(body, "    ", arrays=True)
        for v in rule.state_vars:
            lines += [f"    if {v} is not out_{v}:", f"        out_{v}[...] = {v}"]
        lines += ["    if w is not out_w:", "        out_w[...] = w"]
        return "\n".join(lines)

    def inline_lines(self, known: dict[str, bool], floats: set[str]) -> list[str]:
        """The body of ``into`` as lines to paste into a loop, with the fixed names in
        ``known`` (equal in every run of a group) folded in and their branches resolved,
        and Python's ``**`` where both sides are among ``floats`` (names holding floats;
        ``t`` is one) rather than the exact pow for arrays.

        The lines read ``w, g, <state vars>, t, lr`` and the fixed names, write the
        ``out_`` arrays, and end with every variable bound to its ``out_`` array.
        """
        rule = self.rule
        targets = {"w", *rule.state_vars}
        fold = _Fold(known)
        pow_ = _FloatPow({"t", *floats})
        step = [pow_.visit(_Lower(True).visit(fold.visit(copy.deepcopy(s)))) for s in rule.step]
        lines = _lines(step, "", arrays=False)  # lowered already
        body: list[ast.stmt] = []
        for stmt in rule.coord:
            folded = fold.visit(_Lower(True).visit(copy.deepcopy(stmt)))
            for s in folded if isinstance(folded, list) else [folded] if folded is not None else []:
                body += _into_stmt(s, targets)
        lines += _lines(body, "", arrays=True)
        for v in (*rule.state_vars, "w"):
            if not _ends_in(body, v, f"out_{v}"):
                lines += [f"if {v} is not out_{v}:", f"    out_{v}[...] = {v}", f"{v} = out_{v}"]
        return lines

    # ------------------------------------------------------------- one run
    def single(self, d: int) -> Callable[..., Any]:
        """``step(w, g, state, t, lr, fixed, sqrt) -> (new_w, new_state)`` for one run of
        ``d`` coordinates (lists of floats; ``sqrt`` the float square root to use)."""
        fn = self._single.get(d)
        if fn is None:
            fn = self._single[d] = self._build_single(d)
        return fn

    def _build_single(self, d: int) -> Callable[..., Any]:
        rule = self.rule
        S = rule.state_vars
        lines = ["def step(w, g, state, t, lr, fixed, sqrt):"]
        lines.append(f"    # generated from {rule.fn_name} for {d} coordinate(s)")
        lines += self._unpack_fixed()
        lines += _lines(rule.step, "    ", arrays=False)
        if 0 < d <= UNROLL_MAX:
            def names(v: str) -> str:
                return ", ".join(f"{v}_{i}" for i in range(d))

            lines.append(f"    {names('w')}, = w")
            lines.append(f"    {names('g')}, = g")
            lines += [f"    {names(v)}, = state[{j}]" for j, v in enumerate(S)]
            for i in range(d):
                lines += _lines(rule.coord, "    ", arrays=False, suffix=(rule.coord_names, f"_{i}"))
            state = ", ".join(f"[{names(v)}]" for v in S)
            lines.append(f"    return [{names('w')}], _new(_State, ({state}{',' if S else ''}))")
        else:
            outs = ["out_w", *(f"out_{v}" for v in S)]
            lines += [f"    {o} = []" for o in outs]
            lines.append(f"    for w, g{''.join(', ' + v for v in S)} in zip(w, g, *state):")
            lines += _lines(rule.coord, "        ", arrays=False)
            lines += [f"        {o}.append({n})" for o, n in zip(outs, ["w", *S])]
            state = ", ".join(outs[1:])
            lines.append(f"    return out_w, _new(_State, ({state}{',' if S else ''}))")
        source = "\n".join(lines)
        ns = {"_State": self.state_class, "_new": tuple.__new__, "math": math}
        return _compile(source, "step", f"{rule.fn_name} {d}-D", ns)
