"""Master registers: one Excel workbook per process, regenerated from the ledger.

Each register has a summary sheet «ملخص» first, then one sheet per form that
feeds it (sheet name = form code): the form's header fields, then its table
fields, by their Arabic labels, then where each row came from. What a register
shows is its process's declaration (:mod:`automation.processes`): the forms that
feed it, its figures by quarter, its summary tables and derived lists; this
module only writes them (:mod:`automation.registers.sheets`). The workbook is
written to a temporary file beside the register and swapped in by
:func:`automation.registers.swap.swap_in` (Excel may hold it open).

Which registers a form feeds is :func:`automation.processes.processes_fed_by`; the
intake marks those dirty, and the caller clears the flags after
:func:`write_registers`.
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import os
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future
from dataclasses import dataclass
from pathlib import Path

from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog, FormSpec
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import ExcelBusy
from automation.core.periods import DEFAULT_CALENDAR, Calendar
from automation.ledger.open import open_ledger
from automation.ledger.store import Ledger, LedgerRow
from automation.processes import figures_of
from automation.processes import process as process_def
from automation.processes.definition import TOTAL, Block, SummaryContext, cross, figure_cell
from automation.processes.figures import RowSource, subject_of
from automation.registers import xlsx_stream as xs
from automation.registers.sheets import (
    SUMMARY,
    derived_columns,
    form_columns,
    write_summary,
    write_table,
)
from automation.registers.swap import ExcelAdapter, Replace, swap_in
from automation.text.names import WINDOWS_FORBIDDEN

log = logging.getLogger(__name__)

NO_DATE = "بدون تاريخ"
_UNSAFE_NAME = re.compile(rf"\s*[{re.escape(WINDOWS_FORBIDDEN)}]\s*")
"""A character Windows forbids in a file name, with the spaces around it (it becomes
``" - "``)."""


@dataclass(frozen=True)
class RegisterOutcome:
    """What happened to one register: ``status`` is ``written``, ``updated-in-excel``,
    ``waiting-for-excel`` (the new version waits as ``.pending.xlsx``) or
    ``not-written`` (the register and its pending copy are both locked: keep it dirty)."""

    process: str
    path: Path
    status: str
    rows: int


def register_path(dept: Department, process: str, catalog: Catalog = CATALOG) -> Path:
    """``workbooks/registers/P1 - سجل الإجراءات التصحيحية.xlsx`` (safe on Windows)."""
    name = _UNSAFE_NAME.sub(" - ", catalog.process(process).register_ar).strip(" -")
    return dept.registers / f"{process} - {name}.xlsx"


def feeding_forms(code: str, catalog: Catalog = CATALOG) -> list[FormSpec]:
    """The forms whose rows a register shows, one sheet each: its own forms, then forms
    it shares with another process (QF75-13 in P4)."""
    return [catalog.form(c) for c in process_def(code).sheets if c in catalog.codes]


def _month_of(row: LedgerRow) -> str:
    return row.record_date[:7].replace("-", "/") if row.record_date else NO_DATE


def _generic_blocks(fed: dict[str, list[LedgerRow]], catalog: Catalog) -> list[Block]:
    codes = list(fed)
    return [
        Block("عدد السجلات حسب النموذج", ["النموذج", "عدد السجلات"],
              [[f"{c} {catalog.form(c).name_ar}", len(rows)] for c, rows in fed.items()]),
        Block("حسب المدرسة أو الموقع", ["المدرسة / الموقع", *codes, TOTAL],
              cross(fed, subject_of), total=True),
        Block("حسب الشهر", ["الشهر (سنة/شهر)", *codes, TOTAL],
              cross(fed, _month_of, sort_by_key=True), total=True),
    ]


def records_block(forms: list[FormSpec]) -> Block:
    """QP-70-2's records table for the forms of a register: where each is kept, how long."""
    return Block("جدول السجلات (QP-70-2): مكان الحفظ ومدته",
                 ["النموذج", "مكان الحفظ", "مدة الحفظ"],
                 [[f"{f.code} {f.name_ar}", f.kept_at_ar, f.retention_ar] for f in forms],
                 ["text", "text", "text"])


