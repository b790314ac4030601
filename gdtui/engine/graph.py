"""The computation graph of a typed function, with our own forward and reverse-mode pass.

Backpropagation as the course draws it: one node per operation, the leaves are
variables and constants, values flow forward from the leaves to the output, then
adjoints ∂f/∂node flow backward from the output (adjoint 1) to the leaves, each
parent passing ``adjoint(parent) · ∂parent/∂node`` to its children and the
contributions summing where paths join.  The leaves' adjoints are the gradient.

Nothing here calls sympy: the local derivative of every operation is written out
below (:data:`LOCAL_RULES`), with the same conventions as the symbolic side
(relu'(0) = 0, abs'(0) = 0, as in PyTorch).

The graph is built from a parsed tree (:func:`gdtui.expr.parse`) by *hash-consing*:
equal sub-trees that use a variable become one node, so a variable used twice is
one leaf with two parents and a repeated sub-expression such as ``x*y`` in
``sin(x*y) + x*y`` is computed once; each constant in the text is its own leaf.
Nodes are numbered children before parents.

Values are numpy float64 (scalars, or one value per data row), evaluated under
``np.errstate(all="ignore")``: outside the domain a value is nan or inf, never an
exception.  Sub-expressions that use no variable (``2`` in ``x^2``) need no
gradient, like a PyTorch tensor without ``requires_grad``: their adjoint is nan
and is shown as "not needed".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

__all__ = [
    "LOCAL_RULES",
    "OPS",
    "BackwardTerm",
    "Graph",
    "GraphNode",
    "GraphResult",
    "build_graph",
    "evaluate_graph",
    "graph_of_text",
]

#: Every ``op`` a node can have (``ln`` is written ``log``).
OPS = (
    "add", "sub", "mul", "div", "pow", "neg", "sin", "cos", "tan", "exp", "log", "sqrt",
    "abs", "tanh", "sinh", "cosh", "sigmoid", "relu", "softplus", "var", "const",
)  # fmt: skip

#: How each local derivative is computed, as a student reads it: for ``a op b``
#: (``∂/∂a``, ``∂/∂b``); for a function of ``u``, ``d/du``.
LOCAL_RULES: dict[str, tuple[str, ...]] = {
    "add": ("1", "1"),
    "sub": ("1", "-1"),
    "mul": ("b", "a"),
    "div": ("1/b", "-a/b^2"),
    "pow": ("b*a^(b-1)", "a^b*ln(a)"),
    "neg": ("-1",),
    "sin": ("cos(u)",),
    "cos": ("-sin(u)",),
    "tan": ("1 + tan(u)^2",),
    "exp": ("exp(u)",),
    "log": ("1/u",),
    "sqrt": ("1/(2*sqrt(u))",),
    "abs": ("sign(u) (0 at 0)",),
    "tanh": ("1 - tanh(u)^2",),
    "sinh": ("cosh(u)",),
    "cosh": ("sinh(u)",),
    "sigmoid": ("s*(1-s), s=sigmoid(u)",),
    "relu": ("1 if u > 0, else 0",),
    "softplus": ("sigmoid(u)",),
}

#: How an operation is written in a node's label.
SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^", "neg": "-"}

_NAMED_CONSTANTS = {"pi": math.pi, "e": math.e}


@dataclass(frozen=True)
class GraphNode:
    """One operation (or leaf) of the graph.

    ``children`` are node ids (operands in order: ``a``, ``b`` of ``a op b``);
    ``name`` is set for a ``var`` leaf, ``const`` (its value) for a ``const``
    leaf, and ``text`` is how the constant was written (``2``, ``0.5``, ``pi``).
    ``needs_grad`` is False for a sub-expression that uses no variable.
    """

    id: int
    op: str
    children: tuple[int, ...] = ()
    name: str | None = None
    const: float | None = None
    text: str = ""
    needs_grad: bool = True

    @property
    def label(self) -> str:
        """Short label for drawing: the name, the constant, or the operation's symbol/name."""
        if self.op == "var":
            return str(self.name)
        if self.op == "const":
            return self.text
        return SYMBOLS.get(self.op, self.op)


