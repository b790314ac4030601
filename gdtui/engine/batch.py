"""Many runs of the same objective stepped together as numpy arrays.

Use it to compare learning rates, start points or optimizers side by side.  Runs
with the same optimizer class, schedule and flags form a group that takes one
vectorised update per step, its hyperparameters as arrays when they differ
between runs.  Each run has its own status, decided by the same rules and words
as :class:`~gdtui.engine.run.Run`; a run that stops is frozen (its rows repeat)
while the others go on.

History: W, loss, grad and every group's state, in preallocated blocks that grow
by doubling, so ``back`` restores exactly.  Memory is ``R * (2D + 1 + S) * 8``
bytes a step (64 Adam runs in 2-D: 4.6 kB), so the default step limit is lower
than a single run's.

The cost of a step is the number of numpy calls, not the arithmetic, so: the
blocks are stored coordinate-major (row k of W is a (D, R) array, ``W[k][j]`` a
contiguous array of coordinate j over all runs); an elementwise optimizer writes
its new point and state straight into the next history row (its rule's in-place
variant, the same operations in the same order as the single run); for one group
of runs on a pure function the rule's statements and the objective's own code are
pasted into one generated loop in which every operation writes into a buffer made
once and numbers are full arrays (:mod:`gdtui.engine.inplace`).  Statuses are
not tested per step: after a block of steps one vectorised test over the block
finds the rows where a run may have stopped, :func:`~gdtui.engine.run.row_status`
decides exactly there, and a run that stopped at row s has its rows after s
overwritten with row s (runs are independent, so the others are unaffected).
The public arrays (``W``, ``history_w`` ...) are read-only transposed views in the
documented (…, R, D) shape.
"""

from __future__ import annotations

import ast
import math
from collections import OrderedDict
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Sequence

import numpy as np

from gdtui.engine.inplace import Buffers, Unsupported, objective_lines
from gdtui.engine.objective import Objective
from gdtui.engine.optimizers import Optimizer
from gdtui.engine.optimizers.codegen import exact_pow, pick as _pick
from gdtui.generated import register_source
from gdtui.engine.run import hessian_of, row_status
from gdtui.errors import OptionError

__all__ = ["RunBatch", "RunSpec"]


@dataclass(frozen=True)
class RunSpec:
    """One run of a batch: its optimizer (with lr), start point, schedule, a label and
    its gradient noise (a :class:`~gdtui.engine.noise.GradientNoise` or None)."""

    optimizer: Any
    start: Sequence[float]
    schedule: Any = None
    label: str = ""
    noise: Any = None


def _hyper_is_flag(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number))


def _elementwise(opt: Any) -> bool:
    """True for an optimizer stepped through its generated in-place rule (all but Newton)."""
    cls = type(opt)
    return isinstance(opt, Optimizer) and cls.compiled is not None and cls.step is Optimizer.step


def _flags(opt: Any) -> tuple:
    """The values of the branch tests of an elementwise rule that depend on the
    hyperparameters (RMSprop's momentum > 0): runs that differ in them go to
    different groups, so that inside a group every branch is one Python bool."""
    if not _elementwise(opt):
        return ()
    return tuple(bool(f) for f in opt.compiled.flag_values(opt.fixed))


_CODE_CACHE_SIZE = 64
_CODE_CACHE: "OrderedDict[str, Any]" = OrderedDict()
# The hot loop's source by what it depends on (bounded): working it out takes longer
# than a short comparison's steps.
_LOOP_SOURCES: "OrderedDict[tuple, str]" = OrderedDict()


def _exec(source: str, name: str, namespace: dict[str, Any]) -> Any:
    """Run generated source (compiled once per distinct text; a bounded cache) in
    ``namespace``; return ``name``.  The source is registered in linecache."""
    filename = register_source(source, f"batch {name}", bounded=True)
    code = _CODE_CACHE.get(source)
    if code is None:
        code = compile(source, filename, "exec")
        _CODE_CACHE[source] = code
        if len(_CODE_CACHE) > _CODE_CACHE_SIZE:
            _CODE_CACHE.popitem(last=False)
    exec(code, namespace)
    return namespace[name]


