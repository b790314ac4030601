"""A big data file loads in a thread with progress in the status line (issue 12)."""

from __future__ import annotations

import numpy as np

from gdtui.ui.screens.main import MainScreen


async def test_a_big_csv_shows_progress_and_the_app_stays_responsive(tmp_path, monkeypatch, ui) -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 5, 300_000)
    path = tmp_path / "big.csv"
    np.savetxt(path, np.column_stack([x, 2 * x + 1]), delimiter=",", header="x,y", comments="", fmt="%.6f")
    seen: list[str] = []
    original = MainScreen.notice

    def record(self, text: str) -> None:
        seen.append(text)  # delivered on the event loop while the worker thread reads the file
        original(self, text)

    monkeypatch.setattr(MainScreen, "notice", record)
    app = ui.make_app(fn="(w*x + b - y)^2", data=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot, timeout=60)
        progress = [t for t in seen if t.startswith("loading data")]
        assert len(progress) >= 3 and progress[-1] == "loading data… 100%"
        assert seen[seen.index(progress[-1]) + 1] == ""  # cleared when the load is over
        assert app.session.problem.dataset.n_rows == 300_000
