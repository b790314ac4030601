"""The optimizers: sgd, momentum, nesterov, adagrad, rmsprop, adam, newton.

Each rule has the semantics and defaults of ``torch.optim`` in float64 and mirrors
the operation order of torch's single-tensor (for-loop) CPU code, so trajectories
agree with torch's to rounding (see ``docs/optimizers.md``).

Conventions (shared with ``gdtui.engine.run`` and ``gdtui.engine.batch``):

* ``w``, ``g`` and every state entry are either a ``list`` of D Python floats (one
  run, the fast path) or numpy arrays of shape (R, D) (R runs stepped together).
* ``t`` is the 1-based number of the update being made; ``lr`` the learning rate
  for it (after the schedule).  For many runs ``lr`` and any hyperparameter may be
  an array of shape (R, 1), one value per run.
* ``step`` is pure: it never mutates ``w``, ``g`` or ``state`` and returns new ones.
  ``update`` is ``new_w - w``, the change actually applied.

Each elementwise rule is written once, with plain arithmetic, as a ``_rule``
function of one coordinate's values; the same function runs on Python floats
(looping over the coordinates) and on whole (R, D) arrays.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import math
import textwrap
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, NamedTuple

import numpy as np

from gdtui.errors import OptionError

__all__ = [
    "NEWTON_FALLBACK_NOTE",
    "OPTIMIZERS",
    "SGD",
    "Adagrad",
    "Adam",
    "Momentum",
    "Nesterov",
    "Newton",
    "Optimizer",
    "RMSprop",
    "StepResult",
    "hyperparameter_names",
    "make_optimizer",
]

#: The note a Newton step carries when it fell back to a gradient step.
NEWTON_FALLBACK_NOTE = "Hessian not positive definite: took a gradient step instead"


class StepResult(NamedTuple):
    """What one update produced.

    ``note`` is ``None`` normally.  Newton sets it when it fell back to a gradient
    step: the message itself for a single run; for many runs a tuple with the
    message or ``None`` per run (``None`` overall when no run fell back).
    """

    w: Any
    update: Any
    state: tuple
    note: Any = None


# --------------------------------------------------------------- validation
def _fmt(value: Any) -> str:
    """A value as it appears in an error message (``-1``, ``0.5``, ``'abc'``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    return repr(value)


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _number(name: str, value: Any) -> Any:
    """``value`` as a float (or float array); OptionError if it is not a finite number."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "fiu":
            raise OptionError(f"{_option(name)} must be a number, got an array of {value.dtype}")
        arr = value.astype(float)
        bad = arr[~np.isfinite(arr)]
        if bad.size:
            raise OptionError(f"{_option(name)} must be a finite number, got {_fmt(float(bad[0]))}")
        return arr
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise OptionError(f"{_option(name)} must be a number, got {_fmt(value)}")
    x = float(value)
    if not math.isfinite(x):
        raise OptionError(f"{_option(name)} must be a finite number, got {_fmt(x)}")
    return x


def _check(name: str, value: Any, ok: Callable[[Any], Any], what: str) -> Any:
    """Validate ``value`` (a number or array of numbers) with ``ok``; return it as float(s)."""
    x = _number(name, value)
    good = ok(x)
    if isinstance(x, np.ndarray):
        if not np.all(good):
            first = float(x[~good][0])
            raise OptionError(f"{_option(name)} must be {what}, got {_fmt(first)}")
    elif not good:
        raise OptionError(f"{_option(name)} must be {what}, got {_fmt(x)}")
    return x


def _positive(x: Any) -> Any:
    return x > 0


def _non_negative(x: Any) -> Any:
    return x >= 0


def _unit_open(x: Any) -> Any:  # [0, 1)
    return (x >= 0) & (x < 1)


def _unit_closed(x: Any) -> Any:  # [0, 1]
    return (x >= 0) & (x <= 1)


_POSITIVE = (_positive, "a positive number")
_NON_NEGATIVE = (_non_negative, "a number ≥ 0")
_UNIT_OPEN = (_unit_open, "a number in [0, 1)")
_UNIT_CLOSED = (_unit_closed, "a number in [0, 1]")


def _pow(base: Any, exponent: float) -> Any:
    """``base ** exponent`` with Python's (C libm) pow, also element by element for arrays.

    torch computes bias corrections on Python floats; numpy's vectorised ``power``
    may round differently, so arrays go through the same scalar pow.
    """
    if isinstance(base, np.ndarray):
        return np.array([b**exponent for b in base.ravel().tolist()]).reshape(base.shape)
    return base**exponent


def _lerp_form(weight: Any) -> tuple[Any, Any]:
    """How torch's ``lerp(start, end, weight)`` is computed: ``(from_end, k)``.

    torch evaluates ``start + weight·(end - start)`` when ``|weight| < 0.5`` and
    ``end - (end - start)·(1 - weight)`` otherwise; both are ``base + k·(end - start)``
    with ``base = end if from_end else start`` (negating ``1 - weight`` is exact).
    """
    from_end = weight >= 0.5  # weights here are in [0, 1]
    if isinstance(from_end, np.ndarray):
        return from_end, np.where(from_end, weight - 1, weight)
    return from_end, (weight - 1 if from_end else weight)


def _nan_sqrt(x: float) -> float:
    """``math.sqrt`` giving nan for a negative number (as torch does) instead of raising."""
    return math.sqrt(x) if x >= 0 else math.nan


# ------------------------------------------------------- compiling the rules
# Each rule is a few lines of plain arithmetic on one coordinate (``RULE``).  It is
# compiled once per class into (1) a function on whole (R, D) arrays and (2) for a
# single run, a function on lists of floats with the coordinates unrolled (for
# small D) or looped.  One text, so the float and array paths cannot drift apart;
# unrolling because the single run is the speed-critical path (no per-coordinate
# function calls).

_UNROLL_MAX = 8  # dimensions up to this get a straight-line function


class _Suffix(ast.NodeTransformer):
    """Rename the per-coordinate variables of a rule: ``m`` -> ``m_3``."""

    def __init__(self, names: set[str], suffix: str) -> None:
        self.names, self.suffix = names, suffix

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id in self.names:
            return ast.copy_location(ast.Name(node.id + self.suffix, node.ctx), node)
        return node


class _CompiledRule:
    """The functions generated from one ``RULE``."""

    def __init__(self, rule: str, state_vars: tuple[str, ...], consts: tuple[str, ...]) -> None:
        self.body = ast.parse(textwrap.dedent(rule)).body
        self.state_vars, self.consts = state_vars, consts
        self.coord_vars = {"w", "g", "new_w", *state_vars}
        self.arrays = self._build_arrays()
        self.into = self._build_into()
        self.loop = self._build_loop()
        self.unrolled: dict[int, Callable[..., StepResult]] = {}

    def _compile(self, lines: list[str], name: str) -> Callable[..., Any]:
        namespace: dict[str, Any] = {"StepResult": StepResult}
        exec(compile("\n".join(lines), f"<gdtui rule {name}>", "exec"), namespace)
        return namespace[name]

    def _stmts(self, suffix: str | None = None, indent: str = "    ") -> list[str]:
        out = []
        for stmt in self.body:
            if suffix is not None:
                stmt = _Suffix(self.coord_vars, suffix).visit(copy.deepcopy(stmt))
            out += [indent + line for line in ast.unparse(stmt).splitlines()]
        return out

    def _unpack_consts(self) -> list[str]:
        return [f"    {', '.join(self.consts)}, = consts"] if self.consts else []

    def _build_arrays(self) -> Callable[..., tuple]:
        args = ", ".join(["w", "g", *self.state_vars, *self.consts, "sqrt"])
        lines = [f"def rule({args}):", *self._stmts()]
        lines.append(f"    return ({', '.join(['new_w', *self.state_vars])},)")
        return self._compile(lines, "rule")

    def _build_into(self) -> Callable[..., None]:
        """The (D, R) path for :class:`~gdtui.engine.batch.RunBatch`: results written in place.

        ``into(w, g, *state, *consts, sqrt, out_w, *out_state)`` performs exactly the
        operations of ``arrays`` (same order, so the same bits) but the last operation
        of each assignment to ``new_w`` or a state variable writes into the matching
        ``out_`` array, and a state variable the rule leaves alone is copied there.
        The ``out_`` arrays must not overlap the inputs.
        """
        targets = {"new_w", *self.state_vars}
        body: list[ast.stmt] = []
        for stmt in self.body:
            body += _into_stmt(copy.deepcopy(stmt), targets)
        outs = ["out_w", *(f"out_{v}" for v in self.state_vars)]
        args = ", ".join(["w", "g", *self.state_vars, *self.consts, "sqrt", *outs])
        lines = [f"def into({args}):"]
        lines += ["    " + line for stmt in body for line in ast.unparse(stmt).splitlines()]
        for v in self.state_vars:
            lines.append(f"    if {v} is not out_{v}:")
            lines.append(f"        out_{v}[...] = {v}")
        lines.append("    if new_w is not out_w:")
        lines.append("        out_w[...] = new_w")
        namespace: dict[str, Any] = dict(_INTO_UFUNCS)
        self.into_source = "\n".join(lines)
        exec(compile(self.into_source, "<gdtui rule into>", "exec"), namespace)
        return namespace["into"]

    def _build_loop(self) -> Callable[..., StepResult]:
        outs = ["out_w", "out_u", *(f"out_{v}" for v in self.state_vars)]
        lines = ["def step(w, g, state, consts, sqrt):", *self._unpack_consts()]
        lines += [f"    {o} = []" for o in outs]
        lines.append(f"    for w, g, {''.join(v + ', ' for v in self.state_vars)}in zip(w, g, *state):")
        lines += self._stmts(indent="        ")
        lines.append("        out_w.append(new_w)")
        lines.append("        out_u.append(new_w - w)")
        lines += [f"        out_{v}.append({v})" for v in self.state_vars]
        state = "".join(f"out_{v}, " for v in self.state_vars)
        lines.append(f"    return StepResult(out_w, out_u, ({state}), None)")
        return self._compile(lines, "step")

    def for_dims(self, d: int) -> Callable[..., StepResult]:
        """The single-run function for ``d`` coordinates."""
        fn = self.unrolled.get(d)
        if fn is None:
            fn = self.loop if d > _UNROLL_MAX or d == 0 else self._build_unrolled(d)
            self.unrolled[d] = fn
        return fn

    def _build_unrolled(self, d: int) -> Callable[..., StepResult]:
        def names(v: str) -> str:
            return ", ".join(f"{v}_{i}" for i in range(d))

        lines = ["def step(w, g, state, consts, sqrt):", *self._unpack_consts()]
        lines.append(f"    {names('w')}, = w")
        lines.append(f"    {names('g')}, = g")
        lines += [f"    {names(v)}, = state[{j}]" for j, v in enumerate(self.state_vars)]
        for i in range(d):
            lines += self._stmts(suffix=f"_{i}")
        update = ", ".join(f"new_w_{i} - w_{i}" for i in range(d))
        state = "".join(f"[{names(v)}], " for v in self.state_vars)
        lines.append(f"    return StepResult([{names('new_w')}], [{update}], ({state}), None)")
        return self._compile(lines, "step")


_INTO_UFUNCS = {"_add": np.add, "_sub": np.subtract, "_mul": np.multiply, "_div": np.true_divide}
_INTO_OPS = {ast.Add: "_add", ast.Sub: "_sub", ast.Mult: "_mul", ast.Div: "_div"}


def _into_stmt(stmt: ast.stmt, targets: set[str]) -> list[ast.stmt]:
    """One rule statement with its assignments to ``targets`` writing into ``out_<name>``."""
    if isinstance(stmt, ast.If):
        body = [s for b in stmt.body for s in _into_stmt(b, targets)]
        orelse = [s for b in stmt.orelse for s in _into_stmt(b, targets)]
        return [ast.If(stmt.test, body, orelse)]
    if (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and stmt.targets[0].id in targets
    ):
        name = stmt.targets[0].id
        return _into_assign(name, stmt.value, "out_w" if name == "new_w" else f"out_{name}")
    return [stmt]


def _into_assign(name: str, expr: ast.expr, out: str) -> list[ast.stmt]:
    def assign(value: ast.expr) -> ast.stmt:
        return ast.Assign([ast.Name(name, ast.Store())], value, lineno=0)

    if isinstance(expr, ast.IfExp):
        return [ast.If(expr.test, _into_assign(name, expr.body, out), _into_assign(name, expr.orelse, out))]
    if isinstance(expr, ast.BinOp) and type(expr.op) in _INTO_OPS:
        fn = ast.Name(_INTO_OPS[type(expr.op)], ast.Load())
        return [assign(ast.Call(fn, [expr.left, expr.right, ast.Name(out, ast.Load())], []))]
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Name)
        and expr.func.id == "sqrt"
        and len(expr.args) == 1
        and not expr.keywords
    ):
        return [assign(ast.Call(expr.func, [expr.args[0], ast.Name(out, ast.Load())], []))]
    # anything else: compute, then the caller's copy at the end puts it in place
    return [assign(expr)]


# ------------------------------------------------------------- base class
class Optimizer:
    """Base of the update rules: shared stepping, state handling and introspection.

    Subclasses are frozen dataclasses whose fields are the hyperparameters.  An
    elementwise rule defines ``RULE`` (statements on one coordinate: ``w``, ``g``,
    the state variables ``STATE_VARS`` and the per-step constants ``CONSTS``,
    assigning ``new_w`` and the new state) and ``_constants(t, lr)`` returning the
    values of ``CONSTS``.
    """

    name: ClassVar[str] = ""
    #: Per-coordinate state stored between steps, in the order of ``state``.
    state_names: ClassVar[tuple[str, ...]] = ()
    #: The torch class this rule reproduces, for help texts.
    torch_name: ClassVar[str] = ""
    #: The update rule in one line, for the UI.
    formula: ClassVar[str] = ""
    #: The elementwise rule (see the class docstring) and the names it uses.
    RULE: ClassVar[str] = ""
    STATE_VARS: ClassVar[tuple[str, ...]] = ()
    CONSTS: ClassVar[tuple[str, ...]] = ()
    #: The ``CONSTS`` that depend only on the hyperparameters (not on t or lr): a batch
    #: of runs computes them once.
    FIXED_CONSTS: ClassVar[tuple[str, ...]] = ()
    _compiled: ClassVar[_CompiledRule | None] = None
    _by_dims: ClassVar[dict[int, Callable[..., StepResult]]] = {}
    _float_sqrt: ClassVar[Callable[[float], float]] = staticmethod(math.sqrt)
    lr: float

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.RULE:
            cls._compiled = _CompiledRule(cls.RULE, cls.STATE_VARS, cls.CONSTS)
            cls._by_dims = cls._compiled.unrolled  # filled on first use of each D

    # -------------------------------------------------------- introspection
    @classmethod
    def fields(cls) -> tuple[str, ...]:
        """The hyperparameters this optimizer takes, in order (``("lr", "beta1", ...)``)."""
        return tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """The default value of each hyperparameter."""
        return {f.name: f.default for f in dataclasses.fields(cls)}  # type: ignore[arg-type]

    def hyperparameters(self) -> dict[str, Any]:
        """The hyperparameters of this instance, e.g. ``{"lr": 0.1, "momentum": 0.9}``."""
        return {name: getattr(self, name) for name in self.fields()}

    # ------------------------------------------------------------- stepping
    def init_state(self, w: Any) -> tuple:
        """The state before the first update: zeros shaped like ``w`` per state name."""
        return tuple(_zeros_like(w) for _ in self.state_names)

    def _constants(self, t: int, lr: Any) -> tuple:
        """The values of ``CONSTS`` for update ``t`` with learning rate ``lr``."""
        raise NotImplementedError

    def step(self, w: Any, g: Any, state: tuple, t: int, lr: Any, hessian: Any = None) -> StepResult:
        """Apply update number ``t`` (1-based) with learning rate ``lr``.

        ``w``, ``g`` and the state entries are lists of floats (one run) or (R, D)
        arrays (many runs).  Returns the new point, the applied update
        ``new_w - w``, the new state and a note (None).  Never mutates its inputs.
        """
        consts = self._constants(t, lr)
        if type(w) is list:
            try:
                fn = self._by_dims[len(w)]
            except KeyError:
                fn = self._compiled.for_dims(len(w))  # type: ignore[union-attr]
            return fn(w, g, state, consts, self._float_sqrt)
        return self._step_arrays(w, g, state, consts)

    def _step_arrays(self, w: Any, g: Any, state: tuple, consts: tuple) -> StepResult:
        """The (R, D) path: the rule applied to whole arrays.

        A flag constant (a Python bool choosing a branch of the rule, e.g. whether
        momentum is on) becomes a boolean (R, 1) array when runs differ; then the
        rule runs once per group of runs sharing the same flags.
        """
        rule = self._compiled.arrays  # type: ignore[union-attr]
        w = np.asarray(w, dtype=float)
        g = np.asarray(g, dtype=float)
        state = tuple(np.asarray(s, dtype=float) for s in state)
        flags = [i for i, c in enumerate(consts) if isinstance(c, np.ndarray) and c.dtype == bool]
        with np.errstate(all="ignore"):
            if not flags:
                outs = list(rule(w, g, *state, *consts, np.sqrt))
            else:
                outs = [np.empty_like(w) for _ in range(1 + len(state))]
                n = w.shape[0]
                keys = np.stack([np.broadcast_to(consts[i], (n, 1))[:, 0] for i in flags], 1)
                for combo in np.unique(keys, axis=0):
                    rows = np.all(keys == combo, axis=1)
                    sub = [
                        c[rows] if isinstance(c, np.ndarray) and c.ndim and c.shape[0] == n else c
                        for c in consts
                    ]
                    for j, i in enumerate(flags):
                        sub[i] = bool(combo[j])
                    part = rule(w[rows], g[rows], *[s[rows] for s in state], *sub, np.sqrt)
                    for out, p in zip(outs, part):
                        out[rows] = p
            new_w = np.array(np.broadcast_to(outs[0], w.shape), dtype=float)
            update = new_w - w
        # A state entry the rule left alone comes back as the input array itself:
        # copy so that the result never aliases an input.
        new_state = tuple(np.array(np.broadcast_to(s, w.shape), dtype=float) for s in outs[1:])
        return StepResult(new_w, update, new_state, None)

    # -------------------------------------------------------------- display
    def display_state(self, state: tuple, t: int) -> dict[str, Any]:
        """The state by name for the UI (copies), plus derived quantities (Adam's m̂, v̂)."""
        return {name: _copy(s) for name, s in zip(self.state_names, state)}


def _zeros_like(w: Any, fill: Any = 0.0) -> Any:
    if type(w) is list:
        return [float(fill)] * len(w)
    return np.zeros(np.shape(w)) + fill


def _copy(x: Any) -> Any:
    return list(x) if type(x) is list else np.array(x, dtype=float)


# ------------------------------------------------------------------- rules
@dataclass(frozen=True)
class SGD(Optimizer):
    """Plain gradient descent (torch ``SGD(lr)``): ``w ← w - lr·g``.

    As torch: ``param.add_(grad, alpha=-lr)``.  No state.
    """

    lr: float = 1e-3
    name: ClassVar[str] = "sgd"
    torch_name: ClassVar[str] = "SGD(lr=lr)"
    formula: ClassVar[str] = "w ← w − lr·g"
    CONSTS: ClassVar[tuple[str, ...]] = ("neg_lr",)
    RULE: ClassVar[str] = """
        new_w = w + neg_lr * g
    """

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check("lr", self.lr, *_POSITIVE))

    def _constants(self, t: int, lr: Any) -> tuple:
        return (-lr,)


@dataclass(frozen=True)
class Momentum(Optimizer):
    """Heavy-ball momentum (torch ``SGD(lr, momentum, dampening)``).

    ``v ← g`` at the first update, then ``v ← momentum·v + (1 - dampening)·g``;
    ``w ← w - lr·v``.  State: ``velocity`` (torch's ``momentum_buffer``).
    """

    lr: float = 1e-3
    momentum: float = 0.9
    dampening: float = 0.0
    name: ClassVar[str] = "momentum"
    state_names: ClassVar[tuple[str, ...]] = ("velocity",)
    torch_name: ClassVar[str] = "SGD(lr=lr, momentum=momentum, dampening=dampening)"
    formula: ClassVar[str] = "v ← momentum·v + (1−dampening)·g  (v ← g at step 1);  w ← w − lr·v"
    STATE_VARS: ClassVar[tuple[str, ...]] = ("v",)
    CONSTS: ClassVar[tuple[str, ...]] = ("momentum", "undamped", "neg_lr", "first")
    FIXED_CONSTS: ClassVar[tuple[str, ...]] = ("momentum", "undamped")
    # torch starts the buffer at a copy of the first gradient (not dampened).
    RULE: ClassVar[str] = """
        v = g * 1.0 if first else v * momentum + undamped * g
        new_w = w + neg_lr * v
    """

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check("lr", self.lr, *_POSITIVE))
        object.__setattr__(self, "momentum", _check("momentum", self.momentum, *_NON_NEGATIVE))
        object.__setattr__(self, "dampening", _check("dampening", self.dampening, *_UNIT_CLOSED))

    def _constants(self, t: int, lr: Any) -> tuple:
        return (self.momentum, 1 - self.dampening, -lr, t == 1)