def _row_pow(base: Any, exponent: Any) -> Any:
    """:func:`exact_pow` in the hot loop, where an array is per run and its D rows are
    equal (a hyperparameter, or a number made from them and t): one row's worth of pows."""
    if isinstance(base, np.ndarray) and base.ndim == 2 and not isinstance(exponent, np.ndarray):
        return np.broadcast_to(exact_pow(base[0], exponent), base.shape)
    return exact_pow(base, exponent)


def _unparse(stmts: list[ast.stmt]) -> list[str]:
    out = []
    for stmt in stmts:
        ast.fix_missing_locations(stmt)
        out += ast.unparse(stmt).splitlines()
    return out


def _uniform(value: Any) -> Any:
    """A bool array whose entries are all equal as one Python bool; a numpy bool as a bool."""
    if isinstance(value, np.ndarray) and value.dtype == bool and (value.all() or not value.any()):
        return bool(value.flat[0])
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _schedule_key(schedule: Any) -> Any:
    if schedule is None or getattr(schedule, "kind", "") == "constant":
        return None
    try:
        hash(schedule)
        return schedule
    except TypeError:
        return id(schedule)


class _Group:
    """Runs sharing one optimizer class, schedule and flags: one array update per step.

    Elementwise rules work on (D, R_g) arrays (a hyperparameter that differs
    between runs is a (D, R_g) array); other optimizers (Newton) get the classic
    (R_g, D) arrays with (R_g, 1) hyperparameters.
    """

    def __init__(self, idx: np.ndarray, specs: list[RunSpec], D: int) -> None:
        self.idx = idx
        n = len(idx)
        self.n = n
        contiguous = n > 0 and np.array_equal(idx, np.arange(idx[0], idx[0] + n))
        self.sliced = bool(contiguous)
        self.sel: slice | np.ndarray = slice(int(idx[0]), int(idx[0]) + n) if contiguous else idx
        first = specs[0].optimizer
        cls = type(first)
        self.name = getattr(first, "name", cls.__name__)
        self.schedule = specs[0].schedule
        self.constant = _schedule_key(self.schedule) is None
        self.elementwise = _elementwise(first)
        # One optimizer for the group: a hyperparameter equal in every run stays a
        # float, one that differs becomes an array, one value per run.
        names = [f.name for f in fields(cls)] if is_dataclass(first) else ["lr"]
        hyper: dict[str, Any] = {}
        for name in names:
            vals = [getattr(s.optimizer, name) for s in specs]
            if all(v == vals[0] for v in vals) or _hyper_is_flag(vals[0]):
                hyper[name] = vals[0]
            elif self.elementwise:
                # full (D, R_g) arrays: numpy combines arrays of one shape fastest
                hyper[name] = np.ascontiguousarray(np.broadcast_to(np.array(vals, dtype=float), (D, n)))
            else:
                hyper[name] = np.array(vals, dtype=float)[:, None]
        self.optimizer = cls(**hyper) if is_dataclass(first) else first
        self.base_lr = hyper.get("lr", first.lr)
        self.state_names: tuple[str, ...] = tuple(getattr(first, "state_names", ()))
        self.needs_hessian = bool(getattr(first, "needs_hessian", False))
        if self.elementwise:
            # what the rule computes from the hyperparameters alone; a bool equal in
            # every run of the group (a flag, a lerp's form) becomes a Python bool
            self.fixed_values = [_uniform(v) for v in self.optimizer.fixed]
            self.namespace, self.call = self._compile_call(D, n)
            lines = ["def step(t, w, g, S, out_w, OS):", *self.call("t", "w", "g", "S[{i}]", "out_w", "OS[{i}]")]
            self.step = _exec("\n".join(lines), "step", self.namespace)

    def lr(self, t: int) -> Any:
        return self.base_lr if self.constant else self.schedule.lr(self.base_lr, t)

    def _compile_call(self, D: int, n: int) -> tuple[dict[str, Any], Any]:
        """Source lines of one update through the in-place rule, and their namespace.

        What the rule computes from the hyperparameters alone was computed when the
        optimizer was made (``optimizer.fixed``); a branch test equal in every run
        of the group becomes a Python bool.
        """
        opt = self.optimizer
        ns: dict[str, Any] = {
            "_into": opt.compiled.into, "_base_lr": self.base_lr,
            "_schedule_lr": None if self.constant else self.schedule.lr,
        }
        args = []
        for i, value in enumerate(self.fixed_values):
            ns[f"_F{i}"] = value
            args.append(f"_F{i}")
        S = len(self.state_names)
        lr = "_base_lr" if self.constant else "_schedule_lr(_base_lr, {t})"

        def call(t: str, w: str, g: str, s: str, out_w: str, out_s: str) -> list[str]:
            state = [s.format(i=i) for i in range(S)]
            outs = [out_s.format(i=i) for i in range(S)]
            line = f"_into({', '.join([w, g, *state, t, lr.format(t=t), *args, out_w, *outs])})"
            return ["    " + line]

        return ns, call


