"""The 'inside the math' panels: gradient check, curvature, computation graph.

Each panel opens from the keyboard (g, c, d), the palette and `--view`, follows the
run, and shows the engine's numbers (compared here with the engine's own answers).
"""

from __future__ import annotations

import asyncio

import pytest
from ui_waits import palette_run, workers_done

from gdtui.ui.ascii import CHROME
from gdtui.engine import analysis as A
from gdtui.engine.graph import evaluate_graph, graph_of_text
from gdtui.ui.screens.curvature import CurvaturePanel
from gdtui.ui.screens.gradcheck import GradCheckPanel
from gdtui.ui.screens.graph import GraphPanel, tree_rows
from gdtui.ui.screens.main import MainScreen
from gdtui.ui.screens.math_panel import PANELS, MathPanel


async def panel_ready(pilot, timeout: float = 30.0) -> MathPanel:
    """Wait until the problem compiled and the active panel drew its result."""
    app = pilot.app
    for _ in range(int(timeout / 0.05)):
        await workers_done(app)
        await pilot.pause()
        screen = app.screen
        if app.session.ready and isinstance(screen, MathPanel) and screen.result is not None \
                and screen.input is not None and screen.input.k == app.session.run.k:
            await workers_done(app)
            await pilot.pause()
            return screen
        await asyncio.sleep(0.05)
    raise AssertionError("the panel never showed a result")


def plot_chars(panel) -> str:
    """The characters the curvature panel's plot shows now."""
    plot = panel.query_one("#cv-plot")
    canvas = plot.draw(plot.size.width, plot.size.height)
    assert canvas is not None
    return "".join(canvas.chars.ravel().tolist())


async def press_and_wait(pilot, *keys: str) -> MathPanel:
    await pilot.press(*keys)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, MathPanel)
    screen.poll()
    return await panel_ready(pilot)


@pytest.mark.parametrize(("view", "cls"), [("gradcheck", GradCheckPanel), ("curvature", CurvaturePanel),
                                           ("graph", GraphPanel)])
async def test_view_option_opens_the_panel(ui, view, cls) -> None:
    app = ui.make_app(preset="lesson", view=view)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await panel_ready(pilot)
        assert isinstance(panel, cls)
        text = ui.screen_text(app)
        assert PANELS[view][1] in text and "step 0" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_keys_switch_between_panels_and_escape_goes_back(ui) -> None:
    app = ui.make_app(preset="lesson")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        for key, cls in (("g", GradCheckPanel), ("c", CurvaturePanel), ("d", GraphPanel), ("g", GradCheckPanel)):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, cls)
        # switching replaces the panel, it does not pile up
        assert sum(isinstance(s, MathPanel) for s in app.screen_stack) == 1
        assert app.screen_stack[-2] is app.main_screen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_panels_are_in_the_palette_and_help(ui) -> None:
    from gdtui.ui.screens.help import help_columns

    keys = help_columns()[0]
    assert "g c d" in keys and "backprop graph" in keys
    app = ui.make_app(preset="lesson")
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        await palette_run(pilot, "panel: curvature")
        assert isinstance(app.screen, CurvaturePanel)


# ------------------------------------------------------------------ gradient check
async def test_gradcheck_shows_the_engine_numbers_and_h_keys(ui) -> None:
    app = ui.make_app(preset="rosenbrock", view="gradcheck")
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await panel_ready(pilot)
        w = list(panel.input.w)
        obj = app.session.problem.objective
        expect = A.gradcheck(obj, w, 1e-5)
        assert panel.result["check"] == expect
        text = ui.screen_text(app)
        assert "h = 1e-05" in text
        assert f"{expect.forward_errors[0]:.1e}" in text and f"{expect.central_errors[1]:.1e}" in text
        sweep = A.h_sweep(obj, w)
        best = A.best_h(sweep, "central")
        assert f"best h: central {best:.0e}" in text
        assert "C" in text and "F" in text  # the best h of each difference on the plot
        panel = await press_and_wait(pilot, "plus")
        assert panel.result["check"].h == 1e-4 and "h = 1e-04" in ui.screen_text(app)
        panel = await press_and_wait(pilot, "minus", "minus", "minus")
        assert panel.result["check"].h == pytest.approx(1e-7)


