"""Documents the head signs as printed (issue 23): Arabic only, Latin runs that the bidi
algorithm cannot reorder, documents named by their titles, charts that read the table's
figures with counts and percentages apart, plan lines said once with «%» on both sides,
no internal code, and the directorate named as directorate.xlsx names it.

The LibreOffice test is skipped where soffice or pdftotext is not installed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from automation.core.assets import ASSET_TEMPLATES
from automation.core.periods import DEFAULT_CALENDAR
from automation.demo.learning import _followed
from automation.documents.context import document_title
from automation.documents.ministry import ministry_context
from automation.documents.quarterly_charts import (
    DEVICE_KEYS,
    PLAN_COUNTS_TITLE,
    PLAN_PERCENT_TITLE,
    devices_chart,
    plan_charts,
)
from automation.documents.render import clean_value, render_document, rendering
from automation.intake.pipeline import run_batch
from automation.processes import INDICATORS, FigureSet
from automation.processes.figures import PERCENT, Figure
from automation.processes.ministry import MinistryFigures
from automation.processes.plan import PlanLine
from automation.templates.samples import SAMPLES
from automation.text.bidi import LRI, PDI, isolate_ltr
from tests.department_factory import clock, drop, maintenance_rows, make_department
from tests.documents.test_documents_helpers import all_text, department, references

D = dt.date
FILE_NAME = "مدرسة الأمل للبنين 12-11.xlsx"
PATH = "outbox/decisions/مسودة-قرار-إتلاف-1.docx"
ISOLATED = re.compile(f"{LRI}[^{LRI}{PDI}]*{PDI}")
MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
COUNT = next(n for n, (_, i) in INDICATORS.items() if i.kind not in PERCENT)
PERCENTAGE = next(n for n, (_, i) in INDICATORS.items() if i.kind in PERCENT)
needs_office = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice or poppler-utils is not installed")


def body_text(docx: Path) -> str:
    """The text of the document's body as Word holds it (isolates included)."""
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


# -- Latin runs isolated --------------------------------------------------------------------


def test_latin_runs_are_isolated_and_numbers_left_alone() -> None:
    assert isolate_ltr(FILE_NAME) == f"مدرسة الأمل للبنين {LRI}12-11.xlsx{PDI}"
    assert isolate_ltr(f"الملف {PATH} جاهز") == (  # the folders, then the name in Arabic
        f"الملف {LRI}outbox/decisions/{PDI}مسودة-قرار-إتلاف-{LRI}1.docx{PDI} جاهز")
    assert isolate_ltr("C:\\eti\\inbox\\a.xlsx") == f"{LRI}C:\\eti\\inbox\\a.xlsx{PDI}"
    assert isolate_ltr("QF75-11 طلب صيانة") == f"{LRI}QF75-11{PDI} طلب صيانة"
    assert isolate_ltr("QP-70-2 / P7 — صفحة") == f"{LRI}QP-70-2 / P7{PDI} — صفحة"  # one code
    for kept in ("ت ت/70/2026/11", "15/10/2026", "82.8%", "36,200.000", "مدرسة الأمل", ""):
        assert isolate_ltr(kept) == kept


def test_every_printed_value_is_isolated_but_a_value_carrying_its_own_controls() -> None:
    cleaned = clean_value({"file": FILE_NAME, "rows": [f"\u202e{PATH}"], "n": 3})
    assert cleaned == {"file": f"مدرسة الأمل للبنين {LRI}12-11.xlsx{PDI}",
                       "rows": [f"{LRI}outbox/decisions/{PDI}مسودة-قرار-إتلاف-{LRI}1.docx{PDI}"],
                       "n": 3}  # the override removed


@needs_office
def test_a_file_name_a_path_and_a_code_read_back_in_order_from_the_pdf(tmp_path: Path) -> None:
    """A free letter carrying them, printed by LibreOffice: pdftotext reads each run in
    its written order (without the isolates the file name reads "xlsx.11-12")."""
    context = SAMPLES["letter_free.docx"]() | {
        "number": "ت ت/70/2026/11",
        "body": [f"نرفق الملف «{FILE_NAME}» للمراجعة.", f"وهو محفوظ في {PATH} لديكم.",
                 "على النموذج QF75-11 المعتمد."]}
    with rendering():
        docx = render_document(ASSET_TEMPLATES / "letter_free.docx", context,
                               tmp_path / "letter.docx")
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   capture_output=True, check=True, timeout=180)
    text = MARKS.sub("", subprocess.run(["pdftotext", str(tmp_path / "letter.pdf"), "-"],
                                        capture_output=True, check=True, text=True).stdout)
    assert "12-11.xlsx" in text and "xlsx.11-12" not in text
    assert "outbox/decisions/" in text and "QF75-11" in text
    assert "70/2026/11" in text


