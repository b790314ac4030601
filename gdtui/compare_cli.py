"""`gdtui compare`: many runs of one problem side by side, and `--compare` at launch.

The options are those of `gdtui run`; the listable ones (see
:data:`gdtui.engine.compare.LISTABLE`) take comma-separated lists (``--start`` takes
``;``-separated points) and the runs are the product of the lists in the order the
options were typed.  A list of one value is a plain setting of every run.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["COMPARE_EPILOG", "add_compare_parser", "axes_from_args", "cmd_compare", "launch_axes"]

COMPARE_EPILOG = """\
examples:
  gdtui compare --fn "x^2" --start x=5 --lr 0.001,0.1,0.7,1,1.1 --steps 100
  gdtui compare --preset rosenbrock --optimizer sgd,momentum,adam --lr 0.001 --steps 2000
  gdtui compare --preset noisy-line --batch-size full,10,1 --seed 1 --format csv
  gdtui compare --fn "x^2 - y^2" --start x=1,y=0 --lr 0.1 --noise 0,0.01 --steps 300
  gdtui compare --preset double-well --start "x=2;x=-2" --optimizer sgd,momentum --momentum 0.9

Regimes: converges, zigzags (consecutive updates point against each other in at least
half of the steps), too-slow (max steps, loss below the start's), oscillates (max steps,
loss not below the start's), diverges, domain-error.  At most 64 runs.
"""

#: The listable options, as (dest, option name in lists).
_LISTS = (("lr", "lr"), ("optimizer", "optimizer"), ("momentum", "momentum"), ("beta1", "beta1"),
          ("beta2", "beta2"), ("batch_size", "batch-size"), ("schedule", "schedule"), ("seed", "seed"),
          ("start", "start"), ("noise", "noise"))


class _Ordered(argparse.Action):
    """Store the text and remember the order in which list options were typed."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        setattr(namespace, self.dest, values)
        order = list(getattr(namespace, "_list_order", None) or [])
        if self.dest in order:
            order.remove(self.dest)
        order.append(self.dest)
        namespace._list_order = order


def add_compare_parser(sub: Any, float_type: Any, int_type: Any) -> argparse.ArgumentParser:
    """Add the `compare` command to the sub-parsers ``sub`` (types from gdtui.cli)."""
    p = sub.add_parser("compare", help="many runs side by side: sweeps, races, batch sizes",
                       epilog=COMPARE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Run up to 64 variants of one problem together and rank them.")
    src = p.add_argument_group("problem")
    src.add_argument("--fn", metavar="EXPR", help='the loss, e.g. "x^2 + 3*x*y + y^2"')
    src.add_argument("--preset", metavar="NAME", help="a named problem (gdtui presets lists them)")
    src.add_argument("--data", metavar="NAME|FILE.csv", help="data set: hours, line, noisy-line, pass-fail or a CSV")
    src.add_argument("--rows", type=int_type("--rows", minimum=1), metavar="N", help="rows of generated data sets")
    src.add_argument("--start", action=_Ordered, metavar="x=1,y=2;x=-1,y=0", help="start point(s), ';' between")
    opt = p.add_argument_group("optimizer (comma-separated lists allowed)")
    opt.add_argument("--optimizer", action=_Ordered, metavar="NAME,...", help="e.g. sgd,momentum,adam")
    opt.add_argument("--lr", action=_Ordered, metavar="F,...", help="learning rates, e.g. 0.01,0.1,0.7")
    for name in ("momentum", "beta1", "beta2"):
        opt.add_argument(f"--{name}", action=_Ordered, metavar="F,...")
    from gdtui.cli_types import hyper_option

    opt.add_argument("--eps", type=hyper_option("eps"), metavar="F")
    opt.add_argument("--alpha", type=hyper_option("alpha"), metavar="F")
    opt.add_argument("--schedule", action=_Ordered, metavar="SPEC,...", help="constant, step:10:0.5, exp:0.99 ...")
    opt.add_argument("--batch-size", action=_Ordered, metavar="full|N,...", help="e.g. full,8,1")
    opt.add_argument("--seed", action=_Ordered, metavar="N,...", help="shuffling and noise seeds")
    opt.add_argument("--noise", action=_Ordered, metavar="SIGMA,...", help="gradient noise, e.g. 0,0.01")
    out = p.add_argument_group("output")
    out.add_argument("--steps", type=int_type("--steps"), default=100, metavar="N", help="updates to take (default 100)")
    out.add_argument("--tol", type=float_type("--tol", positive=True), default=1e-8, metavar="F",
                     help="converged when the gradient norm is below this (default 1e-8)")
    out.add_argument("--format", choices=("table", "csv", "json"), default="table")
    return p


def axes_from_args(args: argparse.Namespace) -> tuple[Any, list[tuple[str, list[Any]]]]:
    """(base Settings, the lists of more than one value in the order typed)."""
    from gdtui.engine.compare import parse_values
    from gdtui.errors import OptionError
    from gdtui.settings import Settings

    if args.fn and args.preset:
        raise OptionError("give --fn or --preset, not both")
    base = Settings(fn=args.fn or "", preset=args.preset, data=args.data, rows=args.rows)
    for key in ("eps", "alpha"):
        if getattr(args, key, None) is not None:
            base.hyper[key] = getattr(args, key)
    axes: list[tuple[str, list[Any]]] = []
    for dest in getattr(args, "_list_order", None) or []:
        name = dict(_LISTS)[dest]
        values = parse_values(name, getattr(args, dest))
        if len(values) > 1:
            axes.append((name, values))
            continue
        value = values[0]
        if name in ("lr", "momentum", "beta1", "beta2"):
            base.hyper[name] = value
        elif name == "optimizer":
            base.optimizer = value
        elif name == "batch-size":
            if value == "full":
                axes.append((name, values))  # "full" must beat a preset's mini-batches
            else:
                base.batch_size = value
        elif name == "schedule":
            base.schedule = value
        elif name == "seed":
            base.seed = value
        elif name == "start":
            base.start = dict(value)
        elif name == "noise":
            base.noise = value
    base.tol = args.tol
    base.max_steps = args.steps
    return base, axes


def cmd_compare(args: argparse.Namespace) -> int:
    """Build, step and print a comparison."""
    from gdtui.compare_output import format_comparison
    from gdtui.comparison import build_comparison
    from gdtui.errors import OptionError

    base, axes = axes_from_args(args)
    if not base.fn and not base.preset:
        raise OptionError("gdtui compare needs --fn EXPR or --preset NAME")
    compared = build_comparison(base, axes)
    compared.comparison.step(args.steps)
    sys.stdout.write(format_comparison(compared, args.format))
    return 0


def launch_axes(texts: list[str] | None) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """The ``--compare NAME=LIST`` options of the TUI as axes (OptionError on bad text);
    ``--compare steps=N`` sets the step limit of the comparison."""
    from gdtui.engine.compare import parse_compare_text

    axes, steps = parse_compare_text(" ".join(t.replace(" ", "") for t in texts or []))
    out = tuple((name, tuple(values)) for name, values in axes)
    return out + ((("steps", (steps,)),) if steps else ())