async def test_panels_follow_the_run(ui) -> None:
    app = ui.make_app(preset="parabola", view="gradcheck")
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await panel_ready(pilot)
        assert panel.input.w == (5.0,)
        panel = await press_and_wait(pilot, "space")
        assert panel.input.k == 1 and panel.input.w == pytest.approx((4.0,))
        assert "step 1" in ui.screen_text(app)
        assert panel.result["check"].analytic == [8.0]
        panel = await press_and_wait(pilot, "b")
        assert panel.input.k == 0 and panel.result["check"].analytic == [10.0]
        await pilot.press("p")  # live: the panel follows the run as it goes
        await pilot.pause()
        assert app.main_screen.live
        for _ in range(100):
            await asyncio.sleep(0.05)
            if panel.input is not None and panel.input.k > 0 and panel.result is not None:
                break
        await pilot.press("p")
        await pilot.pause()
        assert not app.main_screen.live
        panel = await panel_ready(pilot)
        assert panel.input.k == app.session.run.k > 0


# ------------------------------------------------------------------ curvature
async def test_curvature_on_the_lesson_saddle(ui) -> None:
    app = ui.make_app(preset="lesson", view="curvature")
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await panel_ready(pilot)
        c = panel.result["curvature"]
        assert c == A.curvature(app.session.problem.objective, [1.0, 2.0], 0.05)
        text = ui.screen_text(app)
        assert "not stationary" in text and "neither" in text
        assert "λ1 = -1" in text and "λ2 = 5" in text
        assert "2/λmax = 0.4" in text and "η = 0.05" in text
        assert "Newton: the Hessian is not positive definite" in text
        for value in (c.step.linear, c.step.quadratic, c.step.actual):
            assert panel.n(value, 12) in text
        drawn = plot_chars(panel)
        assert "g" in drawn and "N" not in drawn  # no Newton arrow where there is no Newton step


async def test_curvature_at_a_saddle_point_and_newton_on_a_bowl(ui) -> None:
    app = ui.make_app(fn="x^2 - y^2", start={"x": 0.0, "y": 0.0}, view="curvature")
    async with app.run_test(size=(80, 24)) as pilot:
        await panel_ready(pilot)
        assert "kind: saddle" in ui.screen_text(app)
    app = ui.make_app(fn="x^2 + 3*y^2", start={"x": 2.0, "y": 1.0}, hyper={"lr": 0.1}, view="curvature")
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await panel_ready(pilot)
        s = panel.result["curvature"].step
        assert s.newton_step == pytest.approx([-2.0, -1.0])
        text = ui.screen_text(app)
        assert "locally convex" in text
        drawn = plot_chars(panel)
        assert "N" in drawn and "g" in drawn and "●" in drawn


async def test_curvature_in_1d_draws_tangent_and_quadratic(ui) -> None:
    app = ui.make_app(fn="x^4 - 3*x^2 + x", start={"x": 2.0}, hyper={"lr": 0.01}, view="curvature")
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await panel_ready(pilot)
        assert panel.result["picture"]["kind"] == "1d"
        text = ui.screen_text(app)
        assert "tangent" in text and "quadratic" in text
        drawn = plot_chars(panel)
        assert "●" in drawn and "g" in drawn and ":" in drawn


# ------------------------------------------------------------------ graph
def test_tree_rows_write_a_shared_node_once_then_refer_to_it() -> None:
    graph = graph_of_text("x*y + sin(x)")
    rows = tree_rows(graph)
    x = next(n.id for n in graph.nodes if n.name == "x")
    assert [rep for _, i, rep in rows if i == x] == [False, True]
    assert rows[0][1] == graph.output


