"""Number formatting and labels for the panes (display only, no maths).

Numbers are shortened by dropping significant digits, never by cutting the
string, so an 80-column table never shows half a number.  Labels come in a
Unicode and an ASCII spelling; :meth:`gdtui.ui.charset.Charset.label` picks one.
"""

from __future__ import annotations

import math

__all__ = ["LABELS", "fmt"]


def fmt(value: float, width: int = 10) -> str:
    """`value` in at most `width` characters: up to 6 significant digits, fewer if needed."""
    if value is None:
        return "-"
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    value = value + 0.0  # -0.0 (e.g. -η·0) is shown as 0: a sign on zero only puzzles
    for digits in range(6, 0, -1):
        text = f"{value:.{digits}g}"
        if len(text) <= width:
            return text
    return f"{value:.0e}"


#: quantity -> (unicode label, ascii label)
LABELS: dict[str, tuple[str, str]] = {
    "w": ("w", "w"),
    "grad": ("∂f/∂w", "df/dw"),
    "update": ("Δw", "dw"),
    "update_sgd": ("Δw = −η·g", "dw = -lr*g"),
    "update_long": ("Δw applied", "dw applied"),
    "loss": ("f(w)", "f(w)"),
    "batch": ("batch f", "batch f"),
    "norm": ("‖∇f‖", "|grad|"),
    "lr": ("η", "lr"),
    "momentum": ("μ", "mom"),
    "beta1": ("β1", "beta1"),
    "beta2": ("β2", "beta2"),
    "eps": ("ε", "eps"),
    "alpha": ("α", "alpha"),
    "m̂": ("m̂", "m_hat"),
    "v̂": ("v̂", "v_hat"),
    "velocity": ("velocity", "velocity"),
}

