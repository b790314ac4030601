"""The interface in the user's language: key descriptions in the footer.

Each node keeps its own copy of its bindings, so a Korean app gets Korean footer
labels without touching the classes other apps in the same process use (see
:func:`gdtui.ui.textual_compat.describe_bindings`).
"""

from __future__ import annotations

from typing import Any

from gdtui.i18n import tr
from gdtui.messages_catalog import CATALOG

__all__ = ["localize_bindings"]


def _word(description: str, lang: str) -> str:
    key = f"key.{description}"
    return tr(key, lang) if key in CATALOG else description


def localize_bindings(node: Any, lang: str) -> None:
    """Footer descriptions (and binding groups) of ``node`` in ``lang``."""
    if lang == "en":
        return
    from gdtui.ui.textual_compat import describe_bindings

    describe_bindings(node, lambda text: _word(text, lang))
