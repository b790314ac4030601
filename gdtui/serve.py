"""`gdtui serve`: the same app in a browser tab, through textual-serve.

textual-serve starts one gdtui process per browser tab and talks to it over a
websocket.  Two of its pitfalls are handled here:

- It builds absolute URLs from its own host and port, which break behind
  0.0.0.0 and ``ssh -L`` tunnels (textual-serve #28, #42).  Without
  ``--public-url`` each page is built from the address the browser itself used
  (its Host header, checked to be a plain host[:port]); ``--public-url`` fixes it
  explicitly (a reverse proxy, https).
- Its page loads a web font from the internet; gdtui's page does not (no network
  at run time), so the browser's own monospace font is used.

There is no login: it listens on loopback unless --host says otherwise.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from typing import Any, Callable

__all__ = ["add_parser", "app_command", "make_server", "run"]

_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253})(:[0-9]{1,5})?$")
_FONT_LINK = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*/>\s*", re.S)


def add_parser(sub: Any, whole: Callable[..., Any]) -> None:
    """Add `serve` to the subcommands (``whole`` is the CLI's whole-number type)."""
    p = sub.add_parser("serve", help="gdtui in a web browser (textual-serve; no login)",
                       description="Serve gdtui to web browsers: one gdtui per browser tab. There is no "
                                   "login: it listens on 127.0.0.1 unless --host says otherwise.")
    p.add_argument("--host", default="127.0.0.1", metavar="ADDR", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=whole("--port", minimum=1), default=8000, metavar="N", help="port (default 8000)")
    p.add_argument("--public-url", metavar="URL",
                   help="the address browsers use, e.g. http://server.example:8000 (default: whatever "
                        "address the browser used, which also works through ssh -L)")


def app_command(argv: list[str] | None = None) -> str:
    """The shell command textual-serve runs for each tab (this Python, this gdtui)."""
    return " ".join(shlex.quote(a) for a in [sys.executable, "-m", "gdtui", *(argv or [])])


def make_server(host: str, port: int, public_url: str | None, command: str | None = None) -> Any:
    """A textual-serve Server for gdtui (imports aiohttp and textual-serve)."""
    from pathlib import Path

    import aiohttp_jinja2
    import jinja2
    from textual_serve.server import Server

    class GdServer(Server):
        """textual-serve with URLs that follow the browser, and no web font from the internet."""

        def __init__(self) -> None:
            super().__init__(command or app_command(), host=host, port=port, title="gdtui",
                             public_url=public_url)
            self.fixed_url = public_url.rstrip("/") if public_url else None
            if self.fixed_url:
                self.public_url = self.fixed_url
            page = (Path(self.templates_path) / "app_index.html").read_text(encoding="utf-8")
            self.page = _FONT_LINK.sub("", page)

        async def _make_app(self) -> Any:
            app = await super()._make_app()
            aiohttp_jinja2.setup(app, loader=jinja2.DictLoader({"app_index.html": self.page}))
            return app

        async def handle_index(self, request: Any) -> Any:
            if self.fixed_url is None:
                # No await between here and the URLs being built: safe for concurrent requests.
                self.public_url = browser_url(request.scheme, request.headers.get("Host", ""),
                                              f"http://{host}:{port}")
            return await super().handle_index(request)

        async def on_startup(self, app: Any) -> None:
            shown = self.fixed_url or f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"
            print(f"gdtui serve on {shown} (ctrl+c stops it)", file=sys.stderr, flush=True)
            if host not in ("127.0.0.1", "localhost", "::1"):
                print(f"gdtui serve: WARNING: no login: anyone who can reach {host}:{port} gets a gdtui",
                      file=sys.stderr, flush=True)

    return GdServer()


def browser_url(scheme: str, host_header: str, fallback: str) -> str:
    """The base URL the browser used, from its Host header (``fallback`` when it looks wrong)."""
    if scheme in ("http", "https") and _HOST.match(host_header or ""):
        return f"{scheme}://{host_header}"
    return fallback


def run(args: argparse.Namespace) -> int:
    """Serve until ctrl+c; returns the exit code."""
    from gdtui.errors import OptionError

    if args.public_url and not re.match(r"^https?://[^\s/]+(/[^\s]*)?$", args.public_url):
        raise OptionError(f"--public-url must look like http://host:port, got {args.public_url[:80]!r}")
    server = make_server(args.host, args.port, args.public_url)
    try:
        server.serve()
    except OSError as exc:
        raise OptionError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    return 0