@dataclass(frozen=True)
class Nesterov(Optimizer):
    """Nesterov momentum (torch ``SGD(lr, momentum, nesterov=True)``).

    ``v ← momentum·v + g`` (so ``v = g`` at the first update);
    ``w ← w - lr·(g + momentum·v)``.  State: ``velocity``.
    This is the lesson's ``v = m·v - lr·g; w = w + m·v - lr·g`` with
    ``v_lesson = -lr·v`` for a constant lr (see docs/optimizers.md).
    """

    lr: float = 1e-3
    momentum: float = 0.9
    name: ClassVar[str] = "nesterov"
    state_names: ClassVar[tuple[str, ...]] = ("velocity",)
    torch_name: ClassVar[str] = "SGD(lr=lr, momentum=momentum, nesterov=True)"
    formula: ClassVar[str] = "v ← momentum·v + g;  w ← w − lr·(g + momentum·v)"
    STATE_VARS: ClassVar[tuple[str, ...]] = ("v",)
    CONSTS: ClassVar[tuple[str, ...]] = ("momentum", "neg_lr")
    FIXED_CONSTS: ClassVar[tuple[str, ...]] = ("momentum",)
    # Zero dampening: 0·momentum + g == g exactly, so starting from v = 0 gives
    # torch's "buffer = first gradient".
    RULE: ClassVar[str] = """
        v = v * momentum + g
        new_w = w + neg_lr * (g + momentum * v)
    """

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check("lr", self.lr, *_POSITIVE))
        # torch: "Nesterov momentum requires a momentum and zero dampening".
        object.__setattr__(self, "momentum", _check("momentum", self.momentum, *_POSITIVE))

    def _constants(self, t: int, lr: Any) -> tuple:
        return (self.momentum, -lr)