class RunBatch:
    """R runs of one objective stepped together; per-run status, exact back/reset."""

    #: Steps between status tests: the first block is short, then they double up to this.
    MAX_BLOCK = 256

    def __init__(
        self,
        objective: Objective,
        runs: Sequence[RunSpec],
        *,
        sampler: Any = None,
        tol: float = 1e-8,
        max_steps: int = 100_000,
        diverge_at: float = 1e12,
        capacity: int = 256,
    ) -> None:
        if not runs:
            raise OptionError("a batch needs at least one run")
        if objective.uses_data and objective.data is None:
            raise OptionError("this loss uses data columns: choose a data set")
        self.objective = objective
        self.specs = list(runs)
        self.sampler = None if sampler is None or getattr(sampler, "full_batch", False) else sampler
        self.tol = float(tol)
        self.max_steps = int(max_steps)
        self.diverge_at = float(diverge_at)
        D = objective.dims
        self.R = R = len(self.specs)
        starts = []
        for i, s in enumerate(self.specs):
            w = [float(x) for x in s.start]
            if len(w) != D or not all(math.isfinite(x) for x in w):
                raise OptionError(
                    f"run {i} ({s.label or 'unlabelled'}): start must be {D} finite numbers "
                    f"({', '.join(objective.params)}), got {list(s.start)}"
                )
            starts.append(w)
        self.start = np.array(starts, dtype=float).reshape(R, D)
        # group by optimizer class, schedule and flag-valued hyperparameters / constants
        keys: dict[Any, list[int]] = {}
        for i, s in enumerate(self.specs):
            opt = s.optimizer
            flags: tuple = ()
            if is_dataclass(opt):
                flags = tuple(
                    (f.name, getattr(opt, f.name)) for f in fields(opt) if _hyper_is_flag(getattr(opt, f.name))
                )
            keys.setdefault((type(opt), _schedule_key(s.schedule), flags, _flags(opt)), []).append(i)
        self.groups = [_Group(np.array(ix), [self.specs[i] for i in ix], D) for ix in keys.values()]
        self._gid = np.empty(R, dtype=np.intp)  # run -> its group
        self._lid = np.empty(R, dtype=np.intp)  # run -> its column in the group's state
        for gi, g in enumerate(self.groups):
            self._gid[g.idx] = gi
            self._lid[g.idx] = np.arange(len(g.idx))
        # Relative margin of the vectorised |grad| < tol filter over the exact test.
        self._tol2 = self.tol * self.tol * (1 + 1e-6)
        self._cap = max(2, int(capacity))
        # runs with gradient noise, per group: (local columns, their noises)
        self._noisy = [
            [(j, self.specs[i].noise) for j, i in enumerate(g.idx.tolist()) if self.specs[i].noise is not None]
            for g in self.groups
        ]
        noisy = any(self._noisy)
        self._advance = (None if noisy else self._compile_fast()) or self._advance_general
        self.reset()

    # ------------------------------------------------------------- set up
    def reset(self) -> None:
        """Every run back to its start point (row 0); history cleared."""
        R, D = self.R, self.objective.dims
        cap = self._cap
        self._HW = np.empty((cap, D, R))
        self._HL = np.empty((cap, R))
        self._HG = np.empty((cap, D, R))
        self._HS = []
        for g in self.groups:
            w0 = self.start[g.sel]
            st = g.optimizer.init_state(w0.T.copy() if g.elementwise else w0)
            hs = []
            for s in st:
                h = np.empty((cap, D, g.n))
                s = np.asarray(s, dtype=float)
                h[0] = np.broadcast_to(s if g.elementwise else s.T, (D, g.n))
                hs.append(h)
            self._HS.append(hs)
        self.notes: dict[tuple[int, int], str] = {}
        self._HW[0] = self.start.T
        self._n = 1
        with np.errstate(all="ignore"):
            self._evaluate(0, self._rows(1))
        self._stopped_at = np.full(R, -1)
        self.status = ["running"] * R
        self.reason = [""] * R
        self._active = np.ones(R, dtype=bool)
        self._judge(0, range(R), prev=False)

    def _rows(self, t: int) -> Any:
        return None if self.sampler is None else self.sampler.rows(t)

    def _evaluate(self, r: int, rows: Any) -> None:
        """Loss and gradient at row r's W, written into row r."""
        obj = self.objective
        W = self._HW[r]
        if obj.uses_data:
            loss, grad = obj.value_grad_many(W.T, rows)
            self._HL[r] = loss
            self._HG[r] = np.asarray(grad).T
            return
        f, g = obj.array_fn(*W)
        self._HL[r] = f
        G = self._HG[r]
        for j, gj in enumerate(g):
            G[j] = gj

    def _hessian(self, W: np.ndarray, rows: Any) -> np.ndarray:
        """(R, D, D) Hessians at the rows of W (R, D)."""
        obj = self.objective
        R, D = W.shape
        cols = obj._cols(rows)
        args = [W[:, j, None] if cols else W[:, j] for j in range(D)]
        with np.errstate(all="ignore"):
            h = obj.hessian_fn(*args, *[c[None, :] for c in cols])
            out = np.empty((R, D, D))
            for i, row in enumerate(h):
                for j, hij in enumerate(row):
                    if cols:
                        out[:, i, j] = np.broadcast_to(hij, (R, len(cols[0]))).mean(axis=1)
                    else:
                        out[:, i, j] = hij
        return out

    def _reserve(self, rows: int) -> None:
        """Make room for ``rows`` history rows (growing the blocks by doubling)."""
        if rows <= len(self._HL):
            return
        new_cap = max(rows, 2 * len(self._HL))
        n = self._n
        self._HW = _grow(self._HW, new_cap, n)
        self._HL = _grow(self._HL, new_cap, n)
        self._HG = _grow(self._HG, new_cap, n)
        self._HS = [[_grow(h, new_cap, n) for h in hs] for hs in self._HS]

    # ------------------------------------------------------------- status
    def _judge(self, k: int, runs: Any, prev: bool = True) -> list[int]:
        """Decide the status of ``runs`` at row k exactly; returns the runs that stopped."""
        params = self.objective.params
        Wk, Gk, Lk = self._HW[k], self._HG[k], self._HL[k]
        Wp = self._HW[k - 1] if prev and k > 0 else None
        stopped = []
        for i in runs:
            status, reason = row_status(
                params, k, Wk[:, i].tolist(), float(Lk[i]), Gk[:, i].tolist(),
                None if Wp is None else Wp[:, i].tolist(), None,
                self.tol, self.diverge_at, self.max_steps, hessian=hessian_of(self.objective),
            )
            if status != "running":
                self.status[i], self.reason[i] = status, reason
                self._stopped_at[i] = k
                self._active[i] = False
                stopped.append(i)
        return stopped

    def _freeze(self, runs: Any, src: int, a: int, b: int) -> None:
        """Rows a..b-1 of ``runs`` (an index array or one int) become copies of row src."""
        if a >= b:
            return
        self._HW[a:b, :, runs] = self._HW[src][:, runs]
        self._HL[a:b, runs] = self._HL[src, runs]
        self._HG[a:b, :, runs] = self._HG[src][:, runs]
        if isinstance(runs, (int, np.integer)):
            hs = self._HS[self._gid[runs]]
            loc = int(self._lid[runs])
            for h in hs:
                h[a:b, :, loc] = h[src][:, loc]
            return
        gid = self._gid[runs]
        for gi, hs in enumerate(self._HS):
            if not hs:
                continue
            loc = self._lid[runs[gid == gi]]
            if loc.size:
                for h in hs:
                    h[a:b, :, loc] = h[src][:, loc]

    def _check(self, a: int, b: int) -> None:
        """Statuses after rows a..b-1 were computed from row a-1 by every run.

        Runs stopped before the block get their frozen row back; for the others one
        vectorised filter (it may flag a row that is fine, never misses one that is
        not) finds the rows to decide exactly, in order, with ``row_status``.
        """
        active = self._active
        frozen = np.flatnonzero(~active)
        if frozen.size:
            self._freeze(frozen, a - 1, a, b)
        da = self.diverge_at
        W = self._HW[a:b]
        G = self._HG[a:b]
        L = self._HL[a:b]
        g2 = np.einsum("kdr,kdr->kr", G, G)
        # The usual block, where every run just went on: the same tests as below, as
        # whole-block maxima and minima (nan fails every comparison).
        if (
            not frozen.size and b - 1 < self.max_steps
            and L.max() <= da and L.min() >= -da and W.max() <= da and W.min() >= -da
            and g2.min() > self._tol2 and g2.max() < math.inf
            and (W != self._HW[a - 1 : b - 1]).any(axis=1).all()
        ):
            return
        ok = np.abs(L) <= da
        ok &= np.abs(W).max(axis=1) <= da
        ok &= g2 > self._tol2
        ok &= g2 < math.inf
        ok &= (W != self._HW[a - 1 : b - 1]).any(axis=1)
        if b - 1 >= self.max_steps:
            ok[-1] = False
        if frozen.size:
            ok[:, frozen] = True
        if ok.all():
            return
        for i in np.flatnonzero(~ok.all(axis=0)).tolist():
            for r in np.flatnonzero(~ok[:, i]).tolist():
                k = a + r
                if self._judge(k, (i,)):
                    self._freeze(i, k, k + 1, b)
                    if self.notes:
                        self.notes = {key: v for key, v in self.notes.items() if key[1] != i or key[0] <= k}
                    break

    # ------------------------------------------------------------- stepping
    @property
    def k(self) -> int:
        """Updates applied so far (the last history row)."""
        return self._n - 1

    def step(self, n: int = 1) -> int:
        """Up to n updates of every running run; returns the updates made (0 when all stopped)."""
        n = min(n, self.max_steps - self.k)
        k0 = self.k
        block = 8
        if n > 0:
            self._reserve(self._n + n)
        with np.errstate(all="ignore"):
            while n > 0 and self._active.any():
                m = min(n, block)
                a = self._n
                self._reserve(a + m)
                self._advance(a, a + m)
                self._n = a + m
                self._check(a, a + m)
                n -= m
                block = min(2 * block, self.MAX_BLOCK)
        if not self._active.any():
            # the steps after the last run stopped are not kept
            last = int(self._stopped_at.max())
            if last < self.k:
                self._n = max(last, k0) + 1
                if self.notes:
                    self.notes = {key: v for key, v in self.notes.items() if key[0] <= self.k}
        return self.k - k0

    def _compile_fast(self) -> Any:
        """The hot loop for the common case: a pure function and one elementwise group of
        all the runs, as one generated function.

        Its body is the rule's in-place statements with the group's equal flags folded
        in (:meth:`~gdtui.engine.optimizers.codegen.CompiledRule.inline_lines`), then
        the objective's own code writing the loss and gradient into the next rows
        (:func:`~gdtui.engine.inplace.objective_lines`), with every arithmetic
        operation writing into a buffer made once (:class:`~gdtui.engine.inplace.Buffers`).
        The operations and their order are the rule's and the objective's, so the
        numbers are the same bits as a single Run's.
        """
        grp = self.groups[0]
        D = self.objective.dims
        if self.objective.uses_data or len(self.groups) != 1 or not grp.elementwise or grp.n != self.R:
            return None
        compiled = grp.optimizer.compiled
        S = compiled.state_vars
        R = self.R
        ns: dict[str, Any] = {
            "_pick": _pick, "_pow": _row_pow, "_add": np.add, "_sub": np.subtract, "_mul": np.multiply,
            "_div": np.true_divide, "_neg": np.negative, "_square": np.square, "sqrt": np.sqrt,
            "_fn": self.objective.array_fn,
            "_base_lr": grp.base_lr, "_schedule_lr": None if grp.constant else grp.schedule.lr,
            "numpy": np, "math": math,
        }
        known: dict[str, bool] = {}
        invariant: dict[str, float] = {}
        shapes = {name: (D, R) for name in ("w", "g", *S, "out_w", *(f"out_{v}" for v in S))}
        prologue = []
        for name, value in zip(compiled.fixed_names, grp.fixed_values):
            if isinstance(value, bool):
                known[name] = value
                continue
            if isinstance(value, float):
                invariant[name] = value
            elif isinstance(value, np.ndarray) and value.shape == (D, R) and value.dtype == float:
                shapes[name] = (D, R)
            ns[f"_F_{name}"] = value
            prologue.append(f"{name} = _F_{name}")
        if grp.constant:
            prologue.append("lr = _base_lr")
            if isinstance(grp.base_lr, float):
                invariant["lr"] = grp.base_lr
        if isinstance(grp.base_lr, np.ndarray) and grp.base_lr.shape == (D, R):
            shapes["lr"] = (D, R)
        code = getattr(self.objective.array_fn, "__code__", None)
        key = (
            type(grp.optimizer), tuple(known.items()), tuple(invariant.items()), tuple(shapes.items()),
            tuple(prologue), grp.constant, D, R, code,
        )
        source = _LOOP_SOURCES.get(key) if code is not None else None
        if source is None:
            source = self._loop_source(compiled, known, invariant, shapes, prologue, grp.constant, D, R)
            if code is not None:
                _LOOP_SOURCES[key] = source
                if len(_LOOP_SOURCES) > _CODE_CACHE_SIZE:
                    _LOOP_SOURCES.popitem(last=False)
        fast = _exec(source, "make", ns)()

        def advance(a: int, b: int) -> None:
            fast(a, b, self._HW, self._HL, self._HG, *self._HS[0])

        return advance

    def _loop_source(
        self, compiled: Any, known: dict[str, bool], invariant: dict[str, float],
        shapes: dict[str, tuple[int, ...]], prologue: list[str], constant: bool, D: int, R: int,
    ) -> str:
        """The source of :meth:`_compile_fast`'s loop (its ``make()`` returns ``advance``)."""
        S = compiled.state_vars
        rule = compiled.inline_lines(known, set(invariant))
        evaluate = objective_lines(self.objective.array_fn, D, "w", "_loss", "g")
        buffers = Buffers(shapes, invariant)
        try:
            rule = _unparse(buffers.rewrite(ast.parse("\n".join(rule)).body))
            if evaluate is not None:
                buffers.shapes.update(g=(D, R), _loss=(R,))
                evaluate = _unparse(buffers.rewrite(ast.parse("\n".join(evaluate)).body))
        except Unsupported:
            buffers.prologue = []  # keep the code as generated
        hs = [f"H_{v}" for v in S]
        lines = ["def make():", *("    " + line for line in prologue + buffers.prologue)]
        lines.append(f"    def advance(_a, _b, HW, HL, HG{''.join(', ' + h for h in hs)}):")
        # row a-1 is where the block starts from
        lines.append(f"        w, g{''.join(', ' + v for v in S)} = HW[_a - 1], HG[_a - 1]{''.join(f', {h}[_a - 1]' for h in hs)}")
        lines.append("        for t in range(_a, _b):")
        lines.append(f"            out_w{''.join(', out_' + v for v in S)} = HW[t]{''.join(f', {h}[t]' for h in hs)}")
        if not constant:
            lines.append("            lr = _schedule_lr(_base_lr, t)")
        lines += ["            " + line for line in rule]
        lines.append("            g = HG[t]")
        if evaluate is not None:
            # the objective's own code, its loss and gradient written into the rows
            lines.append("            _loss = HL[t]")
            lines += ["            " + line for line in evaluate]
        else:
            lines.append(f"            _loss, _grad = _fn({', '.join(f'w[{j}]' for j in range(D))})")
            lines.append("            HL[t] = _loss")
            lines.append("            for _j, _gj in enumerate(_grad):")
            lines.append("                g[_j] = _gj")
        lines.append("    return advance")
        return "\n".join(lines)
    def _advance_general(self, a: int, b: int) -> None:
        """Rows a..b-1, any groups, data and Newton."""
        HW, HG = self._HW, self._HG
        D = self.objective.dims
        active = self._active
        for r in range(a, b):
            p = r - 1
            Wp, Gp, Wr = HW[p], HG[p], HW[r]
            rows = self._rows(r)  # the batch of update r (row p's loss and gradient)
            for g, hs, noisy in zip(self.groups, self._HS, self._noisy):
                S_prev = [h[p] for h in hs]
                S_out = [h[r] for h in hs]
                sel = g.sel
                w_in, g_in = Wp[:, sel], Gp[:, sel]
                if noisy:  # the update sees g + noise (as Run does); the history keeps g
                    g_in = g_in.copy()
                    for j, noise in noisy:
                        g_in[:, j] += noise.at(r)
                w_out = Wr[:, sel] if g.sliced else np.empty((D, g.n))
                if g.elementwise:
                    g.step(r, w_in, g_in, S_prev, w_out, S_out)
                else:
                    if g.needs_hessian:
                        w_rd = w_in.T
                        res = g.optimizer.step(
                            w_rd, g_in.T, tuple(s.T for s in S_prev), r, g.lr(r),
                            hessian=lambda w_rd=w_rd, rows=rows: self._hessian(w_rd, rows),
                        )
                    else:
                        res = g.optimizer.step(w_in.T, g_in.T, tuple(s.T for s in S_prev), r, g.lr(r))
                    w_out[...] = np.asarray(res.w, dtype=float).T
                    for o, s in zip(S_out, res.state):
                        o[...] = np.asarray(s, dtype=float).T
                    if res.note is not None:
                        for j, note in zip(g.idx.tolist(), res.note):
                            if note is not None and active[j]:
                                self.notes[(r, j)] = note
                if not g.sliced:
                    Wr[:, sel] = w_out
            self._evaluate(r, self._rows(r + 1))

    def back(self, n: int = 1) -> None:
        """Undo the last n updates of every run (exactly: state is stored per row)."""
        self.goto(max(0, self.k - max(0, n)))

    def goto(self, k: int) -> None:
        """Make row k current (back by truncation, forward by stepping)."""
        if k < 0:
            raise IndexError(f"step {k} does not exist (steps start at 0)")
        if k > self.k:
            self.step(k - self.k)
            return
        self._n = k + 1
        self.notes = {key: v for key, v in self.notes.items() if key[0] <= k}
        revive = self._stopped_at > k
        for i in np.flatnonzero(revive).tolist():
            self.status[i], self.reason[i] = "running", ""
        self._stopped_at[revive] = -1
        self._active |= revive
        if k >= self.max_steps:  # the limit itself is not undone by going back
            self._judge(k, np.flatnonzero(self._active).tolist(), prev=False)

    # ------------------------------------------------------------- reading
    @property
    def labels(self) -> list[str]:
        """Each run's label (or 'run i')."""
        return [s.label or f"run {i}" for i, s in enumerate(self.specs)]

    @property
    def W(self) -> np.ndarray:
        """The current point of every run, (R, D): a read-only view."""
        return _ro(self._HW[self._n - 1].T)

    @property
    def loss(self) -> np.ndarray:
        """The current loss of every run, (R,): a read-only view."""
        return _ro(self._HL[self._n - 1])

    @property
    def G(self) -> np.ndarray:
        """The current gradient of every run, (R, D): a read-only view."""
        return _ro(self._HG[self._n - 1].T)

    @property
    def history_w(self) -> np.ndarray:
        """W per row, (n+1, R, D): a read-only view."""
        return _ro(self._HW[: self._n].transpose(0, 2, 1))

    @property
    def history_loss(self) -> np.ndarray:
        """Loss per row, (n+1, R)."""
        return _ro(self._HL[: self._n])

    @property
    def history_grad(self) -> np.ndarray:
        """Gradient per row, (n+1, R, D)."""
        return _ro(self._HG[: self._n].transpose(0, 2, 1))

    def state_of(self, run: int, k: int | None = None) -> dict[str, list[float]]:
        """Run ``run``'s optimizer state after row k (default: now), by state name."""
        k = self.k if k is None else k
        if not 0 <= run < self.R:
            raise IndexError(f"no run {run} (runs 0..{self.R - 1})")
        g = self.groups[self._gid[run]]
        j = int(self._lid[run])
        return {name: h[k, :, j].tolist() for name, h in zip(g.state_names, self._HS[self._gid[run]])}

    @property
    def stopped_at(self) -> list[int]:
        """The row at which each run stopped (-1 while it is running)."""
        return self._stopped_at.tolist()

    @property
    def running(self) -> bool:
        """True while at least one run is still running."""
        return bool(self._active.any())

    def __repr__(self) -> str:
        return f"RunBatch(R={self.R}, k={self.k}, running={int(self._active.sum())})"


def _grow(a: np.ndarray, cap: int, n: int) -> np.ndarray:
    new = np.empty((cap, *a.shape[1:]), dtype=a.dtype)
    new[:n] = a[:n]
    return new


def _ro(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a
