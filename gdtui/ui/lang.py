"""The interface in the user's language: key descriptions in the footer.

Textual keeps a node's bindings per instance (``node._bindings``), so a Korean app
gets Korean footer labels without touching the classes other apps in the same
process use.
"""

from __future__ import annotations

from dataclasses import replace
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
    keys = node._bindings.key_to_bindings
    for key, bindings in list(keys.items()):
        out = []
        for b in bindings:
            group = replace(b.group, description=_word(b.group.description, lang)) if b.group else None
            out.append(replace(b, description=_word(b.description, lang), group=group))
        keys[key] = out