@dataclass(frozen=True)
class Adagrad(Optimizer):
    """Adagrad (torch ``Adagrad(lr, lr_decay, initial_accumulator_value, eps)``).

    ``s ← s + g²``; ``clr = lr / (1 + (t-1)·lr_decay)``; ``w ← w - clr·g / (√s + eps)``.
    State: ``sum of squares`` (torch's ``sum``), starting at ``initial_accumulator_value``.
    """

    lr: float = 1e-2
    lr_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10
    name: ClassVar[str] = "adagrad"
    state_names: ClassVar[tuple[str, ...]] = ("sum of squares",)
    torch_name: ClassVar[str] = (
        "Adagrad(lr=lr, lr_decay=lr_decay, initial_accumulator_value=..., eps=eps)"
    )
    formula: ClassVar[str] = "s ← s + g²;  w ← w − lr/(1+(t−1)·lr_decay) · g/(√s + eps)"
    STATE_VARS: ClassVar[tuple[str, ...]] = ("s",)
    CONSTS: ClassVar[tuple[str, ...]] = ("neg_clr", "eps")
    FIXED_CONSTS: ClassVar[tuple[str, ...]] = ("eps",)
    RULE: ClassVar[str] = """
        s = s + g * g
        new_w = w + neg_clr * g / (sqrt(s) + eps)
    """

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check("lr", self.lr, *_POSITIVE))
        object.__setattr__(self, "lr_decay", _check("lr_decay", self.lr_decay, *_NON_NEGATIVE))
        object.__setattr__(
            self,
            "initial_accumulator_value",
            _check("initial_accumulator_value", self.initial_accumulator_value, *_NON_NEGATIVE),
        )
        object.__setattr__(self, "eps", _check("eps", self.eps, *_NON_NEGATIVE))

    def init_state(self, w: Any) -> tuple:
        """``sum of squares`` filled with ``initial_accumulator_value``."""
        return (_zeros_like(w, self.initial_accumulator_value),)

    def _constants(self, t: int, lr: Any) -> tuple:
        # -(lr / d) == lr / -d bit for bit (rounding is symmetric in the sign): one
        # operation fewer when lr is an array.
        return (lr / -(1 + (t - 1) * self.lr_decay), self.eps)


