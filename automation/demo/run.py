"""``eti demo``: a department's whole year replayed end to end, in under a minute.

:func:`run_demo` makes a department folder with demo reference lists (40 schools
by default) and its blank forms, then replays the year of
:func:`automation.demo.year.plan_year` day by day exactly as the watch service
would: the workbooks are filled from the blank forms (in a second process, a
batch ahead), dropped into ``inbox/`` with their drop times and handled by
:func:`run_batch` under a fake clock, so registers, visit reports and rejection
letters follow. Files are handled a working week at a time (or a day at a time
with ``per_day``, about twice as slow: every batch regenerates the registers it
touched from the whole ledger). After the year
it makes the periodic documents: the quarterly reports, the Help Desk reports,
the systems, activation, initiatives and web-pages reports, a disposal
decision and the digest of the last day. :func:`format_summary` tells what
happened and what to open first, in Arabic and English.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing as mp
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import openpyxl

from automation.catalog.blank import META_SHEET, fill_form, layout
from automation.catalog.department_init import init_department
from automation.catalog.forms import CATALOG
from automation.catalog.reference import References, load_references
from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.core.periods import quarter
from automation.demo.references import write_demo_references
from automation.demo.year import MISTAKES, PlannedFile, plan_year
from automation.intake.inbox import FileResult
from automation.intake.pipeline import run_batch
from automation.ledger.open import open_ledger
from automation.ledger.store import Ledger

log = logging.getLogger(__name__)

DEFAULT_FOLDER = "demo-department"
"""The folder ``eti demo`` creates in the current directory by default."""
MARKER = ".eti-demo"
"""A file marking a folder as made by the demo (only such a folder is ever replaced)."""
YEAR = 2026

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Reason:
    """One reason files were rejected: its Problem code, how many files, an example."""

    code: str
    files: int
    example_ar: str


@dataclass
class DemoSummary:
    """What the demo year produced and where it is."""

    root: Path
    schools: int
    seed: int
    files: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    reasons: list[Reason] = field(default_factory=list)
    warnings: int = 0
    registers: list[Path] = field(default_factory=list)
    documents: Counter[str] = field(default_factory=Counter)
    open_first: list[tuple[str, str, Path]] = field(default_factory=list)
    decision_in_force: Path | None = None
    """The approved disposal decision the year ends with (not the one voided after it)."""
    unexpected: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    results: list[tuple[PlannedFile, FileResult | None]] = field(default_factory=list, repr=False)

    @property
    def dept(self) -> Department:
        return Department.at(self.root)


# -- the folder ------------------------------------------------------------------------------


def free_folder(base: Path) -> Path:
    """``base`` when it is missing or empty, else the first free ``base-2``, ``base-3``…"""
    candidate, n = base, 2
    while candidate.exists() and any(candidate.iterdir()):
        candidate, n = base.with_name(f"{base.name}-{n}"), n + 1
    return candidate


def _prepare(root: Path, force: bool) -> None:
    if root.exists() and any(root.iterdir()):
        if not (force and (root / MARKER).is_file()):
            raise EtiError(
                f"{root} is not empty: give an empty or new folder"
                + ("" if not force else " (--force only replaces a folder made by eti demo)"),
                f"المجلد {root} ليس فارغاً: اختر مجلداً جديداً أو فارغاً للعرض التجريبي"
                + ("" if not force else " (الخيار --force يستبدل فقط مجلداً أنشأه eti demo)"),
                code="not-empty",
            )
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text("made by `eti demo`; safe to delete\n", encoding="utf-8")


# -- filling workbooks ---------------------------------------------------------------------


class _Workbooks:
    """Fills planned files from the department's blank forms, each loaded once."""

    def __init__(self, forms: Path) -> None:
        self.forms = forms
        self.blanks: dict[str, openpyxl.Workbook] = {}
        self.kept: dict[str, bytes] = {}

    def write(self, planned: PlannedFile, path: Path, keep: bool) -> None:
        form = CATALOG.form(planned.form)
        if planned.duplicate_of:
            path.write_bytes(self.kept[planned.duplicate_of])
        elif not planned.meta:  # an old copy: the blank without its _meta sheet
            wb = openpyxl.load_workbook(self.forms / f"{form.code}.xlsx")
            del wb[META_SHEET]
            fill_form(wb, form, planned.header, planned.rows)
            wb.save(path)
        else:
            wb = self.blanks.get(form.code)
            if wb is None:
                wb = self.blanks[form.code] = openpyxl.load_workbook(
                    self.forms / f"{form.code}.xlsx"
                )
            wb[META_SHEET]["B3"] = planned.workbook_id
            try:
                fill_form(wb, form, planned.header, planned.rows)
                wb.save(path)
            finally:
                self._clear(wb, planned)
        stamp = planned.drop_at.timestamp()
        os.utime(path, (stamp, stamp))  # the inbox is handled oldest first
        if keep:
            self.kept[planned.name] = path.read_bytes()

    @staticmethod
    def _clear(wb: openpyxl.Workbook, planned: PlannedFile) -> None:
        """Empty the cells a fill wrote, so the blank serves the next file."""
        ws = wb.worksheets[0]
        lay = layout(CATALOG.form(planned.form))
        for key in planned.header:
            ws[lay.header_cells[key][1]].value = None
        for offset, row in enumerate(planned.rows):
            for key in row:
                ws[f"{lay.columns[key]}{lay.table_first_row + offset}"].value = None


