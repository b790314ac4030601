"""The optimizer pane: optimizer, learning rate, only that optimizer's settings,
schedule, start point, and batch size / seed when the loss uses data.

Enter in any field (or picking an optimizer) posts `Applied` with parsed values;
the screen validates them with the engine and calls `show_error` when one is bad.

The fields are mounted just after the first frame (styling a dozen inputs is a large
share of start-up time, and nobody types in the first 100 ms): until then the pane
keeps what it was told to show (the settings, the start, the message) as plain
attributes, and shows them when its :class:`OptimizerFields` says it is mounted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Select, Static

from gdtui.engine.optimizers.hyperparameters import parse_hyperparameter
from gdtui.settings import Settings
from gdtui.ui.charset import charset_of
from gdtui.ui.fmt import fmt
from gdtui.ui.widgets.in_order_input import InOrderInput

__all__ = ["OptimizerPane"]

#: Why the learning rate is what it is (``Settings.lr_note``, set without the UI) -> message id.
_LR_NOTES = {"suggested from curvature": "opt.lr.suggested"}


class OptimizerPane(Vertical):
    """Fields for one optimizer's settings; shows only the ones it has."""

    DEFAULT_CSS = """
    OptimizerPane { height: auto; }
    OptimizerPane .row { height: 1; }
    """

    @dataclass
    class Applied(Message):
        """The user applied these settings (already parsed as numbers)."""

        optimizer: str
        hyper: dict[str, float]
        schedule: str
        start: dict[str, float]
        batch_size: int | None
        seed: int
        lr_typed: bool = True  # the learning rate is one the user gave

    def __init__(self, specs: Mapping[str, Mapping[str, float]], *, id: str | None = None) -> None:
        """`specs`: optimizer name -> its hyperparameters and defaults, `lr` included."""
        super().__init__(id=id)
        self._specs = {k: dict(v) for k, v in specs.items()}
        self._names: list[str] = []  # every hyperparameter of any optimizer, but lr
        for spec in self._specs.values():
            self._names += [n for n in spec if n != "lr" and n not in self._names]
        order = ("momentum", "beta1", "beta2", "alpha", "eps")  # one order for every optimizer
        self._names.sort(key=lambda n: order.index(n) if n in order else len(order))
        self._params: tuple[str, ...] = ()  # the parameters the start fields are built for
        self._start_params: tuple[str, ...] = ()  # ... and the ones to show
        self._start_values: list[float] = []
        self._shown_optimizer: str | None = None
        self._lr_typed = True  # the user gave the lr (kept when the optimizer changes)
        self._preset_lr: dict[str, float] = {}  # the preset's lr for its own optimizer
        self._ready = False  # the fields are mounted
        # what to show once they are (the latest of each, not a queue of calls)
        self._settings: tuple[Settings, bool] | None = None  # the settings, uses data
        self._message: tuple[str | None, bool] = (None, False)  # the line under the fields, info

    def compose(self) -> ComposeResult:
        # the whole pane comes after the first frame (MainScreen._mount_panes)
        yield OptimizerFields(self._specs, self._names)

    def on_optimizer_fields_mounted(self, message: "OptimizerFields.Mounted") -> None:
        """The fields exist now: show what the pane was told before."""
        message.stop()
        self._ready = True
        if self._settings is not None:
            self._fill_settings(*self._settings)
        self._show_start_fields()
        self._show_message()

    def choose(self, optimizer: str) -> None:
        """Pick ``optimizer`` as if in the list (the command palette does): applies it."""
        if self._ready:
            self.query_one("#opt", Select).value = optimizer

    # ------------------------------------------------------------ program -> pane
    def show_settings(self, s: Settings, params: Sequence[str], uses_data: bool,
                      preset_lr: dict[str, float] | None = None) -> None:
        """Fill every field from the settings now running.  ``preset_lr``: the preset's
        learning rate for its optimizer (used again when that optimizer is picked)."""
        self._settings = (s, uses_data)
        self._lr_typed = s.lr_given
        self._preset_lr = dict(preset_lr or {})
        if s.lr_note:
            from gdtui.ui.lang import t

            note = t(self, _LR_NOTES[s.lr_note]) if s.lr_note in _LR_NOTES else s.lr_note
            self._message = (f"{charset_of(self).label('lr')} {fmt(s.hyper.get('lr', 0.0), 8)} · {note}", True)
        else:
            self._message = (None, False)
        if self._ready:
            self._fill_settings(s, uses_data)
        self.show_start(params, [float(s.start.get(p, 0.0)) for p in params])
        self._show_message()

    def _fill_settings(self, s: Settings, uses_data: bool) -> None:
        opt = s.optimizer or "sgd"
        self._shown_optimizer = opt
        if opt in self._specs:
            self.query_one("#opt", Select).value = opt
        self._show_hyper(opt, s.hyper)
        self.query_one("#schedule", Input).value = s.schedule
        self.query_one("#batch", Input).value = "" if s.batch_size is None else str(s.batch_size)
        self.query_one("#seed", Input).value = str(s.seed)
        self.query_one("#data-row").display = uses_data
        for inp in self.query(Input):
            inp.remove_class("-rejected")

    def _show_hyper(self, opt: str, hyper: Mapping[str, float]) -> None:
        spec = self._specs.get(opt, {"lr": 0.1})
        values = {**spec, **{k: v for k, v in hyper.items() if k in spec}}
        for name in ["lr", *self._names]:
            if name in values:
                self.query_one(f"#hp-{name}", Input).value = fmt(values[name], 12)
        for name in self._names:
            for w in self.query(f".hp-{name}"):
                w.display = name in spec
        self.query_one("#hyper-row").display = any(n in spec for n in self._names)

    def show_start(self, params: Sequence[str], start: Sequence[float]) -> None:
        """Show the start point; rebuild the fields when the parameters changed."""
        self._start_values = list(start)
        self._start_params = tuple(params)
        if self._ready:
            self._show_start_fields()

    def _show_start_fields(self) -> None:
        if self._start_params != self._params:
            self._params = self._start_params
            self.call_later(self._rebuild_start)
        else:
            self._fill_start()

    async def _rebuild_start(self) -> None:
        # Removal is asynchronous: await it before mounting fields with the same ids.
        row = self.query_one("#start-row", Horizontal)
        await row.remove_children(".start")
        await row.mount_all(
            [w for p in self._params for w in (
                Label(p, classes="lbl start"),
                InOrderInput(id=f"start-{p}", compact=True, classes="num start"),
            )]
        )
        self._fill_start()

    def _fill_start(self) -> None:
        for p, v in zip(self._params, self._start_values):
            for w in self.query(f"#start-{p}").results(Input):
                w.value = fmt(v, 12)

    def show_error(self, message: str | None) -> None:
        """One line under the fields; None clears it."""
        self._message = (message, False)
        self._show_message()

    def show_info(self, message: str) -> None:
        """A note under the fields (not an error), e.g. where η came from."""
        self._message = (message, True)
        self._show_message()

    def _show_message(self) -> None:
        if not self._ready:
            return
        message, info = self._message
        err = self.query_one("#opt-error", Static)
        err.set_class(info, "-info")
        err.update(charset_of(self).text(message or ""))
        err.display = bool(message)

    # ------------------------------------------------------------ user -> messages
    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        opt = str(event.value)
        if self._shown_optimizer is None or event.value is Select.NULL or opt == self._shown_optimizer:
            return  # nothing running yet (the Select's own initial event), or an echo
        self._shown_optimizer = opt
        lr = self.query_one("#hp-lr", Input).value
        self._show_hyper(opt, {})
        if self._lr_typed:  # an lr the user gave is kept across optimizers
            self.query_one("#hp-lr", Input).value = lr
        elif opt in self._preset_lr:  # else the preset's for its own optimizer, or the default
            self.query_one("#hp-lr", Input).value = fmt(self._preset_lr[opt], 12)
        self._apply()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id == "hp-lr" and event.input.has_focus:
            self._lr_typed = True  # typed by the user, not filled in by the program
        if event.input.has_class("-rejected"):
            event.input.set_class(not _valid(event.input), "-rejected")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply()

    def _apply(self) -> None:
        try:
            self.post_message(self._read())
        except ValueError as exc:
            self.show_error(str(exc))

    def mark_invalid(self) -> None:
        """Mark every number field that does not parse (so it looks wrong even after
        focus leaves it, until it is fixed or the settings are shown again)."""
        for inp in self.query(Input):
            inp.set_class(not _valid(inp), "-rejected")

    def _read(self) -> "OptimizerPane.Applied":
        opt = str(self.query_one("#opt", Select).value)
        spec = self._specs.get(opt, {"lr": 0.1})
        # the engine's validator, the one the CLI uses: the same rule, the same message
        hyper = {n: parse_hyperparameter(n, self.query_one(f"#hp-{n}", Input).value) for n in spec}
        start = {p: _number(f"start {p}", w.value)
                 for p in self._params for w in self.query(f"#start-{p}").results(Input)}
        batch_text = self.query_one("#batch", Input).value.strip()
        batch = None if batch_text in ("", "all") else int(_number("batch", batch_text))
        seed = int(_number("seed", self.query_one("#seed", Input).value or "0"))
        schedule = self.query_one("#schedule", Input).value.strip() or "constant"
        return self.Applied(opt, hyper, schedule, start, batch, seed, self._lr_typed)


