"""The interface in Korean: every reason a run can stop for has a Korean sentence."""

from __future__ import annotations

import re

import pytest

from gdtui.i18n import reason_text, status_word
from gdtui.problem import build_problem
from gdtui.settings import Settings

HANGUL = re.compile(r"[가-힣]")


@pytest.mark.parametrize("settings, steps, status", [
    (Settings(fn="x^2", start={"x": 5.0}, hyper={"lr": 0.1}), 3, "max-steps"),
    (Settings(fn="x^2", start={"x": 5.0}, hyper={"lr": 0.5}), 50, "converged"),
    (Settings(fn="x^2", start={"x": 5.0}, hyper={"lr": 1.5}), 200, "diverged"),
    (Settings(fn="x^2 - y^2", start={"x": 1.0, "y": 1.0}, hyper={"lr": 0.1}), 300, "diverged"),
    (Settings(fn="log(x)", start={"x": 1.0}, hyper={"lr": 2.0}), 10, "domain-error"),
])
def test_every_stop_reason_reads_in_korean(settings, steps, status):
    settings.max_steps = steps
    run = build_problem(settings).new_run()
    run.step(steps)
    assert run.status == status
    ko = reason_text(run.reason, "ko")
    assert ko != run.reason and HANGUL.search(ko), run.reason
    numbers = re.findall(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?", run.reason)
    for n in numbers:  # the numbers survive the translation
        assert n in ko
    assert reason_text(run.reason, "en") == run.reason
    assert HANGUL.search(status_word(status.replace("-", " ") if status != "max-steps" else "max steps", "ko"))


@pytest.mark.parametrize("text", ["x^2 +* 3", "x^2 + (y", "foo(x)", "", "x $ y", "3"])
def test_expression_errors_read_in_korean(text):
    from gdtui.errors import GdtuiError
    from gdtui.expr.parse import parse, split_variables
    from gdtui.i18n import error_text

    with pytest.raises(GdtuiError) as exc:
        split_variables(parse(text, ()), (), text)
    line = str(exc.value).splitlines()[0]
    ko = error_text(line, "ko")
    assert HANGUL.search(ko) and "\n" not in ko
    assert error_text(line, "en") == line


def test_option_errors_read_in_korean():
    from gdtui.i18n import error_text

    assert error_text("lr must be positive, got -1", "ko") == "lr: 0보다 커야 합니다 (입력: -1)"
    assert error_text("momentum must be in [0, 1), got 1.5", "ko").startswith("momentum: 0 이상 1 미만")
    assert error_text("something new", "ko") == "오류: something new"


def test_answer_errors_read_in_korean():
    from gdtui.i18n import error_text
    from gdtui.lessons.runner import AnswerError, parse_number

    for text in ("abc", "", "inf"):
        with pytest.raises(AnswerError) as exc:
            parse_number(text)
        ko = error_text(str(exc.value), "ko")
        assert HANGUL.search(ko) and not ko.startswith("오류:"), str(exc.value)
    assert error_text("pick a number from 1 to 3", "ko") == "1부터 3까지 중에서 고르세요"


@pytest.mark.parametrize("text", ["lr=0.1,abc", "speed=1,2", "lr=0.1 lr=0.2", "", "steps=0 lr=1",
                                  "lr=" + ",".join(["0.1"] * 9) + " momentum=" + ",".join(["0.5"] * 9),
                                  "batch-size=0", "seed=1.5"])
def test_compare_view_errors_read_in_korean(text):
    """What the compare view's field says when the text is wrong, in its own Korean words."""
    from gdtui.engine.compare import parse_compare_text
    from gdtui.errors import GdtuiError
    from gdtui.i18n import error_text

    with pytest.raises(GdtuiError) as exc:
        parse_compare_text(text)
    line = str(exc.value)
    ko = error_text(line, "ko")
    assert HANGUL.search(ko) and not ko.startswith("오류:"), line
    for n in re.findall(r"\d+", line):  # the numbers survive
        assert n in ko


def test_gdtui_presets_in_korean(capsys, monkeypatch):
    from gdtui.cli import main
    from gdtui.engine.presets import PRESETS

    assert main(["presets", "--lang", "ko"]) == 0
    ko = capsys.readouterr().out
    assert "기울어진 그릇" in ko and "f = x^2 + x*y + y^2" in ko
    monkeypatch.setenv("LC_ALL", "ko_KR.UTF-8")  # the locale decides when --lang is not given
    assert main(["presets"]) == 0
    assert capsys.readouterr().out == ko
    assert main(["presets", "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert all(p.description in en for p in PRESETS.values())