@dataclass(frozen=True)
class Graph:
    """A computation graph: nodes children before parents, the last one is the output."""

    nodes: tuple[GraphNode, ...]
    output: int
    variables: tuple[str, ...]  # every var leaf's name, in order of first appearance

    def parents(self) -> list[list[int]]:
        """For each node, the ids of the nodes that use it (each once, ascending)."""
        out: list[list[int]] = [[] for _ in self.nodes]
        for node in self.nodes:
            for c in dict.fromkeys(node.children):
                out[c].append(node.id)
        return out

    def depth(self) -> list[int]:
        """Layer of each node: leaves 0, else 1 + the deepest child (for layered drawings)."""
        d = [0] * len(self.nodes)
        for node in self.nodes:
            if node.children:
                d[node.id] = 1 + max(d[c] for c in node.children)
        return d

    def backward_order(self) -> list[int]:
        """The order reverse mode finishes nodes: the output first, then parents before children."""
        return [n.id for n in reversed(self.nodes) if n.id <= self.output]


@dataclass(frozen=True)
class BackwardTerm:
    """One term of a node's adjoint: ``parent_adjoint · local`` from one parent.

    ``position`` says which operand of the parent the node is (0: a or u, 1: b);
    ``rule`` is how the local derivative is computed (:data:`LOCAL_RULES`).
    A node used twice by one parent (``x*x``) gets one term per use.
    """

    parent: int
    position: int
    parent_adjoint: float
    local: float
    rule: str

    @property
    def value(self) -> float:
        """The contribution to the node's adjoint."""
        return self.parent_adjoint * self.local


@dataclass(frozen=True)
class GraphResult:
    """Forward values and adjoints of every node at one point (one data row, or no data)."""

    graph: Graph
    values: tuple[float, ...]
    adjoints: tuple[float, ...]  # nan where a node needs no gradient
    terms: tuple[tuple[BackwardTerm, ...], ...]  # per node: what its adjoint sums
    gradient: dict[str, float]  # the var leaves' adjoints (0 for a name not in the graph)

    @property
    def value(self) -> float:
        """f at the point: the output's forward value."""
        return self.values[self.graph.output]


# ------------------------------------------------------------------ building
def build_graph(tree: Any) -> Graph:
    """The computation graph of a parsed tree (``gdtui.expr.parse``'s Node).

    A variable is one leaf however often it is used, and a repeated sub-expression
    that uses a variable (``x*y`` twice) is one node with several parents.  Each
    constant written in the text is its own leaf (the 2 of ``- 2`` is not the 2 of
    ``^2``), unless it sits inside a repeated sub-expression.  Nodes come children first.
    """
    nodes: list[GraphNode] = []
    shared: dict[tuple, int] = {}  # structure of a sub-expression with a variable -> its node
    names: list[str] = []

    def structure(n: Any) -> tuple:
        return (n.kind, n.value if n.kind != "num" else float(n.value), tuple(structure(a) for a in n.args))

    def new(make) -> int:  # type: ignore[no-untyped-def]
        nodes.append(make(len(nodes)))
        return len(nodes) - 1

    def walk(n: Any) -> int:
        kind = n.kind
        key = structure(n)
        if key in shared:
            return shared[key]
        if kind == "num":
            v = float(n.value)
            text = str(n.value) if isinstance(n.value, int) else repr(float(n.value))
            return new(lambda i: GraphNode(i, "const", const=v, text=text, needs_grad=False))
        if kind == "const":
            v = _NAMED_CONSTANTS[str(n.value)]
            return new(lambda i: GraphNode(i, "const", const=v, text=str(n.value), needs_grad=False))
        if kind == "var":
            name = str(n.value)
            if name not in names:
                names.append(name)
            shared[key] = new(lambda i: GraphNode(i, "var", name=name))
            return shared[key]
        children = tuple(walk(a) for a in n.args)
        op = "log" if (kind == "call" and n.value == "ln") else (str(n.value) if kind == "call" else kind)
        if op not in LOCAL_RULES:
            raise ValueError(f"unknown operation {op!r}")
        needs = any(nodes[c].needs_grad for c in children)
        i = new(lambda i: GraphNode(i, op, children, needs_grad=needs))
        if needs:
            shared[key] = i
        return i

    out = walk(tree)
    return Graph(tuple(nodes), out, tuple(names))