def figures_block(code: str, ctx: SummaryContext) -> Block:
    """The process's figures for each quarter of the year being written and the year:
    the very numbers ``eti figures`` and the reports print."""
    year = ctx.today.year
    periods = [ctx.calendar.quarter(year, q) for q in (1, 2, 3, 4)] + [ctx.calendar.year(year)]
    table = [figures_of(ctx.src, code, p, ctx.references) for p in periods]
    rows = [[first.label, *(figure_cell(figures[index]) for figures in table)]
            for index, first in enumerate(table[0])]
    return Block(f"أرقام رئيسية ({periods[-1].label_ar})",
                 ["البند", "الربع الأول", "الربع الثاني", "الربع الثالث", "الربع الرابع",
                  "السنة"], rows, ["text"] * 6)


Summary = tuple[list[str], list[Block]]
"""A register's summary sheet as data: its heading lines and its blocks."""


def _summary(code: str, ctx: SummaryContext, catalog: Catalog, now: dt.datetime) -> Summary:
    proc = catalog.process(code)
    blocks: list[Block] = []
    if code != "PLAN":
        blocks.append(figures_block(code, ctx))
        blocks += _generic_blocks(ctx.fed, catalog)
    blocks += process_def(code).summary(ctx)
    blocks.append(records_block([catalog.form(c) for c in ctx.fed]))
    heading = [
        f"{code} — {proc.register_ar}",
        proc.title_ar,
        f"أُنشئ في {now:%d/%m/%Y %H:%M} من قاعدة بيانات القسم؛ "
        "يُعاد إنشاؤه تلقائياً، فلا تُدخل بيانات في هذا الملف",
    ]
    return heading, blocks


def _book(path: Path, code: str, catalog: Catalog, now: dt.datetime) -> xs.XlsxStream:
    proc = catalog.process(code)
    return xs.XlsxStream(path, title=proc.register_ar, subject=proc.title_ar,
                         author="ETI automation", created=now)


def _write_tables(book: xs.XlsxStream, code: str, ctx: SummaryContext,
                  catalog: Catalog) -> int:
    """The form sheets and the derived lists; returns the number of form rows."""
    columns = process_def(code).columns
    for form, rows in ctx.fed.items():
        write_table(book, form, form_columns(catalog.form(form), ctx.src,
                                             columns(form, ctx.src)), rows,
                    caption=catalog.form(form).name_ar)
    _write_derived(book, code, ctx)
    return sum(len(rows) for rows in ctx.fed.values())


def _write_derived(book: xs.XlsxStream, code: str, ctx: SummaryContext) -> None:
    """The lists a register derives from its rows (after its form sheets), some as of the
    day it is written (``ctx.today``: the previous year's plan)."""
    for derived in process_def(code).derived:
        rows = derived.rows_for(ctx)
        if rows is not None:
            write_table(book, derived.name, derived_columns(derived.columns), rows)


def _build(path: Path, code: str, ctx: SummaryContext, catalog: Catalog,
           now: dt.datetime) -> int:
    """Write the register of ``code`` to ``path``; returns the number of form rows."""
    heading, blocks = _summary(code, ctx, catalog, now)
    with _book(path, code, catalog, now) as book:
        write_summary(book, heading, blocks)
        return _write_tables(book, code, ctx, catalog)


@dataclass
class Underway:
    """Registers whose writing :func:`start_registers` handed to the batch's workers:
    :func:`finish_registers` collects, completes and swaps them in."""

    wanted: list[str]
    references: object
    now: dt.datetime
    calendar: Calendar
    largest: str = ""
    tables: Future[tuple[xs.Detached, int]] | None = None
    others: Future[tuple[dict[str, tuple[Path, int]], dict[str, Summary]]] | None = None


def start_registers(
    dept: Department,
    ledger: Ledger,
    processes: Iterable[str],
    *,
    catalog: Catalog = CATALOG,
    references: object = None,
    clock: Clock,
    calendar: Calendar = DEFAULT_CALENDAR,
    executor: Executor | None = None,
) -> Underway:
    """Begin regenerating the registers of ``processes`` (P1–P10, PLAN). With an
    ``executor`` (the batch's worker processes) they are written at once, while the
    caller goes on (the batch makes its documents meanwhile): one worker writes the form
    sheets of the largest register; the other works out that register's summary and
    writes the other registers (the ledger's rows read once). Unknown codes fail here,
    before anything is written."""
    wanted = list(dict.fromkeys(processes))
    for process in wanted:
        catalog.process(process)
    if references is None and "P1" in wanted:  # only P1 reads a reference list (the budget)
        from automation.catalog.reference import load_references

        references = load_references(dept, catalog)
    dept.registers.mkdir(parents=True, exist_ok=True)
    underway = Underway(wanted, references, clock.now(), calendar)
    if executor is not None and wanted:
        largest = max(wanted, key=lambda p: _size(ledger, p, catalog))
        rest = [p for p in wanted if p != largest]
        now = underway.now
        try:  # the largest register's sheets in one worker, all the rest in the other
            underway.tables = executor.submit(build_register_tables, dept, largest, catalog,
                                              references, now, calendar)
            underway.others = executor.submit(build_registers, dept, rest, catalog,
                                              references, now, calendar, [largest])
            underway.largest = largest
        except (BrokenExecutor, RuntimeError):  # workers gone: written by finish_registers
            underway.tables = underway.others = None
    return underway