_BOOKS: _Workbooks | None = None
"""The writer process's workbooks (one per process)."""


def _start_writer(forms: str) -> None:
    global _BOOKS
    _BOOKS = _Workbooks(Path(forms))


def _write_batch(folder: str, files: list[PlannedFile], keep: set[str]) -> None:
    """Write one batch's workbooks into ``folder`` (in the writer process)."""
    assert _BOOKS is not None
    Path(folder).mkdir(parents=True, exist_ok=True)
    for planned in files:
        _BOOKS.write(planned, Path(folder) / planned.name, planned.name in keep)


class _Inline(Executor):
    """Runs each task at once, in this process (when no second process can start)."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        future: Future[object] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller by result()
            future.set_exception(exc)
        return future


@contextmanager
def _writer(forms: Path) -> Iterator[Executor]:
    """A second process writing workbooks ahead of the batches, else this one."""
    try:
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        pool: Executor = ProcessPoolExecutor(1, mp.get_context(method), _start_writer,
                                             (str(forms),))
    except (OSError, ValueError, NotImplementedError) as exc:
        log.info("demo: writing workbooks in this process (%s)", exc)
        _start_writer(str(forms))
        pool = _Inline()
    with pool:
        yield pool


# -- the year --------------------------------------------------------------------------------


def _check(planned: PlannedFile, result: FileResult | None) -> str | None:
    """An English line when the product did not do what the plan expected."""
    if result is None:
        return f"{planned.name}: not handled"
    if result.outcome != planned.expected:
        codes = ", ".join(p.code for p in result.problems) or "no problems"
        return f"{planned.name}: {result.outcome} ({codes}), expected {planned.expected}"
    if planned.expected_code and planned.expected_code not in {p.code for p in result.problems}:
        codes = ", ".join(p.code for p in result.problems) or "no problems"
        return f"{planned.name}: problems {codes}, expected {planned.expected_code}"
    return None


def _month_line(month: str, results: Iterable[FileResult | None]) -> str:
    counts = Counter(r.outcome if r else "missing" for r in results)
    total = sum(counts.values())
    parts = ", ".join(f"{counts[k]} {k}" for k in ("accepted", "superseded", "rejected",
                                                   "duplicate", "missing") if counts[k])
    return f"{month}: {total} files — {parts}"


def week_of(day: dt.date) -> dt.date:
    """The Sunday that starts the (Jordanian, Sunday to Thursday) working week of ``day``."""
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _replay(dept: Department, plan: list[PlannedFile], summary: DemoSummary,
            progress: Progress | None, per_day: bool) -> None:
    wanted = {p.duplicate_of for p in plan if p.duplicate_of}
    batches = [list(g) for _, g in groupby(
        plan, key=lambda p: p.drop_at.date() if per_day else week_of(p.drop_at.date()))]
    staging = dept.data / "demo-staging"
    month_results: list[FileResult | None] = []
    month = ""
    with _writer(dept.forms) as writer:
        written = [writer.submit(_write_batch, str(staging / f"{i:03d}"), files, wanted)
                   for i, files in enumerate(batches)]
        ends = [max(p.drop_at for p in files) for files in batches]
        for i, (files, future) in enumerate(zip(batches, written, strict=True)):
            future.result()
            last = ends[i]
            if progress and month and f"{last:%Y-%m}" != month:
                progress(_month_line(month, month_results))
                month_results = []
            month = f"{last:%Y-%m}"
            for planned in files:  # a rename keeps the drop time: handled oldest first
                os.replace(staging / f"{i:03d}" / planned.name, dept.inbox / planned.name)
            # the registers (and the published figures) at each month's end, as the
            # service leaves them after a flood: the last month's are the year's
            month_end = i + 1 == len(batches) or f"{ends[i + 1]:%Y-%m}" != month
            _batch(dept, files, last, summary, month_results, registers=month_end)
    shutil.rmtree(staging, ignore_errors=True)
    if progress and month:
        progress(_month_line(month, month_results))


def _batch(dept: Department, files: list[PlannedFile], last: dt.datetime, summary: DemoSummary,
           month_results: list[FileResult | None], *, registers: bool = True) -> None:
    """One run of the pipeline over the dropped files, its results checked against the plan."""
    batch = run_batch(dept, clock=FakeClock(last + dt.timedelta(minutes=10)),
                      registers=registers)
    if batch.interrupted:
        summary.failures.append(f"{last:%Y-%m-%d}: batch interrupted: {batch.interrupted}")
    by_name = {r.file: r for r in batch.files}
    for planned in files:
        result = by_name.get(planned.name)
        summary.results.append((planned, result))
        month_results.append(result)
        problem = _check(planned, result)
        if problem:
            log.warning("demo: %s", problem)
            summary.unexpected.append(problem)


# -- documents after the year ----------------------------------------------------------------


def _documents(dept: Department, refs: References, summary: DemoSummary,
               progress: Progress | None) -> None:
    from automation.core.periods import year_period
    from automation.documents import (
        make_activation_report,
        make_digest,
        make_helpdesk_report,
        make_initiatives_report,
        make_quarterly_report,
        make_systems_report,
        make_webpages_report,
    )
    from automation.registers.outgoing import write_outgoing_register

    last = dt.date(YEAR, 12, 31)
    clock = FakeClock(dt.datetime.combine(last, dt.time(16, 0)))
    whole = year_period(YEAR)
    jobs: list[tuple[str, Callable[[Ledger], object]]] = [
        ("disposal decisions", lambda led: _decisions(dept, led, clock, refs, summary)),
    ]
    period_reports = (("Help Desk report", make_helpdesk_report),
                      ("systems report", make_systems_report),
                      ("activation report", make_activation_report),
                      ("initiatives report", make_initiatives_report),
                      ("web pages report", make_webpages_report))
    for n in range(1, 5):  # what the service writes after each quarter (service/jobs.py)
        jobs.append((f"quarterly report Q{n}", lambda led, n=n: make_quarterly_report(
            dept, led, YEAR, n, clock=clock, references=refs)))
        for name, make in period_reports:
            jobs.append((f"{name} Q{n}", lambda led, n=n, make=make: make(
                dept, led, quarter(YEAR, n), clock=clock, references=refs)))
    for name, make in period_reports[1:]:  # and the whole year's, as `eti report … --from`
        jobs.append((f"{name} {YEAR}", lambda led, make=make: make(dept, led, whole, clock=clock,
                                                                  references=refs)))
    jobs.append(("daily digest", lambda led: make_digest(dept, led, last, clock=clock,
                                                          references=refs)))
    jobs.append(("staff reports", lambda led: _staff_reports(dept, led, clock, refs)))
    jobs.append(("reminder letters", lambda led: _reminders(dept, led, clock, refs)))
    made = 0
    with open_ledger(dept) as ledger:
        for name, job in jobs:
            try:
                job(ledger)
                made += 1
            except EtiError as exc:
                log.error("demo: %s failed: %s", name, exc.message_en)
                summary.failures.append(f"{name}: {exc.message_en}")
        if progress:
            progress(f"documents after the year: {made} of {len(jobs)} made")
        write_outgoing_register(dept, ledger)
    run_batch(dept, clock=clock)  # registers marked by the decision


def _reminders(dept: Department, ledger: Ledger, clock: FakeClock, refs: References) -> None:
    """Who has not sent (issue 25): on 10 December a letter to each school that owes
    November's reports (or the school year's forms); on 20 December a second reminder of
    the library reports, and a circular for the lab plans; the register shows them."""
    from automation.core.periods import month
    from automation.documents.reminders import make_reminders
    from automation.registers.collection import write_collection_register

    november = month(YEAR, 11)
    make_reminders(dept, ledger, period=november, references=refs,
                   clock=FakeClock(dt.datetime(YEAR, 12, 10, 9, 0)))
    later = FakeClock(dt.datetime(YEAR, 12, 20, 9, 0))
    for form, circular in (("QF70-2-3", False), ("QF70-2-28", True)):
        try:
            make_reminders(dept, ledger, period=november, references=refs, clock=later,
                           form=form, circular=circular)
        except EtiError as exc:  # every school had sent it by then
            log.info("demo: no reminder of %s: %s", form, exc.message_en)
    write_collection_register(dept, ledger, clock=clock, references=refs)


def _staff_reports(dept: Department, ledger: Ledger, clock: FakeClock,
                   refs: References) -> None:
    """The head's office: each staff member's performance evidence for the year."""
    from automation.documents.staff_report import make_staff_reports

    make_staff_reports(dept, ledger, YEAR, clock=clock, references=refs)


def _decisions(dept: Department, ledger: Ledger, clock: FakeClock, refs: References,
               summary: DemoSummary) -> None:
    """The committee's year: a draft approved (the decision in force); a second approved,
    then voided (its list held a mistake), its items released for the next committee; a
    letter of thanks."""
    from automation.documents.correspondence import make_thanks_letter
    from automation.documents.decision import (
        approve_decision,
        draft_disposal_decision,
        pending_items,
    )
    from automation.documents.voiding import void_decision

    ids = [i.row_id for i in pending_items(ledger)]
    half = max(1, len(ids) // 2)
    kept = draft_disposal_decision(dept, ledger, clock=clock, item_ids=ids[:half],
                                   references=refs)
    summary.decision_in_force = approve_decision(dept, ledger, kept.decision_id, clock=clock,
                                                 references=refs).path
    if ids[half:]:
        wrong = draft_disposal_decision(dept, ledger, clock=clock, item_ids=ids[half:],
                                        references=refs)
        approve_decision(dept, ledger, wrong.decision_id, clock=clock, references=refs)
        void_decision(dept, ledger, wrong.decision_id, clock=clock, references=refs,
                      reason="أُدرجت في الكشف مواد ما زالت صالحة للاستعمال")
    if refs.schools:
        make_thanks_letter(dept, ledger, school=refs.schools[0].name,
                           initiative="نادي البرمجة والروبوت", clock=clock, references=refs)


# -- the summary -----------------------------------------------------------------------------


def _summarise(dept: Department, summary: DemoSummary) -> None:
    results = [r for _, r in summary.results if r is not None]
    summary.files = len(summary.results)
    summary.outcomes = Counter(r.outcome for r in results)
    summary.warnings = sum(1 for r in results if r.outcome != "rejected"
                           for p in r.problems if p.severity == "warning")
    reasons: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for r in results:
        if r.outcome != "rejected":
            continue
        for code in dict.fromkeys(p.code for p in r.problems if p.severity == "error"):
            reasons[code] += 1
            examples.setdefault(code, next(p.message for p in r.problems if p.code == code))
    summary.reasons = [Reason(c, n, examples[c]) for c, n in reasons.most_common(5)]
    summary.registers = sorted(dept.registers.glob("*.xlsx"))
    for path in dept.outbox.rglob("*.docx"):  # by the outbox folder it is in
        summary.documents[path.relative_to(dept.outbox).parts[0]] += 1
    first = [
        ("تقرير الربع الرابع: المخطط مقابل المنجز لكل العمليات",
         "the Q4 quarterly report: planned against achieved for every process",
         _newest(dept.outbox.glob(f"reports/تقرير-ربعي-{YEAR}-Q4*.docx"))),
        ("سجل الخطة السنوية: المستهدف والمنجز", "the annual plan register: targets and achieved",
         _newest(p for p in summary.registers if "PLAN" in p.name or "خطة" in p.name)),
        ("قرار لجنة الإتلاف مع كشف المواد", "the disposal committee's decision with its list",
         summary.decision_in_force),
        ("كتاب إعادة نموذج مرفوض إلى مدرسته، وبجانبه ملف الأخطاء في inbox/rejected",
         "a letter returning a rejected form (its error workbook is in inbox/rejected)",
         _newest(dept.outbox.glob("letters/*كتاب-إعادة*.docx"))),
        ("الملخص اليومي لرئيس القسم", "the head's daily digest",
         _newest(dept.outbox.glob("digest/*.docx"))),
    ]
    summary.open_first = [(ar, en, path) for ar, en, path in first
                          if path is not None and path.is_file()]


def _newest(paths: Iterable[Path]) -> Path | None:
    found = sorted(paths)
    return found[-1] if found else None


def run_demo(root: Path, *, schools: int = 40, seed: int = 7, progress: Progress | None = None,
             force: bool = False, per_day: bool = False) -> DemoSummary:
    """Make a demo department at ``root`` and replay a whole year through it.

    ``root`` must be new or empty; with ``force`` a folder an earlier demo made
    is replaced. Raises :class:`EtiError` otherwise. Files are handled a working
    week at a time, or with ``per_day`` a day at a time.
    """
    started = time.perf_counter()
    root = Path(root).resolve()
    _prepare(root, force)
    dept = Department.at(root)
    dept.ensure()
    write_demo_references(dept, schools, seed)  # first: the blank forms' dropdowns list them
    init_department(root)
    refs = load_references(dept)  # no emblem: the ministry's is not ours to draw (README)
    plan = plan_year(refs, year=YEAR, seed=seed)
    summary = DemoSummary(root=root, schools=schools, seed=seed)
    if progress:
        progress(f"{root}: {schools} schools, {len(plan)} files to drop over {YEAR}")
    from automation.documents.render import rendering

    with rendering():  # one render worker for the year: each template compiled once
        _replay(dept, plan, summary, progress, per_day)
        _documents(dept, refs, summary, progress)
    _summarise(dept, summary)
    summary.seconds = time.perf_counter() - started
    return summary


def format_summary(summary: DemoSummary) -> str:
    """The summary as staff and the IT person read it: Arabic lines, then English."""
    c = summary.outcomes
    root = summary.root
    lines = [
        f"العرض التجريبي: سنة {YEAR} كاملة في {root}",
        f"The demo: the whole year {YEAR} in {root} "
        f"({summary.schools} schools, seed {summary.seed}, {summary.seconds:.0f} s)",
        "",
        f"الملفات: {summary.files} — مقبولة {c['accepted']}، حلت محل نسخ سابقة {c['superseded']}، "
        f"مرفوضة {c['rejected']}، مكررة {c['duplicate']}؛ ملاحظات على المقبولة {summary.warnings}",
        f"Files: {summary.files} — accepted {c['accepted']}, superseded an earlier copy "
        f"{c['superseded']}, rejected {c['rejected']}, duplicates {c['duplicate']}; "
        f"warnings on accepted files {summary.warnings}",
    ]
    if summary.reasons:
        lines += ["", "أكثر أسباب الرفض / Commonest reasons for rejection:"]
        for reason in summary.reasons:
            lines.append(f"  {reason.files} × {reason.code}: {reason.example_ar}")
    kinds = sorted({p.mistake for p, _ in summary.results if p.mistake})
    if kinds:
        lines += ["", "أخطاء شائعة حملتها الملفات / Mistakes the year carried:"]
        lines += [f"  {MISTAKES[k].title_ar} / {MISTAKES[k].title_en} → {MISTAKES[k].outcome}"
                  for k in kinds]
    docs = "، ".join(f"{folder} {n}" for folder, n in sorted(summary.documents.items()))
    lines += [
        "",
        f"السجلات الرئيسية ({len(summary.registers)}): {summary.dept.registers}",
        f"Master registers ({len(summary.registers)}): {summary.dept.registers}",
        f"الوثائق / Documents ({sum(summary.documents.values())}): {summary.dept.outbox}"
        + (f" — {docs}" if docs else ""),
        f"الملفات المقبولة / Accepted files: {summary.dept.processed}",
        f"الملفات المرفوضة مع ملفات الأخطاء / Rejected files with their errors: "
        f"{summary.dept.rejected}",
    ]
    if summary.open_first:
        lines += ["", "افتح أولاً / Open first:"]
        for n, (ar, en, path) in enumerate(summary.open_first, start=1):
            shown = path.relative_to(root) if path.is_relative_to(root) else path
            lines += [f"  {n}. {ar}", f"     {en}: {shown}"]
    if summary.unexpected:
        lines += ["", f"Unexpected outcomes ({len(summary.unexpected)}):"]
        lines += [f"  {line}" for line in summary.unexpected[:10]]
    if summary.failures:
        lines += ["", "تعذر إنشاء بعض الوثائق / Some steps failed:"]
        lines += [f"  {line}" for line in summary.failures]
    return "\n".join(lines)
