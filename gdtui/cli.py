"""The `gdtui` command: launch the TUI, print runs (`run`), check derivatives (`check`).

Imports are lazy: `gdtui --help` and `gdtui presets` never import textual or sympy, so
they answer at once.  Every user error ends in one clear line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn, Sequence

from gdtui import __version__
from gdtui.cli_types import float_type, hyper_option, int_type, point_type
from gdtui.errors import GdtuiError, OptionError
from gdtui.settings import DEFAULT_PRESET, VIEWS, Settings

__all__ = ["main"]

EXIT_USAGE = 2

MAIN_EPILOG = """\
examples:
  gdtui                                    open the playground on the default problem
  gdtui --preset rosenbrock                open it on a named problem (see: gdtui presets)
  gdtui --fn "x^2 + 3*x*y + y^2" --start x=1,y=2 --optimizer momentum --lr 0.05
  gdtui run --preset parabola --steps 20   print a run as a table
  gdtui run --fn "(w*x + b - y)^2" --data hours --optimizer adam --lr 0.1 --format json
  gdtui check --fn "x^2 - y^2" --at x=1,y=2   derivatives, Hessian and kind of point

A function that starts with a minus sign needs '=': --fn=-x^2.
"""

RUN_EPILOG = """\
examples:
  gdtui run --preset parabola --steps 20
  gdtui run --fn "x^2 + y^2" --start x=4,y=3 --optimizer adam --lr 0.5 --steps 100 --every 10
  gdtui run --fn "(w*x - y)^2" --data hours --lr 0.01 --steps 10 --format csv
  gdtui run --preset line --batch-size 1 --seed 7 --steps 50 --format json

Row k holds w after k updates, the loss and the gradient there (full batch).
Schedules: constant, step:STEP_SIZE:GAMMA, exp:GAMMA, cosine:T_MAX[:ETA_MIN].
"""

CHECK_EPILOG = """\
examples:
  gdtui check --fn "x^2 + 3*x*y + y^2" --at x=1,y=2
  gdtui check --fn "x^2 - y^2" --at x=0,y=0 --format json
  gdtui check --fn "sin(x)*exp(y)" --at x=0.5,y=-1 --h 1e-4
  gdtui check --fn "sin(x)" --at x=1 --h-sweep      errors of forward/central differences, h = 1e-1..1e-12
  gdtui check --fn "x^2 + 3*y^2" --at x=1,y=1 --lr 0.1   gradient step, Newton step, Taylor predictions
"""

GRAPH_EPILOG = """\
examples:
  gdtui graph --fn "sigmoid(w*x + b)" --at w=0.5,b=0.1,x=2
  gdtui graph --preset line --at w=0.5,b=0.1 --row 2
  gdtui graph --fn "(w*x + b - y)^2" --data line --at w=1 --format json

