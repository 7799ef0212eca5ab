"""One batch: intake of every waiting file, then registers, then documents.

``eti process``, the watch service and the demo all call :func:`run_batch`.
It is convergent: it first finishes what an interrupted run left (claimed
files, registers marked for regeneration, documents not yet written), so
running it again after a crash ends in the same state as an uninterrupted run.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from automation.catalog import Catalog, FormSpec
from automation.clock import Clock
from automation.department import Department
from automation.forms import CATALOG, processes_fed_by
from automation.intake import FileResult, Intake, waiting_files
from automation.ledger import Ledger
from automation.models import ValidationContext
from automation.problems import Problem
from automation.reference import References, load_references
from automation.safety import Limits
from automation.schools import SchoolIndex
from automation.validate import Validated

log = logging.getLogger(__name__)

Progress = Callable[[FileResult], None]


class BatchInterrupted(Exception):
    """The batch stopped on a failure of the machine (disk full, ledger locked).

    The file being handled stays claimed and is finished by the next run.
    """


@dataclass
class BatchResult:
    files: list[FileResult] = field(default_factory=list)
    registers: list = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)
    interrupted: str = ""

    def count(self) -> Counter[str]:
        return Counter(f.outcome for f in self.files)

    def to_json(self) -> list[dict[str, object]]:
        return [f.to_json() for f in self.files]


def validation_context(refs: References) -> ValidationContext:
    """Reference lists as validation needs them."""
    return ValidationContext(
        SchoolIndex(refs.schools), {"device_types": tuple(refs.device_type_names)}
    )


def processes_of(form: FormSpec, checked: Validated) -> tuple[str, ...]:
    """The registers a form feeds (SPEC.md "Master registers")."""
    return processes_fed_by(form.code)


def _internal_problem(exc: BaseException) -> Problem:
    return Problem(
        "internal",
        "تعذرت معالجة الملف بسبب خطأ داخلي في البرنامج. أبلغ مسؤول تكنولوجيا المعلومات "
        "وأرسل الملف إليه.",
        "error",
        message_en=f"internal error: {type(exc).__name__}: {exc}",
    )


def _stops_batch(exc: BaseException) -> bool:
    """Failures of the machine, not of the file: never a reason to reject it."""
    return isinstance(exc, OSError | MemoryError) or (
        isinstance(exc, sqlite3.OperationalError)
    )


def intake_files(
    dept: Department,
    ledger: Ledger,
    intake: Intake,
    paths: list[Path] | None,
    progress: Progress | None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[list[FileResult], str]:
    """Finish leftovers, then claim and handle each waiting file."""
    results: list[FileResult] = []
    claims = intake.leftovers()
    for path in paths if paths is not None else waiting_files(dept):
        if should_stop and should_stop():
            break
        claims.append(path)  # type: ignore[arg-type]
    for item in claims:
        claim = intake.claim(item) if isinstance(item, Path) else item
        if claim is None:
            continue
        try:
            result = intake.handle(claim)
        except Exception as exc:
            if _stops_batch(exc):
                log.error("batch interrupted on %s: %s", claim.original, exc)
                return results, f"{type(exc).__name__}: {exc}"
            log.exception("internal error on %s", claim.original)
            record_failure = intake.reject_internal(claim, _internal_problem(exc))
            result = record_failure
        results.append(result)
        if progress:
            progress(result)
        if should_stop and should_stop():
            break
    return results, ""


def run_batch(
    dept: Department,
    *,
    clock: Clock,
    settings: object | None = None,
    paths: list[Path] | None = None,
    progress: Progress | None = None,
    catalog: Catalog = CATALOG,
    limits: Limits | None = None,
    excel: object | None = None,
    documents: bool = True,
    should_stop: Callable[[], bool] | None = None,
) -> BatchResult:
    """Handle every waiting workbook once, regenerate dirty registers, write documents."""
    from automation.register_swap import retry_pending
    from automation.registers import write_registers

    dept.ensure()
    refs = load_references(dept, catalog)
    batch = BatchResult()
    with Ledger(dept.ledger_path) as ledger:
        retry_pending(dept, excel=excel)  # type: ignore[arg-type]
        intake = Intake(
            dept, ledger, validation_context(refs), clock=clock, catalog=catalog,
            limits=limits, processes_of=processes_of,
        )
        batch.files, batch.interrupted = intake_files(
            dept, ledger, intake, paths, progress, should_stop
        )
        dirty = ledger.dirty_processes()
        if dirty:
            outcomes = write_registers(
                dept, ledger, dirty, catalog=catalog, references=refs, clock=clock,
                excel=excel,  # type: ignore[arg-type]
            )
            ledger.clear_dirty([o.process for o in outcomes])
            batch.registers = outcomes
        if documents:
            from automation.documents.pending import pending_documents

            batch.documents = pending_documents(dept, ledger, clock=clock, references=refs)
    return batch