@dataclass(frozen=True)
class RMSprop(Optimizer):
    """RMSprop (torch ``RMSprop(lr, alpha, eps, momentum, centered)``).

    ``a ← alpha·a + (1-alpha)·g²``; ``avg = √a + eps`` (centered: ``ḡ ← lerp(ḡ, g, 1-alpha)``
    and ``avg = √(a - ḡ²) + eps``).  Without momentum ``w ← w - lr·g / avg``; with
    momentum ``b ← momentum·b + g / avg`` and ``w ← w - lr·b``.
    State: ``square avg``, ``momentum buffer`` (used when momentum > 0) and
    ``grad avg`` (used when centered); unused entries stay zero.
    """

    lr: float = 1e-2
    alpha: float = 0.99
    eps: float = 1e-8
    momentum: float = 0.0
    centered: bool = False
    name: ClassVar[str] = "rmsprop"
    state_names: ClassVar[tuple[str, ...]] = ("square avg", "momentum buffer", "grad avg")
    torch_name: ClassVar[str] = (
        "RMSprop(lr=lr, alpha=alpha, eps=eps, momentum=momentum, centered=centered)"
    )
    formula: ClassVar[str] = "a ← alpha·a + (1−alpha)·g²;  w ← w − lr·g/(√a + eps)"
    STATE_VARS: ClassVar[tuple[str, ...]] = ("a", "b", "ga")
    CONSTS: ClassVar[tuple[str, ...]] = (
        "alpha", "k", "eps", "neg_lr", "momentum", "use_momentum", "centered", "from_g", "k_lerp",
    )
    FIXED_CONSTS: ClassVar[tuple[str, ...]] = (
        "alpha", "k", "eps", "momentum", "use_momentum", "centered", "from_g", "k_lerp",
    )
    RULE: ClassVar[str] = """
        a = a * alpha + k * g * g
        if centered:
            ga = (g if from_g else ga) + k_lerp * (g - ga)
            avg = sqrt(a - ga * ga) + eps
        else:
            avg = sqrt(a) + eps
        if use_momentum:
            b = b * momentum + g / avg
            new_w = w + neg_lr * b
        else:
            new_w = w + neg_lr * g / avg
    """

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check("lr", self.lr, *_POSITIVE))
        # torch allows any alpha ≥ 0; above 1 the average can turn negative (√ → nan).
        object.__setattr__(self, "alpha", _check("alpha", self.alpha, *_UNIT_CLOSED))
        object.__setattr__(self, "eps", _check("eps", self.eps, *_NON_NEGATIVE))
        object.__setattr__(self, "momentum", _check("momentum", self.momentum, *_NON_NEGATIVE))
        if isinstance(self.centered, np.ndarray) or self.centered not in (True, False):
            raise OptionError(f"--centered must be true or false, got {_fmt(self.centered)}")
        object.__setattr__(self, "centered", bool(self.centered))
        k = 1 - self.alpha
        from_g, k_lerp = _lerp_form(k)
        object.__setattr__(self, "_fixed", (k, self.momentum > 0, from_g, k_lerp))
        # Centered, a - ḡ² can round to a tiny negative: torch gives nan there,
        # where math.sqrt would raise.
        object.__setattr__(self, "_float_sqrt", _nan_sqrt if self.centered else math.sqrt)

    def _constants(self, t: int, lr: Any) -> tuple:
        k, use_momentum, from_g, k_lerp = self._fixed  # type: ignore[attr-defined]
        return (self.alpha, k, self.eps, -lr, self.momentum, use_momentum, self.centered, from_g, k_lerp)

    def display_state(self, state: tuple, t: int) -> dict[str, Any]:
        """``square avg``, plus ``momentum buffer`` / ``grad avg`` when they are in use."""
        out = {"square avg": _copy(state[0])}
        if np.any(np.asarray(self.momentum) > 0):
            out["momentum buffer"] = _copy(state[1])
        if self.centered:
            out["grad avg"] = _copy(state[2])
        return out