# -- Arabic only in a letter to a school ----------------------------------------------------


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - (dept, results)
    """A department that accepts one meeting's minutes and rejects a school's maintenance
    request dated on a day the calendar does not have."""
    from automation.catalog.reference import load_references

    dept = make_department(tmp_path_factory.mktemp("signed") / "dept")
    head, s1, _ = load_references(dept).staff_names[:3]
    header = {"meeting_date": D(2026, 3, 1), "kind": "اجتماع القسم", "chair": head,
              "attendees": f"{head}، {s1}", "agenda": "خطة الربع"}
    drop(dept, "اجتماع آذار.xlsx", "MEETING", header,
         [{"decision": "تحديث قائمة المدارس", "owner": s1, "due_on": D(2026, 3, 15)}])
    school = load_references(dept).schools[0].name
    drop(dept, "طلب صيانة 12-11.xlsx", "QF75-11",
         {"school": school, "request_date": "31/11/2026", "channel": "كتاب رسمي",
          "reference": "ت ت/70/15"}, maintenance_rows(1))
    batch = run_batch(dept, clock=clock("2026-03-20 10:00"))
    return dept, {r.file: r for r in batch.files}


def test_the_rejection_letter_is_arabic_only(pipeline: tuple) -> None:
    dept, results = pipeline
    assert results["طلب صيانة 12-11.xlsx"].outcome == "rejected"
    [letter] = (dept.outbox / "letters").glob("*كتاب-إعادة*.docx")
    text = body_text(letter)
    assert "no such date" not in text and "We return" not in text and "What to do" not in text
    assert "31/11/2026" in text  # the Arabic message quotes the value
    outside = ISOLATED.sub("", text)
    assert re.findall("[A-Za-z]+", outside) == [], "Latin outside an isolated run"
    assert f"{LRI}12-11.xlsx{PDI}" in text


def test_the_minutes_name_their_form_not_its_internal_code(pipeline: tuple) -> None:
    dept, _ = pipeline
    [minutes] = (dept.outbox / "minutes").glob("*.docx")
    text = all_text(minutes)
    assert "MEETING" not in text
    assert "رمز الوثيقة: محضر اجتماع" in text


# -- documents named by their titles --------------------------------------------------------


def test_a_document_is_named_by_its_printed_title(tmp_path: Path) -> None:
    with rendering():
        report = render_document(ASSET_TEMPLATES / "quarterly_report.docx",
                                 SAMPLES["quarterly_report.docx"](),
                                 tmp_path / "تقرير-ربعي-2026-Q1.docx")
    assert document_title(report) == ("تقرير ربعي بإنجازات قسم تكنولوجيا التعليم والمعلومات"
                                      " — الربع الأول من عام 2026")
    other = tmp_path / "تقرير-خارجي.pdf"
    other.write_bytes(b"%PDF")
    assert document_title(other) == "تقرير خارجي"


# -- charts that read the table's figures ---------------------------------------------------


def _line(indicator: str, target: int, achieved: object, quarter: str = "الربع الأول") -> PlanLine:
    pct = None if achieved is None else Decimal(str(achieved)) * 100 / target
    return PlanLine(year="2026", process="P1", goal="", activity="", indicator=indicator,
                    target=target, quarter=quarter, responsible="", achieved=achieved,  # type: ignore[arg-type]
                    pct=pct, period=DEFAULT_CALENDAR.quarter(2026, 1))


