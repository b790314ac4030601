"""Save the README's screenshots (SVG, via Textual): docs/screenshot.svg (80x24) and
docs/screenshot-120x40.svg, on the default problem after a few steps.

    .venv/bin/python tools/screenshot.py
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from gdtui.settings import DEFAULT_PRESET, Settings
from gdtui.ui.app import GdApp

DOCS = Path(__file__).resolve().parent.parent / "docs"


async def shoot(size: tuple[int, int], name: str, preset: str, steps: int) -> None:
    app = GdApp(Settings(preset=preset))
    async with app.run_test(size=size) as pilot:
        for _ in range(200):  # wait for the problem to compile
            await pilot.pause(0.05)
            if app.session.ready:
                break
        for _ in range(steps):
            await pilot.press("space")
        await pilot.pause(0.3)
        app.save_screenshot(str(DOCS / name))
    print(f"wrote docs/{name}")


async def main() -> None:
    await shoot((80, 24), "screenshot.svg", DEFAULT_PRESET, 12)
    await shoot((120, 40), "screenshot-120x40.svg", "rosenbrock", 40)


if __name__ == "__main__":
    asyncio.run(main())
