"""HelpScreen: every key, and what the rows of the state table mean.

Two columns that fit an 80×24 terminal without scrolling (it scrolls when smaller).  Each row is written
once in Unicode and, where it differs, in ASCII (``--ascii``); the key column is
sized from the text actually shown, so the meanings line up in both.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from gdtui.ui.charset import UNICODE, Charset, charset_of
from gdtui.ui.lang import localize_bindings, node_lang

__all__ = ["HelpScreen", "help_columns"]

#: (key, meaning) or (key, meaning, ascii key, ascii meaning); "" key continues a row.
KEYS: list[tuple[str, ...]] = [
    ("space", "one step"),
    ("n", "ten steps"),
    ("p", "run / pause live"),
    ("+ / -", "faster / slower"),
    ("b", "one step back (exact)"),
    ("r", "reset to the start"),
    ("arrows", "move start (shift: more)"),
    ("f", "data and fit (data sets)"),
    ("l", "log / linear loss axis"),
    ("u / x", "update or recent / axes"),
    ("t", "next theme"),
    ("s / e", "save setup / export run"),
    ("v", "compare runs side by side"),
    ("tab", "next field or pane"),
    ("enter", "apply a field; esc leaves"),
    ("g c d", "panels: gradient check,"),
    ("", "curvature, backprop graph"),
    ("ctrl+p", "commands, screenshot"),
    ("?", "this help"),
    ("q", "quit"),
]
STATE: list[tuple[str, ...]] = [
    ("w", "the parameters now"),
    ("∂f/∂w", "gradient at w", "df/dw", "gradient at w"),
    ("m, v …", "the optimizer's state", "m, v ...", "the optimizer's state"),
    ("m̂, v̂", "bias-corrected m, v", "m_hat", "bias-corrected m"),
    ("f(w)", "the loss"),
    ("‖∇f‖", "gradient length", "|grad|", "gradient length"),
    ("batch", "on this mini-batch;"),
    ("full", "on all the data"),
    ("x₂₀ = …", "the last update by hand", "x_20 = ...", "the last update by hand"),
]
#: The landscape's marks, one line each mode (the glyphs of gdtui.ui.widgets._canvas).
LEGEND = {
    False: "Landscape: ○ start • path ● now ← −∇f (longer: steeper, log scale) ╌ tangent "
           "✕ minimum ◆ best so far ◉ this batch",
    True: "Landscape: s start, o path, X now, <- -grad f (longer: steeper, log scale), "
          "~ tangent, M minimum, B best so far, @ this batch",
}
NOTES = {
    False: ("Live: 1 to 10000 steps/s. A run stops by itself when it converges, diverges or "
            "leaves the domain: the status line says why. In a field, keys type text.\n"
            + LEGEND[False] + "\nescape, q or ? closes this help."),
    True: ("Live: 1 to 10000 steps/s. A run stops by itself when it converges, diverges or "
           "leaves the domain: the status line says why. In a field, keys type text.\n"
           + LEGEND[True] + "\nescape, q or ? closes this help."),
}


#: English meaning -> message id, for the help screen in other languages.
MEANING_IDS = {
    "one step": "help.space", "ten steps": "help.n", "run / pause live": "help.p",
    "faster / slower": "help.speed", "one step back (exact)": "help.b", "reset to the start": "help.r",
    "move the start point": "help.arrows", "(landscape; shift: more)": "help.arrows2",
    "data and fit (data sets)": "help.f", "log-scale loss": "help.l", "next theme": "help.t",
    "save setup / export run": "help.se", "next field or pane": "help.tab",
    "apply a field; esc leaves": "help.enter", "command palette": "help.palette", "this help": "help.help",
    "quit": "help.quit", "the parameters now": "help.w", "gradient at w": "help.grad",
    "update just applied:": "help.dw", "the optimizer's state": "help.state_opt",
    "bias-corrected m, v": "help.hat", "bias-corrected m": "help.hat", "the loss": "help.loss",
    "loss on this mini-batch": "help.batch", "gradient length;": "help.norm",
    "converged when tiny": "help.norm2", "panels: gradient check,": "help.panels",
    "curvature, backprop graph": "help.panels2", "move start (shift: more)": "help.move",
    "log / linear loss axis": "help.logaxis", "update or recent / axes": "help.ux",
    "commands, screenshot": "help.cmds", "gradient length": "help.glen",
    "on this mini-batch;": "help.onbatch", "on all the data": "help.onall",
    "the last update by hand": "help.byhand", "compare runs side by side": "help.compare",
    "lesson: next / back": "help.lesson.move", "lesson: this step again": "help.lesson.again",
}


def _meaning(text: str, lang: str) -> str:
    from gdtui.i18n import tr

    msg_id = MEANING_IDS.get(text)
    return tr(msg_id, lang) if msg_id and lang != "en" else text


def _key_word(key: str, lang: str) -> str:
    """The state table's own words (batch, full) as the Korean table writes them."""
    if lang == "en" or key not in ("batch", "full", "arrows"):
        return key
    from gdtui.i18n import tr

    return tr("help.key.arrows" if key == "arrows" else f"state.{key}", lang)


