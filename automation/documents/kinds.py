"""Every kind of document the product writes, declared once.

A :class:`DocumentSpec` says what a kind is: its key (the kind the ledger records, spelled
only here), its titles, its Word template (with the function that builds it and the one
that gives its sample context), how its context is built, where it goes in ``outbox/``
and under which name, when it is owed (per submission, periodic or on demand) and the
``eti`` command that makes it on demand.

Derived from :data:`DOCUMENTS`: the template builder's list
(:data:`automation.templates.builder.BUILDERS`), the samples
(:data:`automation.templates.samples.SAMPLES`), the digest's names of documents
(:data:`automation.documents.letters.KINDS_AR`), the scheduled jobs
(:data:`automation.service.jobs.PERIODIC_REPORTS`), the ``eti report`` commands of the
period reports and ``eti templates check``. :func:`automation.documents.making.make` makes
any kind from its declaration.

Functions are named as ``"module:function"`` and imported only when used, so that
reading the declarations imports no document, template or process module (issue 14).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Literal

from automation.ledger.reminders import CIRCULAR_KIND, REMINDER_KIND

Shape = Literal["submission", "numbered-letter", "process-period", "quarter", "directorates",
                "day", "own"]
"""How :func:`~automation.documents.making.make` calls a kind's context function:

    submission       context(dept, ledger, submission, refs, *, day) -> (context, name parts)
    numbered-letter  the same, in the transaction that gives the letter its number
    process-period   context(src, period, refs), under the process's figures
                     (:func:`automation.documents.reports.report_context`)
    quarter          context(dept, ledger, year, number, refs, *, day, calendar)
    directorates     context(dept, ministry_figures, refs, *, day)
    day              context(dept, ledger, day, refs)
    own              made by its own command (numbers, decisions, one file per person)