One node per operation, children before parents; a variable used twice is one node.
value: the forward pass; adjoint: df/dnode from the reverse pass (backpropagation).
With data the graph is one row's loss and the gradient is the mean over the rows.
"""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class _LeanParseError(Exception):
    """The lean parser could not parse the command line: the whole one will say why."""


class _LeanParser(_Parser):
    """The parser without the commands whose modules are slow to import (see _parse)."""

    def error(self, message: str) -> NoReturn:
        raise _LeanParseError(message)


#: Commands whose parsers come from modules that cost start-up time (lessons, the
#: classroom server ...): a plain `gdtui --preset x` is parsed without them (help and
#: session files always use the whole parser, see _parse).
_LEAN_SKIPS = ("compare", "lesson", "classroom", "serve")


# ------------------------------------------------------------------ option types
_float, _int, _point = float_type, int_type, point_type

# ----------------------------------------------------------------------- parsers
def _add_problem_options(p: argparse.ArgumentParser, *, tui: bool) -> None:
    src = p.add_argument_group("problem")
    src.add_argument("--fn", metavar="EXPR", help='the loss, e.g. "x^2 + 3*x*y + y^2"')
    src.add_argument("--preset", metavar="NAME", help="a named problem (gdtui presets lists them)")
    src.add_argument("--data", metavar="NAME|FILE.csv", help="data set: hours, line, noisy-line, pass-fail or a CSV")
    src.add_argument("--rows", type=_int("--rows", minimum=1), metavar="N", help="rows of generated data sets")
    src.add_argument("--start", type=_point("--start"), metavar="x=1,y=2", help="start point (others start at 0)")
    opt = p.add_argument_group("optimizer")
    opt.add_argument("--optimizer", metavar="NAME",
                     help="sgd, momentum, nesterov, adagrad, rmsprop, adam or newton (default sgd)")
    opt.add_argument("--lr", type=hyper_option("lr"), metavar="F", help="learning rate")
    opt.add_argument("--momentum", type=hyper_option("momentum"), metavar="F")
    opt.add_argument("--beta1", type=hyper_option("beta1"), metavar="F")
    opt.add_argument("--beta2", type=hyper_option("beta2"), metavar="F")
    opt.add_argument("--eps", type=hyper_option("eps"), metavar="F")
    opt.add_argument("--alpha", type=hyper_option("alpha"), metavar="F")
    opt.add_argument("--schedule", metavar="SPEC", help="constant, step:10:0.5, exp:0.99, cosine:100")
    opt.add_argument("--batch-size", type=_int("--batch-size", minimum=1), metavar="N",
                     help="mini-batch size (1 = SGD); full batch by default")
    opt.add_argument("--seed", type=_int("--seed"), default=0, metavar="N",
                     help="seed of the shuffling and the noise (default 0)")
    opt.add_argument("--noise", type=_float("--noise", nonneg=True), default=0.0, metavar="SIGMA",
                     help="gradient noise: each update sees g + SIGMA * N(0, 1) (default 0)")
    if tui:
        ui = p.add_argument_group("display")
        ui.add_argument("--theme", metavar="NAME", help="chalkboard, whiteboard, high-contrast or mono")
        ui.add_argument("--ascii", action="store_true", help="no braille or box-drawing characters")
        ui.add_argument("--view", choices=VIEWS, default=None, metavar="NAME",
                        help="open on a panel: gradcheck, curvature or graph (default: the playground)")
        ui.add_argument("--compare", action="append", metavar="NAME=LIST",
                        help="open the compare view, e.g. lr=0.01,0.1,0.7 (repeat to combine; steps=N)")
        _add_app_options(ui)
    _add_session_option(p)


def _add_session_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--session", metavar="FILE.toml",
                   help="read the setup from a session file (options given here win)")


def _add_app_options(group) -> None:  # type: ignore[no-untyped-def]
    group.add_argument("--lang", choices=("en", "ko"), default=None,
                       help="language of the interface and lessons (default: from LANG)")
    group.add_argument("--save-dir", metavar="DIR",
                       help="where s (session), e (export) and ctrl+p Screenshot write files (default: here)")


def build_parser(lean: bool = False) -> argparse.ArgumentParser:
    """The whole command line (exposed for tests and docs); ``lean``: without the
    commands in ``_LEAN_SKIPS`` (tried first, for the playground's start)."""
    fmt = argparse.RawDescriptionHelpFormatter
    parser_class = _LeanParser if lean else _Parser
    parser = parser_class(
        prog="gdtui",
        description="A terminal playground for gradient descent.",
        epilog=MAIN_EPILOG,
        formatter_class=fmt,
    )
    parser.add_argument("--version", action="version", version=f"gdtui {__version__}")
    _add_problem_options(parser, tui=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)

    run = sub.add_parser("run", help="run an optimizer and print the steps", epilog=RUN_EPILOG,
                         formatter_class=fmt, description="Run an optimizer and print every step.")
    _add_problem_options(run, tui=False)
    out = run.add_argument_group("output")
    out.add_argument("--steps", type=_int("--steps"), default=100, metavar="N", help="updates to take (default 100)")
    out.add_argument("--every", type=_int("--every", minimum=1), default=1, metavar="N",
                     help="print rows 0, N, 2N, ... and the last")
    out.add_argument("--tol", type=_float("--tol", positive=True), default=1e-8, metavar="F",
                     help="converged when the gradient norm is below this (default 1e-8)")
    out.add_argument("--format", choices=("table", "csv", "json", "md"), default="table",
                     help="table, csv, json or md (a Markdown summary for notes)")

    check = sub.add_parser("check", help="derivatives, Hessian and kind of point", epilog=CHECK_EPILOG,
                           formatter_class=fmt,
                           description="Symbolic against numerical derivatives at a point, the Hessian and "
                                       "its eigenvalues, and the kind of point.")
    check.add_argument("--fn", metavar="EXPR", help="the function")
    check.add_argument("--preset", metavar="NAME", help="a named problem instead of --fn")
    check.add_argument("--data", metavar="NAME|FILE.csv", help="data set for a data-driven loss")
    check.add_argument("--at", type=_point("--at"), default={}, metavar="x=1,y=2",
                       help="the point (others at 0)")
    check.add_argument("--h", type=_float("--h", positive=True), default=1e-5, metavar="F",
                       help="central-difference step (default 1e-5)")
    check.add_argument("--format", choices=("table", "json"), default="table")
    check.add_argument("--h-sweep", action="store_true",
                       help="forward and central differences for h = 1e-1 ... 1e-12, with their errors")
    check.add_argument("--lr", type=_float("--lr", positive=True), metavar="F",
                       help="also the gradient step -lr*g, Newton's step and the Taylor predictions")
    _add_graph_parser(sub, fmt)
    if lean:
        sub.add_parser("presets", help="list the named problems", description="List the named problems.")
        return parser
    from gdtui.compare_cli import add_compare_parser

    add_compare_parser(sub, _float, _int)
    _add_session_option(sub.choices["compare"])
    presets = sub.add_parser("presets", help="list the named problems", description="List the named problems.")
    presets.add_argument("--lang", choices=("en", "ko"), default=None,
                         help="language of the descriptions (default: from LANG / LC_ALL)")
    from gdtui.lessons.command import add_lesson_parser

    add_lesson_parser(sub, _Parser)

    from gdtui.classroom.command import add_parser as add_classroom

    add_classroom(sub, _float, _int)
    from gdtui.serve import add_parser as add_serve

    add_serve(sub, _int)
    return parser


def _add_graph_parser(sub, fmt) -> None:  # type: ignore[no-untyped-def]
    graph = sub.add_parser("graph", help="the computation graph: forward values and backprop adjoints",
                           epilog=GRAPH_EPILOG, formatter_class=fmt,
                           description="The computation graph of a function at a point: each node's "
                                       "operation, forward value and adjoint df/dnode (reverse mode).")
    graph.add_argument("--fn", metavar="EXPR", help="the function")
    graph.add_argument("--preset", metavar="NAME", help="a named problem instead of --fn")
    graph.add_argument("--data", metavar="NAME|FILE.csv", help="data set for a data-driven loss")
    graph.add_argument("--at", type=_point("--at"), default={}, metavar="w=1,b=2",
                       help="the point (others at 0; data columns too when there is no data)")
    graph.add_argument("--row", type=_int("--row"), default=0, metavar="N",
                       help="with data: the row whose graph is drawn (default 0)")
    graph.add_argument("--format", choices=("text", "json"), default="text")


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Turn parsed options into Settings (preset defaults are applied later)."""
    if getattr(args, "fn", None) and getattr(args, "preset", None):
        raise OptionError("give --fn or --preset, not both")
    hyper = {}
    for key in ("lr", "momentum", "beta1", "beta2", "eps", "alpha"):
        value = getattr(args, key, None)
        if value is not None:
            hyper[key] = value
    return Settings(
        fn=args.fn or "",
        preset=args.preset,
        data=getattr(args, "data", None),
        rows=getattr(args, "rows", None),
        start=dict(getattr(args, "start", None) or {}),
        optimizer=getattr(args, "optimizer", None),
        hyper=hyper,
        schedule=getattr(args, "schedule", None) or "constant",
        batch_size=getattr(args, "batch_size", None),
        seed=getattr(args, "seed", 0),
        noise=getattr(args, "noise", 0.0) or 0.0,
        tol=getattr(args, "tol", 1e-8),
        theme=getattr(args, "theme", None),
        ascii=getattr(args, "ascii", False),
        save_dir=getattr(args, "save_dir", None),
        view=getattr(args, "view", None) or "single",
        **_app_settings(args),
    )


def _app_settings(args: argparse.Namespace) -> dict[str, object]:
    """Settings only the app uses (language, view, where files are saved)."""
    from gdtui.i18n import default_lang

    out: dict[str, object] = {"lang": getattr(args, "lang", None) or default_lang()}
    if getattr(args, "save_dir", None):
        out["save_dir"] = args.save_dir
    return out


def apply_session_file(parser: argparse.ArgumentParser, argv: Sequence[str] | None,
                       args: argparse.Namespace) -> argparse.Namespace:
    """Parse again with the session file's values as defaults, so options given win."""
    from gdtui.sessionfile import load_session

    session = load_session(args.session)
    target = parser
    if args.command is not None:
        target = _subparsers(parser)[args.command]
    values = session.dests()
    if args.command is not None and args.command != "compare":
        values.pop("compare", None)
    if args.command is None and "compare" in values:  # the app takes --compare NAME=LIST options
        given = getattr(args, "compare", None)
        values["compare"] = given or [f"{k}={','.join(str(v) for v in vs)}" for k, vs in values["compare"].items()]
    if args.command == "compare":
        values = _compare_defaults(session.values)
    target.set_defaults(**values)
    return parser.parse_args(argv)


#: Options of `gdtui compare` that take comma-separated lists (text, like on the command line).
_COMPARE_LISTS = ("lr", "optimizer", "momentum", "beta1", "beta2", "batch-size", "schedule", "seed",
                  "start", "noise")


def _compare_defaults(values: dict[str, object]) -> dict[str, object]:
    """A session file as `gdtui compare` defaults: list options as the text typed on the
    command line, in the file's order, with the `compare = {lr = [...]}` lists last."""
    def text(key: str, v: object) -> str:
        if isinstance(v, dict):
            return ",".join(f"{k}={x!r}" for k, x in v.items())
        return repr(v) if isinstance(v, float) else str(v)

    lists = dict(values.get("compare") or {})  # type: ignore[call-overload]
    out: dict[str, object] = {}
    order: list[str] = []
    for key, v in values.items():
        dest = key.replace("-", "_")
        if key in _COMPARE_LISTS and key not in lists:
            out[dest] = text(key, v)
            order.append(dest)
        elif key in ("fn", "preset", "data", "rows", "eps", "alpha", "steps", "tol"):
            out[dest] = v
    for key, vs in lists.items():
        dest = key.replace("-", "_")
        out[dest] = ",".join(text(key, x) for x in vs)
        order.append(dest)
    out["_list_order"] = order
    return out


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


# ---------------------------------------------------------------------- commands
def _cmd_presets(lang: str | None = None) -> int:
    from gdtui.engine.presets import PRESETS
    from gdtui.i18n import default_lang, tr
    from gdtui.messages_catalog import CATALOG

    lang = lang or default_lang()
    width = max(len(name) for name in PRESETS)
    for name, preset in PRESETS.items():
        desc = tr(f"preset.{name}", lang) if f"preset.{name}" in CATALOG else preset.description
        print(f"{name:<{width}}  {desc}")
        print(f"{'':<{width}}  f = {preset.fn}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from gdtui.output import format_run
    from gdtui.problem import build_problem

    settings = settings_from_args(args)
    if not settings.fn and not settings.preset:
        raise OptionError("gdtui run needs --fn EXPR or --preset NAME")
    settings.max_steps = args.steps
    problem = build_problem(settings)
    run = problem.new_run()
    run.step(args.steps)
    if args.format == "md":
        from gdtui.export import run_markdown

        sys.stdout.write(run_markdown(problem, run, every=args.every))
        return 0
    sys.stdout.write(format_run(problem, run, every=args.every, fmt=args.format))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from gdtui.output import format_check
    from gdtui.problem import build_problem, check_point_names

    settings = settings_from_args(args)
    if not settings.fn and not settings.preset:
        raise OptionError("gdtui check needs --fn EXPR (or --preset NAME)")
    problem = build_problem(settings)
    check_point_names(args.at, problem.objective.params, "--at")
    # Without --at a preset is checked at its start point; names not given are 0.
    at = args.at or problem.settings.start
    point = [float(at.get(p, 0.0)) for p in problem.objective.params]
    text = format_check(problem, point, h=args.h, fmt=args.format)
    if args.h_sweep or args.lr is not None:
        text = _check_extras(problem, point, text, args)
    sys.stdout.write(text)
    return 0


def _check_extras(problem, point: list[float], text: str, args: argparse.Namespace) -> str:  # type: ignore[no-untyped-def]
    """Add what --h-sweep and --lr ask for to the output of check."""
    import json

    from gdtui.output_math import check_extras_json, check_extras_table

    obj = problem.objective
    if args.format == "json":
        data = json.loads(text)
        data.update(check_extras_json(obj, point, h_sweep=args.h_sweep, lr=args.lr))
        return json.dumps(data, indent=1) + "\n"
    lines = check_extras_table(obj, point, h_sweep=args.h_sweep, lr=args.lr)
    return text + "\n".join(lines) + "\n"


def _cmd_graph(args: argparse.Namespace) -> int:
    from gdtui.engine.graph import evaluate_graph, graph_of_text
    from gdtui.output_math import format_graph
    from gdtui.problem import build_problem

    settings = settings_from_args(args)
    if not settings.fn and not settings.preset:
        raise OptionError("gdtui graph needs --fn EXPR or --preset NAME")
    problem = build_problem(settings)
    ds = problem.dataset
    columns = tuple(ds.column_names) if ds is not None else ()
    graph = graph_of_text(problem.settings.fn, columns)
    names = [v for v in graph.variables if v not in columns]
    unknown = sorted(set(args.at) - set(names))
    if unknown:
        raise OptionError(f"--at names {unknown[0]!r}, which is not a variable of the function "
                          f"(variables: {', '.join(names)})")
    at = {p: float((args.at or problem.settings.start).get(p, 0.0)) for p in names}
    data = None
    if ds is not None:
        if args.row >= ds.n_rows:
            raise OptionError(f"--row {args.row} is past the last row of data "
                              f"'{problem.settings.data}' (rows 0 to {ds.n_rows - 1})")
        used = {c: ds.columns[c] for c in columns if c in graph.variables}
        res = evaluate_graph(graph, at, used, row=args.row)
        data = {"name": problem.settings.data, "rows": ds.n_rows, "row": args.row,
                "values": {c: float(v[args.row]) for c, v in used.items()}}
    else:
        if args.row:
            raise OptionError("--row needs a loss over data: --data NAME and a function using its columns")
        res = evaluate_graph(graph, at)
    sys.stdout.write(format_graph(problem.settings.fn, at, res, fmt=args.format, data=data))
    return 0


def _cmd_tui(args: argparse.Namespace) -> int:
    from gdtui.lazy_import import defer

    defer("numpy")  # the first frame needs no numpy: it is imported right after it
    from gdtui.problem import validate_quickly

    settings = settings_from_args(args)
    if getattr(args, "lesson", None):  # a session file that names a lesson
        from gdtui.lessons import find_lesson
        from gdtui.lessons.command import open_lesson

        return open_lesson(find_lesson(args.lesson), args, settings.lang)
    if not settings.fn and not settings.preset:
        settings.preset = DEFAULT_PRESET
    settings = validate_quickly(settings)  # one clear line before any screen is drawn
    if getattr(args, "compare", None):
        from gdtui.compare_cli import launch_axes

        settings.compare = launch_axes(args.compare)
    from gdtui.ui.app import run_app

    return run_app(settings)


def _report(exc: GdtuiError) -> int:
    from gdtui.sanitize import terminal_safe

    # One line, naming what and where (an expression error says its column); outside
    # text is never printed raw.
    sys.stderr.write("gdtui: " + terminal_safe(exc.lines()[0]) + "\n")
    return EXIT_USAGE


def _parse(argv: Sequence[str] | None) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    """The parser and the parsed options.  A command line that names none of the slow
    commands (and asks for no help and no session file) is parsed by the lean parser;
    anything it cannot parse, by the whole one (whose error the user then sees)."""
    tokens = list(sys.argv[1:] if argv is None else argv)
    wants_all = any(t in _LEAN_SKIPS or t.startswith(("-h", "--h", "--ses")) for t in tokens)
    if not wants_all:
        lean = build_parser(lean=True)
        try:
            return lean, lean.parse_args(tokens)
        except _LeanParseError:
            pass
    parser = build_parser()
    return parser, parser.parse_args(tokens)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `gdtui` command; returns the exit code."""
    parser, args = _parse(argv)
    try:
        if getattr(args, "session", None):
            args = apply_session_file(parser, argv, args)
        if args.command == "presets":
            return _cmd_presets(getattr(args, "lang", None))
        if args.command == "lesson":
            from gdtui.lessons.command import cmd_lesson

            return cmd_lesson(args)
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "check":
            return _cmd_check(args)
        if args.command == "compare":
            from gdtui.compare_cli import cmd_compare

            return cmd_compare(args)
        if args.command == "graph":
            return _cmd_graph(args)
        if args.command == "classroom":
            from gdtui.classroom.command import run as run_classroom

            return run_classroom(args)
        if args.command == "serve":
            from gdtui.serve import run as run_serve

            return run_serve(args)
        return _cmd_tui(args)
    except GdtuiError as exc:
        return _report(exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `gdtui run ... | head`: the reader left; not an error worth a traceback.
        sys.stderr.close()
        return 0
