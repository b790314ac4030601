"""What `gdtui classroom` is started with, and the files it reads: host key, keys, password.

Everything read from outside is bounded and checked here, with one-line errors
(:class:`~gdtui.errors.OptionError`) naming the file and the line.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gdtui.errors import GdtuiError, OptionError
from gdtui.sanitize import shown
from gdtui.settings import Settings

if TYPE_CHECKING:
    import asyncssh

__all__ = ["Auth", "ClassroomConfig", "default_host_key_path", "load_auth", "load_or_create_host_key",
           "state_dir"]

#: Longest authorized_keys or password file read (a class of keys is a few KB).
MAX_AUTH_FILE = 1 << 20


@dataclass
class ClassroomConfig:
    """The options of `gdtui classroom` (see its --help)."""

    host: str = "127.0.0.1"
    port: int = 2222
    host_key: Path | None = None
    authorized_keys: Path | None = None
    password_file: Path | None = None
    no_auth: bool = False
    settings: Settings = field(default_factory=Settings)  # what every student starts with
    session_file: Path | None = None
    lesson: str | None = None
    lang: str | None = None
    max_sessions: int = 40
    idle_timeout: float = 30 * 60.0  # seconds without a key press
    log: Path | None = None
    login_timeout: float = 30.0
    memory_limit_mb: int = 1024  # per student process (address space)
    nice: int = 5  # students run below the server and the teacher's dashboard
    #: A client that stops reading: this many bytes wait for it at most, then pauses the
    #: student's app; after `stall_timeout` seconds paused the client is disconnected.
    write_buffer: int = 256 * 1024
    stall_timeout: float = 20.0
    #: Run one headless app in the zygote before the first student (faster first frames;
    #: the tests turn it off to start their many small classrooms sooner).
    prewarm_app: bool = True
    #: Live frame rate: set from the machine's load once a second (see `pace`), or fixed.
    adapt_fps: bool = True
    live_fps: float = 15.0
    #: More than this many bytes waiting for a client: its live run is drawn once a second.
    behind_bytes: int = 32 * 1024
    #: A student's run stops after this many steps: a run's history is kept whole (every
    #: step can be stepped back to), so this bounds its memory: 100,000 rows of a 2-D
    #: Adam run are about 9 MB, an hour of live running at 30 steps a second (the CLI
    #: and a lone gdtui keep a million).
    max_steps: int = 100_000


def state_dir() -> Path:
    """gdtui's XDG state folder ($XDG_STATE_HOME/gdtui, default ~/.local/state/gdtui)."""
    base = os.environ.get("XDG_STATE_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "state"
    return root / "gdtui"


def default_host_key_path() -> Path:
    """Where the classroom's host key lives unless --host-key says otherwise."""
    return state_dir() / "classroom_host_ed25519"


def load_or_create_host_key(path: Path | None) -> tuple["asyncssh.SSHKey", Path, bool]:
    """The server's host key, created (ed25519, mode 600) when missing.

    Returns (key, path, created).  A key file readable by others is refused: it
    would let anyone who can read it pretend to be this classroom.
    """
    import asyncssh

    path = Path(path) if path is not None else default_host_key_path()
    created = False
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = asyncssh.generate_private_key("ssh-ed25519")
        data = key.export_private_key()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise OptionError(f"--host-key: cannot create {path}: {exc.strerror}") from None
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        created = True
    try:
        mode = path.stat().st_mode
        if mode & 0o077:
            raise OptionError(f"--host-key: {path} is readable by others (chmod 600 {path})")
        if path.stat().st_size > MAX_AUTH_FILE:
            raise OptionError(f"--host-key: {path} is too large to be a key")
        key = asyncssh.read_private_key(str(path))
    except OptionError:
        raise
    except (OSError, ValueError, asyncssh.KeyImportError) as exc:
        raise OptionError(f"--host-key: cannot read {path}: {exc}") from None
    return key, path, created


def _read_small(path: Path, option: str) -> str:
    from gdtui.files import read_bounded_text

    try:
        return read_bounded_text(path, MAX_AUTH_FILE, option)
    except GdtuiError as exc:
        raise OptionError(f"{option}: {exc.lines()[0]}") from None


@dataclass
class Auth:
    """How students log in: public keys, a class password, or nothing (loopback only)."""

    keys: dict[bytes, str] = field(default_factory=dict)  # public blob -> comment
    password: str | None = None
    none: bool = False

    def key_allowed(self, key: "asyncssh.SSHKey") -> bool:
        """True when ``key`` is one of the authorized keys."""
        return key.public_data in self.keys

    def password_ok(self, password: str) -> bool:
        """Compare in constant time (no timing hints about the class password)."""
        if self.password is None:
            return False
        return hmac.compare_digest(password.encode("utf-8", "surrogatepass"),
                                   self.password.encode("utf-8"))


def load_auth(config: ClassroomConfig) -> Auth:
    """Read the authorized keys and the class password the options name.

    An authorized_keys line with options (``from=...``, ``command=...``) is refused
    rather than silently ignoring what it asks for.
    """
    import asyncssh

    auth = Auth(none=config.no_auth)
    if config.authorized_keys is not None:
        text = _read_small(config.authorized_keys, "--authorized-keys")
        for number, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                key = asyncssh.import_public_key(line)
            except (asyncssh.KeyImportError, ValueError):
                raise OptionError(f"--authorized-keys: {shown(config.authorized_keys)} line {number}: not a public "
                                  "key (options such as from= or command= are not supported)") from None
            auth.keys[key.public_data] = key.get_comment() or ""
        if not auth.keys:
            raise OptionError(f"--authorized-keys: {config.authorized_keys} holds no key")
    if config.password_file is not None:
        text = _read_small(config.password_file, "--password-file")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not lines:
            raise OptionError(f"--password-file: {config.password_file} is empty")
        if len(lines[0]) < 6:
            raise OptionError(f"--password-file: {config.password_file}: the class password needs at least "
                              "6 characters")
        auth.password = lines[0]
    if not (auth.keys or auth.password or auth.none):
        raise OptionError("gdtui classroom needs --authorized-keys FILE or --password-file FILE "
                          "(or --no-auth, loopback only)")
    return auth
