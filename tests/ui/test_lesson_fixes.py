"""Issue 11's remaining defects: Korean under --ascii, lessons at 80x24, Korean theme
diagnostics, full-batch comparisons, the gradient check's h from the lesson, the
Korean palette, the state pane's numbers and edge."""

from __future__ import annotations

import asyncio

import pytest
from test_lesson_mode import panel
from lesson_waits import shown, until
from ui_waits import palette_entries

from gdtui.lessons import find_lesson
from gdtui.ui.ascii import CHROME, AsciiFilter, is_language, plain
from gdtui.ui.widgets.lesson_panel import LessonSide


@pytest.fixture(autouse=True)
def state_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))






def lesson_app(lesson, lang: str = "en", ascii: bool = False):
    """The app as `gdtui lesson NAME [--lang ko] [--ascii]` builds it."""
    from gdtui.problem import validate_quickly
    from gdtui.settings import Settings
    from gdtui.ui.app import GdApp

    return GdApp(validate_quickly(lesson.settings_at(0, Settings(lang=lang, ascii=ascii))), lesson=lesson)


def drawing(text: str) -> set[str]:
    """Characters on screen that are neither ASCII nor Hangul (what --ascii must not show)."""
    return {ch for ch in text if not ch.isascii() and not is_language(ch)}


# ------------------------------------------------------------ 1. --ascii --lang ko
def test_plain_spells_exponents_and_indices_as_one_run_and_keeps_hangul() -> None:
    assert plain("h = 10⁻¹²일 때") == "h = 10^-12일 때"
    assert plain("f'(x) = 3x², g₁₀") == "f'(x) = 3x^2, g_10"
    assert plain("✓ 맞았습니다") == "OK 맞았습니다"


def test_the_filter_keeps_hangul_and_replaces_drawing() -> None:
    from rich.segment import Segment
    from textual.color import Color

    f = AsciiFilter()
    out = f.apply([Segment("╭─ 레슨 · 1/3단계 ─╮")], Color(0, 0, 0))
    assert "".join(s.text for s in out) == "+- 레슨 . 1/3단계 -+"
    assert not any(is_language(ch) for ch in f.replaced)


async def test_ascii_korean_lesson_shows_hangul_and_only_ascii_drawing(ui) -> None:
    from gdtui.ui.screens.gradcheck import GradCheckPanel

    lesson = find_lesson("numerical-derivatives")
    app = lesson_app(lesson, lang="ko", ascii=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, 0)
        await until(pilot, lambda: isinstance(app.screen, GradCheckPanel) and bool(app.screen.query(LessonSide))
                    and app.screen.settled)
        await pilot.pause()
        text = ui.screen_text(app)
        flat = " ".join(text.split())
        assert "도함수를 구하는 방법은 두 가지" in flat, text
        assert "3x^2" in flat and "10^-5" in flat, text  # the lesson's symbols spelled in ASCII
        assert "??" not in text, text
        assert drawing(text) == set(), drawing(text)
        assert not any(is_language(ch) for ch in app.ascii_filter.replaced)


