"""gdtui's widgets.  The plots are exported lazily, so importing one pane does not
import plotext: ``from gdtui.ui.widgets import Landscape, LossPlot``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Landscape", "LossPlot"]

if TYPE_CHECKING:
    from gdtui.ui.widgets.landscape import Landscape
    from gdtui.ui.widgets.loss_plot import LossPlot


def __getattr__(name: str) -> Any:
    if name == "Landscape":
        from gdtui.ui.widgets.landscape import Landscape

        return Landscape
    if name == "LossPlot":
        from gdtui.ui.widgets.loss_plot import LossPlot

        return LossPlot
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