def finish_registers(
    dept: Department,
    ledger: Ledger,
    underway: Underway,
    *,
    catalog: Catalog = CATALOG,
    clock: Clock,
    excel: ExcelAdapter | None = None,
    replace: Replace = os.replace,
) -> list[RegisterOutcome]:
    """The registers :func:`start_registers` began, each completed (what no worker wrote
    is written here) and swapped in (see :mod:`automation.registers.swap`): a temporary
    file beside the register until then. The caller clears the dirty flags afterwards
    (of all but ``not-written`` outcomes)."""
    references, now, calendar = underway.references, underway.now, underway.calendar
    tables, others = underway.tables, underway.others
    src = RowSource(ledger)
    outcomes = []
    for process in underway.wanted:
        target = register_path(dept, process, catalog)
        tmp: Path | None = None

        def here(p: str = process) -> tuple[Path, int]:
            return build_register(dept, src, p, catalog, references, now, calendar)

        try:
            if process == underway.largest and tables is not None:
                tmp, count = _finished(tables, others, process, here, lambda p=process: _summary(
                    p, _context(src, p, catalog, references, now, calendar), catalog, now))
            else:
                tmp, count = _built(others, process, here)
            status = swap_in(tmp, target, excel=excel, replace=replace)
        except ExcelBusy as exc:
            log.warning("%s", exc.message_en)
            status, count = "not-written", 0
        finally:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        log.info("register %s: %s (%d rows)", target.name, status, count)
        outcomes.append(RegisterOutcome(process, target, status, count))
    if "P10" in underway.wanted:  # who has not sent (issue 25) follows P10's forms
        from automation.registers.collection import write_collection_register

        try:
            write_collection_register(dept, ledger, clock=clock, excel=excel, replace=replace)
        except Exception as exc:  # never lose the process registers for it
            log.error("the collection register was not written: %s", exc)
    return outcomes


def write_registers(
    dept: Department,
    ledger: Ledger,
    processes: Iterable[str],
    *,
    catalog: Catalog = CATALOG,
    references: object = None,
    clock: Clock,
    excel: ExcelAdapter | None = None,
    calendar: Calendar = DEFAULT_CALENDAR,
    replace: Replace = os.replace,
    executor: Executor | None = None,
) -> list[RegisterOutcome]:
    """Regenerate the registers of ``processes`` (P1–P10, PLAN) from the ledger, at once:
    :func:`start_registers` then :func:`finish_registers`. ``references`` (a
    :class:`~automation.catalog.reference.References`) gives P1's budget; None reads them
    from the department. ``calendar`` cuts the quarters (settings); ``replace`` is the
    rename seam tests use to fake Excel's lock."""
    underway = start_registers(dept, ledger, processes, catalog=catalog,
                               references=references, clock=clock, calendar=calendar,
                               executor=executor)
    return finish_registers(dept, ledger, underway, catalog=catalog, clock=clock, excel=excel,
                            replace=replace)


def build_registers(
    dept: Department,
    processes: list[str],
    catalog: Catalog,
    references: object,
    now: dt.datetime,
    calendar: Calendar,
    summaries: Sequence[str] = (),
) -> tuple[dict[str, tuple[Path, int]], dict[str, Summary]]:
    """:func:`build_register` for each of ``processes``, and the summaries alone of
    ``summaries``, reading the ledger once (in a worker process)."""
    with open_ledger(dept) as ledger:
        src = RowSource(ledger)
        built = {p: build_register(dept, src, p, catalog, references, now, calendar)
                 for p in processes}
        return built, {
            p: _summary(p, _context(src, p, catalog, references, now, calendar), catalog, now)
            for p in summaries
        }


