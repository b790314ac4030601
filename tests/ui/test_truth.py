"""Issue 7: every number on the screen is true, labelled and complete (Pilot tests).

Each test reads the screen (or the widget that draws it) as a student would and
checks a number against the run that made it.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from textual.widgets import Input, Select, Static

from gdtui.ui.ascii import CHROME
from gdtui.engine.optimizers import NEWTON_FALLBACK_NOTE
from gdtui.settings import Settings
from gdtui.ui.app import GdApp
from gdtui.ui.widgets.landscape import Landscape
from gdtui.ui.widgets.recent_steps import RecentSteps
from gdtui.ui.widgets.state_table import StateTable
from gdtui.ui.widgets.status_bar import StatusBar


def status(app) -> str:
    return str(app.main_screen.query_one(StatusBar).render())


def footer(text: str) -> str:
    return text.rstrip("\n").split("\n")[-1]


# ------------------------------------------------------------ the update a student checks
async def test_parabola_shows_the_update_with_the_gradient_that_made_it(ui) -> None:
    app = ui.make_app(preset="parabola")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("n", "n")
        await pilot.pause()
        text = ui.screen_text(app)
        h = app.session.run.history
        # x₂₀ = x₁₉ − η·g₁₉ with row 19's gradient (0.144115), never row 20's (0.115292)
        assert "x₂₀ = x₁₉ − η·g₁₉" in text
        assert f"= {h.w[19, 0]:.6g} − 0.1·{h.grad[19, 0]:.6g}" in text
        assert f"= {h.w[20, 0]:.6g}" in text
        assert "Δw = −η·g" not in text  # the old label that claimed a relation it did not have
        assert round(h.w[19, 0] - 0.1 * float(f"{h.grad[19, 0]:.6g}"), 7) == round(h.w[20, 0], 7)


@pytest.mark.parametrize("optimizer, targets", [
    ("momentum", ("v₃ =", "x₃ =")), ("nesterov", ("v₃ =", "x₃ =")), ("adagrad", ("s₃ =", "x₃ =")),
    ("rmsprop", ("a₃ =", "x₃ =")), ("newton", ("x₃ = x₂ − η·(H⁻¹g)₂",)),
])
async def test_each_optimizer_works_its_update_out_at_80x24(ui, optimizer, targets) -> None:
    app = GdApp(Settings(fn="x^4 + x^2", start={"x": 1.0}, optimizer=optimizer, hyper={"lr": 0.01}))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("space", "space", "space")
        await pilot.pause()
        recent = app.main_screen.query_one(RecentSteps)
        state = app.main_screen.query_one("#state").region
        seen = ""
        while recent.view == 0:
            assert recent.region.bottom <= state.bottom  # it fits the pane
            seen += recent.render().plain + "\n"
            await pilot.press("u")
            await pilot.pause()
        for target in targets:
            assert target in seen, (target, seen)


async def test_newton_fallback_is_said_in_the_tui(ui) -> None:
    app = GdApp(Settings(fn="x^2 - y^2", start={"x": 1.0, "y": 1.0}, optimizer="newton", hyper={"lr": 0.5}))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("space")
        await pilot.pause()
        assert NEWTON_FALLBACK_NOTE[:30] in status(app)
        assert app.main_screen.query_one(RecentSteps).render().plain.count("x₁ = x₀ − η·g₀") == 1


async def test_mini_batch_run_labels_batch_and_full_and_the_data_panel_says_which_rows(ui) -> None:
    app = ui.make_app(preset="hours", batch_size=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("space", "space")
        await pilot.pause()
        text = ui.screen_text(app)
        for word in ("∂f/∂w batch", "∂f/∂w full", "f batch", "f full", "‖∇f‖ batch", "‖∇f‖ full"):
            assert word in text, word
        assert "batch loss" in text  # the loss plot's title: it plots the batch losses
        run = app.session.run
        rows = run.sampler.rows(run.k + 1)
        epoch = run.sampler.epoch_of(run.k + 1) + 1
        assert f"ep {epoch} b {run.k % 3 + 1}/3" in text or f"epoch {epoch}" in text
        landscape = app.main_screen.query_one(Landscape)
        assert list(landscape._batch.rows) == rows.tolist()
        # the tangent and arrow use the full gradient: the picture is the full loss
        assert landscape._grad == pytest.approx(run.full_loss_grad()[1])


async def test_live_update_title_names_the_update_worked_out_under_it(ui) -> None:
    """While live the worked update is redrawn a few times a second; its title must name
    the same update as the lines under it (it ran a frame or more ahead of them)."""
    import re

    sub = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
    app = ui.make_app(preset="parabola")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        screen = app.main_screen
        screen.runner.draw_fps = 5  # a busy classroom's rate: the panel redraws every other frame
        await pilot.press("p")
        recent = screen.query_one(RecentSteps)
        seen = set()
        for _ in range(60):
            await asyncio.sleep(0.05)
            title = re.search(r"(\d+)→(\d+)", recent.border_title or "")
            body = re.match(r"x([₀-₉]+) =", recent.render().plain)
            if title and body:
                assert int(body.group(1).translate(sub)) == int(title.group(2)), (recent.border_title,
                                                                                  recent.render().plain)
                seen.add(int(title.group(2)))
        await pilot.press("p")
        assert len(seen) >= 3  # the run moved on while we looked


async def test_recent_steps_show_every_parameter_that_fits(ui) -> None:
    app = ui.make_app(preset="saddle")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("n")
        while app.main_screen.query_one(RecentSteps).view != -1:
            await pilot.press("u")
        await pilot.pause()
        head = app.main_screen.query_one(RecentSteps).render().plain.split("\n")[0].split()
        assert head[:3] == ["k", "x", "y"]  # y is the one that diverges: it must show


async def test_three_parameters_fit_80x24_with_a_marker_and_the_axes_key(ui) -> None:
    app = GdApp(Settings(fn="x^2 + y^2 + z^2", start={"x": 1.0, "y": 2.0, "z": 3.0}, hyper={"lr": 0.1}))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("space")
        await pilot.pause()
        table = app.main_screen.query_one(StateTable)
        text = ui.screen_text(app)
        shown = [c.label.plain for c in table.columns.values()][1:]
        hidden = table.hidden
        assert sorted(shown + list(hidden)) == ["x", "y", "z"]
        if hidden:  # not all fit: the pane says which are missing and how to see them
            assert f"+{len(hidden)} more: {', '.join(hidden)}" in text
        assert table.region.right <= app.main_screen.query_one("#left").region.right
        assert "∂f/∂z…" not in text
        landscape = app.main_screen.query_one(Landscape)
        assert landscape.axes == (0, 1)
        await pilot.press("x")
        await pilot.pause()
        assert landscape.axes != (0, 1)
        i, j = landscape.axes
        caption = ui.screen_text(app).split("\n")[1]
        assert caption.split("││")[1].split()[0] == "xyz"[i]
        shown = [c.label.plain for c in table.columns.values()][1:]
        assert "xyz"[i] in shown and "xyz"[j] in shown  # the table shows the slice's pair


async def test_up_to_eight_parameters_each_reachable(ui) -> None:
    names = "pqrstuvw"
    app = GdApp(Settings(fn=" + ".join(f"{p}^2" for p in names), start={p: 1.0 for p in names},
                         hyper={"lr": 0.1}))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("space")
        table = app.main_screen.query_one(StateTable)
        seen = set()
        for _ in range(30):
            await pilot.pause()
            seen |= {c.label.plain for c in table.columns.values()}
            await pilot.press("x")
        assert set(names) <= seen


# ------------------------------------------------------------ nothing cut off
async def test_a_long_status_reason_is_whole_with_the_step_first(ui) -> None:
    app = ui.make_app(preset="lesson")  # runs off to -inf at step 298
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        for _ in range(31):
            await pilot.press("n")
        await pilot.pause()
        run = app.session.run
        assert run.status == "diverged"
        text = status(app)
        assert text.lstrip().startswith(f"step {run.k} · diverged")
        assert "there is no minimum that way" in text  # the end of the reason is there
        bar = app.main_screen.query_one(StatusBar)
        assert bar.region.height == 2 and bar.region.bottom <= app.main_screen.region.bottom - 1


async def test_landscape_caption_never_cuts_a_number(ui) -> None:
    app = ui.make_app(preset="lesson")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        for _ in range(8):
            await pilot.press("n")
        await pilot.pause()
        line = ui.screen_text(app).split("\n")[1].split("││")[1].rstrip("│ ")
        for part in line.split():
            if ".." in part:
                lo, hi = part.split("..")
                float(lo), float(hi)  # whole numbers on both sides


async def test_loss_title_at_60x20(ui) -> None:
    app = ui.make_app(preset="parabola")
    async with app.run_test(size=(60, 20)) as pilot:
        await ui.ready(pilot)
        await pilot.press("space")
        await pilot.pause()
        plot = app.main_screen.query_one("#loss")
        first = plot.render().plain.split("\n")[0]
        assert "0.64" in first or "16" in first  # the current loss (16 at step 1)


async def test_rosenbrock_path_stays_in_view_at_any_speed(ui) -> None:
    app = ui.make_app(preset="rosenbrock")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("plus", "plus", "plus", "p")
        for _ in range(200):
            await asyncio.sleep(0.05)
            if app.session.run.k > 600:
                break
        await pilot.press("p")
        await pilot.pause()
        landscape = app.main_screen.query_one(Landscape)
        path = app.session.run.history.w
        assert len(path) > 300
        assert landscape._box.contains(np.asarray(path))  # every step taken is in view


async def test_markers_minimum_best_and_arrow_length(ui) -> None:
    from gdtui.ui.widgets._canvas import UNICODE
    from gdtui.ui.widgets._draw import arrow_length

    assert arrow_length(0.0) == 0 and arrow_length(1e-9) == 0  # no arrow at a flat point
    assert arrow_length(0.01) < arrow_length(1) < arrow_length(100) < arrow_length(1e5)
    assert UNICODE.tangent[0] != UNICODE.lines[0] and UNICODE.tangent[0] not in UNICODE.heads
    app = ui.make_app(preset="shifted-bowl")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("space")
        await pilot.pause()
        picture = app.main_screen.query_one(Landscape).render().plain
        assert UNICODE.minimum in picture  # (3, -1) is known for this preset
    app = GdApp(Settings(fn="x^2 + y^2", start={"x": 0.0, "y": 0.0}, hyper={"lr": 0.1}))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.pause()
        picture = app.main_screen.query_one(Landscape).render().plain
        assert not any(h in picture for h in UNICODE.heads)  # ∇f = 0: no arrow


async def test_help_has_a_landscape_legend(ui) -> None:
    app = ui.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = ui.screen_text(app)
        assert "Landscape:" in text and "minimum" in text and "tangent" in text


# ------------------------------------------------------------ say what happened
async def test_rejected_function_looks_invalid_until_fixed_or_escape(ui) -> None:
    app = ui.make_app(preset="parabola")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        field = app.main_screen.query_one("#fn", Input)
        await pilot.click("#fn")
        field.value = "x^2 +* 3"
        await pilot.press("enter")
        await ui.quiet(pilot)
        assert field.has_class("-rejected") and field.value == "x^2 +* 3"
        assert app.session.problem.settings.fn == "x^2"  # the old one still runs
        field.focus()
        await pilot.press("escape")
        await pilot.pause()
        assert field.value == "x^2" and not field.has_class("-rejected")


async def test_invalid_number_left_after_escape_looks_invalid(ui) -> None:
    app = ui.make_app(preset="parabola")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.pause()
        field = app.main_screen.query_one("#hp-lr", Input)
        await pilot.click("#hp-lr")
        field.value = "0.1-+"
        await pilot.press("escape")
        await pilot.pause()
        assert field.has_class("-rejected")
        assert app.session.problem.settings.hyper["lr"] == 0.1
        field.value = "0.2"  # fixed: no longer marked
        await pilot.pause()
        assert not field.has_class("-rejected")


async def test_one_vocabulary_ready_paused_linear_log(ui) -> None:
    app = ui.make_app(preset="lesson-bowl")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("space")
        await pilot.pause()
        assert "ready" in status(app) and "paused" not in status(app)  # a step is not a pause
        await pilot.press("minus", "minus", "p")
        await pilot.pause(0.3)
        await pilot.press("p")
        await pilot.pause()
        assert "paused" in status(app)
        plot = app.main_screen.query_one("#loss")
        assert "(log)" in plot.render().plain
        await pilot.press("l")
        await pilot.pause()
        assert "(linear)" in plot.render().plain
    app = GdApp(Settings(fn="x^2", start={"x": 1.0}, hyper={"lr": 0.5}))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.press("space")
        await pilot.pause()
        assert app.session.run.status == "converged"
        assert "‖∇f‖" in status(app) and "|grad|" not in status(app)


async def test_footer_shows_the_keys_that_work_in_a_field(ui) -> None:
    app = ui.make_app(preset="parabola")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        assert "+- speed" in footer(ui.screen_text(app))
        await pilot.click("#fn")
        await pilot.pause()
        line = footer(ui.screen_text(app))
        assert "speed" not in line and "space step" not in line
        assert "q quit" not in line and "? help" not in line  # q and ? type into the field
        assert "esc leave field" in line and "enter applies" in line
        await pilot.press("escape")
        await pilot.pause()
        assert "+- speed" in footer(ui.screen_text(app))


async def test_screenshot_goes_to_the_save_dir_and_says_where(ui, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "shots"
    elsewhere.mkdir()
    app = ui.make_app(preset="parabola", save_dir=str(elsewhere))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        app.deliver_screenshot()
        await pilot.pause()
        saved = list(elsewhere.glob("*.svg"))
        assert len(saved) == 1 and saved[0].read_text().startswith("<svg")
        assert [n.message for n in app._notifications] == [f"saved {saved[0].resolve()}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shots"]  # nothing else created
    app = ui.make_app(preset="parabola")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        app.deliver_screenshot()
        await pilot.pause()
    assert len(list(tmp_path.glob("*.svg"))) == 1  # the working folder by default


async def test_ascii_palette_maximize_and_notifications_have_no_question_marks(ui) -> None:
    app = ui.make_app(preset="parabola", ascii=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        app.main_screen.query_one("#fn").focus()
        await pilot.pause()
        app.main_screen.maximize(app.main_screen.query_one("#fn"))
        await pilot.pause()
        assert "?" not in ui.screen_text(app)
        app.main_screen.minimize()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.pause()
        text = ui.screen_text(app)
        assert "?" not in text and "> " in text
        await pilot.press("escape")
        app.notify("a note", title="note")
        await pilot.pause(0.3)
        assert "?" not in ui.screen_text(app)
        assert app.ascii_filter.replaced <= set(CHROME) | {"…"}  # "…" becomes "." by design; never "?"


# ------------------------------------------------------------ sensible learning rates
async def test_choosing_an_optimizer_takes_its_default_lr_unless_one_was_typed(ui) -> None:
    app = ui.make_app(preset="parabola")  # the preset's lr 0.1, not typed by the user
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.pause()
        app.main_screen.choose_optimizer("newton")
        await pilot.pause()
        await pilot.pause()
        assert app.session.problem.settings.hyper["lr"] == 1.0  # newton's default
        await pilot.press("space")
        assert app.session.run.w == [0.0]  # one Newton step on x^2
        app.main_screen.choose_optimizer("adam")
        await pilot.pause()
        assert app.session.problem.settings.hyper["lr"] == 1e-3
        app.main_screen.choose_optimizer("sgd")
        await pilot.pause()
        assert app.session.problem.settings.hyper["lr"] == 0.1  # the preset's, for its optimizer
        field = app.main_screen.query_one("#hp-lr", Input)
        field.focus()
        await pilot.pause()
        field.value = "0.3"
        await pilot.press("enter")
        await pilot.pause()
        app.main_screen.choose_optimizer("momentum")
        await pilot.pause()
        assert app.session.problem.settings.hyper["lr"] == 0.3  # typed: kept


async def test_no_lr_given_suggests_one_from_curvature_and_says_so(ui) -> None:
    app = GdApp(Settings(fn="x^2 + 25*y^2", start={"x": 1.0, "y": 1.0}))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await pilot.pause()
        assert app.session.problem.settings.hyper["lr"] == 0.02  # 1/50
        assert app.main_screen.query_one("#hp-lr", Input).value == "0.02"
        note = str(app.main_screen.query_one("#opt-error", Static).render())
        assert "suggested from curvature" in note
    app = GdApp(Settings(fn="x^2 + 25*y^2", start={"x": 1.0, "y": 1.0}, hyper={"lr": 0.001}))
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        assert app.session.problem.settings.hyper["lr"] == 0.001  # given: kept
        assert "curvature" not in str(app.main_screen.query_one("#opt-error", Static).render())
    assert Select  # (imported for type checks of the pane)
