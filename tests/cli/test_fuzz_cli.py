"""Fuzz `gdtui run` and `gdtui check` with random expressions from the grammar (issue 12).

Huge and tiny constants, deep nesting, every function, points far out: whatever
comes in, the command answers with exit 0 (a result, maybe a diverged or
domain-error status) or exit 2 (one clear line), never a traceback, never a hang.
Bounded in time: a few dozen examples, each command watched by a timer.
"""

from __future__ import annotations

import io
import os
import re
import threading
from contextlib import redirect_stderr, redirect_stdout

from hypothesis import HealthCheck, given, settings, strategies as st

from gdtui.cli import main
from gdtui.expr.parse import FUNCTIONS

NUMBERS = st.sampled_from([
    "0", "1", "2", "0.5", "3", "10000", "999999999999999", "1e300", "1e-300", "1e308", "1e-5",
    "123456789012345", "2.5e200", "7",
])  # fmt: skip
LEAVES = st.one_of(st.sampled_from(["x", "y", "w", "x", "y", "pi", "e"]), NUMBERS)


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/", "^"]), children).map(
            lambda t: f"({t[0]}){t[1]}({t[2]})"
        ),
        st.tuples(children, st.sampled_from(["2", "84", "-2", "0.5", "y", "100", "-100"])).map(
            lambda t: f"({t[0]})^{t[1]}"
        ),
        children.map(lambda c: f"-({c})"),
        st.tuples(st.sampled_from(FUNCTIONS), children).map(lambda t: f"{t[0]}({t[1]})"),
    )


NESTED = st.tuples(st.sampled_from(FUNCTIONS), st.integers(1, 40), st.sampled_from(["x", "x*y", "1e300*x"])).map(
    lambda t: f"{t[0]}(" * t[1] + t[2] + ")" * t[1]
)
PARENS = st.integers(1, 40).map(lambda n: "(" * n + "x + y" + ")" * n)
EXPRESSIONS = st.one_of(st.recursive(LEAVES, _extend, max_leaves=10), NESTED, PARENS)
VALUES = st.sampled_from(["0", "1", "-1", "-800", "800", "1e10", "-40", "0.5", "1e-300", "1e300"])


def _run(argv: list[str]) -> tuple[int, str, str]:
    """main(argv) in a thread with a watchdog: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    result: dict[str, object] = {}

    def target() -> None:
        try:
            with redirect_stdout(out), redirect_stderr(err):
                result["code"] = main(argv)
        except SystemExit as exc:
            result["code"] = exc.code if isinstance(exc.code, int) else 0
        except BaseException as exc:  # noqa: BLE001 - reported below with the input
            result["exception"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), f"hung: gdtui {' '.join(argv)}"
    assert "exception" not in result, f"gdtui {' '.join(argv)} raised {result['exception']!r}"
    return int(result["code"]), out.getvalue(), err.getvalue()  # type: ignore[call-overload]


def _check_answer(argv: list[str], code: int, out: str, err: str) -> None:
    assert code in (0, 2), (argv, code, err)
    assert "Traceback" not in out + err, (argv, err)
    if code == 2:
        assert err.startswith("gdtui") and len(err.strip().splitlines()) <= 3, (argv, err)
    assert "\x1b" not in out + err


@settings(max_examples=int(os.environ.get("GDTUI_FUZZ_EXAMPLES", "30")), deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(EXPRESSIONS, VALUES, VALUES, st.booleans())
def test_run_and_check_never_crash_or_hang(text: str, a: str, b: str, data: bool) -> None:
    values = {"x": a, "y": b, "w": b}
    point = ",".join(f"{n}={v}" for n, v in values.items() if re.search(rf"\b{n}\b", text)) or "x=0"
    check = ["check", f"--fn={text}", f"--at={point}", "--format", "json"]
    _check_answer(check, *_run(check))
    run = ["run", f"--fn={text}", "--steps", "5", "--format", "json"]
    if data:
        run += ["--data", "hours"] + ([f"--start=w={a}"] if re.search(r"\bw\b", text) else [])
    else:
        run += [f"--start={point}"]
    _check_answer(run, *_run(run))
