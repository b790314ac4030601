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
    ("reason.converged.saddle", rf"^\|grad\| = (?P<g>\S+) is below tol (?P<tol>\S+) (?P<at>{_AT}): a saddle point, not a minimum$"),
    ("reason.converged.maximum", rf"^\|grad\| = (?P<g>\S+) is below tol (?P<tol>\S+) (?P<at>{_AT}): a maximum, not a minimum$"),
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


# Error lines people meet most, by pattern (the rest stay in English, with a Korean prefix).
_ERRORS = [
    ("err.number", r"^(?P<what>.+?):? must be a number, got (?P<got>.+)$"),
    ("err.finite", r"^(?P<what>.+?):? must be a finite number, got (?P<got>.+)$"),
    ("err.positive", r"^(?P<what>.+?):? must be (?:positive|a positive number), got (?P<got>.+)$"),
    ("err.unit", r"^(?P<what>.+?):? must be in \[0, 1\), got (?P<got>.+)$"),
    ("err.whole", r"^(?P<what>.+?):? must be a whole number(?: [^,]*)?, got (?P<got>.+)$"),
    ("err.atleast", r"^(?P<what>.+?):? must be at least (?P<n>\S+), got (?P<got>.+)$"),
    ("err.unknown_fn", r"^unknown function '(?P<name>[^']*)'(?P<rest>.*)$"),
    ("err.syntax", r"^invalid syntax(?P<rest>.*)$"),
    ("err.missing_paren", r"^missing '\)'(?P<rest>.*)$"),
    ("err.unexpected", r"^unexpected '(?P<tok>[^']*)'(?P<rest>.*)$"),
    ("err.empty", r"^the expression is empty(?P<rest>.*)$"),
    ("err.novars", r"^no variables to optimise(?P<rest>.*)$"),
    ("err.not_allowed", r"^'(?P<name>[^']*)' is not allowed(?P<rest>.*)$"),
    ("err.char", r"^(?:character )?(?P<name>.+?) is not allowed(?P<rest>.*)$"),
    ("err.term", r"^missing a term after '(?P<tok>[^']*)'(?P<rest>.*)$"),
    ("err.ends", r"^the expression ends with '(?P<tok>[^']*)'(?P<rest>.*)$"),
    ("err.preset", r"^unknown preset '(?P<name>[^']*)'(?P<rest>.*)$"),
    ("err.optimizer", r"^unknown optimizer '(?P<name>[^']*)'(?P<rest>.*)$"),
    ("err.cmp.number", r"^--(?P<what>[\w-]+): (?P<got>'.*') is not a number$"),
    ("err.cmp.finite", r"^--(?P<what>[\w-]+): (?P<got>'.*') is not a finite number$"),
    ("err.cmp.whole", r"^--(?P<what>[\w-]+): (?P<got>'.*') is not a whole number$"),
    ("err.cmp.below", r"^--(?P<what>[\w-]+): (?P<got>\S+) is below (?P<n>\S+)$"),
    ("err.cmp.name", r"^(?P<name>'[^']*') cannot be compared: use one of (?P<names>.*)$"),
    ("err.cmp.twice", r"^(?P<name>\S+) is listed twice$"),
    ("err.cmp.many", r"^(?P<total>\d+) runs asked for \((?P<sizes>[^)]*)\), but a comparison has at most (?P<max>\d+)$"),
    ("err.cmp.nothing", r"^nothing to compare: type lists like (?P<ex>.*)$"),
    ("err.cmp.steps", r"^steps must be between 1 and (?P<max>\S+), got (?P<got>.*)$"),
    ("err.cmp.none", r"^--(?P<what>[\w-]+) applies to none of the optimizers compared$"),
    ("err.cmp.run", r"^run (?P<label>.+?): (?P<rest>.+)$"),
    ("err.answer", r"^not a number: (?P<got>.*); type e\.g\. 0\.5$"),
    ("err.answer.empty", r"^type a number, e\.g\. 0\.5$"),
    ("err.answer.finite", r"^type a finite number$"),
    ("err.answer.pick", r"^pick a number from 1 to (?P<n>\d+)$"),
]


def _rest(rest: str, lang: str) -> str:
    import re

    return re.sub(r"\bat column (\d+)", lambda m: tr("err.column", lang, n=m.group(1)), rest)


def error_text(line: str, lang: str = "en") -> str:
    """A one-line error in ``lang``: a known pattern in its words, else the English line
    after the word for error (what was typed and the fix stay as they are)."""
    import re

    if lang == "en" or not line:
        return line
    for msg_id, pattern in _ERRORS:
        m = re.match(pattern, line)
        if m:
            values = {k: v or "" for k, v in m.groupdict().items()}
            if msg_id == "err.cmp.run":  # one run's own error, itself in Korean
                values["rest"] = error_text(values["rest"], lang)
            elif "rest" in values:
                values["rest"] = _rest(values["rest"], lang)
            return tr(msg_id, lang, **values)
    return f"{tr('error.prefix', lang)}: {_rest(line, lang)}"