def build_register_tables(
    dept: Department,
    process: str,
    catalog: Catalog,
    references: object,
    now: dt.datetime,
    calendar: Calendar,
) -> tuple[xs.Detached, int]:
    """The register of ``process`` without its summary sheet, whose place is kept (in a
    worker process): the file, detached, and its number of form rows. The form sheets'
    rows are read and written a chunk at a time."""
    with open_ledger(dept) as ledger:
        src = RowSource(ledger)
        tmp = _temporary(dept, process, catalog)
        try:
            book = _book(tmp, process, catalog, now)
            book.reserve_sheet(SUMMARY)
            count = 0
            for form in feeding_forms(process, catalog):
                keep = process_def(process).row_filter(form.code)
                chunks = ledger.current_row_chunks(form.code)
                if keep is not None:
                    chunks = ([r for r in chunk if keep(r)] for chunk in chunks)
                first = next(chunks, [])
                total = ledger.count_current_rows(form.code) if keep is None else None
                columns = form_columns(form, src, process_def(process).columns(form.code, src))
                count += write_table(book, form.code, columns, first, chunks, total,
                                     caption=form.name_ar)
            _write_derived(book, process,
                           SummaryContext(src, {}, now.date(), references, calendar))
            return book.detach(), count
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def _context(
    src: RowSource, process: str, catalog: Catalog, references: object, now: dt.datetime,
    calendar: Calendar,
) -> SummaryContext:
    declared = process_def(process)
    fed = {
        form.code: [r for r in src.rows(form.code)
                    if (declared.row_filter(form.code) or _keep)(r)]
        for form in feeding_forms(process, catalog)
    }
    return SummaryContext(src, fed, now.date(), references, calendar)


def _temporary(dept: Department, process: str, catalog: Catalog) -> Path:
    """A new temporary file beside the register (leftovers of a killed run removed)."""
    target = register_path(dept, process, catalog)
    _remove_leftovers(target)
    return target.with_name(f".{target.stem}.{uuid.uuid4().hex[:8]}.tmp.xlsx")


def build_register(
    dept: Department,
    src: RowSource,
    process: str,
    catalog: Catalog,
    references: object,
    now: dt.datetime,
    calendar: Calendar,
) -> tuple[Path, int]:
    """Write the register of ``process`` to a temporary file beside it; returns the file
    and its number of form rows."""
    ctx = _context(src, process, catalog, references, now, calendar)
    tmp = _temporary(dept, process, catalog)
    try:
        count = _build(tmp, process, ctx, catalog, now)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, count


def _built(
    future: Future[tuple[dict[str, tuple[Path, int]], dict[str, Summary]]] | None,
    process: str,
    here: Callable[[], tuple[Path, int]],
) -> tuple[Path, int]:
    """A worker's register, or the register written here when there is no worker for it."""
    if future is not None:
        try:
            return future.result()[0][process]
        except BrokenExecutor:
            log.warning("a worker process died; writing its register here")
    return here()


def _finished(
    tables: Future[tuple[xs.Detached, int]],
    others: Future[tuple[dict[str, tuple[Path, int]], dict[str, Summary]]] | None,
    process: str,
    here: Callable[[], tuple[Path, int]],
    summary_here: Callable[[], Summary],
) -> tuple[Path, int]:
    """The register whose sheets a worker wrote, finished here with its summary (from
    the other worker, or worked out here); all of it written here when the first
    worker died."""
    try:
        detached, count = tables.result()
    except BrokenExecutor:
        log.warning("a worker process died; writing its register here")
        return here()
    try:
        summary = None
        if others is not None:
            try:
                summary = others.result()[1][process]
            except BrokenExecutor:
                log.warning("a worker process died; working out a summary here")
        heading, blocks = summary if summary is not None else summary_here()
        with xs.XlsxStream.resume(detached) as book:
            write_summary(book, heading, blocks)
    except BaseException:
        Path(detached.path).unlink(missing_ok=True)
        raise
    return Path(detached.path), count


def _size(ledger: Ledger, process: str, catalog: Catalog) -> int:
    """Live rows a register shows (to hand the largest to a worker first)."""
    return sum(ledger.count_current_rows(form.code) for form in feeding_forms(process, catalog))


def _keep(row: LedgerRow) -> bool:
    return True


def _remove_leftovers(target: Path) -> None:
    """Temporary files an interrupted run left beside the register."""
    for leftover in target.parent.glob(f".{glob.escape(target.stem)}.*.tmp.xlsx"):
        leftover.unlink(missing_ok=True)
