"""The official letter returning a rejected form to its school, and the daily digest
for the head of department."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from pathlib import Path
from typing import Any

from automation.catalog.forms import CATALOG
from automation.catalog.reference import References
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.core.inbox_listing import not_files, waiting_files
from automation.core.messages import action_for
from automation.core.problems import Problem
from automation.documents.context import (
    UNKNOWN_SCHOOL,
    common_context,
    references_of,
    show_date,
    weekday_ar,
)
from automation.documents.correspondence import attach_document, issue_number, number_format_of
from automation.documents.outbox import (
    digest_folder,
    letters_folder,
    name_parts,
    produce,
    relative,
    render_into,
)
from automation.documents.render import DEFAULT_TIMEOUT
from automation.ledger.store import Ledger
from automation.processes import processes_fed_by
from automation.processes.figures import RowSource
from automation.processes.office import overdue_tasks
from automation.text.dates import format_date

log = logging.getLogger(__name__)

LETTER_KIND = "rejection-letter"
DIGEST_KIND = "daily-digest"
MAX_LETTER_PROBLEMS = 200
"""Problems listed in a letter; the rest are counted (all are in the error workbook)."""

OUTCOMES_AR = {
    "accepted": "مقبول",
    "superseded": "مقبول ثم استُبدل بنسخة أحدث",
    "rejected": "مرفوض",
    "duplicate": "مكرر (سبق استلامه)",
}
KINDS_AR = {
    "decision-disposal": "قرار لجنة الإتلاف",
    "visit-report": "تقرير زيارة",
    "technical-report": "تقرير فني",
    "quarterly-report": "التقرير الربعي",
    "helpdesk-report": "تقرير الدعم الفني",
    "systems-report": "تقرير حالة الأنظمة",
    "activation-report": "تقرير تفعيل الوظائف",
    "initiatives-report": "تقرير المبادرات",
    "webpages-report": "تقرير الصفحات الإلكترونية",
    "rejection-letter": "كتاب إعادة نموذج",
    "daily-digest": "الملخص اليومي",
    "decision-disposal-draft": "مسودة قرار لجنة الإتلاف",
    "letter-thanks": "كتاب شكر وتشجيع",
    "letter-qrc": "كتاب تغطية إلى مركز الملكة رانيا",
    "letter-free": "كتاب صادر",
    "meeting-minutes": "محضر اجتماع",
    "staff-report": "شواهد أداء الموظف",
}


# -- the rejection letter ---------------------------------------------------------------------


def _field_label(form_code: str, field: str) -> str:
    if form_code in CATALOG.codes:
        try:
            return CATALOG.form(form_code).field(field).label
        except KeyError:
            pass
    return field


def letter_context(
    dept: Department, ledger: Ledger, submission: Any, refs: References, number: str, day: dt.date
) -> dict[str, Any]:
    """The context of rejection_letter.docx."""
    code = str(submission["form"] or "")
    if code in CATALOG.codes:
        name = CATALOG.form(code).name_ar
        form_name = name.removeprefix("نموذج ").strip()
    else:
        form_name, code = "غير معروف", "غير محدد"
    problems = ledger.problems_of(int(submission["id"]))
    errors = [p for p in problems if p["severity"] == "error"] or list(problems)
    shown = errors[:MAX_LETTER_PROBLEMS]
    action_ar, action_en = action_for(
        Problem(str(p["code"]), "", p["severity"]) for p in problems)
    return common_context(dept, refs, doc_code="QP-70-2", title="كتاب إعادة نموذج", day=day) | {
        "number": number,
        "school": str(submission["school"] or ""),
        "form_code": code,
        "form_name": form_name,
        "file_name": str(submission["original_name"] or ""),
        "received": show_date(submission["received_at"]),
        "problem_count": len(errors),
        "problems": [
            {
                "n": n,
                "cell": p["cell"] or "",
                "field": _field_label(str(submission["form"] or ""), p["field"] or ""),
                "message": p["message"],
                "message_en": p["message_en"] or "",
            }
            for n, p in enumerate(shown, start=1)
        ],
        "more_count": len(errors) - len(shown),
        "action_ar": action_ar,
        "action_en": action_en,
    }


def _letter_subject(submission: Any) -> str:
    """The outgoing register's subject of a rejection letter."""
    code = str(submission["form"] or "")
    if code in CATALOG.codes:
        return f"إعادة {CATALOG.form(code).name_ar}"
    return "إعادة نموذج"