class OptimizerFields(Vertical):
    """The pane's fields, mounted after the first frame; posts :class:`Mounted` when
    they exist (the pane then shows what it holds)."""

    DEFAULT_CSS = "OptimizerFields { height: auto; }"

    class Mounted(Message):
        """The fields are mounted and can be filled."""

    def __init__(self, specs: Mapping[str, Mapping[str, float]], names: Sequence[str]) -> None:
        """``specs``: optimizer -> hyperparameters; ``names``: every hyperparameter but lr,
        in the order the fields show them."""
        super().__init__()
        self._specs, self._names = specs, list(names)

    def compose(self) -> ComposeResult:
        from gdtui.ui.lang import field_label, t

        with Horizontal(classes="row"):
            yield Select([(n, n) for n in self._specs], allow_blank=False, id="opt", compact=True,
                         value=next(iter(self._specs), Select.NULL))
            yield Label(charset_of(self).label("lr"), classes="lbl")
            yield InOrderInput(id="hp-lr", compact=True, classes="num")
        with Horizontal(classes="row", id="hyper-row"):
            for name in self._names:
                yield Label(charset_of(self).label(name), classes=f"lbl hp hp-{name}")
                yield InOrderInput(id=f"hp-{name}", compact=True, classes=f"num hp hp-{name}")
        with Horizontal(classes="row"):
            yield Label(field_label(self, "schedule"), classes="lbl")
            yield InOrderInput(id="schedule", compact=True, classes="sched",
                               placeholder="constant, step:S:G, exp:G, cosine:T")
        yield Horizontal(Label(field_label(self, "start"), classes="lbl"), classes="row", id="start-row")
        with Horizontal(classes="row", id="data-row"):
            yield Label(field_label(self, "batch"), classes="lbl")
            yield InOrderInput(id="batch", compact=True, classes="num",
                               placeholder=t(self, "placeholder.batch"))
            yield Label(field_label(self, "seed"), classes="lbl")
            yield InOrderInput(id="seed", compact=True, classes="num")
        yield Static("", id="opt-error", markup=False)

    def on_mount(self) -> None:
        self.post_message(self.Mounted())


def _valid(inp: Input) -> bool:
    """True when a number field holds a number (other fields always count as valid)."""
    if not inp.has_class("num"):
        return True
    text = inp.value.strip()
    if inp.id in ("batch",) and text in ("", "all"):
        return True
    try:
        _number(inp.id or "", text or ("0" if inp.id == "seed" else ""))
    except ValueError:
        return False
    return True


def _number(name: str, text: str) -> float:
    """Parse one field; a one-line ValueError names the field."""
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{name}: not a number: {text.strip()!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{name}: must be a finite number, got {text.strip()!r}")
    return value
