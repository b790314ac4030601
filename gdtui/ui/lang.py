"""The interface in the user's language (and character set): catalog text, field
labels and the key descriptions in the footer.

Each node keeps its own copy of its bindings, so a Korean (or ``--ascii``) app gets
its own footer labels without touching the classes other apps in the same process
use (see :func:`gdtui.ui.textual_compat.describe_bindings`).
"""

from __future__ import annotations

from typing import Any

from gdtui.i18n import tr
from gdtui.messages_catalog import CATALOG

__all__ = ["field_label", "localize_bindings", "node_lang", "t", "wrap_cells"]


def _word(description: str, lang: str) -> str:
    key = f"key.{description}"
    return tr(key, lang) if key in CATALOG else description


def localize_bindings(node: Any) -> None:
    """Footer descriptions, binding groups and key names of ``node`` in its app's
    language and character set (call once, from the node's ``__init__`` or mount)."""
    from gdtui.ui.charset import charset_of

    lang, charset = node_lang(node), charset_of(node)
    if lang == "en" and not charset.ascii:
        return
    from gdtui.ui.textual_compat import describe_bindings

    describe_bindings(node, lambda text: charset.text(_word(text, lang)), key_display=charset.ascii)


def field_label(node: Any, name: str) -> str:
    """The label of a pane's field ``name`` (``preset``, ``lr``, ``β1`` …) as ``node``'s
    app shows it: in its language, then its character set."""
    from gdtui.ui.charset import charset_of

    key = f"label.{name}"
    text = tr(key, node_lang(node)) if key in CATALOG else name
    return charset_of(node).text(text)


def node_lang(node: Any) -> str:
    """The language of the app ``node`` belongs to (``en`` outside a gdtui app)."""
    try:
        return str(node.app.settings.lang)
    except Exception:  # noqa: BLE001 - not mounted, or not a GdApp: English
        return "en"


def t(node: Any, msg_id: str, **values: object) -> str:
    """The catalog message ``msg_id`` in the language of ``node``'s app."""
    return tr(msg_id, node_lang(node), **values)


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells, broken at spaces (Korean
    characters take two cells; a word wider than a line is cut)."""
    from rich.cells import cell_len, set_cell_size

    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and cell_len(line) + 1 + cell_len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return [set_cell_size(x, width).rstrip() if cell_len(x) > width else x for x in lines] or [""]