@dataclass(frozen=True)
class Adam(Optimizer):
    """Adam (torch ``Adam(lr, betas=(beta1, beta2), eps)``; no weight decay, no amsgrad).

    ``m ← lerp(m, g, 1-beta1)`` (= beta1·m + (1-beta1)·g); ``v ← beta2·v + (1-beta2)·g²``;
    ``w ← w - (lr / (1-beta1^t)) · m / (√v / √(1-beta2^t) + eps)``.
    State: ``m`` and ``v`` (torch's ``exp_avg``, ``exp_avg_sq``); ``display_state``
    adds the bias-corrected ``m̂ = m/(1-beta1^t)`` and ``v̂ = v/(1-beta2^t)``.
    """

    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    name: ClassVar[str] = "adam"
    state_names: ClassVar[tuple[str, ...]] = ("m", "v")
    torch_name: ClassVar[str] = "Adam(lr=lr, betas=(beta1, beta2), eps=eps)"
    formula: ClassVar[str] = (
        "m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr·m̂/(√v̂ + eps)"
    )
    STATE_VARS: ClassVar[tuple[str, ...]] = ("m", "v")
    CONSTS: ClassVar[tuple[str, ...]] = (
        "from_g", "k1", "beta2", "k2", "bias_correction2_sqrt", "eps", "neg_step_size",
    )
    FIXED_CONSTS: ClassVar[tuple[str, ...]] = ("from_g", "k1", "beta2", "k2", "eps")
    RULE: ClassVar[str] = """
        m = (g if from_g else m) + k1 * (g - m)
        v = v * beta2 + k2 * g * g
        new_w = w + neg_step_size * m / (sqrt(v) / bias_correction2_sqrt + eps)
    """

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check("lr", self.lr, *_POSITIVE))
        object.__setattr__(self, "beta1", _check("beta1", self.beta1, *_UNIT_OPEN))
        object.__setattr__(self, "beta2", _check("beta2", self.beta2, *_UNIT_OPEN))
        object.__setattr__(self, "eps", _check("eps", self.eps, *_NON_NEGATIVE))
        from_g, k1 = _lerp_form(1 - self.beta1)
        scalar = type(self.beta1) is float and type(self.beta2) is float
        fixed = (scalar, self.beta1, from_g, k1, self.beta2, 1 - self.beta2, self.eps)
        object.__setattr__(self, "_fixed", fixed)

    def _constants(self, t: int, lr: Any) -> tuple:
        scalar, beta1, from_g, k1, beta2, k2, eps = self._fixed  # type: ignore[attr-defined]
        if scalar:  # the common case, kept cheap: it runs once per step
            bias_correction1 = 1 - beta1**t
            bias_correction2_sqrt = (1 - beta2**t) ** 0.5
        else:
            bias_correction1 = 1 - _pow(beta1, t)
            bias_correction2_sqrt = _pow(1 - _pow(beta2, t), 0.5)
        # torch's -(lr / bias_correction1), written lr / -bias_correction1: the same bits
        # (rounding is symmetric in the sign), one operation fewer when lr is an array.
        return (from_g, k1, beta2, k2, bias_correction2_sqrt, eps, lr / -bias_correction1)

    def display_state(self, state: tuple, t: int) -> dict[str, Any]:
        """``m``, ``v`` and the bias-corrected ``m̂``, ``v̂`` (equal to m, v before step 1)."""
        m, v = state
        out = {"m": _copy(m), "v": _copy(v)}
        if t <= 0:
            out["m̂"], out["v̂"] = _copy(m), _copy(v)
            return out
        bc1 = 1 - _pow(self.beta1, t)
        bc2 = 1 - _pow(self.beta2, t)
        if type(m) is list:
            out["m̂"] = [x / bc1 for x in m]
            out["v̂"] = [x / bc2 for x in v]
        else:
            out["m̂"] = np.asarray(m, dtype=float) / bc1
            out["v̂"] = np.asarray(v, dtype=float) / bc2
        return out


