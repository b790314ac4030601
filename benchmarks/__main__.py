"""`python -m benchmarks [engine|cli|compare|tui|data ...]`: print the figures the issues ask for."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    # Options after a section name are that section's (`classroom --soak 3600`).
    sections: list[tuple[str, list[str]]] = []
    for arg in argv:
        if arg.startswith("-") and sections:
            sections[-1][1].append(arg)
        elif sections and sections[-1][1] and sections[-1][1][-1].startswith("--") and "=" not in sections[-1][1][-1] \
                and not arg.isalpha():
            sections[-1][1].append(arg)  # an option's value
        else:
            sections.append((arg, []))
    if not sections:
        sections = [(name, []) for name in ("engine", "cli", "compare", "tui", "data", "classroom", "math")]
    for name, options in sections:
        if name == "engine":
            from benchmarks import engine

            engine.main()
        elif name == "cli":
            from benchmarks import cli

            cli.main()
        elif name == "compare":
            from benchmarks import compare

            compare.main()
        elif name == "tui":
            from benchmarks import tui

            tui.main()
        elif name == "data":
            from benchmarks import data

            data.main()
        elif name == "classroom":
            from benchmarks import classroom

            classroom.main(options)
        elif name == "math":
            from benchmarks import math as math_bench

            math_bench.main()
        elif name == "soak":  # opt-in: an hour unless GDTUI_SOAK_MINUTES says otherwise
            from benchmarks import classroom

            classroom.soak()
        else:
            print(f"unknown benchmark section {name!r} (engine, cli, compare, tui, data, classroom, math, soak)", file=sys.stderr)
            return 2
    return 0


raise SystemExit(main(sys.argv[1:]))
