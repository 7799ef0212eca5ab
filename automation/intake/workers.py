"""The worker processes of a large batch: they read and check files, and write registers.

Started by :func:`worker_pool` (see :func:`start_method`); a spawned worker imports
only what reading and checking need (no openpyxl, no settings), so the batch gets
going sooner. A worker ends with the batch process that started it, even when that
one is killed.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
from concurrent.futures import Executor
from pathlib import Path

from automation.catalog.model import Catalog
from automation.catalog.reference import References
from automation.catalog.row_models import ValidationContext
from automation.catalog.schools import SchoolIndex
from automation.intake.analysis import Analysis, analyse
from automation.intake.safety import Limits

_WORKER: dict[str, object] = {}
log = logging.getLogger(__name__)


def validation_context(refs: References) -> ValidationContext:
    """Reference lists as validation needs them."""
    return ValidationContext(
        SchoolIndex(refs.schools), {"device_types": tuple(refs.device_type_names),
                                    "staff": tuple(refs.staff_names)},
        device_specs=tuple((s.device_type, s.spec) for s in refs.device_specs),
    )


def worker_pool(refs: References, catalog: Catalog, limits: Limits | None) -> Executor:
    """Two worker processes (one on a single-core machine), ready to analyse files."""
    import multiprocessing  # with its pool: a small batch, read here, never needs them
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        max_workers=max(1, min(2, os.cpu_count() or 1)),
        mp_context=multiprocessing.get_context(start_method()),
        initializer=_start_worker,
        initargs=(refs, catalog, limits, os.getpid()),
    )


def start_method() -> str:
    """How the workers start; either way they are this process's children.

    On Linux, a process running no other thread (``eti process``) forks them: they
    start at once, with the modules and caches already loaded. Otherwise (the watch
    service's threads, which a fork could catch holding a lock; Windows; macOS) they
    are spawned and import what they need.
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


FILES_PER_TASK = 8
"""Files a worker is handed at once: one round trip between the processes for several
files (each costs about a third of a millisecond of CPU)."""


def analyse_in_worker(paths: list[str]) -> list[Analysis | None]:
    """:func:`automation.intake.analysis.analyse` of claimed files, compacted to send back; None
    for a file whose analysis failed (the batch process reads it again, and rejects it
    with the product's internal error), so that one file never costs the others."""
    found: list[Analysis | None] = []
    for path in paths:
        try:
            found.append(analyse(Path(path), _WORKER["catalog"],  # type: ignore[arg-type]
                                 _WORKER["context"], _WORKER["limits"],  # type: ignore[arg-type]
                                 None).compact())
        except Exception:
            log.exception("internal error while reading %s in a worker", path)
            found.append(None)
    return found


def _start_worker(
    refs: References, catalog: Catalog, limits: Limits | None, parent: int
) -> None:
    _die_with_parent()
    import signal  # Ctrl+C reaches every process of the console: the parent stops the batch
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # (a worker would print a traceback)
    if sys.platform != "win32" and os.getppid() != parent:
        os._exit(0)  # the batch died while this worker was starting
    _WORKER.update(context=validation_context(refs), catalog=catalog,
                   limits=limits or Limits())
    gc.freeze()  # what it started with is never garbage: the collector skips it (and, forked,
    # leaves the parent's pages shared instead of writing to every object)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _die_with_parent() -> None:
    """On Linux, ask the kernel to end this worker the moment its parent dies."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass  # the polling thread below still ends it


def _exit_with_parent(ppid: int) -> None:
    """A worker whose batch process was killed must not live on, orphaned: the
    parent's death shows as a new parent pid (POSIX) or a signalled sentinel."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    while True:
        time.sleep(0.5)
        if sys.platform == "win32":
            if parent is not None and not parent.is_alive():
                os._exit(0)
        elif os.getppid() != ppid:
            os._exit(0)
