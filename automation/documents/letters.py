"""The official letter returning a rejected form to its school, and the daily digest
for the head of department."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from automation.catalog.forms import CATALOG
from automation.catalog.reference import References
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.inbox_listing import not_files, waiting_files
from automation.core.messages import action_for
from automation.core.problems import Problem
from automation.documents.context import (
    UNKNOWN_SCHOOL,
    common_context,
    form_text,
    is_official_code,
    show_date,
    weekday_ar,
)
from automation.documents.correspondence import attach_document, issue_number, number_format_of
from automation.documents.kinds import DAILY_DIGEST, REJECTION_LETTER, DocumentSpec, names_ar
from automation.documents.making import file_stem, folder_of, make_of
from automation.documents.outbox import (
    relative,
    render_into,
)
from automation.documents.render import DEFAULT_TIMEOUT
from automation.ledger.documents import written_between
from automation.ledger.store import Ledger
from automation.processes import processes_fed_by
from automation.processes.digest import arrivals_on
from automation.processes.figures import RowSource
from automation.processes.office import overdue_tasks
from automation.text.dates import format_date

log = logging.getLogger(__name__)

LETTER_KIND = REJECTION_LETTER.key
DIGEST_KIND = DAILY_DIGEST.key
MAX_LETTER_PROBLEMS = 200
"""Problems listed in a letter; the rest are counted (all are in the error workbook)."""

OUTCOMES_AR = {
    "accepted": "مقبول",
    "superseded": "مقبول ثم استُبدل بنسخة أحدث",
    "rejected": "مرفوض",
    "duplicate": "مكرر (سبق استلامه)",
}
KINDS_AR: dict[str, str] = names_ar()
"""What staff call each kind of document (the digest's list), as declared."""


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
    action_ar, _ = action_for(  # the English line is in the errors workbook and the log
        Problem(str(p["code"]), "", p["severity"]) for p in problems)
    return common_context(dept, refs, doc_code="QP-70-2", title="كتاب إعادة نموذج", day=day) | {
        "number": number,
        "school": str(submission["school"] or ""),
        "form_code": code if is_official_code(code) else "",  # never an internal code
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
            }
            for n, p in enumerate(shown, start=1)
        ],
        "more_count": len(errors) - len(shown),
        "action_ar": action_ar,
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


def write_rejection_letter(
    spec: DocumentSpec,
    dept: Department,
    ledger: Ledger,
    submission: Any,
    refs: References,
    *,
    clock: Clock,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path | None:
    """The letter returning a rejected submission to its school, numbered in the outgoing
    register, in ``outbox/letters/<date>-كتاب-إعادة-<school>.docx``; None when the school
    is not known (:func:`automation.documents.making.make` loads the submission)."""
    submission_id = int(submission["id"])
    school = str(submission["school"] or "").strip()
    if not school:
        log.info("no letter for rejected submission %s: its school is not known", submission_id)
        return None
    now = clock.now()
    path: Path | None = None
    try:
        with ledger.transaction() as conn:
            issued = issue_number(
                ledger, conn, prefix=refs.directorate.letter_prefix,
                number_format=number_format_of(dept), day=now.date(), now=now,
                kind=spec.key, to=school, subject=_letter_subject(submission),
                process=_letter_process(submission))
            number = issued.number
            context = letter_context(dept, ledger, submission, refs, number, now.date())
            stem = file_stem(spec.file, {"day": now.date().isoformat(), "school": school})
            path = render_into(dept, spec.template.file, context, folder_of(dept, spec),
                               stem, timeout=timeout)
            attach_document(conn, issued, relative(dept, path))
            ledger.record_document(spec.key, relative(dept, path), now, submission_id)
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    log.info("rejection letter %s for submission %s: %s", number, submission_id, path)
    return path


make_rejection_letter = make_of(REJECTION_LETTER.key)
"""The rejection letter of a rejected submission: ``(dept, ledger, submission_id, *, clock,
references=None)``; None when its school is not known."""


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
    return form_text(code) if code else "غير معروف"  # an internal code is never shown


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
    arrivals = arrivals_on(ledger, day)  # counted by the processes; printed here
    accepted, rejected = arrivals.accepted, arrivals.rejected
    known = {p.code for p in CATALOG.processes}
    registers = [
        {
            "register": CATALOG.process(p).register_ar if p in known else p,
            "process": "الخطة" if p == "PLAN" else p if is_official_code(p) else "",
            "status": "بانتظار التحديث" if waiting else "حُدِّث",
        }
        for p, waiting in arrivals.registers
    ]
    documents = [
        {
            "kind": KINDS_AR.get(str(r[0]).removesuffix("-pdf"), str(r[0]))
            + (" (PDF)" if str(r[0]).endswith("-pdf") else ""),
            "path": str(r[1]),
            "time": str(r[2])[11:16],
        }
        for r in written_between(ledger.conn, start, end)
    ]
    waiting = waiting_in_inbox(dept, day)

    def time_of(s: Any) -> str:
        return str(s["received_at"])[11:16]

    return common_context(dept, refs, doc_code="QP-70-2", title="الملخص اليومي", day=day) | {
        "day": format_date(day),
        "weekday": weekday_ar(day),
        "arrived_total": arrivals.total,
        "by_outcome": [
            {"outcome": label, "count": arrivals.by_outcome.get(key, 0)}
            for key, label in OUTCOMES_AR.items()
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
    } | overdue_context(ledger, day) | _missing(dept, ledger, day, refs)


def _missing(dept: Department, ledger: Ledger, day: dt.date, refs: References) -> dict[str, Any]:
    """«لم ترد بعد»: the forms schools owe and have not sent (issue 25)."""
    from automation.documents.reminders import missing_context

    return missing_context(dept, ledger, day, refs)


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


make_digest = make_of(DAILY_DIGEST.key)
"""The head's daily digest of ``day``, in ``outbox/digest/<date>-الملخص-اليومي.docx``:
``(dept, ledger, day, *, clock, references=None)``."""
