"""`gdtui classroom` as a teacher runs it: a process, its startup lines, SIGTERM, the log."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys

from classroom_helpers import WAIT, Terminal


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_the_command_starts_says_how_to_connect_and_ends_cleanly_on_sigterm(tmp_path):
    import asyncssh

    port = _free_port()
    log = tmp_path / "class.log"
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))
    server = subprocess.Popen(
        [sys.executable, "-m", "gdtui", "classroom", "--no-auth", "--no-dashboard", "--port", str(port),
         "--log", str(log)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        loop = asyncio.get_running_loop()
        end = loop.time() + WAIT
        conn = None
        while conn is None:
            try:
                conn = await asyncssh.connect("127.0.0.1", port, username="kim", known_hosts=None,
                                              client_keys=None, agent_path=None)
            except OSError:
                if loop.time() > end or server.poll() is not None:
                    raise
                await asyncio.sleep(0.2)
        process = await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
        kim = Terminal(conn, process, (80, 24))
        await kim.wait_for("step 0")
        server.send_signal(signal.SIGTERM)
        await kim.closed()
        assert bytes(kim.raw).rstrip().endswith(b"the class has ended. Goodbye!")
        out, err = server.communicate(timeout=WAIT)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 0
    text = err.decode()
    assert "WARNING: --no-auth" in text
    key = tmp_path / "state" / "gdtui" / "classroom_host_ed25519"
    assert key.exists() and f"created the host key {key}" in text
    assert f"students connect with: ssh -t -p {port} NAME@127.0.0.1" in text
    assert "host key SHA256:" in text
    (line,) = log.read_text().splitlines()
    assert "user=kim" in line and "end=class ended" in line
