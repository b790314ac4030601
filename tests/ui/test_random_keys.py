"""Thousands of seeded random keys and pastes: the app never crashes, never quits,
and afterwards what it shows still agrees with the run it holds.

Keys are posted to the app the way Pilot does it (one `Key` event each), but in
bursts of up to 25 between pauses, which is also how keys reach the app over a slow
SSH link.  Pastes go to the focused widget (often an Input, focused on purpose) and
are sometimes submitted with enter: code, huge powers, deep brackets, unicode, long
text.  `q`, ctrl+q, ctrl+c and ctrl+z are never sent (they quit or suspend); the
command palette is opened, typed into and escaped, never run (its system commands
quit or save files).  Reproducible: the seed is in the test id.
"""

from __future__ import annotations

import asyncio
import random
import string
import unicodedata

import pytest
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.widgets import Input

from gdtui.ui.fmt import fmt
from gdtui.ui.screens.main import MainScreen
from gdtui.ui.widgets.state_table import CELL, StateTable
from gdtui.ui.widgets.status_bar import WORDS, StatusBar

KEYS = 2000
STATUSES = set(WORDS)  # "running", "converged", "diverged", "domain-error", "max-steps"

# `t` (next theme) restyles every widget, about 0.3 s each on the test machine, so it is
# sent on its own at a low rate rather than as one of the common keys.
PRINTABLE = [c for c in string.ascii_letters + string.digits + string.punctuation
             if c not in "qt"]
UNICODE_KEYS = ["é", "π", "∂", "²", "中", "🙂", "\u00a0"]
SPECIAL = ["space", "enter", "tab", "shift+tab", "escape", "up", "down", "left", "right",
           "shift+up", "shift+left", "home", "end", "pageup", "pagedown", "backspace", "delete",
           "ctrl+a", "ctrl+e", "ctrl+k", "ctrl+u", "ctrl+w", "ctrl+d"]
FUNCTION_KEYS = [f"f{i}" for i in range(1, 13)]
APP_KEYS = ["question_mark", "p", "n", "b", "r", "l", "f", "plus", "minus", "space"]

PASTES = [
    "__import__('os').system('echo hi')",
    "9^9^9^9",
    "9**9**9**9",
    "(" * 400,
    "(" * 400 + "x" + ")" * 400,
    "x" * 5000,
    "x^2 + y^2 " * 300,
    "exp(exp(exp(exp(exp(x)))))",
    "sin(x)*∂y + π",
    "中文 🙂 é\u200b\u00a0",
    "x^2\ny^2\r\n\tz",
    "1e308*1e308 + x",
    "lambda: 0",
    "x.__class__",
    "-1e-400",
    "nan",
    "inf",
    "0.1",
    "",
    " ",
    "\x1b[31mred\x1b[0m",
    "x^2 + 3*x*y + y^2",
    "log(x) + sqrt(-y)",
    "abs(x) + y^4",
]


def key_event(key: str) -> events.Key:
    """A Key event exactly as `Pilot.press` builds it (textual 8.2.8 `App._press_keys`)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def random_paste(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return rng.choice(PASTES)
    alphabet = string.printable + "∂πé中🙂²√∑ \u200b"
    return "".join(rng.choice(alphabet) for _ in range(rng.choice([1, 10, 80, 2000])))


def random_key(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.004:
        return "t"
    if r < 0.25:
        return rng.choice(APP_KEYS)
    if r < 0.6:
        return rng.choice(PRINTABLE)
    if r < 0.92:
        return rng.choice(SPECIAL)
    if r < 0.97:
        return rng.choice(FUNCTION_KEYS)
    return rng.choice(UNICODE_KEYS)


def send(app, key: str) -> None:
    """Queue one key press, as the terminal driver would."""
    event = key_event(key)
    event.set_sender(app)
    app._driver.send_message(event)


async def alive(pilot) -> None:
    """Let queued keys be handled; the app must still be up.

    Not `pilot.pause()`: that waits for the process to go idle, which a live run
    at 10000 steps/s never does (it would wait its full second every burst)."""
    app = pilot.app
    await asyncio.sleep(0.02)
    await pilot._wait_for_screen()
    assert app._exception is None, app._exception
    assert app.is_running, "random keys closed the app"


async def drain(pilot, timeout: float = 20.0) -> None:
    """Wait until every queued key has been handled."""
    app = pilot.app
    for _ in range(int(timeout / 0.05)):
        await asyncio.sleep(0.05)
        if app._message_queue.empty() and app.screen._message_queue.empty():
            break
    await pilot._wait_for_screen()


async def back_to_the_playground(pilot, ui) -> None:
    """Close whatever is open (help, palette, a Select's menu), leave fields, pause."""
    app = pilot.app
    await drain(pilot)
    for _ in range(6):
        if isinstance(app.screen, MainScreen) and not isinstance(app.focused, Input):
            break
        await pilot.press("escape")
    assert isinstance(app.screen, MainScreen), type(app.screen).__name__
    if app.main_screen.live:
        await pilot.press("p")
    await ui.quiet(pilot)  # debounced checks and compiles finish, then one redraw
    assert not app.main_screen.live


def check_consistent(app) -> None:
    """What the panes show agrees with the session's run."""
    screen = app.main_screen
    run = app.session.run
    assert run is not None
    assert run.status in STATUSES, run.status
    assert screen.query_one("#state").border_title == f"state · step {run.k}"
    status = str(screen.query_one(StatusBar).render())
    words = [WORDS[run.status]] if run.status != "running" else ["ready", "paused"]
    assert any(status.lstrip().startswith(f"step {run.k:,} · {w}") for w in words), (status, run.status)
    table = screen.query_one(StateTable)
    params = app.session.params
    for i, p in enumerate(params):
        assert str(table.get_cell("w", p)) == fmt(run.w[i], CELL), (p, run.w)


@pytest.mark.parametrize("seed", [20261125])
async def test_random_keys_and_pastes(ui, seed: int) -> None:
    rng = random.Random(seed)
    app = ui.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        inputs = list(app.main_screen.query(Input))
        assert inputs
        sent = 0
        while sent < KEYS:
            r = rng.random()
            if r < 0.03:  # the command palette: open, type a little, escape (never run)
                send(app, "ctrl+p")
                await alive(pilot)
                for _ in range(rng.randrange(4)):
                    send(app, rng.choice(string.ascii_lowercase))
                send(app, "escape")
                await alive(pilot)
                sent += 2
                continue
            if r < 0.09:  # a paste, into a field more often than not
                if rng.random() < 0.7:
                    inputs = list(app.main_screen.query(Input))  # start fields come and go
                    rng.choice(inputs).focus()
                    await alive(pilot)
                app.post_message(events.Paste(random_paste(rng)))
                if rng.random() < 0.6:
                    send(app, "enter")
                await alive(pilot)
                continue
            for _ in range(rng.randrange(1, 26)):
                send(app, random_key(rng))
                sent += 1
            await alive(pilot)
            if rng.random() < 0.1:
                await asyncio.sleep(0.1)  # live frames, debounce timers and workers run

        await back_to_the_playground(pilot, ui)
        check_consistent(app)
        text = ui.screen_text(app)
        assert f"state · step {app.session.run.k}" in text

        # Still responsive: reset goes to step 0, and a step from there is step 1.
        await pilot.press("r")
        await pilot.pause()
        run = app.session.run
        assert run.k == 0
        check_consistent(app)
        await pilot.press("space")
        await pilot.pause()
        assert run.k == 1 or run.status != "running"
        check_consistent(app)
        assert app._exception is None