async def test_ascii_korean_playground_spells_its_own_text(ui) -> None:
    app = ui.make_app(preset="parabola", ascii=True, lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.settle(pilot, steps=2)
        text = ui.screen_text(app)
    assert "함수" in text and "옵티마이저" in text, text
    assert drawing(text) == set(), drawing(text)
    assert app.ascii_filter.replaced <= set(CHROME)  # only what Textual draws itself


# ------------------------------------------------------------ 4. batch sizes compared
def test_session_and_lesson_compare_lists_take_full_as_a_batch_size() -> None:
    from gdtui.sessionfile import SessionError, parse_session

    values = parse_session('preset = "noisy-line"\ncompare = {batch-size = ["full", 2, 1]}\n', "s.toml").values
    assert values["compare"] == {"batch-size": ["full", 2, 1]}
    with pytest.raises(SessionError, match=r"s.toml:1: compare.batch-size must be a whole number or \"full\""):
        parse_session('compare = {batch-size = ["half", 1]}\n', "s.toml")
    lesson = find_lesson("batches")
    step = next(i for i, s in enumerate(lesson.steps) if s.compare)
    assert lesson.compare_text(step) == "batch-size=full,10,1 steps=300"


def test_gdtui_compare_reads_full_from_a_session_file(tmp_path, capsys) -> None:
    from gdtui.cli import main

    path = tmp_path / "s.toml"
    path.write_text('preset = "noisy-line"\nseed = 1\nsteps = 5\ncompare = {batch-size = ["full", 2, 1]}\n')
    assert main(["compare", "--session", str(path), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    for label in ("batch-size=full", "batch-size=2", "batch-size=1"):
        assert label in out, out


async def test_batch_lesson_compares_full_mini_and_sgd_with_the_engines_runs(ui) -> None:
    """Lesson 13's compare step: three runs, and at the reveal every loss on the
    leaderboard is the one the lesson's engine runs give (the answer is the engine's)."""
    from gdtui.lessons.model import merge_setup
    from gdtui.lessons.runner import Evaluator
    from gdtui.sessionfile import settings_from_values
    from gdtui.ui.screens.compare import CompareScreen

    lesson = find_lesson("batches")
    step = next(i for i, s in enumerate(lesson.steps) if s.compare)
    ev = Evaluator()
    want = {label: ev.quantity(settings_from_values(merge_setup(lesson.setup_at(step), {"batch-size": b})),
                               "loss", 300)
            for label, b in (("batch-size=full", 100), ("batch-size=10", 10), ("batch-size=1", 1))}
    app = lesson_app(lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, 0)
        panel(app).go(step)
        await shown(pilot, step)
        await until(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen.session is not None
                    and bool(app.screen.query(LessonSide)))
        screen = app.screen
        assert screen.text == "batch-size=full,10,1 steps=300"
        assert screen.session.comparison.labels == list(want)
        panel(app).answer("3")
        await until(pilot, lambda: panel(app).reveal is not None and screen.session.k == 300)
        assert panel(app).reveal.right  # SGD's loss is the highest after 300 updates
        got = {row.label: row.loss for row in screen.session.leaderboard()}
        assert got == want
        assert max(want, key=want.get) == "batch-size=1"


# ------------------------------------------------------------ 7. the state pane
def test_negative_zero_is_shown_as_zero() -> None:
    from gdtui.ui.fmt import fmt

    assert fmt(-0.0) == "0" and fmt(-0.0, 3) == "0"
    assert fmt(-1e-300) == "-1e-300" and fmt(-0.5) == "-0.5"


async def test_the_state_table_never_shows_minus_zero(ui) -> None:
    import re

    from gdtui.ui.widgets.state_table import StateTable

    app = ui.make_app(fn="x^2 + y^2", start={"x": 0.0, "y": 1.0}, hyper={"lr": 0.1})
    async with app.run_test(size=(100, 30)) as pilot:
        await ui.settle(pilot, steps=1)
        table = app.main_screen.query_one(StateTable)
        cells = [table.get_cell(row, "x").plain for row in table._keys]
    assert "0" in cells  # the update -η·0 of x (was "-0")
    assert not any(re.fullmatch(r"-0(\.0*)?", c) for c in cells), cells


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_state_edge_is_shortened_never_cut(lang: str) -> None:
    from rich.cells import cell_len

    from gdtui.i18n import tr
    from gdtui.ui.widgets.state_table import bottom_edge

    def msg(msg_id: str, **values: object) -> str:
        return tr(msg_id, lang, **values)

    note = tr("state.overflow", lang)
    full = bottom_edge(("z",), note, 200, msg)
    assert full == f"{note} · {msg('main.hidden', n=1, names='z')}"
    for room in range(4, 60):
        edge = bottom_edge(("z",), note, room, msg)
        assert edge in (f"{note} · {msg(i, n=1, names='z')}" for i in
                        ("main.hidden", "main.hidden.names", "main.hidden.axes", "main.hidden.short")) or \
            edge in (msg(i, n=1, names='z') for i in
                     ("main.hidden", "main.hidden.names", "main.hidden.axes", "main.hidden.short")), edge
        if room >= cell_len(msg("main.hidden.short", n=1)):
            assert cell_len(edge) <= room, (room, edge)
    assert bottom_edge((), note, 30, msg) == note
    assert bottom_edge(("z",), "", 40, msg) == msg("main.hidden", n=1, names="z")


async def test_the_state_edge_fits_with_an_overflow_and_hidden_parameters(ui) -> None:
    """A diverging 3-parameter run at 80x24: inf on show and a hidden parameter; the
    pane's bottom edge says both as far as they fit, never a cut '(x: axes'."""
    # exp(y²) overflows after one step (as in test_state_table); w and z do not fit
    app = ui.make_app(fn="x^2 + exp(y^2) + z^2 + w^2", start={"x": 1.0, "y": 5.0, "z": 1.0, "w": 1.0},
                      optimizer="sgd", hyper={"lr": 0.1})
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.settle(pilot, steps=1)
        state = app.main_screen.query_one("#state")
        edge = str(state.border_subtitle)
        note = app.main_screen.query_one("#table").note
        text = ui.screen_text(app)
    assert "more" in edge and note == "inf = overflow", (edge, note)
    room = state.outer_size.width - 6
    from rich.cells import cell_len

    assert cell_len(edge) <= room, (edge, room)
    assert "(x: axes" not in text or "(x: axes)" in text, text


# ------------------------------------------------------------ 3. theme diagnostics in Korean
BROKEN_THEMES = [
    ('name = "x"\nprimary = "#123456\n', "TOML 형식 오류", "2번째 줄"),
    ('name = "x"\nprimary = "notacolour"\n', "색이 아닙니다", "2번째 줄"),
    ('dark = true\nprimary = "#123456"\n', 'name = "..." 줄이 없습니다', None),
    ('name = "Bad Name!"\nprimary = "#123456"\n', "영어 소문자, 숫자, '-'만 쓰세요", "1번째 줄"),
    ('name = "x"\n', "primary 색이 없습니다", None),
    ('name = "x"\nprimary = "#123456"\n[variables]\ngd-point = "zzz"\n', "variables.gd-point", None),
    ('name = "x"\nprimry = "#123456"\n', "알 수 없는 키 'primry'", "2번째 줄"),
    ('name = "x"\nprimary = 5\n', "색 문자열을 쓰세요", "2번째 줄"),
    ('name = "x"\nprimary = "#123456"\ndark = "yes"\n', "dark는 true 또는 false", "3번째 줄"),
    ("x = " + "[" * 2000 + "]" * 2000 + '\nname = "d"\n', None, None),
]


@pytest.mark.parametrize("text, words, line", BROKEN_THEMES)
def test_theme_file_diagnostics_speak_korean(tmp_path, text: str, words: str | None, line: str | None) -> None:
    import re

    from gdtui.ui.themes import load_themes

    (tmp_path / "broken.toml").write_text(text)
    themes, failures = load_themes([tmp_path], lang="ko")
    assert themes == {} and len(failures) == 1
    message = failures[0][1]
    assert message.startswith(f"테마를 건너뜀: {tmp_path / 'broken.toml'}"), message
    if words:
        assert words in message, message
    if line:
        assert f", {line}: " in message, message
    # nothing English left but the file, keys, values and TOML's own parser words
    said = message.split(": ", 2)[-1]
    if "TOML" not in said:
        english = re.findall(r"\b(?:must|missing|unknown|bad|skipped|line|not a|cannot|nested|too)\b", said)
        assert not english, message
    en = load_themes([tmp_path])[1][0][1]  # English stays as it was
    assert en.startswith("theme skipped: ")


def test_theme_folder_and_file_limits_speak_korean(tmp_path) -> None:
    import os

    from gdtui.ui.themes import load_themes

    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    (tmp_path / "big.toml").write_text('name = "big"\nprimary = "#123456"\n' + "# x\n" * 400_000)
    (tmp_path / "a.toml").write_text('name = "same"\nprimary = "#123456"\n')
    (tmp_path / "b.toml").write_text('name = "same"\nprimary = "#654321"\n')
    _, failures = load_themes([tmp_path], lang="ko")
    said = " | ".join(message for _, message in failures)
    assert "일반 파일이 아닙니다" in said and "테마 파일로 너무 큽니다 (최대 1 MB)" in said, said
    assert "이미 a.toml에서 쓰고 있습니다" in said, said
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    _, failures = load_themes([shared], lang="ko")
    assert "다른 사용자도 쓸 수 있는 폴더" in failures[0][1] and "chmod go-w" in failures[0][1]


async def test_the_app_tells_a_broken_theme_file_in_korean(ui, tmp_path, monkeypatch) -> None:
    (tmp_path / "broken.toml").write_text('name = "x"\nprimary = "notacolour"\n')
    monkeypatch.setenv("GDTUI_THEME_DIR", str(tmp_path))
    app = ui.make_app(preset="parabola", lang="ko")
    async with app.run_test(size=(100, 30)) as pilot:
        await ui.ready(pilot)
        shown_notes = [n.message for n in app._notifications]
    assert any(m.startswith("테마를 건너뜀: ") and "색이 아닙니다" in m for m in shown_notes), shown_notes
    assert not any(m.startswith("오류") for m in shown_notes), shown_notes


# ------------------------------------------------------------ 6. every palette, footer and help in Korean
def _names() -> set[str]:
    """Words that are names, not English: presets, optimizers, themes, views, keys, formats."""
    from gdtui.engine.optimizers import OPTIMIZERS
    from gdtui.engine.presets import PRESETS
    from gdtui.theme_catalog import BUILTIN_ORDER, EXTRA_THEMES
    from gdtui.ui.screens.math_panel import PANELS

    words = set()
    for name in [*PRESETS, *OPTIMIZERS, *BUILTIN_ORDER, *EXTRA_THEMES, *PANELS]:
        words |= set(name.split("-")) | {name}
    return words | {
        "gdtui", "space", "tab", "enter", "escape", "esc", "ctrl", "shift", "csv", "json", "md", "svg", "SVG",
        "PyTorchZeroToAll", "sigmoid", "hours", "inf", "exp", "log", "grad", "lr", "sgd", "TOML", "Textual",
    }


def _english(text: str, names: set[str]) -> list[str]:
    """ASCII words of two letters or more in ``text`` that are not names (nor a command line:
    ``gdtui run``, ``--view graph`` are what the user types)."""
    import re

    text = re.sub(r"gdtui (?:run|compare|lesson)\b|--[\w-]+(?: [\w-]+)?|\b\w+=\S*", " ", text)
    return [w for w in re.findall(r"[A-Za-z][A-Za-z']+", text) if w not in names]


async def _palette(pilot) -> list[str]:
    """Every entry of the command palette on the screen on top: title and help."""
    from textual.command import CommandPalette

    entries = await palette_entries(pilot)
    await pilot.press("escape")
    await until(pilot, lambda: not isinstance(pilot.app.screen, CommandPalette))
    return entries


def _footer(app) -> str:
    from textual.widgets import Footer

    return " ".join(str(key.render()) for footer in app.screen.query(Footer)
                    for key in footer.query("FooterKey"))


def _help_text(app) -> str:
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in app.screen.query(Static))


@pytest.mark.parametrize("setup", [{"fn": "x^2 + y^2 + z^2"},
                                   {"fn": "(w*x + b - y)^2", "data": "noisy-line", "batch-size": 10}],
                         ids=["three-parameters", "mini-batches"])
async def test_every_palette_footer_and_screen_line_is_korean_under_lang_ko(ui, setup) -> None:
    """Walk the Korean app: the playground (a lesson running, so the lesson keys exist),
    the compare view, the three panels and the help.  Their palette entries, footer keys
    and text on screen hold no English words (names, keys and what is typed aside)."""
    from gdtui.lessons.model import Lesson, Step, Text as LText
    from gdtui.ui.screens.compare import CompareScreen
    from gdtui.ui.screens.help import HelpScreen
    from gdtui.ui.screens.math_panel import MathPanel

    names = _names() | {"xy", "constant", "step", "exponential", "cosine", "noisy", "line", "steps", "max"}  # max: λmax
    lesson = Lesson("walk", LText("walk", "산책"), [], setup,
                    [Step(LText("one", "하나"), 1), Step(LText("two", "둘"), 2)])
    app = lesson_app(lesson, lang="ko")
    found: dict[str, list[str]] = {}

    def check(where: str, lines: list[str]) -> None:
        for line in lines:
            bad = _english(line, names)
            if bad:
                found.setdefault(where, []).append(f"{line.strip()!r}: {bad}")

    async with app.run_test(size=(120, 40)) as pilot:
        await shown(pilot, 0)
        for _ in range(3):
            await pilot.press("space")
        await ui.quiet(pilot)
        for where, key, cls in (("playground", None, None), ("compare", "v", CompareScreen),
                                ("gradcheck", "g", MathPanel), ("curvature", "c", MathPanel),
                                ("graph", "d", MathPanel)):
            if key is not None:
                if app.screen is not app.main_screen:
                    await pilot.press("escape")
                    await until(pilot, lambda: app.screen is app.main_screen)
                await pilot.press(key)
                await until(pilot, lambda: isinstance(app.screen, cls) and (
                    not isinstance(app.screen, CompareScreen) or app.screen.session is not None) and (
                    not isinstance(app.screen, MathPanel) or app.screen.settled))
                await pilot.press("space")
                await asyncio.sleep(0.3)
                await pilot.pause()
            check(where, ui.screen_text(app).splitlines())
            check(where + " palette", [*await _palette(pilot), _footer(app)])
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        check("help", _help_text(app).splitlines() + [_footer(app)])
    assert not found, "\n".join(f"{where}: {line}" for where, lines in found.items() for line in lines)


def test_the_catalogue_names_each_message_once() -> None:
    """A message id written twice in the catalogue's source silently keeps the last one
    (two Korean palette titles had drifted apart that way)."""
    import ast
    import inspect

    import gdtui.messages_catalog as catalogue

    tree = ast.parse(inspect.getsource(catalogue))
    (table,) = [node.value for node in ast.walk(tree)
                if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "CATALOG"]
    ids = [key.value for key in table.keys if isinstance(key, ast.Constant)]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


# ------------------------------------------------------------ 5. the gradient check takes the lesson's h
async def test_the_gradcheck_panel_shows_the_h_the_lesson_question_names(ui) -> None:
    """Lesson 6: step 1 talks of h = 10⁻⁵, step 2 asks about h = 0.1, step 3 about
    h = 10⁻¹²; the panel beside them shows that h, and after the answer its central
    error is the number the question asked for (the engine's)."""
    from gdtui.lessons.runner import Evaluator
    from gdtui.ui.screens.gradcheck import GradCheckPanel

    lesson = find_lesson("numerical-derivatives")
    ev = Evaluator()
    app = lesson_app(lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, 0)
        await until(pilot, lambda: isinstance(app.screen, GradCheckPanel) and app.screen.settled)
        assert app.screen.h == 1e-5
        for index, h, head in ((1, 0.1, "h = 1e-01"), (2, 1e-12, "h = 1e-12")):
            panel(app).go(index)
            await shown(pilot, index)
            await until(pilot, lambda: isinstance(app.screen, GradCheckPanel) and app.screen.h == h)
            gc = app.screen
            assert lesson.steps[index].predict.h == h
            panel(app).answer("0.01" if index == 1 else "2")
            await until(pilot, lambda: panel(app).reveal is not None and gc.settled
                        and gc.query_one("#math-body").display)
            assert gc.result["check"].h == h
            want = ev.quantity(lesson.settings_at(index), "numerr", 0, h)
            assert gc.result["check"].central_errors[0] == want
            assert head in ui.screen_text(app)
        panel(app).go(0)  # back to the step of h = 10⁻⁵
        await shown(pilot, 0)
        await until(pilot, lambda: isinstance(app.screen, GradCheckPanel) and app.screen.h == 1e-5)


def test_the_gradcheck_keys_go_on_from_the_lessons_h() -> None:
    from gdtui.ui.screens.gradcheck import GradCheckPanel

    gc = GradCheckPanel()
    gc.set_h(0.1)
    assert gc.h == 0.1 and gc.h_exp == -1
    gc.set_h(3e-4)
    assert gc.h == 3e-4
    gc.action_h_times(1)  # from the nearest power of ten: 1e-4 -> 1e-3
    assert gc.h == 1e-3


# ------------------------------------------------------------ 2. views with a lesson at 80x24
def _inside(app, widget) -> bool:
    """``widget`` is drawn whole on the screen (not cut at the bottom or clipped away)."""
    region = widget.region
    return region.height > 0 and region.bottom <= app.screen.size.height and region == widget.content_region.union(
        region) and widget.content_region.height >= widget.size.height


async def _question_and_field_shown(pilot) -> LessonSide:
    app = pilot.app
    await until(pilot, lambda: bool(app.screen.query(LessonSide)) and app.screen.query_one(LessonSide)
                .answer_field.display and app.screen.query_one(LessonSide).answer_field.region.height == 1)
    side = app.screen.query_one(LessonSide)
    footer_top = app.screen.size.height - 1
    assert side.region.bottom <= footer_top, (side.region, footer_top)  # the footer stays
    assert side.answer_field.region.bottom <= side.region.bottom - 1  # inside its frame
    return side


async def _at_compare_step(pilot, step: int):
    """Go to the lesson's compare step ``step``; the view built, its question and field shown."""
    from gdtui.ui.screens.compare import CompareScreen

    app = pilot.app
    await shown(pilot, 0)
    panel(app).go(step)
    await shown(pilot, step)
    await until(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen.session is not None)
    return await _question_and_field_shown(pilot)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", ["learning-rates", "batches"])
async def test_a_compare_step_at_80x24_keeps_plots_leaderboard_and_question(ui, lang: str, name: str) -> None:
    from gdtui.ui.widgets.compare_plots import CompareLoss, Leaderboard

    lesson = find_lesson(name)
    step = next(i for i, s in enumerate(lesson.steps) if s.compare)
    app = lesson_app(lesson, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        side = await _at_compare_step(pilot, step)
        screen = app.screen
        loss = screen.query_one(CompareLoss)
        assert loss.size.height >= 6, loss.size  # enough for the plot (it needs 5 to draw at all)
        board = screen.query_one("#cmp-board-pane")
        assert board.max_scroll_y == 0 and screen.query_one(Leaderboard).region.height == \
            screen.query_one(Leaderboard).lines_needed  # every run and the 2/λmax line
        text = ui.screen_text(app)
        question = lesson.steps[step].predict.question.get(lang)
        assert question in " ".join(text.split()), text
        panel(app).answer("4" if name == "learning-rates" else "3")
        await until(pilot, lambda: panel(app).reveal is not None)
        await pilot.pause()
        text = ui.screen_text(app)
        for label in screen.session.comparison.labels:
            assert label in text, (label, text)
        assert side.border_subtitle  # the lesson's keys on its bottom edge


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_math_panel_steps_at_80x24_keep_their_rows(ui, lang: str) -> None:
    """Lessons 6 (gradient check), 7 (curvature) and 9 (graph) at 80x24 with a question
    open under them: the gradient check's plot keeps its rows, the curvature's lowest
    rows scroll into view instead of being cut, the graph's backward-pass note shows."""
    from gdtui.ui.screens.math_panel import MathPanel

    for name, step, needle in (("numerical-derivatives", 1, None), ("hessian-saddle", 1, "curv.actual"),
                               ("chain-rule", 0, None)):
        lesson = find_lesson(name)
        app = lesson_app(lesson, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await shown(pilot, 0)
            if step:
                panel(app).go(step)
                await shown(pilot, step)
                await _question_and_field_shown(pilot)
                panel(app).answer("0.01" if name == "numerical-derivatives" else "-2")
                await until(pilot, lambda: panel(app).reveal is not None)
            await until(pilot, lambda: isinstance(app.screen, MathPanel) and app.screen.settled
                        and bool(app.screen.query(LessonSide)))
            await pilot.pause()
            screen = app.screen
            side = screen.query_one(LessonSide)
            assert side.region.bottom <= screen.size.height - 1
            if name == "numerical-derivatives":
                plot = screen.query_one("#gc-plot")
                assert plot.region.height >= 6 and plot.region.bottom <= side.region.y
                assert "1e-12" in ui.screen_text(app)  # the h axis, its lowest row
            elif name == "hessian-saddle":
                from gdtui.i18n import tr

                scroll = screen.query_one("#cv-text")
                scroll.scroll_end(animate=False)
                await pilot.pause()
                assert tr(needle, lang) in ui.screen_text(app)  # Taylor's last row, scrolled to
            else:
                step_note = screen.query_one("#gr-step")
                assert step_note.region.bottom <= side.region.y
                assert step_note.region.height == step_note.virtual_size.height or \
                    step_note.region.height >= 3


@pytest.mark.parametrize("ascii", [False, True])
async def test_theme_search_and_the_ctrl_c_notice_speak_korean(ui, ascii: bool) -> None:
    """Two texts Textual writes itself: the theme list's placeholder (the palette's
    "Theme") and what ctrl+c says (it does not quit)."""
    from textual.command import CommandInput, CommandPalette

    app = ui.make_app(preset="parabola", lang="ko", ascii=ascii)
    async with app.run_test(size=(100, 30)) as pilot:
        await ui.ready(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        notes = [(n.title, n.message) for n in app._notifications]
        assert ("끝낼까요?", "끝내려면 ctrl+q를 누르세요") in notes, notes
        app.search_themes()
        await until(pilot, lambda: isinstance(app.screen, CommandPalette) and bool(app.screen.query(CommandInput)))
        await pilot.pause()
        assert app.screen.query_one(CommandInput).placeholder == ("테마 찾기..." if ascii else "테마 찾기…")
        text = ui.screen_text(app)
        assert "Search for" not in text and "테마 찾기" in text
        if ascii:
            assert "🔎" not in text and "??" not in text
            assert drawing(text) == set(), drawing(text)


async def test_a_compare_step_in_korean_ascii_at_80x24_is_hangul_and_ascii_only(ui) -> None:

    lesson = find_lesson("learning-rates")
    step = next(i for i, s in enumerate(lesson.steps) if s.compare)
    app = lesson_app(lesson, lang="ko", ascii=True)
    async with app.run_test(size=(80, 24)) as pilot:
        side = await _at_compare_step(pilot, step)
        await pilot.pause()
        text = ui.screen_text(app)
        assert "어느 학습률에서 발산할까요" in " ".join(text.split()), text
        assert drawing(text) == set(), drawing(text)
        assert str(side.border_subtitle).isascii() or all(
            ch.isascii() or is_language(ch) for ch in str(side.border_subtitle))