def _column(title: str, rows: list[tuple[str, ...]], ascii: bool, lang: str = "en") -> str:
    pairs = [(r[2], r[3]) if ascii and len(r) == 4 else (r[0], r[1]) for r in rows]
    pairs = [(_key_word(k, lang), _meaning(m, lang)) for k, m in pairs]
    width = max(cell_len(k) for k, _ in pairs)  # cells, not characters: m̂ is one cell
    lines = [f"[b]{title}[/b]"] + [f"  {k}{' ' * (width - cell_len(k))}  {m}" for k, m in pairs]
    return "\n".join(lines)


#: The keys of lesson mode (gdtui lesson NAME), listed only there.
LESSON_KEYS: list[tuple[str, ...]] = [
    (". / ,", "lesson: next / back"),
    ("a", "lesson: this step again"),
]


def help_columns(charset: Charset = UNICODE, lang: str = "en", lesson: bool = False) -> tuple[str, str, str]:
    """The keys column, the state-table column and the notes (Textual markup); in lesson
    mode the keys column ends with the lesson's keys."""
    keys = KEYS[:-1] + LESSON_KEYS + KEYS[-1:] if lesson else KEYS
    ascii = charset.ascii
    if lang != "en":
        from gdtui.i18n import tr

        legend = tr("help.legend.ascii" if ascii else "help.legend", lang)
        notes = f"{tr('help.live', lang)}\n{legend}\n{tr('help.close', lang)}"
        return (_column(tr("help.keys", lang), keys, ascii, lang),
                _column(tr("help.state", lang), STATE, ascii, lang),
                charset.text(notes))
    return (_column("Keys", keys, ascii),
            _column("State table (row k: after k steps)", STATE, ascii),
            NOTES[ascii])


class HelpScreen(ModalScreen[None]):
    """Keys and meanings; escape closes."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "close", id="gd.help.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lang = node_lang(self)
        localize_bindings(self)  # footer labels in the app's language and character set

    def compose(self) -> ComposeResult:
        lesson = getattr(self.app, "lesson", None) is not None
        keys, state, notes = help_columns(charset_of(self), self.lang, lesson=lesson)
        with VerticalScroll(id="help"):
            with Horizontal(id="help-columns"):
                yield Static(keys, id="help-keys")
                with Vertical(id="help-right"):
                    yield Static(state, id="help-state")
                    yield Static(notes, id="help-notes", markup=False)

    def on_mount(self) -> None:
        from gdtui.i18n import tr

        self.query_one("#help").border_title = tr("help.title", self.lang)

    def action_close(self) -> None:
        """Back to the playground."""
        self.dismiss()
