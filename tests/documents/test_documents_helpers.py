"""Helpers shared by the document tests (imported by them; no tests of its own).

A department in a temporary folder, a ledger filled through ledger_factory,
reference values given directly, and ways to read a produced .docx back.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from ledger_factory import add_submission, backend_ledger
from lxml import etree

from automation.catalog.reference import Directorate, Member, References, School
from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.core.problems import Problem
from automation.ledger.store import Ledger, SubmissionRecord

D = dt.date
NOW = dt.datetime(2026, 4, 5, 10, 30)
AMAL = "مدرسة الأمل الثانوية"
NOOR = "مدرسة النور الأساسية"
RAZI = "مدرسة الرازي"
STORE = "مستودع المديرية"


def clock(when: dt.datetime = NOW) -> FakeClock:
    return FakeClock(when)


def references(committee: bool = True) -> References:
    members = (
        [
            Member("عضو", "منى سالم", "مشرفة حاسوب"),
            Member("رئيس اللجنة", "أحمد علي", "رئيس قسم اللوازم"),
            Member("مقرر", "خالد يوسف", "فني صيانة"),
        ]
        if committee
        else []
    )
    return References(
        schools=[School("1001", AMAL), School("1002", NOOR), School("1003", RAZI)],
        committee=members,
        directorate=Directorate(
            name="مديرية التربية والتعليم للواء الجامعة",
            head="م. سامر الخطيب",
            director="د. ليلى الحسن",
            address="عمّان",
            letter_prefix="ت ت",
        ),
    )


def department(tmp: Path) -> Department:
    """A department folder: its folders and an ``eti.toml`` of defaults (so ``eti``
    commands take it as a department)."""
    dept = Department.at(tmp / "dept")
    dept.ensure()
    if not dept.config_path.exists():
        dept.config_path.write_text("", encoding="utf-8")
    return dept


def open_ledger(dept: Department) -> Ledger:
    return backend_ledger(dept.ledger_path)


def reject(
    ledger: Ledger,
    school: str,
    form: str,
    received_at: dt.datetime,
    problems: list[Problem] | None = None,
    name: str = "ملف.xlsx",
) -> int:
    """Record a rejected submission with its problems."""
    record = SubmissionRecord(
        original_name=name,
        sha256=f"{school}{form}{received_at.isoformat()}{name}",
        size=100,
        received_at=received_at,
        outcome="rejected",
        form=form,
        school=school,
    )
    return ledger.record(
        record, problems or [Problem("required", "القيمة مطلوبة", cell="C5", field="librarian",
                                     message_en="required")]
    )


def visit(ledger: Ledger, code: str, header: dict, rows: list[dict], day: D) -> int:
    return add_submission(ledger, code, header, rows,
                          received_at=dt.datetime.combine(day, dt.time(12, 0)))


# -- reading documents back -------------------------------------------------------------


def all_text(path: Path) -> str:
    """Every paragraph and table cell of a .docx (body, headers, footers), one per line."""
    doc = Document(str(path))
    lines: list[str] = []

    def walk(container: object) -> None:
        for p in container.paragraphs:  # type: ignore[attr-defined]
            lines.append(p.text)
        for table in container.tables:  # type: ignore[attr-defined]
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(doc)
    for section in doc.sections:
        walk(section.footer)
        walk(section.header)
    return shown("\n".join(lines))


ISOLATES = str.maketrans("", "", "\u2066\u2067\u2068\u2069")


def shown(text: str) -> str:
    """Text as a reader sees it: without the isolates around its Latin runs (LRI … PDI,
    :mod:`automation.text.bidi`), which are not printed."""
    return text.translate(ISOLATES)


def tables(path: Path) -> list[list[list[str]]]:
    """Every top-level table as rows of cell texts (merged cells repeated once)."""
    doc = Document(str(path))
    out = []
    for table in doc.tables:
        rows = []
        for row in table.rows:
            cells = []
            for tc in row._tr.findall(qn("w:tc")):
                cells.append(shown("\n".join("".join(t.text or "" for t in p.iter(qn("w:t")))
                                             for p in tc.findall(qn("w:p")))))
            rows.append(cells)
        out.append(rows)
    return out


def find_table(path: Path, header_cell: str) -> list[list[str]]:
    """The first table whose first row has a cell equal to ``header_cell``."""
    for table in tables(path):
        if table and header_cell in table[0]:
            return table
    raise AssertionError(f"no table with a {header_cell!r} column in {path.name}")


def document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("word/document.xml").decode("utf-8")


def assert_rtl(path: Path) -> None:
    """Every paragraph carries w:bidi and every table w:bidiVisual; a paragraph holding a
    chart (and no text) is left-to-right on purpose (LibreOffice reverses a chart's digits
    in a right-to-left one)."""
    doc = Document(str(path))
    body = doc.element.body
    paragraphs = list(body.iter(qn("w:p")))
    assert paragraphs
    for p in paragraphs:
        ppr = p.find(qn("w:pPr"))
        assert ppr is not None and ppr.find(qn("w:bidi")) is not None, p.xml[:300]
        ltr = ppr.find(qn("w:bidi")).get(qn("w:val")) in ("0", "false")
        has_chart = next(p.iter(qn("c:chart")), None) is not None
        assert ltr == has_chart, p.xml[:300]
        if has_chart:
            assert not "".join(t.text or "" for t in p.iter(qn("w:t"))).strip()
    for tbl in body.iter(qn("w:tbl")):
        assert tbl.find(qn("w:tblPr")).find(qn("w:bidiVisual")) is not None


_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """A part's relationships: id → target part name inside the package."""
    folder, name = part.rsplit("/", 1)
    root = etree.fromstring(zf.read(f"{folder}/_rels/{name}.rels"))
    return {r.get("Id"): posixpath.normpath(f"{folder}/{r.get('Target')}")
            for r in root.iter(_PKG_RELS)}


