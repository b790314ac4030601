"""Languages: English and Korean.  The language to use, and the message catalog.

Every text the interface shows goes through :func:`tr` with a message id; the
catalog holds an ``en`` and a ``ko`` entry for each (a test fails when one is
missing).  No textual here: the CLI and the classroom server use it too.
"""

from __future__ import annotations

import os
from typing import Mapping

__all__ = ["LANGS", "default_lang", "tr"]

#: The languages gdtui speaks.
LANGS = ("en", "ko")


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """``ko`` when the locale is Korean (LC_ALL first, then LC_MESSAGES, then LANG), else ``en``."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


def tr(msg_id: str, lang: str = "en", **values: object) -> str:
    """The message ``msg_id`` in ``lang`` (English when missing), with ``{name}`` filled in."""
    from gdtui.messages_catalog import CATALOG

    entry = CATALOG.get(msg_id)
    if entry is None:
        return msg_id
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