def test_counts_and_percentages_are_charted_apart() -> None:
    lines = [_line(COUNT, 289, 240), _line(PERCENTAGE, 90, Decimal("82.8")),
             _line(COUNT, 10, None, "الربع الثاني")]
    counts, percentages = plan_charts(lines)
    assert counts["title"] == PLAN_COUNTS_TITLE and percentages["title"] == PLAN_PERCENT_TITLE
    assert counts["image"].categories == (f"{COUNT} (الربع الأول)", f"{COUNT} (الربع الثاني)")
    target, achieved = counts["image"].series
    assert target.values == (289.0, 10.0) and achieved.values[0] == 240.0
    assert math.isnan(achieved.values[1])  # «—» in the table: no bar, not a 0
    assert percentages["image"].categories == (PERCENTAGE,)
    assert [s.values for s in percentages["image"].series] == [(90.0,), (82.8,)]
    assert plan_charts([_line(COUNT, 5, 5)])[0]["title"] == PLAN_COUNTS_TITLE


def test_the_devices_chart_draws_the_p1_table() -> None:
    shown = {"p1.devices_reported": ("الأجهزة المبلّغ عن أعطالها", 32),
             "p1.devices_repaired": ("الأجهزة التي تم إصلاحها", 30),
             "p1.devices_unrepairable": ("الأجهزة غير القابلة للإصلاح", 3),
             "p1.devices_open": ("أجهزة قيد المعالجة أو بانتظار قطع غيار", 0)}

    class Result:
        def by_key(self, key: str) -> Figure:
            label, value = shown[key]
            return Figure(label, "flow", value)

    chart = devices_chart(Result())
    assert chart is not None
    assert chart["image"].categories == tuple(shown[k][0] for k in DEVICE_KEYS)
    assert chart["image"].series[0].values == (32.0, 30.0, 3.0, 0.0)


# -- plan lines, the ministry report --------------------------------------------------------


def test_a_percentage_target_prints_with_its_sign_like_the_achieved_value() -> None:
    line = _line(PERCENTAGE, 70, Decimal("37.5"))
    assert (line.target_text, line.achieved_text) == ("70.0%", "37.5%")
    assert _line(COUNT, 15, 11).target_text == "15"


def test_a_plan_activity_says_following_once() -> None:
    assert _followed("متابعة تفعيل وظائف أنظمة المعلومات التربوية") == (
        "متابعة تفعيل وظائف أنظمة المعلومات التربوية")
    assert _followed("الإشراف الفني على صيانة الأجهزة") == (
        "متابعة الإشراف الفني على صيانة الأجهزة")


def test_the_ministry_report_names_the_directorate_as_directorate_xlsx_does(
        tmp_path: Path) -> None:
    period = DEFAULT_CALENDAR.quarter(2026, 1)
    figures = FigureSet(period, {}, {name: None for name in INDICATORS}, [])
    refs = references()
    context = ministry_context(department(tmp_path), MinistryFigures(period, {"": figures},
                                                                      figures),
                               refs, day=D(2026, 4, 5))
    name = refs.directorate.name
    assert context["directorates"] == [name] and context["scope"] == name
    assert context["indicators"][0]["rows"][0]["name"] == name
    assert "غير محددة" not in str(context)


# -- the signature stays with the text above it ---------------------------------------------


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_heads_signature_is_kept_with_what_precedes_it(name: str) -> None:
    """The spacer before the head's signature, and the paragraph or the last printed row of
    the table before that, carry «keep with next»: the signature never starts a page."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(zipfile.ZipFile(ASSET_TEMPLATES / name).read("word/document.xml"))
    body = root.find(w + "body")
    signed = [t for t in body.iter(w + "tbl")
              if "رئيس قسم تكنولوجيا التعليم والمعلومات" in "".join(t.itertext())
              and t.getparent() is body]
    for table in signed:
        spacer = table.getprevious()
        assert spacer.find(f"{w}pPr/{w}keepNext") is not None, name
        above = spacer.getprevious()
        if above.tag == w + "tbl":
            above = [r for r in above.findall(w + "tr") if "{%tr" not in "".join(r.itertext())][-1]
        assert above.find(f".//{w}keepNext") is not None, name


def test_an_internal_code_is_never_printed_beside_a_forms_name() -> None:
    from automation.catalog.forms import CATALOG
    from automation.documents.context import form_text, is_official_code

    internal = [c for c in CATALOG.codes if not c.startswith("QF")]
    assert "MEETING" in internal
    for code in internal:
        assert form_text(code) == CATALOG.form(code).name_ar and not is_official_code(code)
    assert form_text("QF75-13") == f"QF75-13 {CATALOG.form('QF75-13').name_ar}"
    assert is_official_code("P7") and not is_official_code("OFFICE")
