"""`gdtui serve` in headless Chromium: load the page, see the app, press space, see the step change.

Chromium is driven over the DevTools protocol (a websocket, with aiohttp, which
textual-serve already needs).  The terminal is drawn on a canvas, so the test reads
what the page received over its websocket (DevTools reports every frame) through a
terminal emulator: that is exactly what the page draws.  A screenshot is kept in
``test-artifacts/serve-browser.png`` (or $GDTUI_ARTIFACTS).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyte
import pytest

from gdtui.serve import browser_url

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60.0


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, process: subprocess.Popen, timeout: float = WAIT) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            raise AssertionError(f"exited early: {process.stderr.read().decode()[-500:] if process.stderr else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listening on {port}")


class DevTools:
    """A minimal DevTools-protocol client for one page."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.next_id = 0
        self.replies: dict[int, asyncio.Future] = {}
        self.frames = bytearray()  # what the page's websocket received
        self.screen = pyte.Screen(200, 60)
        self.stream = pyte.ByteStream(self.screen)
        self.task = asyncio.ensure_future(self._pump())

    async def _pump(self) -> None:
        async for message in self.ws:
            data = json.loads(message.data)
            if "id" in data and data["id"] in self.replies:
                self.replies.pop(data["id"]).set_result(data)
            elif data.get("method") == "Network.webSocketFrameReceived":
                response = data["params"]["response"]
                payload = response["payloadData"]
                chunk = base64.b64decode(payload) if response.get("opcode") == 2 else payload.encode()
                self.frames += chunk
                self.stream.feed(chunk)

    async def call(self, method: str, **params):
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.replies[self.next_id] = future
        await self.ws.send_str(json.dumps({"id": self.next_id, "method": method, "params": params}))
        reply = await asyncio.wait_for(future, WAIT)
        if "error" in reply:
            raise AssertionError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def wait_for(self, needle: str) -> str:
        end = time.monotonic() + WAIT
        while needle not in self.text():
            if time.monotonic() > end:
                raise AssertionError(f"{needle!r} never shown; the page shows:\n{self.text()}")
            await asyncio.sleep(0.1)
        return self.text()


@pytest.fixture
def served():
    port = _free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen([sys.executable, "-m", "gdtui", "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                               start_new_session=True)
    try:
        _wait_port(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def chromium(tmp_path):
    binary = _chromium()
    if binary is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium; .ci/run installs it)")
    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", "--disable-background-networking", "--disable-sync",
         "--window-size=1100,760", "--remote-debugging-port=0", f"--user-data-dir={profile}",
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    port_file = profile / "DevToolsActivePort"
    end = time.monotonic() + WAIT
    while not port_file.exists() or not port_file.read_text().strip():
        if process.poll() is not None or time.monotonic() > end:
            process.kill()
            pytest.fail("Chromium did not start")
        time.sleep(0.1)
    try:
        yield int(port_file.read_text().split()[0])
    finally:
        process.kill()
        process.wait(10)


async def test_the_app_runs_in_a_browser_tab(served, chromium):
    import aiohttp

    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{chromium}/json/list") as r:
            targets = await r.json()
        page = next(t for t in targets if t.get("type") == "page")
        async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            tools = DevTools(ws)
            await tools.call("Network.enable")
            await tools.call("Page.enable")
            # Through a name the server never heard of (like an ssh -L tunnel's localhost:PORT).
            await tools.call("Page.navigate", url=f"http://localhost:{served}/")
            await tools.wait_for("step 0")
            assert "loss" in tools.text()
            # Keys go to xterm's hidden text area, as when a student clicks into the page.
            # The first frame can reach the page before the app listens for keys (or before
            # xterm's text area takes focus), so a press that changes nothing is repeated:
            # what is tested is that a key typed in the tab steps the run, not its timing.
            screen = ""
            end = time.monotonic() + WAIT
            while not re.search(r"step [1-9]", screen):
                if time.monotonic() > end:
                    raise AssertionError(f"space never stepped the run; the page shows:\n{screen}")
                await tools.call("Runtime.evaluate", expression="document.querySelector('textarea').focus()")
                for kind in ("keyDown", "char", "keyUp"):
                    params = {"type": kind, "key": " ", "code": "Space", "windowsVirtualKeyCode": 32}
                    if kind == "char":
                        params["text"] = " "
                    await tools.call("Input.dispatchKeyEvent", **params)
                for _ in range(30):  # up to 3 s for the frame after the press
                    await asyncio.sleep(0.1)
                    screen = tools.text()
                    if re.search(r"step [1-9]", screen):
                        break
            assert re.search(r"step [1-9]", screen) and "loss" in screen
            await asyncio.sleep(0.5)  # let the canvas catch up before the picture
            shot = await tools.call("Page.captureScreenshot", format="png")
            folder = Path(os.environ.get("GDTUI_ARTIFACTS", ROOT / "test-artifacts"))
            folder.mkdir(parents=True, exist_ok=True)
            picture = folder / "serve-browser.png"
            picture.write_bytes(base64.b64decode(shot["data"]))
            assert picture.stat().st_size > 5000
            tools.task.cancel()


def test_page_urls_follow_the_browser_and_refuse_odd_host_headers():
    fallback = "http://127.0.0.1:8000"
    assert browser_url("http", "localhost:9000", fallback) == "http://localhost:9000"
    assert browser_url("https", "class.example.org", fallback) == "https://class.example.org"
    assert browser_url("http", "[::1]:8000", fallback) == "http://[::1]:8000"
    for bad in ("", "evil.com/\"><script>", "a b", "x:1:2:3"):
        assert browser_url("http", bad, fallback) == fallback


def test_the_page_loads_nothing_from_the_internet():
    from gdtui.serve import make_server

    server = make_server("127.0.0.1", 8000, None)
    assert "googleapis" not in server.page and "{{ config.static.url }}" in server.page
