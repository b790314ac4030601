"""What a session is set up with: the problem, optimizer and display options.

The CLI fills a :class:`Settings` from options (and a preset), the TUI edits it, and
:mod:`gdtui.problem` turns it into an engine run.  No textual, no sympy here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

__all__ = ["DEFAULT_PRESET", "VIEWS", "Settings"]

#: What `--view` can open at launch: the playground, or one of the panels over it.
VIEWS: tuple[str, ...] = ("single", "gradcheck", "curvature", "graph")

#: The problem `gdtui` opens on when given nothing.
DEFAULT_PRESET = "lesson-bowl"


@dataclass
class Settings:
    """Everything needed to build a run, as plain values (all optional but fn)."""

    fn: str = ""
    preset: str | None = None
    data: str | None = None  # built-in data set name or CSV path
    rows: int | None = None  # rows for generated data sets (noisy-line)
    start: dict[str, float] = field(default_factory=dict)
    optimizer: str | None = None  # None: the preset's, else sgd
    hyper: dict[str, float] = field(default_factory=dict)  # lr, momentum, betas, eps, alpha ...
    schedule: str = "constant"
    batch_size: int | None = None
    seed: int = 0
    noise: float = 0.0  # gradient noise sigma (seeded by ``seed``); 0: none
    max_steps: int = 1_000_000
    tol: float = 1e-8
    theme: str | None = None
    ascii: bool = False
    lang: str = "en"  # interface and lesson language: en or ko
    save_dir: str | None = None  # where the app saves sessions and exports (None: working dir)
    lr_typed: bool | None = None  # the user gave lr (None: "lr" in hyper says so)
    lr_note: str = ""  # why lr is what it is, when gdtui chose it (e.g. from curvature)

    @property
    def lr_given(self) -> bool:
        """True when the learning rate is one the user typed (not a preset's or default)."""
        return ("lr" in self.hyper) if self.lr_typed is None else self.lr_typed
    view: str = "single"  # the screen the app opens on: single (the playground) or a panel (VIEWS)
    compare: tuple = ()  # ((name, (values, ...)), ...): open the compare view with these lists

    @property
    def lr(self) -> float | None:
        """The learning rate, if one was given."""
        return self.hyper.get("lr")

    def copy(self, **changes: object) -> "Settings":
        """A copy with some fields changed (dicts are copied, not shared)."""
        base = replace(self, start=dict(self.start), hyper=dict(self.hyper))
        return replace(base, **changes) if changes else base
