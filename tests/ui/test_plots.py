"""The plot widgets in a tiny app: Landscape (1-D, 2-D, slices, data fit) and LossPlot."""

from __future__ import annotations

import numpy as np
import pytest
from textual.app import App, ComposeResult
from textual.widget import Widget

from gdtui.ui.charset import ASCII, UNICODE
from gdtui.engine.objective import Objective
from gdtui.ui.themes import builtin_theme_dir, default_theme_variables, load_themes
from gdtui.ui.widgets import Landscape, LossPlot
from gdtui.ui.widgets.loss_plot import downsample

# ----------------------------------------------------------------- problems
BOWL = Objective(
    params=("x", "y"),
    array_fn=lambda x, y: (x**2 + 3 * y**2, (2 * x, 6 * y)),
    hessian_fn=lambda x, y: ((2, 0), (0, 6)),
)
ONE = Objective(
    params=("w",),
    array_fn=lambda w: (w**4 - 3 * w**2 + w, (4 * w**3 - 6 * w + 1,)),
    hessian_fn=lambda w: ((12 * w**2 - 6,),),
)
THREE = Objective(
    params=("a", "b", "c"),
    array_fn=lambda a, b, c: (a**2 + 2 * b**2 + 3 * c**2, (2 * a, 4 * b, 6 * c)),
    hessian_fn=lambda a, b, c: ((2, 0, 0), (0, 4, 0), (0, 0, 6)),
)
_X = np.linspace(0, 5, 40)
LINE = Objective(
    params=("w", "b"),
    columns=("x", "y"),
    array_fn=lambda w, b, x, y: ((w * x + b - y) ** 2, (2 * (w * x + b - y) * x, 2 * (w * x + b - y))),
    hessian_fn=lambda w, b, x, y: ((2 * x * x, 2 * x), (2 * x, 2)),
).bind({"x": _X, "y": 2 * _X + 1})
PROBLEMS = {"1d": (ONE, [1.8]), "2d": (BOWL, [3.0, 2.0]), "3d": (THREE, [1.0, -1.0, 0.5]), "data": (LINE, [0.0, 0.0])}


def descend(obj: Objective, start: list[float], steps: int = 12, lr: float = 0.05) -> np.ndarray:
    path = [np.asarray(start, dtype=float)]
    for _ in range(steps):
        _, g = obj.value_grad(path[-1])
        path.append(path[-1] - lr * np.asarray(g))
    return np.array(path)


class PlotApp(App[None]):
    """One widget, the gdtui themes registered, chalkboard on."""

    def __init__(self, widget: Widget, ascii: bool = False) -> None:
        super().__init__()
        self.widget = widget
        self.charset = ASCII if ascii else UNICODE  # as GdApp holds it (--ascii)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return default_theme_variables()

    def compose(self) -> ComposeResult:
        yield self.widget

    def on_mount(self) -> None:
        for theme in load_themes([builtin_theme_dir()])[0].values():
            self.register_theme(theme)
        self.theme = "chalkboard"


def lines(widget: Widget) -> list[str]:
    return widget.render().plain.split("\n")  # type: ignore[union-attr]


async def shown(land: Landscape, name: str, pilot) -> np.ndarray:
    obj, start = PROBLEMS[name]
    land.set_problem(obj, start)
    path = descend(obj, start)
    land.show_path(path, 8, obj.value_grad(path[8])[1])
    await pilot.pause()
    return path


# ---------------------------------------------------------------- landscape
@pytest.mark.parametrize("name", list(PROBLEMS))
@pytest.mark.parametrize("ascii", [False, True])
async def test_landscape_renders_at_80x24(name: str, ascii: bool) -> None:
    land = Landscape()
    async with PlotApp(land, ascii=ascii).run_test(size=(80, 24)) as pilot:
        path = await shown(land, name, pilot)
        rows = lines(land)
        assert len(rows) == land.size.height and all(len(r) == land.size.width for r in rows)
        if ascii:
            assert all(ch.isascii() for r in rows for ch in r)
        cell = land.point_cell(path[8])
        assert cell is not None
        x, y = cell
        assert rows[y][x] == ("X" if ascii else "●")
        assert rows[0].split()[0] == PROBLEMS[name][0].params[0]  # caption names the axis