def graph_of_text(text: str, columns: Sequence[str] = ()) -> Graph:
    """Parse typed text safely (``gdtui.expr.parse``) and build its graph (ExprError on bad text)."""
    from gdtui.expr import parse

    return build_graph(parse(text, columns))


# ------------------------------------------------------------------ numerics
def _sigmoid(u: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * u))  # no overflow for large |u|


def _forward(op: str, a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """The value of one operation (numpy, errors give nan/inf)."""
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "div":
        return a / b
    if op == "pow":
        return np.power(a, b)
    if op == "neg":
        return -a
    if op == "sigmoid":
        return _sigmoid(a)
    if op == "relu":
        return np.maximum(a, 0.0)
    if op == "softplus":
        return np.logaddexp(0.0, a)
    if op == "log":
        return np.where(a > 0, np.log(np.where(a > 0, a, 1.0)), np.nan)  # log(0) is outside too
    return getattr(np, op)(a)  # sin cos tan exp sqrt abs tanh sinh cosh


def _local(op: str, value: np.ndarray, a: np.ndarray, b: np.ndarray | None, exponent_needed: bool
           ) -> tuple[np.ndarray, ...]:
    """∂(op)/∂operand for each operand, at the operands a (, b) with result ``value``."""
    if op == "add":
        return np.ones_like(a), np.ones_like(b)
    if op == "sub":
        return np.ones_like(a), -np.ones_like(b)
    if op == "mul":
        return b, a
    if op == "div":
        return 1.0 / b, -a / (b * b)
    if op == "pow":
        da = np.where(b == 0, 0.0, b * np.power(a, b - 1.0))  # d(a^0)/da = 0, also at a = 0
        # the exponent's derivative only when the exponent depends on a variable
        db = value * np.log(a) if exponent_needed else np.full_like(a, np.nan)
        return da, db
    if op == "neg":
        return (-np.ones_like(a),)
    if op == "sin":
        return (np.cos(a),)
    if op == "cos":
        return (-np.sin(a),)
    if op == "tan":
        return (1.0 + value * value,)
    if op == "exp":
        return (value,)
    if op == "log":
        return (np.where(a > 0, 1.0 / a, np.nan),)  # undefined where log is
    if op == "sqrt":
        return (0.5 / value,)
    if op == "abs":
        return (np.sign(a),)
    if op == "tanh":
        return (1.0 - value * value,)
    if op == "sinh":
        return (np.cosh(a),)
    if op == "cosh":
        return (np.sinh(a),)
    if op == "sigmoid":
        return (value * (1.0 - value),)
    if op == "relu":
        return (np.where(a > 0, 1.0, 0.0),)
    if op == "softplus":
        return (_sigmoid(a),)
    raise ValueError(f"unknown operation {op!r}")


def forward_backward(graph: Graph, inputs: Mapping[str, Any]) -> tuple[list[np.ndarray], list[np.ndarray],
                                                                        list[list[tuple]]]:
    """Forward values, adjoints and each node's backward terms (numpy; arrays broadcast over rows).

    ``inputs`` maps every var name to a float or an array (one per data row).
    Returns (values, adjoints, terms) with terms[node] a list of
    (parent, position, parent_adjoint, local) in the order they were added.
    """
    nodes = graph.nodes
    with np.errstate(all="ignore"):
        values: list[np.ndarray] = []
        for node in nodes:
            if node.op == "const":
                values.append(np.float64(node.const))
            elif node.op == "var":
                try:
                    values.append(np.asarray(inputs[str(node.name)], dtype=float))
                except KeyError:
                    raise KeyError(f"no value for variable {node.name!r}") from None
            else:
                args = [values[c] for c in node.children]
                values.append(np.asarray(_forward(node.op, *args), dtype=float))
        shape = np.broadcast_shapes(*[np.shape(v) for v in values])
        zero = np.zeros(shape)
        nan = np.full(shape, np.nan)
        adjoints = [zero.copy() if n.needs_grad else nan.copy() for n in nodes]
        terms: list[list[tuple]] = [[] for _ in nodes]
        adjoints[graph.output] = np.ones(shape)
        for i in graph.backward_order():
            node = nodes[i]
            if not node.children or not node.needs_grad:
                continue
            a = values[node.children[0]]
            b = values[node.children[1]] if len(node.children) > 1 else None
            exponent_needed = node.op == "pow" and nodes[node.children[1]].needs_grad
            locals_ = _local(node.op, values[i], a, b, exponent_needed)
            for position, (c, d) in enumerate(zip(node.children, locals_)):
                if not nodes[c].needs_grad:
                    continue
                d = np.broadcast_to(d, shape)
                terms[c].append((i, position, adjoints[i], d))
                adjoints[c] = adjoints[c] + adjoints[i] * d
    return values, adjoints, terms


def _float(x: Any) -> float:
    return float(np.asarray(x, dtype=float).reshape(-1)[0]) if np.size(x) else math.nan


def evaluate_graph(
    graph: Graph,
    at: Mapping[str, float],
    data: Mapping[str, Sequence[float] | np.ndarray] | None = None,
    row: int = 0,
) -> GraphResult:
    """Forward and reverse pass at the point ``at``.

    Without ``data``: the graph of f itself.  With ``data`` (columns by name, as
    many values each): values, adjoints and terms are those of row ``row``'s
    loss, and ``gradient`` is the mean over all rows of each row's gradient
    (the gradient of the mean loss), computed by the same pass on every row.
    """
    inputs: dict[str, Any] = {k: float(v) for k, v in at.items()}
    n_rows = 0
    if data:
        cols = {k: np.asarray(v, dtype=float) for k, v in data.items() if k in graph.variables}
        n_rows = len(next(iter(data.values())))
        if not 0 <= row < max(n_rows, 1):
            raise IndexError(f"row {row} is outside the data (rows 0 to {n_rows - 1})")
        inputs.update(cols)
    values, adjoints, terms = forward_backward(graph, inputs)
    params = [v for v in graph.variables if not (data and v in data)]
    with np.errstate(all="ignore"):
        gradient = {}
        for node in graph.nodes:
            if node.op == "var" and node.name in params:
                gradient[str(node.name)] = float(np.mean(adjoints[node.id]))

    def pick(x: np.ndarray) -> float:
        x = np.asarray(x, dtype=float)
        return float(x.reshape(-1)[row]) if x.ndim and x.size > 1 else _float(x)

    row_terms = tuple(
        tuple(
            BackwardTerm(parent=p, position=pos, parent_adjoint=pick(pa), local=pick(d),
                         rule=LOCAL_RULES[graph.nodes[p].op][pos])
            for p, pos, pa, d in ts
        )
        for ts in terms
    )
    for name in at:
        gradient.setdefault(name, 0.0)  # a parameter the function does not use
    return GraphResult(
        graph=graph,
        values=tuple(pick(v) for v in values),
        adjoints=tuple(pick(a) for a in adjoints),
        terms=row_terms,
        gradient=gradient,
    )