def charts_in(path: Path) -> list[dict[str, object]]:
    """The native charts of a .docx in the order the body places them: bar direction,
    category labels, each series' values by name (the chart part's caches), the legend's
    position, the drawing's width in mm, and the embedded workbook's rows."""
    from openpyxl import load_workbook

    found = []
    with zipfile.ZipFile(path) as zf:
        body = etree.fromstring(zf.read("word/document.xml"))
        rels = _rels(zf, "word/document.xml")
        for ref in body.iter(qn("c:chart")):
            part = rels[ref.get(_R)]
            chart = etree.fromstring(zf.read(part))
            series = {}
            categories: list[str] = []
            for ser in chart.iter(qn("c:ser")):
                name = "".join(v.text or "" for v in ser.find(qn("c:tx")).iter(qn("c:v")))
                categories = [v.text for v in ser.find(qn("c:cat")).iter(qn("c:v"))]
                series[name] = [float(v.text) for v in ser.find(qn("c:val")).iter(qn("c:v"))]
            legend = chart.find(f".//{qn('c:legendPos')}")
            external = chart.find(qn("c:externalData"))
            book = load_workbook(io.BytesIO(zf.read(_rels(zf, part)[external.get(_R)])))
            inline = next(ref.iterancestors(qn("wp:inline")))
            found.append({
                "direction": chart.find(f".//{qn('c:barDir')}").get("val"),
                "categories": categories,
                "series": series,
                "legend": legend.get("val") if legend is not None else "",
                "width_mm": round(int(inline.find(qn("wp:extent")).get("cx")) / 36000, 1),
                "workbook": [list(row) for row in book.active.iter_rows(values_only=True)],
            })
    return found


def no_tags_left(path: Path) -> None:
    text = all_text(path)
    assert not re.search(r"\{\{|\}\}|\{%|%\}", text), re.findall(r".{0,30}(?:\{\{|\{%).{0,30}",
                                                                   text)
