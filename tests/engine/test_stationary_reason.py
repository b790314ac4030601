"""A run that stops where the gradient is zero says when that point is not a minimum:
"converged" at the saddle of x² + 3xy + y² (the mission's first loss, from 0, 0)
would read as "found the minimum"."""

from __future__ import annotations

from gdtui.engine.batch import RunBatch, RunSpec
from gdtui.engine.optimizers import make_optimizer
from gdtui.engine.run import Run
from gdtui.expr import compile_function
from gdtui.i18n import reason_text


def run_from(fn: str, start: list[float]) -> Run:
    return Run(compile_function(fn), make_optimizer("sgd", lr=0.1), start)


def test_a_saddle_at_the_start_is_named():
    run = run_from("x^2 + 3*x*y + y^2", [0.0, 0.0])  # Hessian [[2, 3], [3, 2]]: eigenvalues 5 and -1
    assert run.status == "converged"
    assert run.reason == "|grad| = 0 is below tol 1e-08 at the start point: a saddle point, not a minimum"


def test_a_maximum_is_named_and_a_minimum_keeps_the_plain_reason():
    assert run_from("-(x^2) - y^2", [0.0, 0.0]).reason.endswith(": a maximum, not a minimum")
    bowl = run_from("x^2 + y^2", [1.0, 1.0])
    bowl.step(400)
    assert bowl.status == "converged" and bowl.reason.endswith("at step %d" % bowl.k)


def test_a_run_that_descends_onto_a_saddle_says_so_at_its_step():
    # x² − y² from (1, 0): y stays 0, x shrinks to the saddle at the origin
    run = run_from("x^2 - y^2", [1.0, 0.0])
    run.step(1000)
    assert run.status == "converged"
    assert run.reason.endswith(f"at step {run.k}: a saddle point, not a minimum")


def test_runbatch_says_the_same_as_run():
    objective = compile_function("x^2 + 3*x*y + y^2")
    batch = RunBatch(objective, [RunSpec(make_optimizer("sgd", lr=0.1), [0.0, 0.0]),
                                 RunSpec(make_optimizer("sgd", lr=0.1), [0.5, 0.1])])
    assert batch.status[0] == "converged"
    assert batch.reason[0] == run_from("x^2 + 3*x*y + y^2", [0.0, 0.0]).reason


def test_the_reason_reads_in_korean():
    reason = run_from("x^2 + 3*x*y + y^2", [0.0, 0.0]).reason
    assert reason_text(reason, "ko") == "출발점에서 |grad| = 0 < 허용 오차 1e-08: 최솟값이 아니라 안장점입니다"