async def test_view_holds_start_path_and_optimum() -> None:
    land = Landscape()
    async with PlotApp(land).run_test(size=(80, 24)) as pilot:
        path = await shown(land, "2d", pilot)
        box = land._box
        assert box is not None
        assert box.contains(path[:9]) and box.contains(np.array([[0.0, 0.0]]))


async def test_arrow_points_down_the_gradient() -> None:
    land = Landscape()
    async with PlotApp(land, ascii=True).run_test(size=(60, 20)) as pilot:
        land.set_problem(BOWL, [2.0, 0.0])
        land.show_path(np.array([[2.0, 0.0]]), 0, [4.0, 0.0])  # −∇f points left
        await pilot.pause()
        x, y = land.point_cell([2.0, 0.0])  # type: ignore[misc]
        row = lines(land)[y]
        assert "<" in row[:x] and ">" not in row[x:]


async def test_one_d_draws_tangent_and_arrow() -> None:
    land = Landscape()
    async with PlotApp(land, ascii=True).run_test(size=(60, 20)) as pilot:
        land.set_problem(ONE, [0.0])
        land.show_path(np.array([[0.0]]), 0, [1.0])  # f'(0) = 1: downhill is left
        await pilot.pause()
        x, y = land.point_cell([0.0])  # type: ignore[misc]
        rows = lines(land)
        assert "<" in rows[y][:x]
        # tangent of slope +1 somewhere right of the point, drawn rising or flat, in the
        # tangent's own (dashed) glyphs: never the arrow's "-"
        assert any(ch in "/~!" for r in rows[1:] for ch in r[x + 1:])
        assert "-" not in "".join(r[x + 1:] for r in rows[1:])


async def test_background_is_sampled_only_when_the_view_changes() -> None:
    land = Landscape()
    async with PlotApp(land).run_test(size=(60, 20)) as pilot:
        path = await shown(land, "2d", pilot)
        background = land._bg
        land.show_path(path, 10, BOWL.value_grad(path[10])[1])
        await pilot.pause()
        assert land._bg is background
        land.next_axes()  # 2-D has one pair: the view is refitted, the background redrawn
        await pilot.pause()
        land.render()
        assert land._bg is not background


async def test_the_cached_background_follows_the_character_set() -> None:
    land = Landscape()
    app = PlotApp(land)
    async with app.run_test(size=(60, 20)) as pilot:
        await shown(land, "1d", pilot)
        assert "·" in land.render().plain
        app.charset = ASCII  # the background cached for Unicode must not be reused
        land.refresh()
        await pilot.pause()
        assert land.render().plain.isascii()


async def test_next_axes_cycles_the_slices() -> None:
    land = Landscape()
    async with PlotApp(land).run_test(size=(80, 24)) as pilot:
        await shown(land, "3d", pilot)
        assert land.axes == (0, 1)
        assert [land.next_axes() for _ in range(3)] == [(0, 2), (1, 2), (0, 1)]
        land.next_axes()
        await pilot.pause()
        caption = lines(land)[0]
        assert caption.startswith("a ") and " c " in caption and "slice" in caption


async def test_arrow_keys_move_the_start() -> None:
    land = Landscape()
    messages: list[Landscape.StartMoved] = []
    app = PlotApp(land)
    async with app.run_test(size=(80, 24), message_hook=lambda m: messages.append(m)
                            if isinstance(m, Landscape.StartMoved) else None) as pilot:
        await shown(land, "2d", pilot)
        land.focus()
        box = land._box
        assert box is not None
        await pilot.press("right")
        await pilot.press("shift+up")
        await pilot.pause()
        moved = list({id(m): m for m in messages}.values())  # the hook sees each bubbling step
        assert len(moved) == 2
        messages = moved
        assert messages[0].start == pytest.approx([3.0 + box.width / 20, 2.0])
        assert messages[1].start == pytest.approx([3.0 + box.width / 20, 2.0 + box.height / 5])


