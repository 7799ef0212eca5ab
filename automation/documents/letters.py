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
from automation.documents.context import (
    UNKNOWN_SCHOOL,
    common_context,
    official_number,
    references_of,
    show_date,
    weekday_ar,
)
from automation.documents.outbox import (
    digest_folder,
    letters_folder,
    name_parts,
    relative,
    render_into,
)
from automation.documents.render import DEFAULT_TIMEOUT
from automation.ledger.store import Ledger
from automation.processes import processes_fed_by
from automation.text.normalize import format_date

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
    "quarterly-report": "التقرير الربعي",
    "helpdesk-report": "تقرير الدعم الفني",
    "systems-report": "تقرير حالة الأنظمة",
    "activation-report": "تقرير تفعيل الوظائف",
    "initiatives-report": "تقرير المبادرات",
    "webpages-report": "تقرير الصفحات الإلكترونية",
    "rejection-letter": "كتاب إعادة نموذج",
    "daily-digest": "الملخص اليومي",
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
            }
            for n, p in enumerate(shown, start=1)
        ],
        "more_count": len(errors) - len(shown),
    }


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
            sequence = ledger.next_sequence(conn, f"letter-{now.year}")
            number = official_number(refs.directorate.letter_prefix, now.year, sequence)
            context = letter_context(dept, ledger, submission, refs, number, now.date())
            stem = name_parts(now.date().isoformat(), "كتاب-إعادة", school)
            path = render_into(dept, "rejection_letter.docx", context, letters_folder(dept),
                               stem, timeout=timeout)
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
    """Files waiting in inbox/ now (not the work area, not Office lock files)."""
    if not dept.inbox.is_dir():
        return []
    out = []
    for path in sorted(dept.inbox.iterdir()):
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        stat = path.stat()
        when = dt.datetime.fromtimestamp(stat.st_mtime)
        since = when.strftime("%H:%M") if when.date() == day else format_date(when.date())
        out.append({"name": path.name, "size": _size(stat.st_size), "since": since})
    return out


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
    }


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
    path = render_into(dept, "daily_digest.docx", context, digest_folder(dept),
                       f"{day.isoformat()}-الملخص-اليومي", timeout=timeout)
    ledger.record_document(DIGEST_KIND, relative(dept, path), clock.now())
    return path
