"""The computation-graph panel: backpropagation one node at a time.

The graph of the loss (:mod:`gdtui.engine.graph`: one node per operation, a
variable used twice is one node with two parents) is drawn as a tree from the
output down to the leaves; a node that is used again further down is written once
in full and then as ``↑ #id`` (shared).  Each row shows the node's operation and
its forward value.  → runs the backward pass one node at a time, from the output
(∂f/∂f = 1) to the leaves: the node just computed is highlighted, its adjoint
appears, and the box below shows the sum that made it, each term with the local
derivative used (for ``a*b``: ∂/∂a = b).  With data the tree is one row's loss
(] and [ step through the rows) and the gradient below is the mean over all rows.
"""

from __future__ import annotations

from typing import Any, Callable

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.widgets import Static

from gdtui.ui.screens.math_panel import MathPanel, PanelInput

__all__ = ["GraphPanel", "tree_rows"]

_OP_NAMES = {"add": "add", "sub": "subtract", "mul": "multiply", "div": "divide", "pow": "power",
             "neg": "negate"}


def _ljust(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def _rjust(text: str, width: int) -> str:
    return " " * max(0, width - cell_len(text)) + text


def tree_rows(graph: Any) -> list[tuple[str, int, bool]]:
    """(prefix, node id, repeated) per drawn row: the graph as a tree from the output.

    Display only: a node met again (a shared variable or sub-expression) is a
    one-row reference instead of its whole sub-tree.
    """
    rows: list[tuple[str, int, bool]] = []
    seen: set[int] = set()

    def walk(i: int, lead: str, branch: str) -> None:
        repeated = i in seen
        rows.append((lead + branch, i, repeated))
        if repeated:
            return
        seen.add(i)
        kids = graph.nodes[i].children
        below = lead + ("" if not branch else ("│ " if branch.startswith("├") else "  "))
        for j, c in enumerate(kids):
            walk(c, below, "└─" if j == len(kids) - 1 else "├─")

    walk(graph.output, "", "")
    return rows


class GraphPanel(MathPanel):
    """The computation graph with forward values, and the backward pass step by step."""

    VIEW = "graph"
    DEFAULT_CSS = """
    GraphPanel #gr-scroll { height: 1fr; overflow-x: auto; overflow-y: auto; }
    GraphPanel #math-text { width: auto; height: auto; }
    GraphPanel #gr-step { height: auto; max-height: 9; border-top: solid $foreground 30%; }
    """
    BINDINGS = [
        Binding("right", "backstep(1)", "backprop", id="gd.graph.next", priority=True, key_display="→",
                tooltip="the next node of the backward pass"),
        Binding("left", "backstep(-1)", "undo", id="gd.graph.prev", priority=True, key_display="←",
                tooltip="one node of the backward pass back"),
        Binding("right_square_bracket", "row(1)", "row", id="gd.graph.row", key_display="]",
                tooltip="the next data row (data-driven losses)"),
        Binding("left_square_bracket", "row(-1)", "row", id="gd.graph.rowback", key_display="[",
                show=False, tooltip="the previous data row"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stage = 0  # how many nodes of the backward pass are done (0: forward pass only)
        self.row = 0
        self._graph_key: tuple | None = None
        self._graph: Any = None
        self.gradient_hidden = False
        """A lesson will ask for the gradient: its line waits for the end of the backward pass."""

    def hide_gradient(self, on: bool) -> None:
        """Keep the gradient line off the screen (``on``) until the backward pass has reached
        every leaf, while a lesson's questions about the gradient are still to come: the
        student works it out node by node, or sees it at the reveal."""
        if on != self.gradient_hidden:
            self.gradient_hidden = on
            if self.result is not None and self.query("#gr-step"):  # drawn already: draw again
                self.show(self.result)

    def compose_body(self) -> ComposeResult:
        with ScrollableContainer(id="gr-scroll"):
            yield Static(id="math-text")
        yield Static(id="gr-step")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#gr-scroll").focus()

    def settings_key(self) -> tuple:
        return (self.row,)

    # ------------------------------------------------------------ keys
    def _order(self) -> list[int]:
        res = self.result
        if res is None:
            return []
        g = res["result"].graph
        return [i for i in g.backward_order() if g.nodes[i].needs_grad]

    def action_backstep(self, direction: int) -> None:
        """One node of the backward pass forward (1) or back (-1)."""
        self.stage = min(max(self.stage + direction, 0), len(self._order()))
        if self.result is not None:
            self.show(self.result)

    def action_row(self, direction: int) -> None:
        """The next / previous data row (wraps round)."""
        rows = self.result["rows"] if self.result else 0
        if rows:
            self.row = (self.row + direction) % rows
            self.poll()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "row":  # only data-driven losses have rows to step through
            return bool(self.result and self.result["rows"])
        return True

    # ------------------------------------------------------------ computing
    def compute_function(self, inp: PanelInput) -> Callable[[], Any]:
        problem = inp.problem
        params = problem.objective.params
        at = {p: v for p, v in zip(params, inp.w)}
        ds = problem.dataset
        columns = tuple(ds.column_names) if ds is not None else ()
        # The graph's shape depends on the text and the data's column names only: the same
        # function in a new problem (a lesson step's own copy, a new start) keeps the pass.
        key = (problem.settings.fn, columns)
        cached = self._graph if key == self._graph_key else None
        row = self.row

        def compute() -> dict[str, Any]:
            from gdtui.engine.graph import evaluate_graph, graph_of_text

            graph = cached if cached is not None else graph_of_text(problem.settings.fn, columns)
            used = {c: ds.columns[c] for c in columns if c in graph.variables} if ds is not None else {}
            rows = ds.n_rows if used else 0
            r = min(row, rows - 1) if rows else 0
            res = evaluate_graph(graph, at, used or None, row=r)
            return {"key": key, "result": res, "rows": rows, "row": r,
                    "row_values": {c: float(v[r]) for c, v in used.items()}}

        return compute

    # ------------------------------------------------------------ drawing
    def show(self, result: Any) -> None:
        tree = self.query_one("#math-text", Static)
        box = self.query_one("#gr-step", Static)
        if result is None:
            self.blank()
            return
        if result["key"] != self._graph_key:
            self._graph_key, self._graph = result["key"], result["result"].graph
            self.stage = 0
        self.refresh_bindings()
        res = result["result"]
        g = res.graph
        order = self._order()
        self.stage = min(self.stage, len(order))
        done = set(order[: self.stage])
        current = order[self.stage - 1] if self.stage else None
        n = self.n
        rows = tree_rows(g)
        labels = [self._label(prefix, g.nodes[i], rep) for prefix, i, rep in rows]
        width = max(cell_len(x) for x in labels + [self.m("graph.node")])
        out = Text()
        out.append(f"{_ljust(self.m('graph.node'), width)}  {_rjust(self.m('graph.value'), 10)}  "
                   f"{_rjust(self.m('graph.adj'), 10)}\n", style="bold")
        for (prefix, i, rep), label in zip(rows, labels):
            node = g.nodes[i]
            if not node.needs_grad:
                adj = self.m("graph.const")  # no variable below it: no gradient needed
            elif i in done:
                adj = n(res.adjoints[i], 10)
            else:
                adj = "?"
            line = f"{_ljust(label, width)}  {n(res.values[i], 10):>10}  {_rjust(adj, 10)}"
            style = "reverse bold" if i == current else ("dim" if rep else "")
            out.append(line + "\n", style=style)
        tree.update(out)
        box.update(self._explain(result, order, current))

    def _label(self, prefix: str, node: Any, repeated: bool) -> str:
        text = f"{prefix}#{node.id} {node.label}"
        if node.op not in ("var", "const") and node.label != node.op:
            op = _OP_NAMES.get(node.op, "")
            text += f" {self.m('op.' + node.op) if op else ''}".rstrip()
        if repeated:
            text = f"{prefix}{self.t('↑')} #{node.id} {node.label} {self.m('graph.shared')}"
        return self.t(text)

    def _explain(self, result: dict[str, Any], order: list[int], current: int | None) -> Text:
        res = result["result"]
        g = res.graph
        n, t, m = self.n, self.t, self.m
        out = Text()
        steps = m("graph.pass", i=self.stage, n=len(order))
        if current is None:
            out.append(f"{steps}: " + m("graph.forward"), style="bold")
        else:
            node = g.nodes[current]
            out.append(t(f"{steps}: "), style="bold")
            if current == g.output:
                out.append(m("graph.output", i=current, label=node.label))
            else:
                terms = res.terms[current]
                if len(terms) > 2:
                    out.append(m("graph.sum", i=current, n=len(terms)))
                else:
                    out.append(t(f"∂f/∂#{current} = " + " + ".join(
                        f"∂f/∂#{tm.parent}·∂#{tm.parent}/∂#{current}" for tm in terms)))
                for tm in terms:
                    parent = g.nodes[tm.parent]
                    which = ("a", "b")[tm.position] if len(parent.children) == 2 else "u"
                    d = "∂" if len(parent.children) == 2 else "d"
                    local = n(tm.local, 10)
                    rule = tm.rule if tm.rule == local else f"{tm.rule} = {local}"
                    out.append("\n" + m("graph.from", p=tm.parent, label=parent.label) + t(
                        f": {n(tm.parent_adjoint, 10)} × {local} = {n(tm.value, 10)}   ({d}/{d}{which} = {rule})"))
                if len(terms) > 1:
                    out.append("\n  " + m("graph.join", v=n(res.adjoints[current], 10)))
        if result["rows"]:
            vals = ", ".join(f"{k} = {n(v, 8)}" for k, v in result["row_values"].items())
            out.append("\n" + m("graph.row", row=result["row"], rows=result["rows"], vals=t(vals)), style="dim")
        if self.gradient_hidden and self.stage < len(order):
            return out
        grad = ", ".join(f"∂f/∂{k} = {n(v, 10)}" for k, v in res.gradient.items())
        mean = m("graph.mean", rows=result["rows"]) if result["rows"] else ""
        out.append("\n" + m("graph.grad", mean=mean) + t(f": {grad}"), style="dim")
        return out
