"""One department service of many writing to one shared PostgreSQL ledger: what the
concurrent-directorates test and ``bench/directorates_bench.py`` run in each of their
processes (spawned: a function of an importable module, its arguments plain values).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from multiprocessing.synchronize import Event
from pathlib import Path

RESULT = "writer-result.json"
"""The file a writer leaves in its department's root: what its batch did."""

READY = "writer-ready"
"""The file a writer leaves in its department's root when it waits for the start."""

WARM_PREFIX = "0-warm-"
"""Files of the inbox so named are a writer's warm-up batch, run before the start."""


def point_at(root: Path, url: str, directorate: str) -> None:
    """Make the department at ``root`` a writer of ``directorate`` on ``url``."""
    settings = root / "eti.toml"
    text = settings.read_text(encoding="utf-8") if settings.exists() else ""
    text += (f'\n[department]\ndirectorate = "{directorate}"\n'
             f'\n[ledger]\nurl = "{url}"\n')
    settings.write_text(text, encoding="utf-8")
    from tests.postgres_server import know_directorates

    know_directorates(url, directorate)  # as the administrator's `eti ledger grant` does


def write(
    root: str,
    day: str,
    start: Event | None,
    letters: int = 0,
    documents: bool = True,
    registers: bool = True,
) -> None:
    """Wait for ``start``, run one batch of the department at ``root`` (its own inbox,
    the ledger its eti.toml names), then give ``letters`` free letters their outgoing
    numbers; the outcome of every file, the numbers, the batch's seconds and
    when it began and ended (epoch seconds) go to :data:`RESULT` in the department's
    root. Files named :data:`WARM_PREFIX`… are handled first, before the start, by a
    batch not measured: the measured one finds the modules loaded and the worker
    processes started, as a running service has them."""
    from automation.core.clock import FakeClock
    from automation.core.department import Department
    from automation.core.inbox_listing import waiting_files
    from automation.documents.correspondence import make_free_letter
    from automation.intake.pipeline import WorkerPool, run_batch
    from automation.ledger.open import open_ledger

    logging.basicConfig(level=logging.WARNING)
    dept = Department.at(root)
    clock = FakeClock(dt.datetime.fromisoformat(day))
    workers = WorkerPool()
    try:
        warm = [p for p in waiting_files(dept) if p.name.startswith(WARM_PREFIX)]
        if warm:
            # started first, outside the batch's intake lock: a single-threaded process
            # forks its workers, and a worker forked inside the lock would keep it held
            workers.warm(dept)
            run_batch(dept, clock=clock, paths=warm, documents=documents,
                      registers=registers, workers=workers)
        if start is not None:
            (dept.root / READY).touch()
            start.wait(1800)
        began, wall = time.perf_counter(), time.time()
        batch = run_batch(dept, clock=clock, documents=documents, registers=registers,
                          workers=workers)
        seconds = time.perf_counter() - began
        ended = time.time()
    finally:
        workers.close()
    numbers = []
    with open_ledger(dept) as ledger:
        for i in range(letters):
            sent = make_free_letter(dept, ledger, to="مدير الشؤون الإدارية",
                                    subject=f"كتاب رقم {i + 1} من {dept.root.name}",
                                    body="نص الكتاب", clock=clock)
            numbers.append(sent.number)
    result = {
        "files": [{"file": f.file, "outcome": f.outcome, "submission_id": f.submission_id,
                   "stored_path": f.stored_path} for f in batch.files],
        "interrupted": batch.interrupted,
        "held": [h.message_en for h in batch.held],
        "documents": [str(p) for p in batch.documents],
        "letters": numbers,
        "seconds": seconds,
        "began": wall,
        "ended": ended,
    }
    (dept.root / RESULT).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