@dataclass(frozen=True)
class Newton(Optimizer):
    """Damped Newton's method: ``w ← w - lr·H⁻¹g`` (H the Hessian at w).

    When H is not positive definite (not finite, or its smallest eigenvalue is
    ≤ 1e-12 × its largest absolute eigenvalue, which covers every case where a
    Cholesky factorisation fails) the step would not go downhill, so it takes a
    plain gradient step ``w ← w - lr·g`` instead and sets the note
    ``"Hessian not positive definite: took a gradient step instead"``.
    For many runs the choice is made per run (see :class:`StepResult`).
    ``step`` needs ``hessian``: a zero-argument callable returning (D, D), or
    (R, D, D) for many runs.
    """

    lr: float = 1.0
    name: ClassVar[str] = "newton"
    torch_name: ClassVar[str] = "(none: torch has no Newton optimizer)"
    formula: ClassVar[str] = "w ← w − lr·H⁻¹g  (gradient step if H is not positive definite)"

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check("lr", self.lr, *_POSITIVE))

    def step(self, w: Any, g: Any, state: tuple, t: int, lr: Any, hessian: Any = None) -> StepResult:
        """One damped Newton step (or a gradient step where H is not positive definite)."""
        if hessian is None:
            raise TypeError("newton needs the Hessian: pass hessian=<callable>")
        H = np.asarray(hessian(), dtype=float)
        if type(w) is list:
            H = H.reshape(len(w), len(w))
            if _positive_definite_one(H):
                d = np.linalg.solve(H, np.array(g, dtype=float)).tolist()
                new_w = [wi - lr * di for wi, di in zip(w, d)]
                note = None
            else:
                new_w = [wi - lr * gi for wi, gi in zip(w, g)]
                note = NEWTON_FALLBACK_NOTE
            return StepResult(new_w, [a - b for a, b in zip(new_w, w)], (), note)
        w = np.asarray(w, dtype=float)
        g = np.asarray(g, dtype=float)
        R, D = w.shape
        H = np.broadcast_to(H, (R, D, D))
        ok = _positive_definite(H)
        d = g.copy()
        if ok.any():
            d[ok] = np.linalg.solve(H[ok], g[ok][..., None])[..., 0]
        with np.errstate(all="ignore"):
            new_w = w - lr * d
            update = new_w - w
        note = None if ok.all() else tuple(None if o else NEWTON_FALLBACK_NOTE for o in ok.tolist())
        return StepResult(new_w, update, (), note)


