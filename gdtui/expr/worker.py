"""The symbolic worker: one long-lived helper process that does all the sympy work.

sympy can take seconds (or all memory) on a short hostile input, and importing it
costs ~0.3 s, so the main process never imports it.  :class:`SymbolicWorker`
starts one child process (``python -m gdtui.expr._child`` with a socket pair: no
fork from a threaded app, no re-import of the caller's main script, and nothing
of the parent's terminal) that caps its own address space (``RLIMIT_AS``, 1 GiB
by default), imports sympy, then answers requests one at a time; while it has
nothing to do it warms sympy up.

A request gets a limit of computing time (3 s of the child's CPU time by default),
not of wall-clock time: on a shared server with 30 students compiling at once on
2 cores an ordinary function may wait many seconds for a core, and must not be
refused for it.  The child enforces the limit on itself (``ITIMER_PROF``, which
interrupts sympy with an exception, and ``RLIMIT_CPU`` a little above it, which
ends the process if it is stuck in C code); the parent keeps a generous
wall-clock backstop (:data:`WALL_BACKSTOP`, at least a minute) for a child that
never answers.  Past the limit the caller gets ``ExprError("too complex: ...")``
and the next request starts a fresh child.  The first request waits for the child to start
(~0.5-1 s, not counted in the time limit); later ones take tens of milliseconds.

The API blocks, so call it from a thread (the TUI uses a thread worker); one lock
makes a worker safe to share between threads.  :func:`default_worker` is the
process-wide one; every worker is shut down at exit.

"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import threading
import weakref
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Sequence

from gdtui.expr.errors import ExprError
from gdtui.expr.nodes import MAX_CALL_DEPTH
from gdtui.expr.spec import CompiledSpec

if TYPE_CHECKING:
    from gdtui.expr.parse import Node

__all__ = ["SymbolicWorker", "default_worker", "shutdown"]

#: Computing (CPU) seconds the child may spend on one request.
DEFAULT_TIMEOUT = 3.0
#: Wall-clock seconds the parent waits at least before giving up on a child.
WALL_BACKSTOP = 60.0
DEFAULT_MEMORY_LIMIT = 1 << 30
#: Longest wait for a new child to import sympy and say it is ready.
START_TIMEOUT = 60.0
#: Share of the time limit the child may spend shortening derivative formulas.
SIMPLIFY_SHARE = 0.4
_SIMPLER = "try a simpler function"


# ------------------------------------------------------------- child side
class _OutOfCpu(BaseException):
    """The request used up its CPU time (a BaseException: sympy's ``except Exception`` cannot eat it)."""


def _cpu_limit(seconds: float | None):  # type: ignore[no-untyped-def]
    """Arm the CPU-time limits for one request; returns a function that disarms them."""
    import signal

    if seconds is None or not hasattr(signal, "setitimer"):
        return lambda: None

    def out_of_cpu(signum, frame):  # type: ignore[no-untyped-def]
        raise _OutOfCpu

    previous = signal.signal(signal.SIGPROF, out_of_cpu)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    restore_rlimit = None
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        # A hard stop a little above the limit, for a child stuck in C code where the
        # timer's exception cannot be raised (the kernel sends SIGXCPU, which ends it).
        stop = int(usage.ru_utime + usage.ru_stime + seconds) + 3
        if hard == resource.RLIM_INFINITY or stop < hard:
            resource.setrlimit(resource.RLIMIT_CPU, (stop, hard))
            restore_rlimit = (soft, hard)
    except (ImportError, ValueError, OSError):
        pass

    def disarm() -> None:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        if restore_rlimit is not None:
            import resource

            try:
                resource.setrlimit(resource.RLIMIT_CPU, restore_rlimit)
            except (ValueError, OSError):
                pass

    return disarm


def _work(request: tuple) -> tuple:
    """One request in the child (or in process): ("ok", spec) or ("error", msg, col, hint).

    ``("fatal", ...)`` means the child must not be trusted with another request.
    """
    from gdtui.expr import symbolic

    tree, params, columns, simplify_seconds = request[:4]
    cpu_seconds = request[4] if len(request) > 4 else None
    disarm = _cpu_limit(cpu_seconds)
    try:
        return ("ok", symbolic.build_spec(tree, params, columns, simplify_seconds=simplify_seconds))
    except _OutOfCpu:
        message = f"too complex: working out the derivatives took more than {cpu_seconds:g} s of computing time"
        return ("fatal", message, None, _SIMPLER)
    except ExprError as err:
        return ("error", err.message, err.column, err.hint)
    except RecursionError:
        message = "too complex: the function is nested too deeply for the symbolic helper"
        return ("fatal", message, None, f"at most {MAX_CALL_DEPTH} functions inside each other; {_SIMPLER}")
    except MemoryError:
        limit = f" (its limit is {DEFAULT_MEMORY_LIMIT >> 20} MB)" if DEFAULT_MEMORY_LIMIT else ""
        message = f"too complex: working out the derivatives ran out of memory{limit}"
        return ("fatal", message, None, _SIMPLER)
    except Exception as exc:  # a sympy failure on an allowed tree: report, never crash
        return ("error", f"could not work out the derivatives ({type(exc).__name__})", None, "")
    finally:
        disarm()


def _warm_up() -> None:
    """Import sympy and run every path once, so the first real request is fast."""
    from gdtui.expr import symbolic
    from gdtui.expr.parse import parse

    text = "sigmoid(x)*y + relu(x) - abs(y) + log(1 + x^2)"
    symbolic.build_spec(parse(text), ("x", "y"), ())


def _serve(conn: Connection, memory_limit: int | None) -> None:
    """The child's main loop: requests in, replies out, until the parent goes away."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the parent
    if memory_limit:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        except (ImportError, ValueError, OSError):
            pass
    try:
        from gdtui.expr import symbolic  # noqa: F401 - imports sympy
    except BaseException as exc:  # noqa: BLE001 - tell the parent why, then stop
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    if not conn.poll(0):
        # Nobody is waiting yet (the TUI starts us early): warm every path up now, so
        # the first real request is fast.  The command line's request is already
        # queued, and then this is skipped.
        _warm_up()
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return  # the parent has gone
        reply = _work(request)
        conn.send(reply)
        if reply[0] == "fatal":
            return  # the state after MemoryError is not to be trusted


# ------------------------------------------------------------ parent side
_WORKERS: "weakref.WeakSet[SymbolicWorker]" = weakref.WeakSet()


class SymbolicWorker:
    """A helper process for symbolic work with a time limit and a memory cap.

    ``in_process=True`` does the work in this process instead (no time limit, no
    memory cap; imports sympy here): for tests of the symbolic code itself.
    """

    def __init__(
        self,
        *,
        memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
        in_process: bool = False,
    ) -> None:
        self.memory_limit = memory_limit
        self.in_process = in_process
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._ready = False
        _WORKERS.add(self)

    # ---------------------------------------------------------- lifecycle
    @property
    def pid(self) -> int | None:
        """The child's process id, or None when none is running."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def start(self) -> None:
        """Start the child now without waiting for it (hides the start-up cost)."""
        if self.in_process:
            return
        with self._lock:
            self._spawn()

    def _spawn(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self._stop_child()
        parent, child = socket.socketpair()
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "gdtui.expr._child", str(child.fileno()), str(self.memory_limit or 0)],
                pass_fds=[child.fileno()],
                # Never the parent's terminal: the TUI owns it.
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # the terminal's Ctrl+C and job control are for the parent
            )
        except OSError as exc:
            parent.close()
            raise ExprError(f"the symbolic helper could not start: {exc}") from None
        finally:
            child.close()
        self._process, self._conn, self._ready = process, Connection(parent.detach()), False

    def _connection(self, request: tuple | None = None) -> Connection:
        """A ready child's connection, starting one if needed.

        A request given here is sent before waiting for the child to be ready, so the
        child sees it queued and skips its warm-up.
        """
        self._spawn()
        assert self._conn is not None
        if request is not None:
            self._conn.send(request)
        if not self._ready:
            try:
                if self._conn.poll(START_TIMEOUT):
                    reply = self._conn.recv()
                else:
                    reply = ("failed", f"not ready after {START_TIMEOUT:g} s")
            except (EOFError, OSError):
                reply = ("failed", "it stopped while starting")
            if reply[0] != "ready":
                self._stop_child()
                raise ExprError(f"the symbolic helper could not start: {reply[1]}")
            self._ready = True
        return self._conn

    def _stop_child(self) -> None:
        """Kill the child (it holds nothing worth a clean exit) and forget it."""
        process, conn = self._process, self._conn
        self._process, self._conn, self._ready = None, None, False
        if conn is not None:
            conn.close()
        if process is not None:
            if process.poll() is None:
                process.kill()
            try:
                process.wait(5.0)
            except subprocess.TimeoutExpired:
                pass

    def shutdown(self) -> None:
        """Stop the child (a later request starts a new one)."""
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()  # first, so a request in flight ends now instead of holding the lock
        with self._lock:
            self._stop_child()

    # ----------------------------------------------------------- requests
    def compile(
        self,
        tree: "Node",
        params: Sequence[str],
        columns: Sequence[str] = (),
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> CompiledSpec:
        """Derivatives, formulas and numeric source of a parsed function.

        ``params`` and ``columns`` name the tree's variables in argument order.
        Raises ExprError (without the text: the caller adds it), "too complex" when
        the work takes more than ``timeout`` seconds of the child's CPU time, runs
        out of memory, or gets no answer within the wall-clock backstop.
        """
        request = (tree, tuple(params), tuple(columns), SIMPLIFY_SHARE * timeout, timeout)
        with self._lock:
            reply = self._run(request, timeout)
        if reply[0] == "ok":
            return reply[1]
        _, message, column, hint = reply
        raise ExprError(message, "", column, hint)

    def _run(self, request: tuple, timeout: float) -> tuple:
        if self.in_process:
            return _work((*request[:3], None))
        for attempt in range(2):
            try:
                conn = self._connection(request)
                backstop = max(WALL_BACKSTOP, 20 * timeout)
                if not conn.poll(backstop):
                    self._stop_child()
                    took = f"gave no answer within {backstop:g} s"
                    return ("error", f"too complex: the symbolic helper {took}", None, _SIMPLER)
                reply = conn.recv()
            except (EOFError, OSError):
                self._stop_child()
                if attempt == 0:
                    # The child may have been gone before this request (killed by the
                    # system or an operator, its death not yet seen): once more, fresh.
                    continue
                message = "too complex: the symbolic helper stopped (out of memory?)"
                return ("error", message, None, _SIMPLER)
            except BaseException:
                self._stop_child()  # interrupted mid-request: its reply would be stale
                raise
            if reply[0] == "fatal":
                self._stop_child()
            return reply
        raise AssertionError("unreachable")  # pragma: no cover


_default: SymbolicWorker | None = None
_default_lock = threading.Lock()


def default_worker() -> SymbolicWorker:
    """The process-wide worker (created on first use; its child starts on first request)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = SymbolicWorker()
        return _default


def shutdown() -> None:
    """Stop every worker's child process (registered with atexit)."""
    for worker in list(_WORKERS):
        worker.shutdown()


atexit.register(shutdown)


def _child_main(argv: Sequence[str]) -> None:
    """Entry point of the child: ``python -m gdtui.expr._child FD MEMORY_LIMIT``."""
    fd, memory_limit = int(argv[0]), int(argv[1])
    _serve(Connection(fd), memory_limit or None)

