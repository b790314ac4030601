"""A tree back to text that parses to the same tree (``^`` for powers, fewest parentheses)."""

from __future__ import annotations

from gdtui.expr.nodes import BINARY, Node

__all__ = ["to_text"]


def to_text(node: Node) -> str:
    """The tree as text that parses back to the same tree (``^`` for powers)."""
    return _to_text(node)[0]


_PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}


def _to_text(node: Node) -> tuple[str, int]:
    kind = node.kind
    if kind == "num":
        return (str(node.value) if type(node.value) is int else repr(node.value)), 9
    if kind in ("var", "const"):
        return str(node.value), 9
    if kind == "call":
        return f"{node.value}({_to_text(node.args[0])[0]})", 9
    prec = _PREC[kind]
    if kind == "neg":
        arg, p = _to_text(node.args[0])
        return "-" + (arg if p > prec else f"({arg})"), prec
    (left, lp), (right, rp) = (_to_text(a) for a in node.args)
    if kind == "pow":
        left_ok, right_ok = lp > prec, rp >= prec  # right-associative
    else:
        left_ok, right_ok = lp >= prec, rp > prec  # left-associative
    left = left if left_ok else f"({left})"
    right = right if right_ok else f"({right})"
    return f"{left}{BINARY[kind]}{right}", prec
