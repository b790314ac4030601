"""Shared fixtures and helpers for the Pilot and snapshot tests of the TUI.

- Every test here runs with animations off and the Input cursor not blinking
  (autouse `calm_textual`): both make screenshots time-dependent (textual PR #6223).
- `ready(pilot)` waits until the first problem compiled; `settle(pilot)` also waits
  for the debounced function-field check and any worker it started, so what is on
  screen no longer changes by itself.
- `screen_text(app)` is what the terminal shows, as plain text.
- `make_app(**settings)` builds the app as the `gdtui` command does.

Test modules get these through the `ui` fixture (`ui.settle`, `ui.make_app` ...), not
`from conftest import ...`: tests/engine and tests/expr have a conftest.py too, and
which one "conftest" names depends on the order pytest collects them.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from ui_waits import workers_done
import textual.constants
from textual.widgets import Input

from gdtui.ui.widgets.function_pane import DEBOUNCE


@pytest.fixture(autouse=True)
def own_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """`s` and `e` write into the working directory and lesson progress goes to the XDG
    state folder: in tests both are fresh temporary folders (random keys press s and e)."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))


@pytest.fixture(autouse=True)
def calm_textual(monkeypatch: pytest.MonkeyPatch) -> None:
    """No animations, no blinking cursor: the screen depends only on what was done."""
    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setattr(Input, "cursor_blink", False)  # the class default; instances read it


async def ready(pilot, timeout: float = 30.0) -> None:
    """Wait until the first problem compiled (the symbolic worker starts on demand)."""
    app = pilot.app
    for _ in range(int(timeout / 0.05)):
        await workers_done(app)
        await pilot.pause()
        if app.session.ready:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the problem never compiled")


async def quiet(pilot) -> None:
    """Let debounced edits fire and every worker they start finish, then redraw.

    The debounce is a timer: on a loaded machine it can fire later than DEBOUNCE, so
    wait until no function pane still holds an edit back."""
    from gdtui.ui.widgets.function_pane import FunctionPane

    await asyncio.sleep(DEBOUNCE + 0.1)
    for _ in range(200):
        if not any(p.edit_pending for p in pilot.app.screen.query(FunctionPane)):
            break
        await asyncio.sleep(0.05)
    await pilot.pause()
    await workers_done(pilot.app)
    await pilot.pause()
    await workers_done(pilot.app)
    await pilot.pause()


async def settle(pilot, steps: int = 3) -> None:
    """The deterministic state the snapshots show: compiled, `steps` spaces, all quiet."""
    await ready(pilot)
    for _ in range(steps):
        await pilot.press("space")
    await quiet(pilot)


def screen_text(app) -> str:
    """What the terminal shows, as plain text (one line per row)."""
    return "\n".join("".join(seg.text for seg in strip)
                     for strip in app.screen._compositor.render_strips())


def make_app(**settings: object):
    """The app exactly as the `gdtui` command builds it: preset defaults applied
    (the default problem when neither fn nor preset is given) and options checked."""
    from gdtui.problem import validate_quickly
    from gdtui.settings import DEFAULT_PRESET, Settings
    from gdtui.ui.app import GdApp

    s = Settings(**settings)  # type: ignore[arg-type]
    if not s.fn and not s.preset:
        s.preset = DEFAULT_PRESET
    return GdApp(validate_quickly(s))


@pytest.fixture
def ui() -> SimpleNamespace:
    """The helpers above: `ready`, `quiet`, `settle`, `screen_text`, `make_app`."""
    return SimpleNamespace(ready=ready, quiet=quiet, settle=settle, screen_text=screen_text,
                           make_app=make_app)