async def test_data_fit_panel_and_toggle() -> None:
    land = Landscape()
    async with PlotApp(land, ascii=True).run_test(size=(80, 24)) as pilot:
        land.set_problem(LINE, [2.0, 1.0])  # the exact fit
        await pilot.pause()
        rows = lines(land)
        assert any("|" in r for r in rows[1:])  # separator between landscape and data
        panel = "\n".join(r[-(land.size.width // 3):] for r in rows[1:])
        assert panel.count("o") >= 10
        land.focus()
        await pilot.press("f")
        await pilot.pause()
        assert not land.fit_panel
        panel = "\n".join(r[-(land.size.width // 3):] for r in lines(land)[1:])
        assert panel.count("o") < 10  # only the path's own dots, if any


async def test_non_finite_path_and_gradient_do_not_crash() -> None:
    land = Landscape()
    async with PlotApp(land).run_test(size=(80, 24)) as pilot:
        land.set_problem(BOWL, [1.0, 1.0])
        land.show_path(np.array([[1.0, 1.0], [np.inf, 1e300], [np.nan, np.nan]]), 2, [np.nan, np.inf])
        await pilot.pause()
        assert len(lines(land)) == land.size.height
        land.set_problem(ONE, [1.0])
        land.show_path(np.array([[1.0], [np.nan]]), 1, [np.nan])
        await pilot.pause()
        assert len(lines(land)) == land.size.height


async def test_theme_change_recolours() -> None:
    land = Landscape()
    app = PlotApp(land)
    async with app.run_test(size=(60, 20)) as pilot:
        await shown(land, "2d", pilot)
        point = land._styles()[3].color
        app.theme = "mono"
        await pilot.pause()
        assert land._styles()[3].color != point
        assert len(lines(land)) == land.size.height


# ---------------------------------------------------------------- loss plot
def test_downsample_keeps_extremes() -> None:
    y = np.ones(100_000)
    y[12_345], y[67_890], y[5] = 50.0, -3.0, np.nan
    xs, ys = downsample(y, 40)
    assert len(xs) <= 80 and ys.max() == 50.0 and ys.min() == -3.0
    assert np.all(np.diff(xs) >= 0) and np.isfinite(ys).all()


@pytest.mark.parametrize("ascii", [False, True])
async def test_loss_plot_long_history_and_ascii(ascii: bool) -> None:
    plot = LossPlot()
    async with PlotApp(plot, ascii=ascii).run_test(size=(80, 24)) as pilot:
        loss = np.exp(-np.arange(1_000_000) / 1e5) + 1e-3
        plot.show_history(loss, 999_999)
        await pilot.pause()
        text = plot.render().plain
        assert "step 999999" in text and "(log)" in text
        if ascii:
            assert text.isascii()


async def test_loss_plot_log_toggle_and_negative_losses() -> None:
    plot = LossPlot()
    async with PlotApp(plot).run_test(size=(60, 16)) as pilot:
        plot.show_history(np.array([2.0, 1.0, 0.5, 0.25]), 3)
        await pilot.pause()
        assert plot.log_scale and "(log)" in plot.render().plain
        plot.toggle_log()
        await pilot.pause()
        assert not plot.log_scale and "(log)" not in plot.render().plain
        plot.toggle_log()
        plot.show_history(np.array([1.0, 0.0, -1.5]), 2)  # a saddle: the loss goes negative
        await pilot.pause()
        assert "log scale needs positive losses" in plot.render().plain


@pytest.mark.parametrize(
    "loss", [[1.0, np.nan, np.inf, 0.5], [np.nan, np.nan], [np.inf], [], [3.0], [-np.inf, 1.0]]
)
async def test_loss_plot_non_finite_never_crashes(loss: list[float]) -> None:
    plot = LossPlot()
    async with PlotApp(plot).run_test(size=(60, 16)) as pilot:
        plot.show_history(np.array(loss), max(len(loss) - 1, 0))
        await pilot.pause()
        assert isinstance(plot.render().plain, str)


async def test_loss_plot_redraws_only_on_new_input() -> None:
    plot = LossPlot()
    async with PlotApp(plot).run_test(size=(60, 16)) as pilot:
        plot.show_history(np.array([3.0, 2.0, 1.0]), 2)
        await pilot.pause()
        first = plot.render()
        assert plot.render() is first  # cached: nothing changed
        plot.show_history(np.array([3.0, 2.0, 1.0, 0.5]), 3)
        assert plot.render() is not first


async def test_loss_plot_colours_default_under_no_color() -> None:
    plot = LossPlot()
    app = PlotApp(plot)
    async with app.run_test(size=(60, 16)) as pilot:
        assert plot._colour("gd-plot-line", "primary") != "default"
        app.no_color = True
        assert plot._colour("gd-plot-line", "primary") == "default"
        plot.show_history(np.array([3.0, 2.0]), 1)
        await pilot.pause()
        text = plot.render()
        assert not any(getattr(span.style, "color", None) for span in text.spans)


# ------------------------------------------------------------ polish pass
PARABOLA = Objective(params=("x",), array_fn=lambda x: (x**2, (2 * x,)), hessian_fn=lambda x: ((2,),))


@pytest.mark.parametrize("size", [(36, 19), (60, 21)])
async def test_surface_is_solid_shading_lightest_at_the_minimum(size: tuple[int, int]) -> None:
    from gdtui.ui.widgets._canvas import UNICODE

    land = Landscape()
    async with PlotApp(land).run_test(size=size) as pilot:
        land.set_problem(BOWL, [3.0, 2.0])
        await pilot.pause()
        rows = lines(land)[1:]
        x, y = land.point_cell([0.0, 0.0])  # type: ignore[misc]
        assert rows[y - 1][x] == " "  # the lowest band is blank
        body = [ch for r in rows for ch in r]
        # every cell is a ramp character or an overlay glyph: no blank gaps at band edges
        ramp_cells = [ch for ch in body if ch in UNICODE.ramp]
        assert len(ramp_cells) >= len(body) - 10
        blank = sum(ch == " " for ch in body)
        assert blank <= len(body) // len(UNICODE.ramp) + 2 * size[0]  # about one band's area
        assert "@" in body  # the highest band is the densest


async def test_start_point_is_marked() -> None:
    land = Landscape()
    async with PlotApp(land, ascii=True).run_test(size=(60, 20)) as pilot:
        path = await shown(land, "2d", pilot)
        x, y = land.point_cell(path[0])  # type: ignore[misc]
        assert lines(land)[y][x] == "s"
    land = Landscape()
    async with PlotApp(land).run_test(size=(60, 20)) as pilot:
        path = await shown(land, "2d", pilot)
        x, y = land.point_cell(path[0])  # type: ignore[misc]
        assert lines(land)[y][x] == "○"


async def test_one_d_view_reaches_the_minimum_from_a_far_start() -> None:
    land = Landscape()
    async with PlotApp(land).run_test(size=(60, 20)) as pilot:
        land.set_problem(PARABOLA, [5.0])
        land.show_path(np.array([[5.0]]), 0, [10.0])
        await pilot.pause()
        box = land._box
        assert box is not None and box.x0 < 0.0 < 5.0 < box.x1


async def test_two_d_view_reaches_a_far_minimum() -> None:
    shifted = Objective(params=("x", "y"),
                        array_fn=lambda x, y: ((x - 20) ** 2 + (y + 1) ** 2, (2 * (x - 20), 2 * (y + 1))),
                        hessian_fn=lambda x, y: ((2, 0), (0, 2)))
    land = Landscape()
    async with PlotApp(land).run_test(size=(60, 20)) as pilot:
        land.set_problem(shifted, [0.0, 0.0])
        await pilot.pause()
        land.render()
        assert land._box is not None and land._box.contains(np.array([[20.0, -1.0], [0.0, 0.0]]))


async def test_arrow_keeps_its_head_at_the_edge() -> None:
    land = Landscape()
    async with PlotApp(land, ascii=True).run_test(size=(60, 20)) as pilot:
        land.set_problem(BOWL, [2.0, 0.0])
        await pilot.pause()
        land.render()
        box = land._box
        assert box is not None
        edge = [box.x0 + box.width * 0.04, 0.0]  # two cells from the left edge
        land.show_path(np.array([[2.0, 0.0], edge]), 1, [1.0, 0.0])  # −∇f points out to the left
        await pilot.pause()
        x, y = land.point_cell(edge)  # type: ignore[misc]
        assert 1 <= x <= 3 and "<" in lines(land)[y][:x]  # a shorter arrow, head included


def test_view_helpers_ignore_an_unbounded_direction() -> None:
    from gdtui.engine import landscape as L

    cubic = Objective(params=("x",), array_fn=lambda x: (x**3, (3 * x**2,)), hessian_fn=lambda x: ((6 * x,),))
    assert L.low_point_1d(cubic, 1.0, 2.0, grow=3) is None  # falls for ever to the left
    assert L.low_point_1d(PARABOLA, 3.0, 6.0, grow=3) == pytest.approx(0.0, abs=0.2)
    box = L.view_span(PARABOLA, 5.0, np.array([5.0, 4.0]), 40)
    assert box.x0 < 0 < box.x1 and box.y0 < 0 < 25 < box.y1


# ------------------------------------------------- bytes on the wire (issue 4)
# A slow SSH link pays for every cell a widget refreshes and ~20 bytes of colour codes
# per segment.  These check the mechanisms with counters, never with timing.
from rich.segment import Segment  # noqa: E402
from rich.style import Style  # noqa: E402
from textual.geometry import Region  # noqa: E402
from textual.strip import Strip  # noqa: E402

from gdtui.ui.screens.live import DRAW_FPS, LiveRunner  # noqa: E402
from gdtui.ui.widgets.frame_gate import FrameGate  # noqa: E402
from gdtui.ui.widgets import landscape as landscape_module  # noqa: E402
from gdtui.ui.widgets import loss_plot as loss_module  # noqa: E402
from gdtui.ui.widgets._canvas import Painter, merge_segments  # noqa: E402


def spy_refreshes(widget: Widget) -> list[tuple[Region, ...]]:
    """Record the regions of every repaint `widget` asks for (() = the whole widget)."""
    calls: list[tuple[Region, ...]] = []
    set_dirty = widget._set_dirty

    def spy(*regions: Region) -> None:
        calls.append(regions)
        set_dirty(*regions)

    widget._set_dirty = spy  # type: ignore[method-assign]
    return calls


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_painter_reports_one_region_per_changed_row() -> None:
    painter = Painter()
    chars = np.full((4, 10), ".", dtype="<U1")
    ink = np.zeros((4, 10), dtype=np.int16)
    styles = [Style.null(), Style(color="red")]
    assert painter.show(chars, ink, styles, Style()) is None  # first picture: everything
    chars2, ink2 = chars.copy(), ink.copy()
    chars2[1, 2], chars2[1, 7], ink2[3, 0] = "x", "y", 1
    regions = painter.show(chars2, ink2, styles, Style())
    # one region per row (Textual resends a row from the widget's edge for every region)
    assert regions == [Region(2, 1, 6, 1), Region(0, 3, 1, 1)]
    assert painter.show(chars2.copy(), ink2.copy(), styles, Style()) == []  # nothing changed
    assert painter.show(chars2, ink2, [Style.null(), Style(color="blue")], Style()) is None


def test_painter_merges_blanks_into_one_segment_per_colour() -> None:
    painter = Painter()
    chars = np.array([list(" .:  ;=  x ")], dtype="<U1")
    ink = np.array([[0, 1, 1, 0, 0, 1, 1, 0, 0, 2, 0]], dtype=np.int16)
    painter.show(chars, ink, [Style.null(), Style(color="grey50"), Style(color="red", bold=True)], Style())
    strip = painter.strip(0)
    assert "".join(seg.text for seg in strip) == " .:  ;=  x "
    assert len(list(strip)) == 2  # the shading with its blanks, then the red x with the last blank


def test_merge_segments_keeps_the_picture_with_fewer_segments() -> None:
    bold, plain = Style(color="white", bgcolor="black", bold=True), Style(color="white", bgcolor="black")
    strip = Strip([Segment(" ", plain), Segment("w", bold), Segment("    ", plain),
                   Segment("  1.5 ", Style(color="white", bgcolor="black", italic=False)),
                   Segment("  2.5 ", plain)])
    merged = list(merge_segments(strip))
    assert "".join(s.text for s in merged) == " w      1.5   2.5 "
    assert [s.style.bold for s in merged] == [True, None]  # " w    " bold, the numbers plain


async def test_a_frame_where_only_the_path_moved_refreshes_only_changed_lines() -> None:
    land = Landscape()
    async with PlotApp(land).run_test(size=(60, 20)) as pilot:
        obj, start = PROBLEMS["2d"]
        land.set_problem(obj, start)
        path = descend(obj, start, steps=30, lr=0.02)
        land.show_path(path, 10, obj.value_grad(path[10])[1])
        await pilot.pause()
        before = [land.render_line(y) for y in range(land.size.height)]
        calls = spy_refreshes(land)
        land.show_path(path, 11, obj.value_grad(path[11])[1])
        assert calls and all(regions for regions in calls)  # only regions, never the whole widget
        rows = {r.y for regions in calls for r in regions}
        assert 0 < len(rows) <= 8 < land.size.height
        await pilot.pause()
        after = [land.render_line(y) for y in range(land.size.height)]
        assert all(after[y] is before[y] for y in range(land.size.height) if y not in rows)
        assert [s.text for s in after] == land.render().plain.split("\n")  # strips == the picture


def _counting(fn, calls: list[int]):  # type: ignore[no-untyped-def]
    """``fn``, appending to ``calls`` each time it is called (a test hook, not a field)."""

    def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return fn(*args, **kwargs)

    return wrapped


async def test_live_landscape_and_loss_plot_redraw_at_most_their_fps_then_catch_up() -> None:
    land, plot = Landscape(), LossPlot()

    class Two(PlotApp):
        def compose(self):
            yield land
            yield plot

    app = Two(land)
    async with app.run_test(size=(60, 30)) as pilot:
        obj, start = PROBLEMS["2d"]
        land.set_problem(obj, start)
        path = descend(obj, start, steps=40, lr=0.02)
        loss = np.array([obj.value(list(p)) for p in path])
        await pilot.pause()
        clock = FakeClock()
        land._gate.clock = plot._gate.clock = clock
        builds: list[int] = []  # each plotext run of the loss plot
        draws: list[int] = []  # each redraw of the landscape
        plot._build = _counting(plot._build, builds)
        land._gate.draw = _counting(land._gate.draw, draws)
        land.live = plot.live = True  # what the main screen pushes down while running live
        for k in range(31):  # one second of frames at 30 fps
            land.show_path(path, k, obj.value_grad(path[k])[1])
            plot.show_history(loss[: k + 1], k)
            clock.now += 1 / 30
        assert len(builds) <= loss_module.LIVE_FPS + 1
        assert 0 < len(draws) <= landscape_module.LIVE_FPS + 1
        land.live = plot.live = False  # paused: the next frame is drawn at once, exactly
        plot.show_history(loss[:36], 35)
        land.show_path(path, 35, obj.value_grad(path[35])[1])
        assert plot.render().plain.split("\n")[0].strip().startswith("step 35")
        await pilot.pause()
        cell = land.point_cell(path[35])
        assert cell is not None and land.render_line(cell[1]).text[cell[0]] == "●"


async def test_frame_gate_draws_the_last_frame_after_the_interval() -> None:
    plot = LossPlot()
    app = PlotApp(plot)
    async with app.run_test(size=(60, 16)) as pilot:
        plot._gate.clock = FakeClock()  # no time passes between the two frames, however busy the machine
        plot.show_history(np.array([3.0, 2.0]), 1)
        await pilot.pause()
        plot.live = True
        plot.show_history(np.array([3.0, 2.0, 1.0]), 2)  # too soon: drawn by the trailing timer
        assert "step 1" in plot.render().plain
        for _ in range(200):  # the timer is due after one frame's interval; a busy machine is late
            await pilot.pause(1 / loss_module.LIVE_FPS)
            if "step 2" in plot.render().plain:
                break
        assert "step 2" in plot.render().plain


def test_live_runner_redraws_at_most_draw_fps_and_always_when_it_stops() -> None:
    class Pacer:
        def start(self) -> None: ...
        def owed(self, speed: float) -> int: return 1
        def interval(self, speed: float) -> float: return 1 / 30
        def tick_interval(self, speed: float, fps: float) -> float: return 1 / 30

    class Session:
        speed, pacer, running = 30, Pacer(), True
        ticks = 0  # batches stepped

        def step(self, n: int) -> int:
            self.ticks += 1
            return n

    class Node:
        def set_interval(self, *a: object) -> object:
            return type("T", (), {"stop": lambda self: None})()

    frames: list[int] = []
    clock = FakeClock()
    session = Session()
    runner = LiveRunner(Node(), lambda: session, lambda: frames.append(1), clock=clock)  # type: ignore[arg-type]
    runner.start()
    for _ in range(30):  # one second of ticks at 30 a second
        clock.now += 1 / 30
        runner._tick()
    assert session.ticks == 30 and DRAW_FPS - 1 <= len(frames) <= DRAW_FPS + 1
    session.running = False  # converged
    before = len(frames)
    runner._tick()  # stops by itself: that frame is always drawn
    assert not runner.running and len(frames) == before + 1


def test_frame_gate_draws_at_once_when_not_live() -> None:
    drawn: list[int] = []
    gate = FrameGate(Widget(), 5, lambda: drawn.append(1), live=lambda: False, clock=FakeClock())
    for _ in range(10):
        assert gate.request()
    assert len(drawn) == 10


def test_loss_title_is_shortened_to_fit_rather_than_dropped() -> None:
    from gdtui.ui.widgets.loss_plot import _heading

    note = "log scale needs positive losses"
    assert _heading("step 3  loss -7.008", note, False, 80) == f"step 3  loss -7.008  {note}"
    # 41 columns (the loss pane at 80x24): the long note does not fit, the short one does
    assert _heading("step 3  loss -7.008", note, False, 41) == "step 3  loss -7.008  (linear)"
    assert _heading("step 3  loss -7.008", note, False, 25) == "k 3  f -7.008"
    assert _heading("step 3  loss 1", "", True, 41) == "step 3  loss 1  (log)"
    assert _heading("step 3  loss 1", "", False, 41) == "step 3  loss 1  (linear)"  # the scale is named
    # 60x20: the loss pane is ~21 columns; a short title rather than none
    assert _heading("step 20  loss 0.003323", "", True, 21) == "f 0.003323"
    # another note is never shortened into a wrong one
    assert _heading("step 3  loss inf", "loss is inf at step 3", False, 41) == "step 3  loss inf  (linear)"
