"""The interface in the user's language: key descriptions in the footer.

Each node keeps its own copy of its bindings, so a Korean app gets Korean footer
labels without touching the classes other apps in the same process use (see
:func:`gdtui.ui.textual_compat.describe_bindings`).
"""

from __future__ import annotations

from typing import Any

from gdtui.i18n import tr
from gdtui.messages_catalog import CATALOG

__all__ = ["localize_bindings", "node_lang", "t", "wrap_cells"]


def _word(description: str, lang: str) -> str:
    key = f"key.{description}"
    return tr(key, lang) if key in CATALOG else description


def localize_bindings(node: Any, lang: str) -> None:
    """Footer descriptions (and binding groups) of ``node`` in ``lang``."""
    if lang == "en":
        return
    from gdtui.ui.textual_compat import describe_bindings

    describe_bindings(node, lambda text: _word(text, lang))


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
