"""The worked update as lines of text that fit a width (display only: the numbers
come from :func:`gdtui.engine.explain.worked_update`).

``x₂₀ = x₁₉ − η·g₁₉ = 0.0720576 − 0.1·0.144115 = 0.0576461``: every number is
the value the run used, rounded to at most six significant digits, so a student
redoing the arithmetic gets the result to the digits shown.  When a line is too
wide it breaks at its ``=`` signs; when the lines are too many the symbolic forms
are left out (the numbers stay).
"""

from __future__ import annotations

from typing import Sequence

from gdtui.engine.explain import Equation, WorkedUpdate
from gdtui.ui.charset import UNICODE, Charset
from gdtui.ui.fmt import fmt
from gdtui.ui.lang import wrap_cells

__all__ = ["equation_lines", "worked_lines", "worked_notes", "worked_pages"]


def _steps(text: str, k: int, p: str, cs: Charset) -> str:
    out = text.replace("{p}", p).replace("[k-1]", cs.sub(k - 1))
    out = out.replace("[k]", cs.sub(k))
    return cs.math(out)


def _numbers(eq: Equation, width: int, cs: Charset) -> str:
    first = eq.numbers.startswith("{}")  # a leading negative needs no brackets
    text = eq.numbers.format(*[fmt(v, width) if i == 0 and first else _paren(fmt(v, width))
                               for i, v in enumerate(eq.values)])
    return cs.math(text)


def _paren(text: str) -> str:
    """A negative operand in brackets, so 0.9·(-3) does not read as 0.9·-3 or 0.9 - 3."""
    return f"({text})" if text.startswith("-") else text


def equation_lines(eq: Equation, k: int, p: str, width: int, *, symbolic: bool = True,
                   charset: Charset = UNICODE) -> list[str]:
    """One equation in as few lines as fit ``width`` (at most three): all six digits on
    one line if they fit, else fewer digits, else broken at its ``=`` signs."""
    target = _steps(eq.target, k, p, charset)
    form = _steps(eq.form, k, p, charset)
    pad = " " * (len(target) + 1)

    def options(digits: int) -> list[list[str]]:
        nums, result = _numbers(eq, digits, charset), fmt(eq.result, digits)
        if symbolic:
            return [[f"{target} = {form} = {nums} = {result}"],
                    [f"{target} = {form}", f"{pad}= {nums} = {result}"],
                    [f"{target} = {form}", f"{pad}= {nums}", f"{pad}= {result}"]]
        return [[f"{target} = {nums} = {result}"], [f"{target} = {nums}", f"{pad}= {result}"]]

    for digits in (10, 8, 6):  # the most digits first, in as few lines as fit
        for lines in options(digits):
            if all(len(line) <= width for line in lines):
                return lines
    # too narrow for any: the numbers wrapped at their spaces (whole numbers stay together)
    nums, result = _numbers(eq, 8, charset), fmt(eq.result, 8)
    first, *rest = wrap_cells(f"{target} = {nums} = {result}", width - 2)
    return [first, *[f"  {line}" for line in rest]]


def worked_notes(worked: WorkedUpdate, charset: Charset = UNICODE, lang: str = "en") -> list[str]:
    """The notes under a worked update (mini-batch gradient, Newton's fallback) in ``lang``."""
    from gdtui.i18n import tr

    extra = []
    if worked.batch:
        extra.append(tr("worked.batch", lang, g=f"g{charset.sub(worked.k - 1)}"))
    if worked.note:
        from gdtui.engine.optimizers.newton import NEWTON_FALLBACK_NOTE

        note = tr("worked.newton_fallback", lang) if worked.note == NEWTON_FALLBACK_NOTE else worked.note
        extra.append(tr("worked.note", lang, note=note))
    return extra


def worked_pages(worked: WorkedUpdate, param: int, width: int, rows: int,
                 charset: Charset = UNICODE, lang: str = "en") -> list[list[str]]:
    """The update of parameter ``param`` as pages of at most ``rows`` lines of ``width``:
    one page with the symbolic forms when they fit, else one with the numbers alone,
    else several (whole equations per page); notes (mini-batch, Newton) at the end."""
    k, p = worked.k, worked.params[param]
    eqs: Sequence[Equation] = worked.equations[param]

    tail = [line for text in worked_notes(worked, charset, lang) for line in wrap_cells(charset.text(text), width)]
    rows = max(rows, 1)
    groups: list[list[str]] = []
    for symbolic in (True, False):
        groups = [equation_lines(eq, k, p, width, symbolic=symbolic, charset=charset) for eq in eqs]
        if sum(map(len, groups)) + len(tail) <= rows:
            return [[line for g in groups for line in g] + tail]
    pages: list[list[str]] = [[]]
    for group in groups + [[line] for line in tail]:
        if pages[-1] and len(pages[-1]) + len(group) > rows:
            pages.append([])
        pages[-1].extend(group)
    return [page[:rows] for page in pages]


def worked_lines(worked: WorkedUpdate, param: int, width: int, rows: int,
                 charset: Charset = UNICODE, lang: str = "en") -> list[str]:
    """The first page of :func:`worked_pages`."""
    return worked_pages(worked, param, width, rows, charset, lang)[0]
