"""The message catalog: every interface text in English and Korean, by message id.

Values may hold ``{name}`` fields filled by :func:`gdtui.i18n.tr`.  A test fails
when an entry lacks ``ko`` (or ``en``) or the two use different fields.
"""

from __future__ import annotations

__all__ = ["CATALOG"]

CATALOG: dict[str, dict[str, str]] = {
    # ---------------------------------------------------------------- gdtui lesson
    "lesson.col.n": {"en": "#", "ko": "#"},
    "lesson.col.name": {"en": "name", "ko": "이름"},
    "lesson.col.steps": {"en": "steps", "ko": "단계"},
    "lesson.col.done": {"en": "done", "ko": "완료"},
    "lesson.col.title": {"en": "title", "ko": "제목"},
    "lesson.done": {"en": "done", "ko": "완료"},
    "lesson.list.hint": {"en": "open one: gdtui lesson NAME   (--lang ko: in Korean, --print: as text)",
                         "ko": "시작하기: gdtui lesson 이름   (--lang en: 영어로, --print: 글로 출력)"},
    "lesson.steps": {"en": "steps", "ko": "단계"},
    "lesson.keys": {"en": "keys", "ko": "누를 키"},
    "lesson.predict": {"en": "predict", "ko": "예측"},
    "lesson.answers": {"en": "Answers", "ko": "정답"},
    "lesson.reset.one": {"en": "progress of {name} forgotten", "ko": "{name}의 진행 기록을 지웠습니다"},
    "lesson.reset.all": {"en": "progress of every lesson forgotten", "ko": "모든 레슨의 진행 기록을 지웠습니다"},
    # ---------------------------------------------------------------- lesson panel
    "panel.title": {"en": "lesson · step {i}/{n}", "ko": "레슨 · {i}/{n}단계"},
    "panel.keys": {"en": "press: {keys}", "ko": "누를 키: {keys}"},
    "panel.wait": {"en": "waiting for step {k} (now {now})", "ko": "{k}스텝까지 기다리는 중 (지금 {now})"},
    "panel.waited": {"en": "✓ done: press . for the next step", "ko": "✓ 완료: . 키로 다음 단계"},
    "panel.answer.number": {"en": "type a number, then enter", "ko": "숫자를 입력하고 enter"},
    "panel.answer.choice": {"en": "type 1 to {n}, then enter", "ko": "1~{n} 중 하나를 입력하고 enter"},
    "panel.right": {"en": "✓ right", "ko": "✓ 맞았습니다"},
    "panel.wrong": {"en": "✗ not quite", "ko": "✗ 아쉽네요"},
    "panel.truth": {"en": "true value at step {k}: {truth}", "ko": "{k}스텝의 실제 값: {truth}"},
    "panel.truth.choice": {"en": "answer: {truth}", "ko": "정답: {truth}"},
    "panel.given": {"en": "you said {given}, off by {diff}", "ko": "예측 {given}, 차이 {diff}"},
    "panel.given.choice": {"en": "you picked {given}", "ko": "고른 답: {given}"},
    "panel.hint": {"en": ". next  , back  a again", "ko": ". 다음  , 이전  a 다시"},
    "panel.loading": {"en": "computing…", "ko": "계산 중…"},
    "panel.finished": {"en": "lesson finished: {right}/{asked} predictions right", "ko": "레슨 완료: 예측 {asked}개 중 {right}개 맞힘"},
    "panel.first": {"en": "this is the first step", "ko": "첫 단계입니다"},
    "panel.view": {"en": "(the {view} view is not in this version: showing the playground)",
                   "ko": "({view} 화면은 아직 없어 기본 화면으로 보여 줍니다)"},
    "panel.answer.first": {"en": "answer the question first (or press . to skip)", "ko": "먼저 질문에 답하세요 (건너뛰려면 .)"},
}
