"""The first frame needs no numpy (issue 13: ``gdtui``'s first frame within 1.5× a
hello-world Textual app's; numpy alone is a third of that app's start).

Each test runs in a fresh interpreter: in this one numpy was imported long ago.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from gdtui.lazy_import import defer


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_panes_are_painted_before_numpy_is_imported() -> None:
    out = run("""
        import asyncio, sys
        from gdtui.lazy_import import defer, deferred
        defer("numpy")  # what the gdtui command does
        from gdtui.problem import validate_quickly
        from gdtui.settings import DEFAULT_PRESET, Settings
        settings = validate_quickly(Settings(preset=DEFAULT_PRESET))  # bad options: one line first
        from gdtui.ui import jobs
        compile_problem = jobs.compile_problem
        jobs.compile_problem = lambda *a, **k: None  # hold the compile back: it needs numpy
        from gdtui.ui.app import GdApp

        async def main():
            app = GdApp(settings)
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                text = "\\n".join(s.text for s in app.screen._compositor.render_strips())
                print("deferred at first frame:", deferred())
                print("panes:", all(t in text for t in ("function", "landscape", "loss", "state")))
                compile_problem(app.main_screen, settings, "")  # now the problem, with numpy
                for _ in range(600):
                    await pilot.pause(0.05)
                    if app.session.ready:
                        break
                await pilot.pause()
                print("compiled:", app.session.ready, "deferred after:", deferred())
                print("numpy works:", float(sys.modules["numpy"].zeros(3).sum()) == 0.0)

        asyncio.run(main())
    """)
    assert "deferred at first frame: True" in out
    assert "panes: True" in out
    assert "compiled: True deferred after: False" in out
    assert "numpy works: True" in out


def test_a_deferred_module_is_imported_once_on_first_use(tmp_path, monkeypatch) -> None:
    (tmp_path / "gd_deferred_probe.py").write_text("RUNS = []\nRUNS.append(1)\nVALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "gd_deferred_probe", raising=False)
    defer("gd_deferred_probe")
    import gd_deferred_probe as probe  # the stand-in: nothing ran yet

    assert "RUNS" not in vars(probe)
    import threading

    seen: list[int] = []
    threads = [threading.Thread(target=lambda: seen.append(probe.VALUE)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [42] * 8
    assert probe.RUNS == [1]  # executed once, whatever thread asked first
    assert sys.modules["gd_deferred_probe"].VALUE == 42  # the real module took its place
