"""Above the footer: the step, the run's status in words with its whole reason, speed.

The step comes first; a long reason wraps to a second line rather than being cut.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from gdtui.ui.charset import charset_of


__all__ = ["StatusBar", "TooSmall"]

#: status -> (word shown, CSS-free style class used in markup-free Text)
WORDS = {
    "running": "ready",
    "converged": "converged",
    "diverged": "diverged",
    "domain-error": "domain error",
    "max-steps": "max steps",
}


class StatusBar(Static):
    """`show(...)` replaces the line; the `-stopped` / `-problem` classes colour it via CSS."""

    DEFAULT_CSS = """
    StatusBar { height: auto; max-height: 3; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: Text | None = None

    def show(self, status: str, reason: str, *, live: bool, speed: int, k: int,
             notice: str = "", paused: bool = False) -> None:
        """Describe the run: e.g. `step 57 · converged: ‖∇f‖ = 9e-9 is below tol 1e-8`.

        The step comes first; a long reason wraps to a second line.  A run that can go
        on is "running" while live, "paused" after a live run was paused, else "ready"."""
        from gdtui.i18n import reason_text, status_word, tr

        lang = getattr(getattr(self.app, "settings", None), "lang", "en")
        if status == "running":
            word = "running" if live else ("paused" if paused else "ready")
        else:
            word = WORDS.get(status, status)
        word = status_word(word, lang)
        if lang == "en":  # the step is said first; "|grad|" in the table's words
            reason = reason.replace(f" at step {k:,}", "").replace(f" at step {k}", "")
            reason = reason.replace("|grad|", "‖∇f‖")
        else:
            reason = reason_text(reason, lang)
        self.set_class(status in ("diverged", "domain-error"), "-problem")
        self.set_class(status in ("converged", "max-steps"), "-done")
        self.set_class(live, "-live")
        dot = "|" if charset_of(self).ascii else "·"
        step = tr("status.step", lang, k=f"{k:,}") if lang != "en" else f"step {k:,}"
        text = Text(f" {step} {dot} ")
        text.append(word, style="bold")
        if reason and status != "running":
            text.append(f": {charset_of(self).text(reason)}")
        if status == "running":  # a stopped run's reason needs the room more than the speed
            if lang != "en":
                text.append(f"  {dot} " + tr("status.speed", lang, speed=f"{speed:,}"))
            else:
                text.append(f"  {dot} {speed:,} step{'s' if speed != 1 else ''}/s")
        if notice:
            text.append(f"  {dot} {charset_of(self).text(notice)}")
        hint = tr("status.commands", lang)  # the footer has no room for the palette key at 80 columns
        room = self.size.width - text.cell_len
        if room > cell_len(hint):
            text.append(" " * (room - cell_len(hint)) + hint, style="dim")
        if text != self._shown:  # a live run calls this every frame; most frames change nothing here
            self._shown = text
            # one row unless the text wraps: only then can the height change
            lines = 1 if text.cell_len <= max(self.size.width, 1) else 2
            self.update(text, layout=lines != getattr(self, "_lines", 1))
            self._lines = lines


class TooSmall(Static):
    """Shown instead of the panes when the terminal is below the minimum size."""

    DEFAULT_CSS = """
    TooSmall { width: 1fr; height: 1fr; content-align: center middle; text-align: center; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)

    def show(self, width: int, height: int, need: tuple[int, int]) -> None:
        """Say what size is needed and what we have."""
        x = "x" if charset_of(self).ascii else "×"
        from gdtui.ui.lang import t

        self.update(f"{t(self, 'small.title')}\n"
                    f"{t(self, 'small.need', need=f'{need[0]}{x}{need[1]}', have=f'{width}{x}{height}')}\n"
                    f"{t(self, 'small.hint')}")
