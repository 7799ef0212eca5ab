"""Documents into ``outbox/``: Word templates filled from the ledger (SPEC.md).

    kinds             every kind of document declared once (:class:`DocumentSpec`)
    make              one way to make any declared kind: ``make(kind, dept, ledger, subject)``
    render            sandboxed docxtpl rendering in a child process; ``check_templates``
    context, charts   letterhead values and value display; native Word charts
    outbox            readable Arabic names, never overwritten; PDF through LibreOffice
    decision          P5 disposal committee decision
    visits            visit reports (QF75-13, QF70-2-9, -17, -40)
    quarterly         the quarterly achievements report
    reports           P2, P6, P7, P8, P9 period reports
    letters           the rejection letter and the daily digest
    pending           what the pipeline owes after each batch
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what each name is; the module is imported when the name is first used
    from automation.documents.decision import (
        NO_REPORT_NOTE,
        DecisionResult,
        DisposalItem,
        make_disposal_decision,
        pending_items,
    )
    from automation.documents.kinds import DOCUMENTS, DocumentSpec, document
    from automation.documents.letters import make_digest, make_rejection_letter
    from automation.documents.making import make
    from automation.documents.outbox import (
        LIBREOFFICE_MISSING_AR,
        LIBREOFFICE_MISSING_EN,
        find_soffice,
        produce_pdf,
        safe_name,
        to_pdf,
    )
    from automation.documents.pending import pending_documents
    from automation.documents.quarterly import make_quarterly_report
    from automation.documents.render import (
        ImageRef,
        TemplateCheck,
        TemplateProblem,
        check_templates,
        render_document,
    )
    from automation.documents.reports import (
        make_activation_report,
        make_helpdesk_report,
        make_initiatives_report,
        make_systems_report,
        make_webpages_report,
    )
    from automation.documents.visits import VISIT_FORMS, make_visit_report
    from automation.templates.builder import (
        ASSET_TEMPLATES,
        TEMPLATE_NAMES,
        build_templates,
    )

_HOME: dict[str, str] = {
    **dict.fromkeys(("NO_REPORT_NOTE", "DecisionResult", "DisposalItem",
                     "make_disposal_decision", "pending_items"), "decision"),
    **dict.fromkeys(("make_digest", "make_rejection_letter"), "letters"),
    **dict.fromkeys(("LIBREOFFICE_MISSING_AR", "LIBREOFFICE_MISSING_EN", "find_soffice",
                     "produce_pdf", "safe_name", "to_pdf"), "outbox"),
    "pending_documents": "pending",
    "make_quarterly_report": "quarterly",
    **dict.fromkeys(("ImageRef", "TemplateCheck", "TemplateProblem", "check_templates",
                     "render_document"), "render"),
    **dict.fromkeys(("DOCUMENTS", "DocumentSpec", "document"), "kinds"),
    "make": "making",
    **dict.fromkeys(("make_activation_report", "make_helpdesk_report",
                     "make_initiatives_report", "make_systems_report",
                     "make_webpages_report"), "reports"),
    **dict.fromkeys(("VISIT_FORMS", "make_visit_report"), "visits"),
    **dict.fromkeys(("ASSET_TEMPLATES", "TEMPLATE_NAMES", "build_templates"),
                    "automation.templates.builder"),
}
"""The module of each public name (of this package unless dotted). Importing the package
imports none of them: ``eti report quarterly`` loads what the quarterly report uses, not
the disposal decision, the letters or the registers they write to (issue 14)."""


def __getattr__(name: str) -> object:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(home if "." in home else f"{__name__}.{home}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

__all__ = [
    "ASSET_TEMPLATES",
    "DOCUMENTS",
    "LIBREOFFICE_MISSING_AR",
    "LIBREOFFICE_MISSING_EN",
    "NO_REPORT_NOTE",
    "TEMPLATE_NAMES",
    "VISIT_FORMS",
    "DecisionResult",
    "DocumentSpec",
    "DisposalItem",
    "ImageRef",
    "TemplateCheck",
    "TemplateProblem",
    "build_templates",
    "check_templates",
    "document",
    "find_soffice",
    "make",
    "make_activation_report",
    "make_digest",
    "make_disposal_decision",
    "make_helpdesk_report",
    "make_initiatives_report",
    "make_quarterly_report",
    "make_rejection_letter",
    "make_systems_report",
    "make_visit_report",
    "make_webpages_report",
    "pending_documents",
    "pending_items",
    "produce_pdf",
    "render_document",
    "safe_name",
    "to_pdf",
]