"""


def resolve(ref: str) -> Any:
    """``"package.module:name"`` -> the object (the module imported now)."""
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Template:
    """A shipped Word template: its file in ``templates_docx/``, the function that builds it
    (a :class:`~automation.templates.doc.TemplateDoc`) and the one that gives the sample
    context (every variable a staff member editing it may use)."""

    file: str
    build: str
    sample: str


@dataclass(frozen=True)
class PerSubmission:
    """Owed once for every submission of ``forms`` (a ``"module:name"`` of a tuple of form
    codes; "" = any form) that ended ``outcome``; the pipeline writes what is owed."""

    forms: str = ""
    outcome: str = "accepted"


@dataclass(frozen=True)
class Periodic:
    """Written by the scheduled job ``job`` after every ``every`` (``quarter``: the quarter
    that just ended; ``working day``: that day)."""

    every: Literal["quarter", "working day"]
    job: str
    job_title_ar: str
    job_title_en: str


@dataclass(frozen=True)
class OnDemand:
    """Made only when staff ask for it (its ``command``)."""


Trigger = PerSubmission | Periodic | OnDemand


@dataclass(frozen=True)
class DocumentSpec:
    """One kind of document (see the module's docstring)."""

    key: str
    name_ar: str
    """What staff call it in lists (the digest, the outgoing register)."""
    title_ar: str
    """The title on the document (its ``doc_title``; the form's own name for the
    document of one form)."""
    title_en: str
    template: Template
    context: str
    """``"module:function"`` building its context, called as its :data:`Shape` says (a kind
    made by its own command, ``own``: the function that makes it)."""
    shape: Shape
    folder: str
    """Its folder in ``outbox/`` (``staff/{year}``: one a year)."""
    file: str
    """Its file name without ``.docx``: ``{period}`` is the period's slug, ``{day}`` the
    day; ``{date}``, ``{form}``, ``{school}``, ``{id}`` … are the parts its context
    function names (joined by ``-``, empty parts left out)."""
    trigger: Trigger
    command: str
    """The ``eti`` command that makes it (``report helpdesk`` is ``eti report helpdesk``)."""
    process: str = ""
    """A process's period report: the process whose figures head it."""
    help_en: str = ""
    """What its ``eti`` command says it makes."""


# -- the templates -------------------------------------------------------------------------

_B, _S = "automation.templates.builder", "automation.templates.samples"
_R, _O = "automation.templates.reports", "automation.templates.office"


def _template(file: str, module: str = _B) -> Template:
    """The template ``file``, built by the function of ``module`` named after it and
    sampled by the function of the samples named after it."""
    stem = file.removesuffix(".docx")
    return Template(file, f"{module}:{stem}", f"{_S}:{stem}")


DISPOSAL_TEMPLATE = _template("decision_disposal.docx")
"""The draft and the approved decision are one template (``draft`` tells them apart)."""

def _period_report(key: str, name_ar: str, title_ar: str, title_en: str, process: str,
                   file: str, job_title_ar: str, job_title_en: str, help_en: str) -> DocumentSpec:
    """A process's period report: after every quarter, and on demand for any period."""
    command = key.removesuffix("-report")
    return DocumentSpec(
        key=key, name_ar=name_ar, title_ar=title_ar, title_en=title_en,
        template=_template(f"{command}_report.docx", _R),
        context=f"automation.documents.reports:{command}_context", shape="process-period",
        folder="reports", file=f"{file}-{{period}}",
        trigger=Periodic("quarter", key, job_title_ar, job_title_en),
        command=f"report {command}", process=process, help_en=help_en,
    )


# -- the declarations ----------------------------------------------------------------------

VISIT_REPORT = DocumentSpec(
    key="visit-report", name_ar="تقرير زيارة", title_ar="تقرير زيارة",
    title_en="visit report", template=_template("visit_report.docx"),
    context="automation.documents.visits:visit_context", shape="submission",
    folder="visits", file="{date}-{form}-{school}",
    trigger=PerSubmission("automation.documents.visits:VISIT_FORMS"), command="report visit",
    help_en="The printable report of one accepted visit form (QF75-13, QF70-2-9, -17, -40).",
)
TECHNICAL_REPORT = DocumentSpec(
    key="technical-report", name_ar="تقرير فني", title_ar="تقرير فني",
    title_en="technical report", template=_template("technical_report.docx",
                                                    "automation.templates.technical"),
    context="automation.documents.technical:technical_context", shape="submission",
    folder="technical", file="{date}-{form}-{school}-{id}",
    trigger=PerSubmission("automation.documents.technical:TECHNICAL_FORMS"),
    command="report technical",
    help_en="The printable technical report of one accepted maintenance request (QF75-11).",
)
MEETING_MINUTES = DocumentSpec(
    key="meeting-minutes", name_ar="محضر اجتماع", title_ar="محضر اجتماع",
    title_en="meeting minutes", template=_template("meeting_minutes.docx", _O),
    context="automation.documents.minutes:minutes_context", shape="submission",
    folder="minutes", file="{date}-محضر-اجتماع-{kind}",
    trigger=PerSubmission("automation.documents.minutes:MINUTES_FORMS"), command="process",
)
REJECTION_LETTER = DocumentSpec(
    key="rejection-letter", name_ar="كتاب إعادة نموذج", title_ar="كتاب إعادة نموذج",
    title_en="letter returning a form", template=_template("rejection_letter.docx"),
    context="automation.documents.letters:letter_context", shape="numbered-letter",
    folder="letters", file="{day}-كتاب-إعادة-{school}",
    trigger=PerSubmission(outcome="rejected"), command="process",
)
QUARTERLY_REPORT = DocumentSpec(
    key="quarterly-report", name_ar="التقرير الربعي", title_ar="تقرير ربعي بإنجازات القسم",
    title_en="quarterly achievements report", template=_template("quarterly_report.docx"),
    context="automation.documents.quarterly:quarterly_context", shape="quarter",
    folder="reports", file="تقرير-ربعي-{period}",
    trigger=Periodic("quarter", "quarterly-report", "التقرير الربعي لإنجازات القسم",
                     "quarterly achievements report"),
    command="report quarterly",
    help_en="The department's quarterly achievements report.",
)
HELPDESK_REPORT = _period_report(
    "helpdesk-report", "تقرير الدعم الفني", "التقرير الفني لطلبات الدعم الفني المنفذة",
    "Help Desk report", "P2", "تقرير-الدعم-الفني", "التقرير الربعي لطلبات الدعم الفني (P2)",
    "quarterly Help Desk report (P2)",
    "P2 technical report: Help Desk requests executed, by category and school.")
SYSTEMS_REPORT = _period_report(
    "systems-report", "تقرير حالة الأنظمة", "تقرير حالة الأنظمة التربوية والتحديثات الجديدة",
    "systems status report", "P6", "تقرير-حالة-الأنظمة",
    "التقرير الربعي لحالة الأنظمة والتحديثات (P6)",
    "quarterly systems status and updates report (P6)",
    "P6 information systems: status and new updates.")
ACTIVATION_REPORT = _period_report(
    "activation-report", "تقرير تفعيل الوظائف",
    "تقرير نتائج زيارات متابعة تفعيل وظائف الأنظمة ونسب الإنجاز", "activation report", "P7",
    "تقرير-تفعيل-الوظائف", "التقرير الربعي لتفعيل وظائف الأنظمة (P7)",
    "quarterly activation report (P7)",
    "P7 activation visits: results and achievement percentages.")
INITIATIVES_REPORT = _period_report(
    "initiatives-report", "تقرير المبادرات", "تقرير المبادرات والمشاريع الإبداعية",
    "initiatives report", "P8", "تقرير-المبادرات",
    "التقرير الربعي للمبادرات والمشاريع الإبداعية (P8)", "quarterly initiatives report (P8)",
    "P8 initiatives: active list and activation.")
WEBPAGES_REPORT = _period_report(
    "webpages-report", "تقرير الصفحات الإلكترونية", "تقرير مدى تحقق معايير الصفحات الإلكترونية",
    "web pages report", "P9", "تقرير-الصفحات-الإلكترونية",
    "التقرير الربعي للصفحات الإلكترونية (P9)", "quarterly web pages report (P9)",
    "P9 web pages: criteria met per page.")
MINISTRY_REPORT = DocumentSpec(
    key="ministry-quarterly-report", name_ar="التقرير الربعي على مستوى المديريات",
    title_ar="تقرير ربعي بإنجازات أقسام تكنولوجيا التعليم والمعلومات في المديريات",
    title_en="the ministry's quarterly report across directorates",
    template=_template("ministry_report.docx", _R),
    context="automation.documents.ministry:ministry_context", shape="directorates",
    folder="reports", file="تقرير-ربعي-المديريات-{period}", trigger=OnDemand(),
    command="report quarterly --all-directorates",
)
DAILY_DIGEST = DocumentSpec(
    key="daily-digest", name_ar="الملخص اليومي", title_ar="الملخص اليومي لرئيس القسم",
    title_en="daily digest", template=_template("daily_digest.docx"),
    context="automation.documents.letters:digest_context", shape="day",
    folder="digest", file="{day}-الملخص-اليومي",
    trigger=Periodic("working day", "digest", "الملخص اليومي لرئيس القسم", "daily digest"),
    command="digest",
    help_en="The daily digest for the head: arrived, accepted, rejected, waiting, produced.",
)
DISPOSAL_DECISION = DocumentSpec(
    key="decision-disposal", name_ar="قرار لجنة الإتلاف", title_ar="قرار لجنة الإتلاف",
    title_en="disposal committee decision", template=DISPOSAL_TEMPLATE,
    context="automation.documents.decision:decision_context", shape="own",
    folder="decisions", file="قرار-إتلاف-{number}", trigger=OnDemand(),
    command="decision approve",
)
DISPOSAL_DRAFT = DocumentSpec(
    key="decision-disposal-draft", name_ar="مسودة قرار لجنة الإتلاف",
    title_ar="قرار لجنة الإتلاف", title_en="draft disposal committee decision",
    template=DISPOSAL_TEMPLATE, context="automation.documents.decision:decision_context",
    shape="own", folder="decisions", file="مسودة-قرار-إتلاف-{id}", trigger=OnDemand(),
    command="decision disposal",
)
_VOID = "automation.templates.void_notice"
VOID_NOTICE = DocumentSpec(
    key="decision-void-notice", name_ar="إشعار إلغاء قرار لجنة الإتلاف",
    title_ar="إشعار إلغاء قرار", title_en="notice voiding a disposal committee decision",
    template=Template("void_notice.docx", f"{_VOID}:void_notice", f"{_VOID}:sample_void_notice"),
    context="automation.documents.voiding:void_notice_context", shape="own",
    folder="decisions", file="إشعار-إلغاء-قرار-إتلاف-{decision}", trigger=OnDemand(),
    command="decision void",
    help_en="Issue 24: the numbered notice that an approved decision is void, and why.",
)
LETTER_THANKS = DocumentSpec(
    key="letter-thanks", name_ar="كتاب شكر وتشجيع", title_ar="كتاب شكر وتشجيع",
    title_en="letter of thanks", template=_template("letter_thanks.docx"),
    context="automation.documents.correspondence:make_thanks_letter", shape="own",
    folder="letters", file="{day}-كتاب-شكر-{number}", trigger=OnDemand(), command="letter thanks",
)
LETTER_QRC = DocumentSpec(
    key="letter-qrc", name_ar="كتاب تغطية إلى مركز الملكة رانيا", title_ar="كتاب تغطية",
    title_en="covering letter to QRC", template=_template("letter_qrc.docx"),
    context="automation.documents.correspondence:make_qrc_letter", shape="own",
    folder="letters", file="{day}-كتاب-تغطية-مركز-الملكة-رانيا-{number}", trigger=OnDemand(),
    command="letter qrc",
)
LETTER_FREE = DocumentSpec(
    key="letter-free", name_ar="كتاب صادر", title_ar="كتاب",
    title_en="outgoing letter", template=_template("letter_free.docx"),
    context="automation.documents.correspondence:make_free_letter", shape="own",
    folder="letters", file="{day}-كتاب-{number}", trigger=OnDemand(), command="letter free",
)
_REMINDER = "automation.templates.reminder"
LETTER_REMINDER = DocumentSpec(
    key=REMINDER_KIND, name_ar="كتاب تذكير بالنماذج المتأخرة", title_ar="كتاب تذكير",
    title_en="reminder letter", template=Template(
        "letter_reminder.docx", f"{_REMINDER}:letter_reminder",
        f"{_REMINDER}:sample_letter_reminder"),
    context="automation.documents.reminders:reminder_context", shape="own",
    folder="letters", file="{day}-كتاب-تذكير-{school}-{number}", trigger=OnDemand(),
    command="letter reminder",
    help_en="Issue 25: one numbered letter to each school that owes forms, listing them.",
)
LETTER_REMINDER_CIRCULAR = DocumentSpec(
    key=CIRCULAR_KIND, name_ar="تعميم تذكير بالنماذج المتأخرة",
    title_ar="تعميم تذكير", title_en="reminder circular", template=Template(
        "letter_reminder_circular.docx", f"{_REMINDER}:letter_reminder_circular",
        f"{_REMINDER}:sample_letter_reminder_circular"),
    context="automation.documents.reminders:reminder_context", shape="own",
    folder="letters", file="{day}-تعميم-تذكير-{number}", trigger=OnDemand(),
    command="letter reminder --circular",
    help_en="Issue 25: one numbered circular listing the schools that owe forms.",
)
STAFF_REPORT = DocumentSpec(
    key="staff-report", name_ar="شواهد أداء الموظف", title_ar="شواهد أداء الموظف",
    title_en="staff member's year", template=_template("staff_report.docx", _O),
    context="automation.documents.staff_report:staff_context", shape="own",
    folder="staff/{year}", file="{name}", trigger=OnDemand(), command="report staff",
)

DOCUMENTS: tuple[DocumentSpec, ...] = (
    DISPOSAL_DECISION, VISIT_REPORT, QUARTERLY_REPORT, HELPDESK_REPORT, SYSTEMS_REPORT,
    ACTIVATION_REPORT, INITIATIVES_REPORT, WEBPAGES_REPORT, REJECTION_LETTER, DAILY_DIGEST,
    DISPOSAL_DRAFT, LETTER_THANKS, LETTER_QRC, LETTER_FREE, MEETING_MINUTES, STAFF_REPORT,
    TECHNICAL_REPORT, MINISTRY_REPORT, LETTER_REMINDER, LETTER_REMINDER_CIRCULAR,
    VOID_NOTICE,
)
"""Every kind of document, in the order the digest and ``eti templates`` list them."""

BY_KEY: dict[str, DocumentSpec] = {spec.key: spec for spec in DOCUMENTS}

TEMPLATES: tuple[Template, ...] = tuple({s.template.file: s.template for s in DOCUMENTS}.values())
"""Every shipped template, once (two kinds may share one)."""


def document(key: str) -> DocumentSpec:
    """The declaration of kind ``key``; KeyError names the kinds there are."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"no document kind {key!r}; kinds: {', '.join(BY_KEY)}") from None


def periodic(every: str = "quarter") -> tuple[DocumentSpec, ...]:
    """The kinds a scheduled job writes after every ``every``, in declaration order."""
    return tuple(s for s in DOCUMENTS
                 if isinstance(s.trigger, Periodic) and s.trigger.every == every)


def per_submission() -> tuple[DocumentSpec, ...]:
    """The kinds owed once per submission (what the pipeline writes after a batch)."""
    return tuple(s for s in DOCUMENTS if isinstance(s.trigger, PerSubmission))


def period_reports() -> tuple[DocumentSpec, ...]:
    """The processes' period reports (``eti report <command> --period …``)."""
    return tuple(s for s in DOCUMENTS if s.shape == "process-period")


def names_ar() -> dict[str, str]:
    """What staff call each kind, by key (the digest's list of documents made)."""
    return {s.key: s.name_ar for s in DOCUMENTS}
