"""`gdtui classroom`: options, checks, the startup lines, then the server and dashboard.

The parser is built without importing asyncssh or textual (``gdtui --help`` stays
instant); ``run`` imports them.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path
from typing import Any, Callable

from gdtui.errors import OptionError

__all__ = ["EPILOG", "add_parser", "run"]

EPILOG = """\
examples:
  gdtui classroom --password-file class.txt --host 0.0.0.0
  gdtui classroom --authorized-keys students.pub --session bowl.toml --max-sessions 30
  gdtui classroom --no-auth                 loopback only: try it on this machine

students connect with:  ssh -t -p 2222 NAME@SERVER
"""


def add_parser(sub: Any, number: Callable[..., Any], whole: Callable[..., Any]) -> None:
    """Add `classroom` to the subcommands (``number``/``whole`` are the CLI's option types)."""
    p = sub.add_parser("classroom", help="a classroom server: every student gets gdtui over SSH",
                       description="A classroom server: every student who connects with ssh gets their own "
                                   "gdtui; this terminal shows the room.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    net = p.add_argument_group("network")
    net.add_argument("--host", default=None, metavar="ADDR", help="address to listen on (default 127.0.0.1)")
    net.add_argument("--port", type=whole("--port", minimum=0), default=2222, metavar="N",
                     help="port (default 2222)")
    net.add_argument("--host-key", metavar="FILE",
                     help="server key (default: created in ~/.local/state/gdtui on first start)")
    auth = p.add_argument_group("login (one is required)")
    auth.add_argument("--authorized-keys", metavar="FILE", help="students' public keys, one a line")
    auth.add_argument("--password-file", metavar="FILE", help="a file whose first line is the class password")
    auth.add_argument("--no-auth", action="store_true", help="no login at all (only sensible on loopback)")
    cls = p.add_argument_group("class")
    cls.add_argument("--session", metavar="FILE", help="session file every student starts with")
    cls.add_argument("--lesson", metavar="NAME", help="lesson every student starts with")
    cls.add_argument("--lang", choices=("en", "ko"), help="language for everyone (else each student's LANG)")
    cls.add_argument("--max-sessions", type=whole("--max-sessions", minimum=1), default=40, metavar="N",
                     help="students at once (default 40)")
    cls.add_argument("--idle-timeout", type=number("--idle-timeout", positive=True), default=30.0,
                     metavar="MIN", help="close a session after this many minutes without a key (default 30)")
    cls.add_argument("--log", metavar="FILE", help="one line per connection here (default: stderr)")
    cls.add_argument("--no-dashboard", action="store_true", help="log lines only, even on a terminal")


def _config(args: argparse.Namespace) -> Any:
    from gdtui.classroom.config import ClassroomConfig
    from gdtui.classroom.setup import check_setup, load_setup
    from gdtui.settings import DEFAULT_PRESET, Settings

    if args.no_auth and (args.authorized_keys or args.password_file):
        raise OptionError("--no-auth cannot be combined with --authorized-keys or --password-file")
    settings = Settings(preset=DEFAULT_PRESET)
    if args.session:
        settings = load_setup(args.session)
        check_setup(settings)
    if args.lesson:
        try:
            from gdtui.lessons import find_lesson  # type: ignore[import-not-found]
        except ImportError:
            raise OptionError("--lesson: lessons are not in this build yet; use --session FILE") from None
        find_lesson(args.lesson)  # a one-line error now rather than in every student's session
    return ClassroomConfig(
        host=args.host or "127.0.0.1",
        port=args.port,
        host_key=Path(args.host_key).expanduser() if args.host_key else None,
        authorized_keys=Path(args.authorized_keys).expanduser() if args.authorized_keys else None,
        password_file=Path(args.password_file).expanduser() if args.password_file else None,
        no_auth=args.no_auth,
        settings=settings,
        session_file=Path(args.session) if args.session else None,
        lesson=args.lesson,
        lang=args.lang,
        max_sessions=args.max_sessions,
        idle_timeout=args.idle_timeout * 60.0,
        log=Path(args.log).expanduser() if args.log else None,
    )


def _log_writer(path: Path | None) -> Callable[[str], None]:
    if path is None:
        return lambda line: print(line, file=sys.stderr, flush=True)

    def write(line: str) -> None:
        try:
            with open(path, "a", encoding="utf-8") as f:
                f.write(line + "\n")
        except OSError as exc:
            print(f"gdtui classroom: cannot write --log {path}: {exc.strerror}", file=sys.stderr)

    return write


def run(args: argparse.Namespace) -> int:
    """Run the classroom until the teacher ends it; returns the exit code."""
    from gdtui.classroom.config import load_auth, load_or_create_host_key

    config = _config(args)
    auth = load_auth(config)
    key, key_path, created = load_or_create_host_key(config.host_key)
    err = sys.stderr
    if config.no_auth:
        print("gdtui classroom: WARNING: --no-auth: anyone who can reach "
              f"{config.host}:{config.port} gets a session", file=err)
    if created:
        print(f"gdtui classroom: created the host key {key_path}", file=err)
    fingerprint = key.get_fingerprint()
    host = config.host if config.host not in ("0.0.0.0", "::", "") else "SERVER"
    port = "" if config.port == 22 else f"-p {config.port} "
    ssh_line = f"ssh -t {port}NAME@{host}"
    print(f"gdtui classroom on {config.host}:{config.port}; host key {fingerprint}", file=err)
    print(f"students connect with: {ssh_line}", file=err)
    # Textual draws on stderr: the dashboard needs a terminal there and on stdin.
    dashboard = sys.stderr.isatty() and sys.stdin.isatty() and not args.no_dashboard
    try:
        return asyncio.run(_serve(config, auth, key, ssh_line, dashboard))
    except KeyboardInterrupt:
        return 130


async def _serve(config: Any, auth: Any, key: Any, ssh_line: str, dashboard: bool) -> int:
    from gdtui.classroom.server import Classroom

    held: list[str] = []
    if dashboard and config.log is None:
        log = held.append  # stderr is the dashboard's screen: print the lines when it closes
    else:
        log = _log_writer(config.log)
    room = Classroom(config, auth, key, log=log)
    try:
        await room.start()
    except OSError as exc:
        raise OptionError(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}") from None
    except RuntimeError as exc:
        raise OptionError(f"cannot start: {exc}") from None
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    try:
        if dashboard:
            from gdtui.classroom.dashboard import Dashboard

            app = Dashboard(room, ssh_line, str(config.session_file) if config.session_file else None)
            loop.add_signal_handler(signal.SIGTERM, app.exit)
            await app.run_async()
        else:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            print("gdtui classroom: ready (ctrl+c ends the class)", file=sys.stderr, flush=True)
            await stop.wait()
    finally:
        await room.stop()
        for line in held:
            print(line, file=sys.stderr)
        print(f"gdtui classroom: ended ({len(held) or 'see log for'} connections)"
              if held else "gdtui classroom: ended", file=sys.stderr)
    return 0