def _letter_process(submission: Any) -> str:
    """The process whose form a rejection letter returns (the register's «العملية»)."""
    code = str(submission["form"] or "")
    fed = [p for p in processes_fed_by(code) if p != "PLAN"] if code in CATALOG.codes else []
    return fed[0] if fed else ""


def make_rejection_letter(
    dept: Department,
    ledger: Ledger,
    submission_id: int,
    *,
    clock: Clock,
    references: References | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path | None:
    """The letter returning a rejected submission to its school, in
    ``outbox/letters/<date>-كتاب-إعادة-<school>.docx``; None when the school is not known."""
    submission = ledger.submission(submission_id)
    if submission is None or submission["outcome"] != "rejected":
        raise EtiError(
            f"submission {submission_id} is not a rejected form",
            f"النموذج الوارد رقم {submission_id} ليس نموذجاً مرفوضاً.",
            code="not-rejected",
        )
    school = str(submission["school"] or "").strip()
    if not school:
        log.info("no letter for rejected submission %s: its school is not known", submission_id)
        return None
    refs = references_of(dept, references)
    now = clock.now()
    path: Path | None = None
    try:
        with ledger.transaction() as conn:
            issued = issue_number(
                ledger, conn, prefix=refs.directorate.letter_prefix,
                number_format=number_format_of(dept), day=now.date(), now=now,
                kind=LETTER_KIND, to=school, subject=_letter_subject(submission),
                process=_letter_process(submission))
            number = issued.number
            context = letter_context(dept, ledger, submission, refs, number, now.date())
            stem = name_parts(now.date().isoformat(), "كتاب-إعادة", school)
            path = render_into(dept, "rejection_letter.docx", context, letters_folder(dept),
                               stem, timeout=timeout)
            attach_document(conn, issued, relative(dept, path))
            ledger.record_document(LETTER_KIND, relative(dept, path), now, submission_id)
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    log.info("rejection letter %s for submission %s: %s", number, submission_id, path)
    return path


# -- the daily digest ---------------------------------------------------------------------------


def _first_problem(ledger: Ledger, submission_id: int) -> str:
    problems = ledger.problems_of(submission_id)
    errors = [p for p in problems if p["severity"] == "error"] or problems
    if not errors:
        return ""
    first = errors[0]
    where = f"{first['cell']}: " if first["cell"] else ""
    more = f" (+{len(errors) - 1})" if len(errors) > 1 else ""
    return f"{where}{first['message']}{more}"


def _form_text(code: str | None) -> str:
    if code and code in CATALOG.codes:
        return f"{code} {CATALOG.form(code).name_ar}"
    return code or "غير معروف"


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} ك.ب"
    return f"{size / 1024 / 1024:.1f} م.ب"


def waiting_in_inbox(dept: Department, day: dt.date) -> list[dict[str, str]]:
    """Files waiting in inbox/ now (not the work area, not Office lock files), then what
    the inbox holds that is not a file: never read, with what staff should do."""
    out = []
    for path in waiting_files(dept):
        try:
            info = path.lstat()
        except OSError:  # taken meanwhile
            continue
        out.append({"name": path.name, "size": _size(info.st_size),
                    "since": _since(info.st_mtime, day)})
    for item in not_files(dept):
        try:
            since = _since((dept.inbox / item.name).lstat().st_mtime, day)
        except OSError:
            since = "—"
        out.append({"name": item.message_ar, "size": NOT_A_FILE_AR, "since": since})
    return out


NOT_A_FILE_AR = "ليس ملفاً"


def _since(mtime: float, day: dt.date) -> str:
    when = dt.datetime.fromtimestamp(mtime)
    return when.strftime("%H:%M") if when.date() == day else format_date(when.date())