def _positive_definite_one(H: np.ndarray) -> bool:
    """:func:`_positive_definite` of one (D, D) matrix, with less numpy overhead (same
    operations on the same LAPACK routine, so the same decision)."""
    if not all(map(math.isfinite, H.ravel().tolist())):
        return False
    lam = np.linalg.eigvalsh((H + H.T) / 2).tolist()  # ascending
    return lam[0] > 1e-12 * max(map(abs, lam))


def _positive_definite(H: np.ndarray) -> np.ndarray:
    """Per matrix of a (R, D, D) stack: finite and smallest eigenvalue > 1e-12·scale."""
    ok = np.isfinite(H).all(axis=(1, 2))
    if ok.any():
        Hs = H[ok]
        lam = np.linalg.eigvalsh((Hs + np.swapaxes(Hs, 1, 2)) / 2)  # ascending
        scale = np.abs(lam).max(axis=1)
        ok[ok] = lam[:, 0] > 1e-12 * scale
    return ok


# ----------------------------------------------------------------- registry
OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, Nesterov, Adagrad, RMSprop, Adam, Newton)
}


def hyperparameter_names(name: str) -> tuple[str, ...]:
    """The hyperparameters optimizer ``name`` takes (the CLI and TUI show only these)."""
    return _lookup(name).fields()


def _lookup(name: str) -> type[Optimizer]:
    try:
        return OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise OptionError(
            f"unknown optimizer {name!r}: use one of {', '.join(OPTIMIZERS)}"
        ) from None


def make_optimizer(name: str, **hyper: Any) -> Optimizer:
    """Build optimizer ``name`` from hyperparameters; ``None`` values mean "default".

    For adam, ``betas=(beta1, beta2)`` is accepted as torch spells it.  Raises
    :class:`OptionError` for an unknown optimizer, an unknown hyperparameter
    (listing the valid ones) or a bad value.
    """
    cls = _lookup(name)
    given = {k: v for k, v in hyper.items() if v is not None}
    if "betas" in given and cls is Adam:
        betas = given.pop("betas")
        try:
            given.setdefault("beta1", betas[0])
            given.setdefault("beta2", betas[1])
        except (TypeError, IndexError):
            raise OptionError(f"--betas must be two numbers, got {_fmt(betas)}") from None
    valid = cls.fields()
    unknown = [k for k in given if k not in valid]
    if unknown:
        raise OptionError(
            f"{name} has no hyperparameter {unknown[0]!r}: it takes {', '.join(valid)}"
        )
    return cls(**given)
