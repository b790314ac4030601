"""Every shipped lesson, run headless in English and Korean: each reveal and each stated
number is checked against an engine run made here, independently of the lesson runner."""

from __future__ import annotations

import math
import re

import pytest

from gdtui.engine.analysis import check_point
from gdtui.lessons import builtin_lessons
from gdtui.lessons.model import merge_setup
from gdtui.lessons.runner import Evaluator, LessonRunner
from gdtui.problem import build_problem
from gdtui.sessionfile import settings_from_values

LESSONS = builtin_lessons()


def engine_value(values: dict, quantity: str, at: int, h: float = 1e-5):
    """quantity at step `at` of a fresh engine run of the setup `values` (no lesson code)."""
    problem = build_problem(settings_from_values(values))
    run = problem.new_run()
    run.step(at)
    k = run.k
    params = list(problem.objective.params)
    if quantity == "status":
        return run.status
    if quantity == "steps":
        return k
    w = [float(v) for v in run.history.w[k]]
    if quantity in params:
        return w[params.index(quantity)]
    loss, grad = run.full_loss_grad(k) if run.sampler is not None else (run.history.loss[k], run.history.grad[k])
    if quantity == "loss":
        return float(loss)
    if quantity == "gradnorm":
        return math.hypot(*grad)
    if quantity.startswith("grad."):
        return float(grad[params.index(quantity[5:])])
    res = check_point(problem.objective, w, h=h)
    return {"kind": res.kind, "eig.min": res.eigenvalues[0], "eig.max": res.eigenvalues[-1],
            "maxlr": res.max_stable_lr, "numerr": res.max_abs_error}[quantity]


def test_fourteen_lessons_each_with_a_prediction():
    assert len(LESSONS) >= 14
    names = [lesson.name for lesson in LESSONS]
    assert len(set(names)) == len(names)
    for lesson in LESSONS:
        assert any(step.predict is not None for step in lesson.steps), lesson.name
        assert lesson.title.en and lesson.title.ko


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.name for lesson in LESSONS])
def test_lesson_runs_start_to_finish_with_every_reveal_checked(lesson, lang):
    runner = LessonRunner(lesson, lang, Evaluator())
    seen = 0
    while True:
        i = runner.index
        text = runner.text()
        assert text.strip() and not re.search(r"\{\w[\w.]*@\d+\}", text)  # every number filled in
        if lang == "ko":
            assert re.search(r"[가-힣]", text), f"step {i + 1} of {lesson.name} has no Korean"
        step = lesson.steps[i]
        values = lesson.setup_at(i)
        for check in step.checks:  # numbers the text states
            got = engine_value(values, check.quantity, check.at, check.h) * check.scale
            assert got == pytest.approx(check.value, abs=check.tol), (lesson.name, i + 1, check)
        p = step.predict
        if p is not None:
            seen += 1
            assert runner.question().strip()
            if p.is_choice:
                actual = [engine_value(merge_setup(values, c.setup), c.test.quantity,
                                       p.at if c.at is None else c.at, p.h) for c in p.choices]
                if p.choices[0].test.op in ("min", "max"):
                    pick = min if p.choices[0].test.op == "min" else max
                    want = [actual.index(pick(actual))]
                else:
                    want = [n for n, (c, a) in enumerate(zip(p.choices, actual)) if c.test.holds(a)]
                assert len(want) == 1, (lesson.name, i + 1, actual)
                truth = want[0]
                wrong = (truth + 1) % len(p.choices)
                r = runner.answer(str(wrong + 1))
                assert not r.right and r.choice == truth
                runner.repeat()
                r = runner.answer(str(truth + 1))
                assert r.right and r.truth.startswith(f"{truth + 1}. ")
            else:
                truth = engine_value(values, p.quantity, p.at, p.h) * p.scale
                r = runner.answer(repr(truth))
                assert r.right and r.value == pytest.approx(truth, rel=1e-12, abs=1e-15)
                runner.repeat()
                tol = p.tol if p.tol is not None else 0.05 * abs(truth)
                r = runner.answer(repr(truth + 3 * tol + 1))
                assert not r.right
            assert r.why.strip() and "{" not in r.why
        if not runner.next():
            break
    assert seen >= 1 and runner.index == len(lesson.steps) - 1


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.name for lesson in LESSONS])
def test_a_compare_step_compares_what_its_question_offers(lesson):
    """A step that opens the compare view compares text the view reads, and the runs it
    shows are the ones its question offers (each choice's learning rate is one of them),
    run as far as the question looks."""
    from gdtui.engine.compare import parse_compare_text

    for i, step in enumerate(lesson.steps):
        if lesson.view_at(i) != "compare":
            continue
        text = lesson.compare_text(i)
        assert text, f"{lesson.name} step {i + 1}: a compare view without lists"
        axes, steps = parse_compare_text(text)
        lists = dict(axes)
        p = step.predict
        if p is None:
            continue
        assert steps is not None and steps >= p.at
        for choice in p.choices:
            for name, value in choice.setup.items():
                if name == "batch-size" and value not in lists.get(name, ()) and "full" in lists.get(name, ()):
                    # a batch of every row is the full batch (BatchSampler: batch_size >= rows)
                    from gdtui.lessons.runner import Evaluator

                    rows = Evaluator().problem(lesson.settings_at(i)).dataset.n_rows
                    assert value >= rows, (lesson.name, i + 1, name, value, rows)
                elif name in lists:
                    assert value in lists[name], (lesson.name, i + 1, name, value)
