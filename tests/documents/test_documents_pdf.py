"""Documents converted to PDF by LibreOffice: Arabic text present, a sane page count.

Skipped where LibreOffice (soffice) or poppler (pdftotext, pdfinfo) is not installed.
pdftotext gives the logical order with direction marks around runs, and splits
the lam-alef ligature, so words are compared after removing the marks and all
white space, and only words without lam-alef are looked for.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from automation.documents import (
    make_disposal_decision,
    make_quarterly_report,
    make_visit_report,
    produce_pdf,
    to_pdf,
)
from tests.documents.test_documents_decision import fill as fill_disposal
from tests.documents.test_documents_helpers import (
    AMAL,
    clock,
    department,
    open_ledger,
    references,
)
from tests.documents.test_documents_reports import fill as fill_reports

pytestmark = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdfinfo")),
    reason="LibreOffice or poppler-utils is not installed",
)
MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdf_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    return re.sub(r"\s+", "", MARKS.sub("", text))  # pdftotext's spacing around runs varies


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True,
                          text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def made(module_ledger: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    dept = department(tmp_path_factory.mktemp("pdf"))
    with open_ledger(dept) as ledger:
        fill_disposal(ledger)
        ids = fill_reports(ledger)
        decision = make_disposal_decision(dept, ledger, clock=clock(), source=AMAL,
                                          references=references())
        visit = make_visit_report(dept, ledger, ids["QF75-13"], clock=clock(),
                                  references=references())
        quarterly = make_quarterly_report(dept, ledger, 2026, 1, clock=clock(),
                                          references=references())
        pdf = produce_pdf(dept, ledger, visit, kind="visit-report", clock=clock(),
                          submission_id=ids["QF75-13"])
        recorded = ledger.conn.execute(
            "SELECT path FROM documents WHERE kind = 'visit-report-pdf'").fetchall()
    assert pdf is not None and [r[0] for r in recorded] == [pdf.relative_to(dept.root).as_posix()]
    out = {"decision": to_pdf(decision.path), "visit": pdf, "quarterly": to_pdf(quarterly)}
    for name, path in out.items():
        assert path is not None and path.suffix == ".pdf", name
    return out  # type: ignore[return-value]


def test_decision_pdf(made: dict[str, Path]) -> None:
    pdf = made["decision"]
    assert pdf.name == "قرار-إتلاف-ت-ت-2026-1.pdf"
    text = pdf_text(pdf)
    for word in ("قرار", "لجنة", "مديرية التربية والتعليم", "مجهر ضوئي", "جهاز حاسوب مكتبي",
                 "أحمد علي", "منى سالم", "5/4/2026", "PC-001", "الفئة"):
        assert word.replace(" ", "") in text, word
    assert 1 <= pages(pdf) <= 3


def test_visit_report_pdf(made: dict[str, Path]) -> None:
    pdf = made["visit"]
    text = pdf_text(pdf)
    for word in ("تقرير زيارة ميدانية", "QF75-13", "مقطوع", "استبدال الكابل", "10/3/2026",
                 "الشركة المنفذة", "صفحة 1 من 1"):
        assert word.replace(" ", "") in text, word
    assert pages(pdf) == 1


def test_quarterly_report_pdf(made: dict[str, Path]) -> None:
    pdf = made["quarterly"]
    text = pdf_text(pdf)
    for word in ("تقرير ربعي بإنجازات قسم", "عدد طلبات الدعم الفني المنفذة", "80.0%", "P10",
                 "الزيارات الميدانية", "مدرسة النور"):
        assert word.replace(" ", "") in text, word
    count = pages(pdf)
    assert 2 <= count <= 8
    assert f"صفحة1من{count}" in text


def test_a_charts_numbers_read_as_written_in_the_pdf(tmp_path: Path) -> None:
    """LibreOffice reverses the digits of a chart in a right-to-left paragraph (17 as 71):
    the chart's paragraph is made left-to-right, and the PDF shows 17."""
    from automation.documents.charts import bar_chart
    from automation.documents.render import render_document
    from automation.templates.builder import ASSET_TEMPLATES
    from automation.templates.samples import sample_context

    context = sample_context("helpdesk_report.docx")
    context["chart"] = bar_chart(["شبكة", "حماية"], [17, 250], ylabel="عدد الطلبات")
    docx = render_document(ASSET_TEMPLATES / "helpdesk_report.docx", context,
                           tmp_path / "chart.docx")
    pdf = to_pdf(docx)
    assert pdf is not None
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True,
                         text=True).stdout
    lines = {MARKS.sub("", line).strip() for line in raw.splitlines()}
    assert {"17", "250", "شبكة", "حماية"} <= lines
    assert not {"71", "052"} & lines
