"""The render worker: one long-lived child process that renders documents one after
another, for a batch or a command.

Templates are staff-edited, so rendering stays out of the main process: a template
that loops is stopped after its timeout (the worker is killed and the next document
gets a fresh one), a template that crashes the worker costs that document only. The
worker keeps every template version it has read compiled
(:mod:`automation.documents.compiled`), so the second document of a kind costs the
rendering alone. It ends with its parent (killed or not), when closed, or at exit.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing as mp
import os
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)

Request = tuple[str, str, dict[str, Any], str]
"""(operation, template path, cleaned context, output path)."""
Reply = tuple[str, Any]
"""("ok", variables) or ("error", {"kind", "detail", "tag", "name"})."""


def _watch_parent() -> None:
    """End this worker when its parent dies (a killed batch leaves no orphan behind,
    even one stuck in a looping template)."""
    if sys.platform.startswith("linux") and mp.current_process().name != "MainProcess":
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
        except (OSError, AttributeError):
            pass
    parent = mp.parent_process()
    if parent is None:
        return

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if not parent.is_alive():
                os._exit(0)

    threading.Thread(target=watch, name="eti-render-parent", daemon=True).start()


def serve(conn: Connection) -> None:
    """Runs in the worker: answer requests until told to stop (``None``) or the parent
    goes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C: the parent stops the batch
    _watch_parent()
    from automation.documents.render import _tools, handle

    _tools()  # docxtpl, lxml and Jinja loaded before the first document arrives

    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            break
        if request is None:
            break
        reply = handle(*request)
        try:
            conn.send(reply)
        except (OSError, ValueError):
            break
    conn.close()


class RenderWorker:
    """A render worker process, started at the first request and replaced after a
    timeout or a crash. Safe to share between threads (one request at a time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Connection | None = None
        self.started = 0
        """How many worker processes were started (1 for a batch without trouble)."""
        self._meanwhile = threading.local()

    def do_meanwhile(self, work: Callable[[], None] | None) -> None:
        """``work`` for this thread to do while the worker renders its next request."""
        self._meanwhile.work = work

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def _start(self) -> None:
        from automation.documents.render import context_for_worker

        ctx = context_for_worker()
        receiver, sender = ctx.Pipe(duplex=True)
        process = ctx.Process(target=serve, args=(sender,), name="eti-render", daemon=True)
        process.start()
        sender.close()
        self._process, self._conn = process, receiver
        self.started += 1
        log.debug("render worker %s started", process.pid)

    def warm(self) -> None:
        """Start the worker now if none runs (it gets ready while the caller works)."""
        with self._lock:
            if not self.alive:
                self._stop(kill=True)
                self._start()

    def request(self, request: Request, timeout: float) -> Reply:
        """Send one request and wait up to ``timeout`` seconds for its reply, doing
        the work :meth:`do_meanwhile` gave this thread (once) while the worker renders
        (an interruption there stops the worker: its reply would answer the next
        request)."""
        meanwhile = getattr(self._meanwhile, "work", None)
        self._meanwhile.work = None
        with self._lock:
            if not self.alive:
                self._stop(kill=True)
                self._start()
            conn = self._conn
            assert conn is not None
            try:
                conn.send(request)
            except (OSError, ValueError):  # the worker went between two documents
                self._stop(kill=True)
                self._start()
                conn = self._conn
                assert conn is not None
                conn.send(request)
            if meanwhile is not None:
                try:
                    meanwhile()
                except BaseException:
                    self._stop(kill=True)
                    raise
            if not conn.poll(timeout):
                self._stop(kill=True)
                return "error", {"kind": "timeout", "detail": f"{timeout:g}", "tag": "",
                                 "name": ""}
            try:
                return conn.recv()  # type: ignore[no-any-return]
            except (EOFError, OSError):
                code = self._process.exitcode if self._process is not None else None
                self._stop(kill=True)
                return "error", {"kind": "crash", "tag": "", "name": "",
                                 "detail": f"the render process ended (exit code {code})"}

    def _stop(self, *, kill: bool) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            if not kill:
                try:
                    conn.send(None)
                except (OSError, ValueError):
                    pass
            conn.close()
        if process is None:
            return
        process.join(0 if kill else 5)
        if process.is_alive():
            process.terminate()
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()

    def close(self) -> None:
        """Stop the worker (it finishes nothing: call between documents)."""
        with self._lock:
            self._stop(kill=False)


_SHARED: RenderWorker | None = None
_SHARED_LOCK = threading.Lock()


def shared_worker() -> RenderWorker:
    """The worker of this process (one per command; a batch closes it at its end)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = RenderWorker()
            atexit.register(close_shared_worker)
        return _SHARED


def close_shared_worker() -> None:
    """Stop this process's worker, if one runs (the next document starts another)."""
    if _SHARED is not None:
        _SHARED.close()