def digest_context(
    dept: Department, ledger: Ledger, day: dt.date, refs: References
) -> dict[str, Any]:
    """The context of daily_digest.docx for ``day``."""
    start = dt.datetime.combine(day, dt.time())
    end = start + dt.timedelta(days=1)
    subs = ledger.submissions_between(start, end)
    counts = Counter(str(s["outcome"]) for s in subs)
    accepted = [s for s in subs if s["outcome"] in ("accepted", "superseded")]
    rejected = [s for s in subs if s["outcome"] == "rejected"]
    changed = {p for s in accepted if s["form"] for p in processes_fed_by(str(s["form"]))}
    dirty = set(ledger.dirty_processes())
    order = {p.code: i for i, p in enumerate(CATALOG.processes)}
    registers = [
        {
            "register": CATALOG.process(p).register_ar if p in order else p,
            "process": p if p != "PLAN" else "الخطة",
            "status": "بانتظار التحديث" if p in dirty else "حُدِّث",
        }
        for p in sorted(changed | dirty, key=lambda p: order.get(p, 99))
    ]
    documents = [
        {
            "kind": KINDS_AR.get(str(r[0]).removesuffix("-pdf"), str(r[0]))
            + (" (PDF)" if str(r[0]).endswith("-pdf") else ""),
            "path": str(r[1]),
            "time": str(r[2])[11:16],
        }
        for r in ledger.conn.execute(
            "SELECT kind, path, created_at FROM documents WHERE created_at >= ? "
            "AND created_at < ? ORDER BY id",
            (start.isoformat(timespec="seconds"), end.isoformat(timespec="seconds")),
        )
    ]
    waiting = waiting_in_inbox(dept, day)

    def time_of(s: Any) -> str:
        return str(s["received_at"])[11:16]

    return common_context(dept, refs, doc_code="QP-70-2", title="الملخص اليومي", day=day) | {
        "day": format_date(day),
        "weekday": weekday_ar(day),
        "arrived_total": len(subs),
        "by_outcome": [
            {"outcome": label, "count": counts.get(key, 0)} for key, label in OUTCOMES_AR.items()
        ],
        "accepted": [
            {
                "time": time_of(s),
                "form": _form_text(s["form"]),
                "school": str(s["school"] or ""),
                "file": str(s["original_name"]),
                "rows": int(s["row_count"] or 0),
            }
            for s in accepted
        ],
        "accepted_count": len(accepted),
        "rejected": [
            {
                "time": time_of(s),
                "form": _form_text(s["form"]),
                "school": str(s["school"] or "") or UNKNOWN_SCHOOL,
                "file": str(s["original_name"]),
                "problem": _first_problem(ledger, int(s["id"])),
            }
            for s in rejected
        ],
        "rejected_count": len(rejected),
        "waiting": waiting,
        "waiting_count": len(waiting),
        "registers": registers,
        "documents": documents,
        "document_count": len(documents),
    } | overdue_context(ledger, day)


def overdue_context(ledger: Ledger, day: dt.date) -> dict[str, Any]:
    """The digest's tasks overdue on ``day`` (due date passed, neither done nor cancelled),
    by staff member then due date: computed from TASKS and the meetings' decisions."""
    overdue = [
        {
            "staff": t.staff,
            "task": t.task,
            "due": format_date(t.due_on) if t.due_on else "",
            "days": t.days_late(day),
            "source": t.source,
        }
        for t in overdue_tasks(RowSource(ledger), day)
    ]
    return {"overdue": overdue, "overdue_count": len(overdue),
            "overdue_staff": len({o["staff"] for o in overdue})}


def make_digest(
    dept: Department,
    ledger: Ledger,
    day: dt.date,
    *,
    clock: Clock,
    references: References | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """The head's daily digest, in ``outbox/digest/<date>-الملخص-اليومي.docx``."""
    refs = references_of(dept, references)
    context = digest_context(dept, ledger, day, refs)
    return produce(dept, ledger, kind=DIGEST_KIND, template="daily_digest.docx",
                   context=context, folder=digest_folder(dept),
                   stem=f"{day.isoformat()}-الملخص-اليومي", clock=clock, timeout=timeout)
