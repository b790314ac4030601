"""`gdtui lesson`: list the lessons, print one as a handout, open one in the playground.

    gdtui lesson                          the lessons, with your progress
    gdtui lesson --list --format json     [{"name", "title": {"en", "ko"}, "steps", "concepts"}]
    gdtui lesson NAME --print [--lang ko] every step's text (a handout), answers at the end
    gdtui lesson NAME [--lang ko]         the playground in lesson mode
    gdtui lesson --file my.toml           a teacher's own lesson (checked against the engine first)
    gdtui lesson NAME --reset             forget your progress in NAME (no NAME: in all)
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from gdtui.lessons import Lesson, builtin_lessons, find_lesson, load_lesson

__all__ = ["add_lesson_parser", "cmd_lesson"]

EPILOG = """\
examples:
  gdtui lesson                           list the lessons and your progress
  gdtui lesson parabola                  open lesson 'parabola' (or its number: gdtui lesson 3)
  gdtui lesson parabola --lang ko        the same lesson in Korean
  gdtui lesson parabola --print          the whole lesson as text, for a handout
  gdtui lesson --file my-lesson.toml     a lesson you wrote (see README: teach a lesson)
  gdtui lesson --list --format json      the lessons as JSON
"""


def add_lesson_parser(sub: Any, parser_class: Any) -> argparse.ArgumentParser:
    """Add the `lesson` command to the CLI's sub-commands."""
    p = sub.add_parser("lesson", help="guided lessons (English and Korean)", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Guided lessons: predict, then see what gradient descent does.")
    p.add_argument("name", nargs="?", metavar="NAME", help="a lesson's name or number")
    p.add_argument("--file", metavar="FILE.toml", help="run your own lesson file")
    p.add_argument("--list", action="store_true", help="list the lessons (the default without NAME)")
    p.add_argument("--format", choices=("table", "json"), default="table", help="how --list prints")
    p.add_argument("--print", action="store_true", dest="print_text",
                   help="print every step's text instead of opening the playground")
    p.add_argument("--reset", action="store_true", help="forget the progress of NAME (or of every lesson)")
    p.add_argument("--lang", choices=("en", "ko"), default=None, help="language (default: from LANG)")
    p.add_argument("--theme", metavar="NAME", help="colour theme of the playground")
    p.add_argument("--ascii", action="store_true", help="no braille or box-drawing characters")
    p.add_argument("--save-dir", metavar="DIR", help="where s and e write files (default: here)")
    return p


def _lang(args: argparse.Namespace) -> str:
    from gdtui.i18n import default_lang

    return args.lang or default_lang()


def lesson_list_json(lessons: list[Lesson]) -> str:
    """The documented JSON list of lessons."""
    data = [{"name": l.name, "title": {"en": l.title.en, "ko": l.title.ko}, "steps": len(l.steps),
             "concepts": list(l.concepts)} for l in lessons]
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def lesson_table(lessons: list[Lesson], lang: str) -> str:
    """The lessons with the user's progress, one per line."""
    from rich.cells import cell_len

    from gdtui.i18n import tr
    from gdtui.lessons.progress import Progress

    progress = Progress()
    head = [tr("lesson.col.n", lang), tr("lesson.col.name", lang), tr("lesson.col.steps", lang),
            tr("lesson.col.done", lang), tr("lesson.col.title", lang)]
    rows = []
    for i, lesson in enumerate(lessons, 1):
        e = progress.entry(lesson.name)
        done = tr("lesson.done", lang) if e["done"] else "-"
        if e["asked"]:
            done += f" {e['right']}/{e['asked']}"
        rows.append([str(i), lesson.name, str(len(lesson.steps)), done, lesson.title.get(lang)])
    widths = [max(cell_len(r[c]) for r in rows + [head]) for c in range(4)]

    def line(r: list[str]) -> str:
        cells = [" " * (widths[0] - cell_len(r[0])) + r[0], r[1] + " " * (widths[1] - cell_len(r[1])),
                 " " * (widths[2] - cell_len(r[2])) + r[2], r[3] + " " * (widths[3] - cell_len(r[3]))]
        return "  ".join(cells + [r[4]]).rstrip()

    out = [line(head)] + [line(r) for r in rows]
    out.append("")
    out.append(tr("lesson.list.hint", lang))
    return "\n".join(out) + "\n"


def lesson_text(lesson: Lesson, lang: str) -> str:
    """Every step's text with the engine's numbers, the questions, and the answers at the end."""
    from gdtui.i18n import tr
    from gdtui.lessons.runner import LessonRunner, fmt_value

    runner = LessonRunner(lesson, lang)
    wrap = _Wrap(78, "   ")
    out = [f"{lesson.title.get(lang)}  ({lesson.name}, {len(lesson.steps)} {tr('lesson.steps', lang)})",
           ""]
    answers = []
    for i, step in enumerate(lesson.steps):
        runner.index = i
        out.append(wrap.fill(f"{i + 1}. {runner.text()}"))
        if runner.keys():
            out.append(f"   {tr('lesson.keys', lang)}: {runner.keys()}")
        if step.predict is not None:
            out.append(wrap.fill(f"   {tr('lesson.predict', lang)}: {runner.question()}"))
            for n, label in enumerate(runner.choice_labels(), 1):
                out.append(f"      {n}) {label}")
            truth = runner.truth()
            if step.predict.is_choice:
                t = int(truth)
                shown = f"{t + 1}) {runner.choice_labels()[t]}"
            else:
                shown = fmt_value(truth)
            why = runner.answer(str(int(truth) + 1) if step.predict.is_choice else repr(truth)).why
            answers.append(wrap.fill(f"{i + 1}. {shown} — {why}"))
        out.append("")
    if answers:
        out.append(tr("lesson.answers", lang))
        out.extend(answers)
    return "\n".join(out).rstrip() + "\n"


class _Wrap:
    """Word wrap by terminal cells (a Korean syllable is two cells wide)."""

    def __init__(self, width: int, indent: str) -> None:
        self.width, self.indent = width, indent

    def fill(self, text: str) -> str:
        from rich.cells import cell_len

        lines: list[str] = []
        line = ""
        lead = len(text) - len(text.lstrip(" "))
        for word in text.split():
            candidate = f"{line} {word}" if line else (" " * lead if not lines else self.indent) + word
            if line and cell_len(candidate) > self.width:
                lines.append(line)
                line = self.indent + word
            else:
                line = candidate
        if line:
            lines.append(line)
        return "\n".join(lines)


def _reset(args: argparse.Namespace, lang: str) -> int:
    from gdtui.i18n import tr
    from gdtui.lessons.progress import Progress

    progress = Progress()
    if args.name:
        lesson = find_lesson(args.name)
        progress.reset(lesson.name)
        print(tr("lesson.reset.one", lang, name=lesson.name))
    else:
        progress.reset()
        print(tr("lesson.reset.all", lang))
    return 0


def cmd_lesson(args: argparse.Namespace) -> int:
    """Run `gdtui lesson` with parsed options; returns the exit code (GdtuiError -> caller)."""
    from gdtui.errors import OptionError

    lang = _lang(args)
    if args.reset:
        return _reset(args, lang)
    if args.file and args.name:
        raise OptionError("give a lesson NAME or --file, not both")
    if args.file:
        from gdtui.lessons.runner import check_with_engine

        lesson = load_lesson(args.file)
        check_with_engine(lesson)  # one line FILE:LINE when the engine refuses a setup
    elif args.name:
        lesson = find_lesson(args.name)
    else:
        lessons = builtin_lessons()
        if args.format == "json":
            sys.stdout.write(lesson_list_json(lessons))
        else:
            sys.stdout.write(lesson_table(lessons, lang))
        return 0
    if args.list:
        sys.stdout.write(lesson_list_json([lesson]) if args.format == "json" else lesson_table([lesson], lang))
        return 0
    if args.print_text:
        sys.stdout.write(lesson_text(lesson, lang))
        return 0
    return open_lesson(lesson, args, lang)


def open_lesson(lesson: Lesson, args: argparse.Namespace, lang: str) -> int:
    """The playground in lesson mode, on the lesson's first setup."""
    from gdtui.problem import validate_quickly
    from gdtui.settings import Settings

    base = Settings(theme=getattr(args, "theme", None), ascii=bool(getattr(args, "ascii", False)), lang=lang,
                    save_dir=getattr(args, "save_dir", None))
    settings = validate_quickly(lesson.settings_at(0, base))
    from gdtui.ui.app import run_app

    return run_app(settings, lesson=lesson)
