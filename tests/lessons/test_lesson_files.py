"""Lesson files: the checks a teacher's file goes through, `gdtui lesson`, progress, catalog."""

from __future__ import annotations

import json
import re
import string

import pytest

from gdtui.cli import main
from gdtui.i18n import default_lang, tr
from gdtui.lessons import LessonError, builtin_lessons, load_lesson
from gdtui.lessons.model import parse_lesson
from gdtui.lessons.progress import Progress
from gdtui.lessons.runner import check_with_engine
from gdtui.messages_catalog import CATALOG

GOOD = '''name = "my-lesson"
title = {en = "Mine", ko = "내 레슨"}
concepts = ["update rule"]

[setup]
fn = "x^2"
start = {x = 2}
lr = 0.25

[[step]]
text = {en = "Start at {x@0}.", ko = "{x@0}에서 출발합니다."}

[[step]]
text = {en = "Predict.", ko = "예측해 보세요."}
[step.predict]
question = {en = "x after one step?", ko = "한 스텝 뒤 x는?"}
quantity = "x"
at = 1
why = {en = "2 - 0.25*4 = {x@1}", ko = "2 - 0.25*4 = {x@1}"}
'''


@pytest.fixture(autouse=True)
def state_home(tmp_path, monkeypatch):
    """Progress goes to a fresh XDG state folder, never the user's."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return tmp_path / "state"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("change, line, words", [
    (lambda t: t.replace('lr = 0.25', 'lr = 0.25\nspeed = 3'), 9, "unknown key 'speed' in setup"),
    (lambda t: t.replace('ko = "예측해 보세요."', 'kr = "x"'), 14, "unknown language 'kr'"),
    (lambda t: t.replace(', ko = "예측해 보세요."', ''), 14, "missing ko text"),
    (lambda t: t.replace('[[step]]\ntext = {en = "Predict."', '[[step]]\nview = "3d"\ntext = {en = "Predict."'),
     14, "unknown view '3d'"),
    (lambda t: t.replace('[[step]]\ntext = {en = "Predict."', '[[step]]\ncompare = {speed = [1, 2]}\ntext = {en = "Predict."'),
     14, "compare.speed is not something compare can vary"),
    (lambda t: t.replace('[[step]]\ntext = {en = "Predict."', '[[step]]\ncompare = {lr = [0.1], steps = 0}\ntext = {en = "Predict."'),
     14, "compare.steps must be a whole number"),
    (lambda t: t.replace('quantity = "x"', 'quantity = "x y"'), 17, "quantity 'x y'"),
    (lambda t: t.replace('at = 1', 'at = -1'), 18, "predict.at must be a whole number"),
    (lambda t: t.replace('name = "my-lesson"', 'name = "my-lesson"\ncolour = 1'), 2, "unknown key 'colour'"),
    (lambda t: t.replace('title = {en = "Mine", ko = "내 레슨"}', 'title = "Mine"'), 2, "needs both languages"),
    (lambda t: t.replace('{x@1}"}\n', '"}\n'), 19, "same {quantity@k} numbers"),
    (lambda t: t.replace('fn = "x^2"', 'fn = "x^2'), 6, "not valid TOML"),
])
def test_bad_lesson_file_names_file_and_line(tmp_path, capsys, change, line, words):
    path = tmp_path / "bad.toml"
    path.write_text(change(GOOD), encoding="utf-8")
    with pytest.raises(LessonError) as exc:
        load_lesson(path)
    assert str(exc.value).startswith(f"{path}:{line}: "), str(exc.value)
    assert words in str(exc.value)
    code, out, err = run_cli(capsys, "lesson", "--file", str(path))
    assert code == 2 and out == "" and err.count("\n") == 1 and words in err


def test_setup_the_engine_refuses_is_one_line_with_the_step_line(tmp_path, capsys):
    path = tmp_path / "refused.toml"
    path.write_text(GOOD.replace('[[step]]\ntext = {en = "Predict."',
                                 '[[step]]\nsetup = {fn = "x^2 +* 3"}\ntext = {en = "Predict."'),
                    encoding="utf-8")
    lesson = load_lesson(path)  # the file itself is well formed
    with pytest.raises(LessonError, match=rf"^{path}:13: the engine refuses this setup"):
        check_with_engine(lesson)
    code, _, err = run_cli(capsys, "lesson", "--file", str(path), "--print")
    assert code == 2 and err.startswith(f"gdtui: {path}:13: ") and err.count("\n") == 1


def test_choice_question_needs_exactly_one_true_choice(tmp_path):
    text = GOOD.replace('quantity = "x"', 'choices = [{label = {en = "a", ko = "가"}, test = "x < 5"}, '
                                          '{label = {en = "b", ko = "나"}, test = "x < 6"}]')
    lesson = parse_lesson(text, "two.toml")
    with pytest.raises(LessonError, match=r"^two.toml:13: 2 choices are true"):
        check_with_engine(lesson)


def test_teacher_file_prints_with_engine_numbers(tmp_path, capsys):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, encoding="utf-8")
    code, out, err = run_cli(capsys, "lesson", "--file", str(path), "--print", "--lang", "ko")
    assert code == 0, err
    assert "2에서 출발합니다." in out
    assert "2 - 0.25*4 = 1" in out  # the reveal's why, with x after 1 step from the engine


def test_lesson_list_and_json(capsys):
    code, out, err = run_cli(capsys, "lesson")
    assert code == 0, err
    lessons = builtin_lessons()
    for lesson in lessons:
        assert lesson.name in out and lesson.title.en in out
    code, out, _ = run_cli(capsys, "lesson", "--lang", "ko")
    assert lessons[0].title.ko in out
    code, out, _ = run_cli(capsys, "lesson", "--list", "--format", "json")
    data = json.loads(out)
    assert [d["name"] for d in data] == [lesson.name for lesson in lessons]
    assert set(data[0]) == {"name", "title", "steps", "concepts"}
    assert data[0]["title"] == {"en": lessons[0].title.en, "ko": lessons[0].title.ko}
    assert data[0]["steps"] == len(lessons[0].steps)


def test_lang_defaults_from_the_locale(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    code, out, _ = run_cli(capsys, "lesson")
    assert builtin_lessons()[0].title.ko in out
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert default_lang() == "en"
    assert default_lang({"LANG": "ko_KR.UTF-8"}) == "ko"
    assert default_lang({}) == "en"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_print_every_lesson_nothing_missing(capsys, lang):
    for lesson in builtin_lessons():
        code, out, err = run_cli(capsys, "lesson", lesson.name, "--print", "--lang", lang)
        assert code == 0, err
        assert lesson.title.get(lang) in out
        assert not re.search(r"\{\w[\w.]*@\d+\}", out)  # every number filled in by the engine
        for i in range(1, len(lesson.steps) + 1):
            assert f"\n{i}. " in out


def test_progress_is_kept_shown_and_reset(capsys, state_home):
    name = builtin_lessons()[2].name
    Progress().record(name, right=1, asked=2, done=True)
    assert (state_home / "gdtui" / "lessons.json").is_file()
    code, out, _ = run_cli(capsys, "lesson")
    row = next(line for line in out.splitlines() if f" {name} " in line)
    assert "done 1/2" in row
    code, out, _ = run_cli(capsys, "lesson", name, "--reset")
    assert code == 0
    assert Progress().entry(name) == {"done": False, "right": 0, "asked": 0}


def test_damaged_progress_file_is_a_fresh_start(state_home):
    (state_home / "gdtui").mkdir(parents=True)
    (state_home / "gdtui" / "lessons.json").write_text("{not json", encoding="utf-8")
    assert Progress().entry("parabola")["done"] is False


def test_unknown_lesson_is_one_line(capsys):
    code, _, err = run_cli(capsys, "lesson", "no-such-lesson")
    assert code == 2 and "no lesson called 'no-such-lesson'" in err and err.count("\n") == 1


def test_every_message_has_english_and_korean_with_the_same_fields():
    fields = lambda s: sorted(f for _, f, _, _ in string.Formatter().parse(s) if f)  # noqa: E731
    for msg_id, entry in CATALOG.items():
        assert set(entry) == {"en", "ko"}, msg_id
        assert entry["en"].strip() and entry["ko"].strip(), msg_id
        assert fields(entry["en"]) == fields(entry["ko"]), msg_id
    assert tr("panel.title", "ko", i=1, n=3) == "레슨 · 1/3단계"
    assert tr("no.such.id", "ko") == "no.such.id"


def test_a_compare_step_says_what_the_compare_view_compares():
    lesson = parse_lesson(GOOD.replace('[[step]]\ntext = {en = "Predict."',
                                       '[[step]]\nview = "compare"\ncompare = {lr = [0.1, 0.9]}\n'
                                       'text = {en = "Predict."'), "mine.toml")
    assert lesson.view_at(1) == "compare"
    assert lesson.compare_text(0) is None
    assert lesson.compare_text(1) == "lr=0.1,0.9 steps=1"  # as far as the prediction looks
