"""History: append, views, truncate, rows, memory layout."""

from __future__ import annotations

import numpy as np
import pytest

from gdtui.engine.history import History


def filled(n: int, flush_rows: int | None = None) -> History:
    h = History(2, [("m", 2), ("v", 2)], capacity=4)
    if flush_rows is not None:
        h.pending_limit = flush_rows * h.width
    for k in range(n):
        h.append([k, -k], k * 10.0, [k + 0.5, k - 0.5], 0.1 * k, ([k, k + 1], [k * 2, k * 3]),
                 note="hi" if k == 3 else None)
    return h


def test_views_have_the_right_shapes_and_values():
    h = filled(10)
    assert len(h) == h.n == 10
    assert h.w.shape == (10, 2) and h.grad.shape == (10, 2) and h.update.shape == (10, 2)
    assert h.loss.shape == (10,) and h.lr.shape == (10,) and h.state.shape == (10, 4)
    assert h.w[:, 0].tolist() == list(range(10))
    assert h.loss.tolist() == [10.0 * k for k in range(10)]
    assert h.grad[4].tolist() == [4.5, 3.5]
    assert h.lr[7] == pytest.approx(0.7)
    assert h.state[5].tolist() == [5, 6, 10, 15]
    # update is w[k] - w[k-1], zeros in row 0
    assert h.update[0].tolist() == [0, 0]
    assert h.update[1:].tolist() == [[1, -1]] * 9


def test_views_are_read_only_and_cached_until_appended():
    h = filled(5)
    w1 = h.w
    assert h.w is w1  # cached
    with pytest.raises(ValueError):
        w1[0, 0] = 5
    h.append([9, 9], 1.0, [0, 0], 0.1, ([0, 0], [0, 0]))
    assert h.w is not w1 and len(h.w) == 6


def test_growth_across_flushes_and_doubling_keeps_every_row():
    h = filled(1000, flush_rows=7)  # many flushes, capacity 4 doubling to 1024
    assert len(h) == 1000
    assert h.w[:, 0].tolist() == list(range(1000))
    assert len(h._buf) == 1024


def test_max_rows_caps_capacity():
    h = History(1, capacity=4, max_rows=10)
    for k in range(10):
        h.append([k], 0.0, [0.0], 0.0)
    assert len(h.w) == 10 and len(h._buf) == 10


def test_row_reads_pending_and_flushed_rows_alike():
    h = filled(10, flush_rows=4)  # rows 0..7 flushed, 8..9 pending
    assert h.pending
    r = h.row(9)
    assert r.k == 9 and r.w == [9.0, -9.0] and r.loss == 90.0 and r.grad == [9.5, 8.5]
    assert r.update == [1.0, -1.0] and r.lr == pytest.approx(0.9)
    assert r.state == {"m": [9.0, 10.0], "v": [18.0, 27.0]}
    assert h.row(3).note == "hi" and h.row(4).note is None
    assert h.row(-1).k == 9
    assert h.row(0).update == [0.0, 0.0]
    with pytest.raises(IndexError):
        h.row(10)


def test_truncate_drops_rows_and_notes():
    h = filled(10)
    h.truncate(2)
    assert len(h) == 3 and h.notes == {}
    assert h.w[:, 0].tolist() == [0, 1, 2]
    h.append([7, 7], 7.0, [7, 7], 0.7, ([7, 7], [7, 7]))
    assert h.w[:, 0].tolist() == [0, 1, 2, 7]
    h.clear()
    assert len(h) == 0
    with pytest.raises(IndexError):
        h.truncate(5)


def test_wrong_row_width_is_rejected_without_damage():
    h = filled(3)
    with pytest.raises(ValueError, match="wrong number"):
        h.append([1, 2, 3], 0.0, [0, 0], 0.1, ([0, 0], [0, 0]))
    assert len(h) == 3


def test_state_of_gives_lists_per_entry():
    h = filled(4)
    assert h.state_of(2) == ([2.0, 3.0], [4.0, 6.0])


def test_storage_is_compact():
    h = History(2, [("m", 2), ("v", 2)])
    assert h.width == 10  # w, loss, grad, lr, m, v: 80 bytes a row
    for k in range(5000):
        h.append([k, k], 0.0, [0, 0], 0.1, ([0, 0], [0, 0]))
    h.flush()
    assert h.nbytes() <= 8 * h.width * 8192
    assert np.may_share_memory(h.w, h.loss)  # views into one block, no copies


def test_grad_norms_are_the_lengths_of_the_gradients() -> None:
    from gdtui.engine.history import StepRecord

    h = History(2)
    for k, g in enumerate([(3.0, 4.0), (5.0, 12.0), (0.0, 0.0)]):
        h.append([float(k), 0.0], 1.0, list(g), 0.1)
    assert h.grad_norms(0, 3).tolist() == [5.0, 13.0, 0.0]
    assert h.grad_norms(1, 2).tolist() == [13.0]
    rec = StepRecord(0, [0.0, 0.0], 1.0, [8.0, 15.0], [0.0, 0.0], 0.0, {})
    assert rec.grad_norm == 17.0
