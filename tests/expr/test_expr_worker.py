"""The symbolic worker: time limit, restart, threads, in-process mode, import hygiene."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest

from gdtui.expr import ExprError, compile_function, parse
from gdtui.expr.spec import CompiledSpec
from gdtui.expr.worker import SymbolicWorker

#: A 63-character power tower: parses fine, but its Hessian takes sympy seconds.
SLOW = "^".join(["x"] * 32)


@pytest.fixture(scope="module")
def spare() -> SymbolicWorker:
    """A worker of its own, so killing its child does not slow the other tests."""
    w = SymbolicWorker()
    compile_function("x^2 + 1/x", worker=w)  # started and warm
    yield w
    w.shutdown()


def test_slow_input_is_too_complex_then_the_worker_recovers(spare: SymbolicWorker) -> None:
    pid = spare.pid
    assert pid is not None
    start = time.monotonic()
    with pytest.raises(ExprError, match="too complex") as info:
        compile_function(SLOW, timeout=0.5, worker=spare)
    assert time.monotonic() - start < 0.5 + 20.0  # CPU time: longer in wall time on a busy machine
    assert "took more than 0.5 s of computing time" in str(info.value)
    assert info.value.text == SLOW
    assert spare.pid is None  # killed; a new child starts on the next request
    obj = compile_function("x^3 - y", worker=spare)
    assert obj.value_grad([2.0, 1.0]) == (7.0, [12.0, -1.0])
    assert spare.pid not in (None, pid)


def test_a_helper_killed_from_outside_is_replaced_without_an_error(spare: SymbolicWorker) -> None:
    """Killed between requests (out-of-memory killer, an operator): the next request
    gets a fresh helper and its answer, even if the death is not seen yet."""
    compile_function("x^2 + 1", worker=spare)
    process = spare._process
    assert process is not None
    process.kill()
    process.wait(10)
    real_poll = process.poll
    unseen = iter([None])
    process.poll = lambda: next(unseen, real_poll())  # the death not seen yet, as on a busy server
    obj = compile_function("x^4 + y^2 - x*y", worker=spare)
    assert obj.value_grad([1.0, 1.0]) == (1.0, [3.0, 1.0])
    assert spare.pid not in (None, process.pid)


def test_two_threads_compile_at_once(worker: SymbolicWorker) -> None:
    texts = ["sin(a)*b^2 + 1", "(c - 2)^2 + exp(d)"]
    results: dict[str, object] = {}

    def run(text: str) -> None:
        try:
            results[text] = compile_function(text)
        except BaseException as exc:  # noqa: BLE001
            results[text] = exc

    threads = [threading.Thread(target=run, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results[texts[0]].params == ("a", "b")  # type: ignore[union-attr]
    assert results[texts[1]].value_grad([2.0, 0.0]) == (1.0, [0.0, 1.0])  # type: ignore[union-attr]


def test_worker_returns_a_picklable_spec(worker: SymbolicWorker) -> None:
    spec = worker.compile(parse("x^2 + 3*x*y + y^2"), ("x", "y"))
    assert isinstance(spec, CompiledSpec)
    assert spec.params == ("x", "y") and spec.columns == ()
    assert spec.formula == "x^2 + 3*x*y + y^2"
    assert "def scalar_fn(_a0, _a1):" in spec.scalar_source
    assert "numpy." in spec.array_source and "math." not in spec.array_source
    spec = worker.compile(parse("(w*x + b - y)^2"), ("w", "b"), ("x", "y"))
    assert spec.scalar_source is None
    assert "def array_fn(_a0, _a1, _a2, _a3):" in spec.array_source


def test_shutdown_then_restart(spare: SymbolicWorker) -> None:
    spare.compile(parse("x^2"), ("x",))
    assert spare.pid is not None
    spare.shutdown()
    assert spare.pid is None
    assert spare.compile(parse("x^4"), ("x",)).derivative_formulas == ("4*x^3",)


def test_a_script_without_main_guard_can_compile(tmp_path) -> None:
    # The child is its own program: it never re-imports the caller's main script.
    script = tmp_path / "lesson.py"
    script.write_text("from gdtui.expr import compile_function\n"
                      "print(compile_function('x^2 + 3*x*y').derivative_formulas)\n")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('2*x + 3*y', '3*x')"


def test_in_process_mode_matches_the_worker(worker: SymbolicWorker) -> None:
    local = SymbolicWorker(in_process=True)
    for text in ["sigmoid(w*x + b)", "abs(x)*relu(y) + log(x^2 + 1)"]:
        tree = parse(text)
        params = tuple(sorted({"w", "x", "b", "y"} & set(text)))
        assert local.compile(tree, params) == worker.compile(tree, params)
    with pytest.raises(ExprError, match="undefined everywhere"):
        local.compile(parse("log(-1 - x^2)"), ("x",))


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_main_process_never_imports_sympy_or_textual() -> None:
    out = run_python(
        """
        import sys
        import gdtui.expr
        obj = gdtui.expr.compile_function('x^2')
        assert obj.value_grad([3.0]) == (9.0, [6.0]), obj.value_grad([3.0])
        print(sorted(m for m in sys.modules if m.split('.')[0] in ('sympy', 'textual')))
        """
    )
    assert out == "[]"


def test_parse_alone_imports_neither_numpy_nor_sympy() -> None:
    out = run_python(
        """
        import sys
        from gdtui.expr import check_syntax, parse
        parse('sin(x)^2'); check_syntax('3x')
        print(sorted(m for m in sys.modules if m.split('.')[0] in ('sympy', 'numpy', 'textual')))
        """
    )
    assert out == "[]"


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
def test_memory_cap_is_applied_in_the_child() -> None:
    starved = SymbolicWorker(memory_limit=16 << 20)  # too little even to import sympy
    with pytest.raises(ExprError, match="could not start"):
        starved.compile(parse("x^2"), ("x",))
    assert starved.pid is None