async def test_graph_course_example_fits_and_steps_backward(ui) -> None:
    app = ui.make_app(fn="(w*x + b - y)^2", start={"w": 0.5, "b": 0.1, "x": 2.0, "y": 3.0}, view="graph")
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await panel_ready(pilot)
        res = panel.result["result"]
        text = ui.screen_text(app)
        for node in res.graph.nodes:  # every node on screen at 80x24, with its forward value
            assert f"#{node.id} {node.label}" in text
        assert "3.61" in text and "backward pass 0 of 8" in text
        assert "?" in text and "(const)" in text  # adjoints not computed yet; the 2 needs none
        await pilot.press("right")
        await pilot.pause()
        assert "∂f/∂#8 = 1" in ui.screen_text(app)
        for _ in range(6):
            await pilot.press("right")
        await pilot.pause()
        text = ui.screen_text(app)
        # step 7 is node #1 (x): the local derivative of w*x with respect to x is a = w
        assert "backward pass 7 of 8" in text and "(∂/∂b = a = 0.5)" in text
        await pilot.press("right", "right")
        await pilot.pause()
        text = ui.screen_text(app)
        expect = evaluate_graph(graph_of_text("(w*x + b - y)^2"), {"w": 0.5, "b": 0.1, "x": 2.0, "y": 3.0})
        assert "backward pass 8 of 8" in text and "?" not in text.split("backward pass")[0]
        assert f"∂f/∂w = {panel.n(expect.gradient['w'], 10)}" in text
        await pilot.press("left")
        await pilot.pause()
        assert "backward pass 7 of 8" in ui.screen_text(app)


async def test_graph_keeps_its_backward_pass_for_a_fresh_copy_of_the_same_function(ui) -> None:
    """A lesson step hands the playground its own copy of the problem: the student's place
    in the backward pass stays."""
    from dataclasses import replace

    from gdtui.ui.messages import ProblemReady

    app = ui.make_app(fn="(w*x + b - y)^2", start={"w": 0.5, "b": 0.1, "x": 2.0, "y": 3.0}, view="graph")
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await panel_ready(pilot)
        await pilot.press("right", "right", "right")
        await pilot.pause()
        assert panel.stage == 3
        old = app.session.problem
        copy = replace(old, settings=old.settings.copy())
        app.main_screen.post_message(ProblemReady(old.settings.fn, copy))
        for _ in range(200):
            await pilot.pause(0.02)
            panel.poll()
            await workers_done(app)
            if app.session.problem is copy and panel.input is not None and panel.input.problem is copy:
                break
        panel = await panel_ready(pilot)
        assert app.session.problem is copy and panel.input.problem is copy
        assert panel.stage == 3 and "backward pass 3 of 8" in ui.screen_text(app)


async def test_graph_with_data_steps_rows(ui) -> None:
    app = ui.make_app(preset="line", start={"w": 0.5, "b": 0.1}, view="graph")
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await panel_ready(pilot)
        assert panel.result["rows"] == 5 and panel.result["row"] == 0
        assert "row 0 of 5" in ui.screen_text(app)
        panel = await press_and_wait(pilot, "right_square_bracket", "right_square_bracket")
        assert panel.result["row"] == 2 and "row 2 of 5 (x = 3, y = 7)" in ui.screen_text(app)
        _, g = app.session.problem.objective.value_grad([0.5, 0.1])
        grad = panel.result["result"].gradient
        assert [grad["w"], grad["b"]] == pytest.approx(g)  # the mean over rows, not row 2's
        assert "mean over 5 rows" in ui.screen_text(app)


async def test_large_graph_scrolls(ui) -> None:
    fn = "sin(w*x + b)^2 + cos(w - b)*exp(x/3) + log(1 + w^2) + sqrt(b^2 + 1)*tanh(x*w*b)"
    app = ui.make_app(fn=fn, view="graph")
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await panel_ready(pilot)
        scroll = panel.query_one("#gr-scroll")
        assert scroll.max_scroll_y > 0
        await pilot.press("down", "down", "down")
        await pilot.pause()
        assert scroll.scroll_y > 0


# ------------------------------------------------------------------ sizes and ascii
@pytest.mark.parametrize("view", list(PANELS))
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_panels_fit(ui, view, size) -> None:
    app = ui.make_app(preset="line", view=view)
    async with app.run_test(size=size) as pilot:
        await panel_ready(pilot)
        text = ui.screen_text(app)
        lines = text.splitlines()
        assert len(lines) == size[1]
        assert "esc" in lines[-1] and "back" in lines[-1]  # the footer is on screen


@pytest.mark.parametrize("view", list(PANELS))
async def test_panels_in_ascii(ui, view) -> None:
    app = ui.make_app(preset="lesson", view=view, ascii=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await panel_ready(pilot)
        if view == "graph":
            await pilot.press("right", "right", "right")
            await pilot.pause()
        text = ui.screen_text(app)
    bad = sorted({ch for ch in text if not ch.isascii()})
    assert not bad
    assert app.ascii_filter is not None and app.ascii_filter.replaced <= set(CHROME)  # Textual's own
