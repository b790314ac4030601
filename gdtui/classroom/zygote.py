"""The pre-warmed parent: imports gdtui once, then forks one child per student.

The classroom server starts this process (``python -m gdtui.classroom.zygote FD``)
with one end of a SOCK_SEQPACKET socket pair.  It imports textual, numpy, the
engine and the UI (and builds the default problem once, filling the caches), then
waits.  For each student the server sends a JSON request with two file
descriptors attached: the slave side of the student's pty and the app's end of
the control socket.  The zygote forks; the child becomes a session leader with
that pty as its controlling terminal (so the kernel sends it SIGWINCH on resize
and SIGHUP when the server closes the pty), caps its memory, lowers its priority
and runs the student's app.  The fork shares every imported page copy-on-write,
so a session starts without paying the imports (the pre-fork model of gunicorn
and Postgres).  The zygote is single-threaded (checked), which makes the fork safe.

Replies: ``{"ready": pid}`` once, ``{"id": n, "pid": pid}`` or ``{"id": n, "error": text}``
per request, and ``{"exited": pid, "code": c}`` whenever a child ends.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import sys
import threading
from typing import Any, Sequence

__all__ = ["MAX_MESSAGE", "main", "spawn_env"]

MAX_MESSAGE = 256 * 1024

#: Environment of the zygote (and so of every student): one BLAS thread, so numpy
#: starts no thread pool (the fork stays safe and 30 students do not start 60 threads).
def spawn_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The zygote's environment: ``base`` (default os.environ) with single-threaded maths."""
    env = dict(os.environ if base is None else base)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"
    return env


def _warm(app: bool) -> None:
    """Import everything a student's app will need, so children share it."""
    from gdtui.classroom import student

    student.warm_up(app)


def _send(sock: socket.socket, message: dict[str, Any]) -> None:
    try:
        sock.send(json.dumps(message).encode())
    except OSError:
        pass


def _child(request: dict[str, Any], pty_fd: int, control_fd: int) -> int:
    """In the forked child: take the pty as the terminal, set limits, run the app."""
    import fcntl
    import resource
    import termios

    os.setsid()
    fcntl.ioctl(pty_fd, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(pty_fd, fd)
    if pty_fd > 2:
        os.close(pty_fd)
    memory = int(request.get("memory_limit", 0))
    if memory > 0:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        except (ValueError, OSError):
            pass
    try:
        os.nice(int(request.get("nice", 0)))
    except OSError:
        pass
    for key, value in dict(request.get("env", {})).items():
        os.environ[str(key)] = str(value)
    from gdtui.classroom import student

    return student.run_student(control_fd, request)


def _spawn(sock: socket.socket, wake_r: int, request: dict[str, Any], fds: list[int]) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        sock.close()
        os.close(wake_r)
        signal.set_wakeup_fd(-1)
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        code = _child(request, fds[0], fds[1])
    except BaseException:  # noqa: BLE001 - a child never returns into the zygote's loop
        import traceback

        try:
            traceback.print_exc()
        except BaseException:  # noqa: BLE001
            pass
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:  # noqa: BLE001
            pass
        os._exit(code)
    return 0  # unreachable


def serve(sock: socket.socket) -> None:
    """The zygote's loop: fork on request, report exits, stop when the server goes."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so the wakeup fd is written
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ, "sock")
    sel.register(wake_r, selectors.EVENT_READ, "wake")
    while True:
        for key, _ in sel.select():
            if key.data == "wake":
                try:
                    os.read(wake_r, 4096)
                except BlockingIOError:
                    pass
                _reap(sock)
                continue
            try:
                data, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 4)
            except OSError:
                return
            if not data:
                return  # the server has gone
            try:
                request = json.loads(data)
                if len(fds) != 2:
                    raise ValueError("a request needs two file descriptors")
                if threading.active_count() != 1:
                    raise RuntimeError("the zygote has threads; refusing to fork")
                pid = _spawn(sock, wake_r, request, fds)
                _send(sock, {"id": request.get("id"), "pid": pid})
            except Exception as exc:  # noqa: BLE001 - one bad request must not stop the class
                _send(sock, {"id": request.get("id") if isinstance(request, dict) else None,
                             "error": f"{type(exc).__name__}: {exc}"})
            finally:
                for fd in fds:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
            _reap(sock)


def _reap(sock: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _send(sock, {"exited": pid, "code": os.waitstatus_to_exitcode(status)})


def main(argv: Sequence[str]) -> None:
    """Entry point: ``python -m gdtui.classroom.zygote FD [PREWARM_APP]``."""
    sock = socket.socket(fileno=int(argv[0]))
    try:
        _warm(app=len(argv) < 2 or argv[1] != "0")
    except BaseException as exc:  # noqa: BLE001 - tell the server why, then stop
        _send(sock, {"failed": f"{type(exc).__name__}: {exc}"})
        return
    if threading.active_count() != 1:
        _send(sock, {"failed": "importing gdtui started threads; cannot fork safely"})
        return
    import gc

    gc.collect()
    # Everything imported so far stays shared: the collector never writes to these
    # objects again, so a child's pages are not copied just because the GC ran.
    gc.freeze()
    _send(sock, {"ready": os.getpid()})
    serve(sock)


if __name__ == "__main__":
    main(sys.argv[1:])
