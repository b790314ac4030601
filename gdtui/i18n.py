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


# Why a run stopped: the engine's sentences (gdtui.engine.run.row_status), by pattern.
_AT = r"(at the start point|at step \d+)"
_REASONS = [
    ("reason.converged", rf"^\|grad\| = (?P<g>\S+) is below tol (?P<tol>\S+) (?P<at>{_AT})$"),
    ("reason.max", r"^stopped after max steps = (?P<n>\d+)$"),
    ("reason.grew", rf"^loss grew past (?P<x>\S+) (?P<at>{_AT}); try a smaller learning rate$"),
    ("reason.fell", rf"^loss fell below (?P<x>\S+) (?P<at>{_AT}): f is unbounded below, there is no minimum that way$"),
    ("reason.param", rf"^\|(?P<p>\w+)\| grew past (?P<x>\S+) (?P<at>{_AT}); try a smaller learning rate$"),
    ("reason.nonfinite", rf"^(?P<p>\w+) is no longer a finite number (?P<at>{_AT}); try a smaller learning rate$"),
    ("reason.nan", rf"^the loss is not a number (?P<at>{_AT}) \((?P<where>[^)]*)\): outside its domain$"),
    ("reason.stuck", rf"^the update no longer changes w (?P<at>{_AT}) \(\|grad\| = (?P<g>\S+)\): "
                     r"the steps are below float precision$"),
    ("reason.domain", rf"^(?P<err>.+) (?P<at>{_AT}) \((?P<where>[^)]*)\)$"),
]


def _at(text: str, lang: str) -> str:
    import re

    m = re.fullmatch(r"at step (\d+)", text)
    return tr("reason.at", lang, k=m.group(1)) if m else tr("reason.start", lang)


def reason_text(reason: str, lang: str = "en") -> str:
    """Why a run stopped, in ``lang`` (the English sentence when no pattern fits)."""
    import re

    if lang == "en" or not reason:
        return reason
    for msg_id, pattern in _REASONS:
        m = re.match(pattern, reason)
        if m:
            values = {k: v for k, v in m.groupdict().items() if v is not None}
            if "at" in values:
                values["at"] = _at(values["at"], lang)
            return tr(msg_id, lang, **values)
    return reason


def status_word(word: str, lang: str = "en") -> str:
    """A status-line word (ready, paused, converged ...) in ``lang``."""
    return tr(f"status.{word}", lang) if lang != "en" else word
