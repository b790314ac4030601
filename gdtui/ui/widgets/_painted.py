"""Base class of the widgets drawn through a :class:`~gdtui.ui.widgets._canvas.Painter`."""

from __future__ import annotations

from textual.geometry import Region
from textual.reactive import var
from textual.strip import Strip
from textual.widget import Widget

from gdtui.lazy_import import deferred
from gdtui.ui.textual_compat import forget_dirty_regions
from gdtui.ui.widgets._canvas import Painter
from gdtui.ui.widgets.frame_gate import FULL_FPS

__all__ = ["PaintedWidget"]


class PaintedWidget(Widget):
    """A widget whose picture is kept by a Painter, so a new picture sends only the
    cells that changed (the landscape, the loss plot and the recent-steps table are
    redrawn every frame of a live run, over slow links)."""

    _painter: Painter

    live: var[bool] = var(False)
    """True while the run is live (the screen pushes it down): redraws go through a
    :class:`~gdtui.ui.widgets.frame_gate.FrameGate`, a few a second."""

    live_fps: var[float] = var(FULL_FPS)
    """How many live frames a second the screen draws (the screen pushes it down); the
    gate draws in proportion (see :meth:`FrameGate.frame_rate`)."""

    def watch_live_fps(self, fps: float) -> None:
        gate = getattr(self, "_gate", None)
        if gate is not None:
            gate.frame_rate(fps)

    def is_live(self) -> bool:
        """The ``live`` reactive, as a FrameGate asks for it."""
        return self.live

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> "PaintedWidget":
        """As Widget.refresh; a whole-widget repaint also redraws the picture from scratch."""
        if repaint and not regions and hasattr(self, "_painter"):
            self._painter.reset()
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _paint(self) -> list[Region] | None:
        """Give the painter the new picture; the changed regions, or None for all."""
        raise NotImplementedError

    def render_line(self, y: int) -> Strip:
        """Row y of the picture (painted afresh when empty or resized)."""
        if deferred():  # the first frame comes before numpy: Textual draws render() (a word)
            return super().render_line(y)
        forget_dirty_regions(self)  # as Widget.render_line does; we never use its render cache
        if self._painter.empty or self._painter.size != tuple(self.size):
            self._paint()
        return self._painter.strip(y)

    def refresh_changed(self) -> None:
        """Refresh only the cells whose picture changed (everything the first time)."""
        if not self.is_mounted or self._painter.empty:
            self.refresh()
            return
        regions = self._paint()
        if regions is None:
            self.refresh()
        else:
            for region in regions:
                super().refresh(region)  # not self.refresh: that would start afresh
