"""The Word templates, rendering safely, checking templates, and outbox names."""

from __future__ import annotations

import logging
import re
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docxtpl import DocxTemplate

from automation.core.errors import TemplateError
from automation.documents import outbox
from automation.documents.kinds import TEMPLATES
from automation.documents.render import (
    ImageRef,
    check_templates,
    clean_value,
    make_environment,
    render_document,
)
from automation.templates.builder import (
    ASSET_TEMPLATES,
    TEMPLATE_NAMES,
    build_templates,
)
from automation.templates.samples import SAMPLES, sample_context
from tests.documents.test_documents_decision import corrupt
from tests.documents.test_documents_helpers import all_text, assert_rtl, charts_in, find_table

REPO = Path(__file__).resolve().parents[2]
EXPECTED = {t.file for t in TEMPLATES}
"""Every template the document kinds declare (tests/documents/test_document_kinds.py checks
that each has its builder, its sample and its shipped copy)."""
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


# -- the templates ---------------------------------------------------------------------------


def test_shipped_templates_equal_a_fresh_build(tmp_path: Path) -> None:
    built = build_templates(tmp_path)
    assert {p.name for p in built} == EXPECTED == set(TEMPLATE_NAMES)
    assert {p.name for p in ASSET_TEMPLATES.glob("*.docx")} == EXPECTED
    for path in built:
        assert members(ASSET_TEMPLATES / path.name) == members(path), path.name


def test_built_templates_are_committed_once() -> None:
    """The package's copy is the only one in the repository (``eti init`` copies it into a
    department; the repository's own department folder renders the package's)."""
    copies = [p for p in REPO.rglob("*.docx")
              if p.name in EXPECTED and ASSET_TEMPLATES not in p.parents
              and not {".git", ".venv", "build"} & set(p.relative_to(REPO).parts)]
    assert copies == []


def test_builds_are_reproducible(tmp_path: Path) -> None:
    first = build_templates(tmp_path / "a", ["visit_report.docx"])[0]
    second = build_templates(tmp_path / "b", ["visit_report.docx"])[0]
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_template_is_a4_rtl_with_arabic_fonts(name: str) -> None:
    path = ASSET_TEMPLATES / name
    doc = Document(str(path))
    section = doc.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.5)
    assert section._sectPr.find(qn("w:bidi")) is not None
    assert_rtl(path)
    xml = members(path)["word/document.xml"].decode("utf-8")
    assert 'w:cs="Arial"' in xml and "<w:szCs " in xml and "<w:bCs/>" in xml
    styles = members(path)["word/styles.xml"].decode("utf-8")
    assert 'w:cs="Arial"' in styles and "<w:bidi/>" in styles
    footer = "".join(
        v.decode("utf-8") for k, v in members(path).items() if k.startswith("word/footer")
    )
    assert "PAGE" in footer and "NUMPAGES" in footer and "صفحة" in footer and " من " in footer
    text = all_text(path)
    assert "{{ directorate.name }}" in text and "{{ logo }}" in text


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_tag_sits_in_one_run(name: str) -> None:
    """Tags are whole inside one w:t, so Word and docxtpl see the same tag."""
    doc = Document(str(ASSET_TEMPLATES / name))
    found = 0
    for p in doc.element.body.iter(qn("w:p")):
        texts = [t.text or "" for t in p.iter(qn("w:t"))]
        for tag in TAG.findall("".join(texts)):
            assert any(tag in t for t in texts), (name, tag)
            found += 1
    assert found > 10


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_template_variables_are_the_sample_context(name: str) -> None:
    tpl = DocxTemplate(str(ASSET_TEMPLATES / name))
    variables = tpl.get_undeclared_template_variables(jinja_env=make_environment())
    offered = set(sample_context(name))
    assert variables <= offered
    # offered to staff editing a template (the ministry's: the directorates' names too)
    assert offered - variables <= {"doc_title", "issue", "directorates"}


def test_context_keys_never_shadow_dict_methods() -> None:
    """``{{ u.update }}`` would print dict.update: no key may be a dict attribute."""

    def keys(value: object) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    for name, sample in SAMPLES.items():
        nested = {k for v in sample("x").values() for k in keys(v)}  # top level: variables
        clash = {k for k in nested if hasattr(dict, k)}
        assert not clash, (name, clash)


def test_check_templates_passes_the_shipped_templates() -> None:
    checks = check_templates(ASSET_TEMPLATES)
    assert {c.template for c in checks} == EXPECTED
    assert [c for c in checks if not c.ok] == []


def test_check_templates_names_broken_tags(tmp_path: Path, caplog: pytest.LogCaptureFixture
                                           ) -> None:
    folder = tmp_path / "templates"
    corrupt(ASSET_TEMPLATES / "rejection_letter.docx", folder / "rejection_letter.docx",
            "{{ school }}", "{{ school ")
    corrupt(ASSET_TEMPLATES / "visit_report.docx", folder / "visit_report.docx",
            "{{ visitors }}", "{{ undefined_name }}")
    corrupt(ASSET_TEMPLATES / "daily_digest.docx", folder / "daily_digest.docx",
            "{{ a.time }}", "{% if %}{{ a.time }}")
    (folder / "helpdesk_report.docx").write_bytes(b"not a zip")
    (folder / "~$lock.docx").write_bytes(b"Office lock file")
    checks = {c.template: c for c in check_templates(folder)}
    assert set(checks) == {"rejection_letter.docx", "visit_report.docx", "daily_digest.docx",
                           "helpdesk_report.docx"}
    syntax = checks["rejection_letter.docx"].problems
    assert [p.kind for p in syntax] == ["syntax"]
    assert "rejection_letter.docx" in syntax[0].message_ar
    assert "rejection_letter.docx" in syntax[0].message_en
    assert "{{ school" in syntax[0].tag
    undefined = checks["visit_report.docx"].problems
    assert [(p.kind, p.tag) for p in undefined] == [("undefined", "{{ undefined_name }}")]
    assert "undefined_name" in undefined[0].message_ar
    assert "visit_report.docx" in undefined[0].message_en
    assert "غير معروف" in undefined[0].message_ar
    assert [(p.kind, p.tag) for p in checks["daily_digest.docx"].problems] == [
        ("syntax", "{% if %}")]
    assert [p.kind for p in checks["helpdesk_report.docx"].problems] == ["unreadable"]
    assert "helpdesk_report.docx" in checks["helpdesk_report.docx"].problems[0].message_ar


# -- rendering safely ------------------------------------------------------------------------------


def render_letter(tmp_path: Path, **values: object) -> Path:
    context = sample_context("rejection_letter.docx") | values
    out = tmp_path / "out" / "letter.docx"
    return render_document(ASSET_TEMPLATES / "rejection_letter.docx", context, out)


def test_special_characters_render_literally(tmp_path: Path) -> None:
    hostile = 'A & B < C > D "E" \'F\' {{ x }} {% y %} </w:t>'
    path = render_letter(tmp_path, school=hostile,
                         problems=[{"n": 1, "cell": "<A1>", "field": "&", "message": hostile}])
    text = all_text(path)
    assert f"حضرة مدير/ة {hostile} المحترم/ة" in text
    assert find_table(path, "الملاحظة")[1] == ["1", "<A1>", "&", hostile]


def test_long_values_control_characters_and_none(tmp_path: Path) -> None:
    long = "نص طويل " * 625  # 5,000 characters
    path = render_letter(tmp_path, school=long.strip(), form_name="الأول\x07\x00\x1b\u202eالثاني",
                         file_name=None)
    text = all_text(path)
    assert long.strip() in text
    assert "إعادة نموذج الأولالثاني" in text
    assert "«»" in text


def test_clean_value() -> None:
    import datetime as dt
    from decimal import Decimal

    image = ImageRef("/x.png")
    assert clean_value({"a": None, "b": [1, "x\x00y", (2.5,)], "c": image, "d": True}) == {
        "a": "", "b": [1, "\u2066xy\u2069", [2.5]], "c": image, "d": True}  # Latin isolated
    assert clean_value(Decimal("12.500")) == "12.500"
    assert clean_value(dt.date(2026, 3, 5)) == "5/3/2026"
    assert clean_value("سطر\r\nسطر\tتبويب") == "سطر\nسطر تبويب"


def test_an_image_file_becomes_a_picture(tmp_path: Path) -> None:
    from docx.enum.shape import WD_INLINE_SHAPE

    from automation.documents.render import _tiny_png

    image = tmp_path / "c.png"
    image.write_bytes(_tiny_png())
    context = sample_context("helpdesk_report.docx", ImageRef(str(image), 120))
    context["logo"] = ImageRef(str(tmp_path / "missing.png"))  # a vanished file is left out
    path = render_document(ASSET_TEMPLATES / "helpdesk_report.docx", context,
                           tmp_path / "h.docx")
    shapes = Document(str(path)).inline_shapes
    assert len(shapes) == 1
    assert shapes[0].type == WD_INLINE_SHAPE.PICTURE
    assert shapes[0].width.mm == pytest.approx(120, abs=0.5)
    assert charts_in(path) == []


def test_a_chart_becomes_a_native_word_chart(tmp_path: Path) -> None:
    from docx.enum.shape import WD_INLINE_SHAPE

    from automation.documents.charts import bar_chart, target_chart

    labels = ["شبكة & <حماية>", "مدرسة\x07 الأمل\u202e", "أخرى"]
    context = sample_context("quarterly_report.docx")
    context["charts"] = [
        {"title": "حسب التصنيف", "image": bar_chart(labels, [3, 1, 0.25], ylabel="عدد الطلبات",
                                                     width_mm=120)},
        {"title": "المستهدف والمنجز", "image": target_chart(["أ", "ب"], [10, 80], [12, 66.666])},
    ]
    path = render_document(ASSET_TEMPLATES / "quarterly_report.docx", context,
                           tmp_path / "q.docx")
    assert_rtl(path)  # and the charts' own paragraphs left-to-right
    shapes = Document(str(path)).inline_shapes
    assert [s.type for s in shapes] == [WD_INLINE_SHAPE.CHART, WD_INLINE_SHAPE.CHART]
    column, bars = charts_in(path)
    shown = ["شبكة & <حماية>", "مدرسة الأمل", "أخرى"]  # escaped, control characters removed
    assert column["direction"] == "col" and column["categories"] == shown
    assert column["series"] == {"عدد الطلبات": [3, 1, 0.3]}  # one decimal, half up (tables)
    assert column["legend"] == "t" and column["width_mm"] == 120
    assert column["workbook"] == [[None, "عدد الطلبات"], [shown[0], 3], [shown[1], 1],
                                  [shown[2], 0.3]]
    assert bars["direction"] == "bar" and bars["categories"] == ["أ", "ب"]
    assert bars["series"] == {"المستهدف": [10, 80], "المنجز": [12, 66.7]}
    assert bars["legend"] == "b" and bars["width_mm"] == 150
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        types = zf.read("[Content_Types].xml").decode()
    assert {"word/charts/chart1.xml", "word/charts/chart2.xml",
            "word/embeddings/Microsoft_Excel_Sheet1.xlsx"} <= names
    assert "drawingml.chart+xml" in types
    assert "المستهدف والمنجز" in all_text(path)


def test_unknown_variable_is_an_error_naming_the_tag(tmp_path: Path) -> None:
    context = sample_context("rejection_letter.docx")
    del context["school"]
    with pytest.raises(TemplateError) as info:
        render_document(ASSET_TEMPLATES / "rejection_letter.docx", context, tmp_path / "x.docx")
    err = info.value
    assert err.tag == "{{ school }}"  # type: ignore[attr-defined]
    assert "rejection_letter.docx" in err.message_ar and "school" in err.message_ar
    assert "rejection_letter.docx" in err.message_en
    assert not (tmp_path / "x.docx").exists()


def test_the_sandbox_refuses_python_internals(tmp_path: Path) -> None:
    template = corrupt(ASSET_TEMPLATES / "rejection_letter.docx", tmp_path / "evil.docx",
                       "{{ school }}", "{{ school.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError) as info:
        render_document(template, sample_context("rejection_letter.docx"), tmp_path / "x.docx")
    assert info.value.kind in ("unsafe", "undefined")  # type: ignore[attr-defined]


def test_a_template_that_never_ends_is_stopped(tmp_path: Path) -> None:
    forever = ("{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}"
               "{% endfor %}")
    template = corrupt(ASSET_TEMPLATES / "rejection_letter.docx", tmp_path / "loop.docx",
                       "{{ school }}", forever)
    started = time.monotonic()
    with pytest.raises(TemplateError) as info:
        render_document(template, sample_context("rejection_letter.docx"), tmp_path / "x.docx",
                        timeout=3)
    assert time.monotonic() - started < 15
    assert info.value.kind == "timeout"  # type: ignore[attr-defined]
    assert "3 ثانية" in info.value.message_ar and "loop.docx" in info.value.message_en


def test_the_package_imports_a_module_when_one_of_its_names_is_used() -> None:
    import importlib
    import subprocess
    import sys

    import automation.documents as documents

    for name in documents.__all__:
        home = documents._HOME[name]
        module = importlib.import_module(home if "." in home else f"automation.documents.{home}")
        assert getattr(documents, name) is getattr(module, name), name
    assert set(dir(documents)) >= set(documents.__all__)
    with pytest.raises(AttributeError):
        documents.no_such_name  # noqa: B018
    code = ("import sys\n"
            "from automation.documents import make_quarterly_report\n"
            "print(sorted(m for m in ('automation.documents.decision', 'automation.documents."
            "letters', 'automation.templates.builder', 'openpyxl', 'matplotlib') "
            "if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"  # the quarterly report's own modules only


def test_many_labels_lie_as_horizontal_bars_and_a_chart_fits_a_page() -> None:
    from automation.documents.charts import MAX_COLUMNS, MAX_HEIGHT_MM, bar_chart, target_chart

    few = bar_chart([f"م{i}" for i in range(MAX_COLUMNS)], range(MAX_COLUMNS), ylabel="عدد")
    assert few.direction == "column" and few.height_mm == pytest.approx(150 * 3 / 7)
    twelve = bar_chart([f"م{i}" for i in range(12)], range(12), ylabel="عدد")
    assert twelve.direction == "bar"
    assert twelve.height_mm == pytest.approx(150 * (0.32 * 12 + 1) / 7)
    assert twelve.categories[0] == "م0" and twelve.legend == "t"
    forty = bar_chart([f"مدرسة {i}" for i in range(40)], range(40))
    assert forty.height_mm == MAX_HEIGHT_MM and forty.legend == ""
    plan = target_chart(["أ", "ب", "ج"], [1, 2, 3], [1, 1, 1])
    assert plan.direction == "bar" and plan.height_mm == pytest.approx(150 * 2.65 / 7)
    assert target_chart(["أ"] * 30, [1] * 30, [1] * 30).height_mm == MAX_HEIGHT_MM


def test_a_one_shot_command_forks_the_render_child_a_threaded_service_does_not(
    tmp_path: Path,
) -> None:
    import sys
    import threading

    from automation.documents.charts import bar_chart
    from automation.documents.render import start_method

    single = start_method()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()  # as the watch service's threads: a fork could copy a held lock
    try:
        threaded = start_method()
        context = sample_context("helpdesk_report.docx")
        context["chart"] = bar_chart(["شبكة", "حماية"], [2, 1], ylabel="عدد الطلبات")
        path = render_document(ASSET_TEMPLATES / "helpdesk_report.docx", context,
                               tmp_path / "h.docx")
    finally:
        stop.set()
        other.join()
    if sys.platform.startswith("linux"):
        assert (single, threaded) == ("fork", "forkserver")
    else:
        assert single == threaded != "fork"
    [chart] = charts_in(path)  # the same document either way
    assert chart["series"] == {"عدد الطلبات": [2, 1]}


# -- outbox names -------------------------------------------------------------------------


def test_safe_names() -> None:
    assert outbox.safe_name('تقرير: "ربعي" / 2026?') == "تقرير-ربعي-2026"
    assert outbox.safe_name("a\\b*c<d>e|f") == "a-b-c-d-e-f"
    assert outbox.safe_name("\u202eمدرسة\u200f الأمل\x00\n") == "مدرسة-الأمل"
    assert outbox.safe_name("CON") == "_CON"
    assert outbox.safe_name("lpt1.txt") == "_lpt1.txt"
    assert outbox.safe_name("...") == "وثيقة"
    assert len(outbox.safe_name("ا" * 500)) == 120
    assert outbox.name_parts("2026-03-10", "QF75-13", "مدرسة الأمل", "") == \
        "2026-03-10-QF75-13-مدرسة-الأمل"


def test_reserve_never_overwrites(tmp_path: Path) -> None:
    first = outbox.reserve(tmp_path, "تقرير")
    second = outbox.reserve(tmp_path, "تقرير")
    third = outbox.reserve(tmp_path, "تقرير")
    assert [p.name for p in (first, second, third)] == ["تقرير.docx", "تقرير-2.docx",
                                                         "تقرير-3.docx"]
    long = outbox.reserve(tmp_path, "ب" * 300)
    assert len(long.name) <= 120
    assert len(outbox.reserve(tmp_path, "ب" * 300).name) <= 120


def test_pdf_without_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(outbox, "find_soffice", lambda: None)
    docx = tmp_path / "x.docx"
    docx.write_bytes(b"")
    with caplog.at_level(logging.WARNING):
        assert outbox.to_pdf(docx) is None
    assert "LibreOffice" in caplog.text and "غير مثبت" in caplog.text
    assert docx.exists()


def test_a_visit_without_rows_says_so_across_the_table(tmp_path: Path) -> None:
    context = sample_context("visit_report.docx") | {"rows": [], "recommendations": []}
    path = render_document(ASSET_TEMPLATES / "visit_report.docx", context, tmp_path / "v.docx")
    table = find_table(path, "الملاحظة")
    assert table[0] == ["م", "البند", "الملاحظة", "التوصية"]
    assert table[1] == ["لا توجد بيانات"]
    [rows] = [t for t in Document(str(path)).tables if "الملاحظة" in t._tbl.xml]
    span = rows._tbl.findall(qn("w:tr"))[1].find(qn("w:tc")).find(qn("w:tcPr"))
    assert span.find(qn("w:gridSpan")).get(qn("w:val")) == "4"
    assert "لا توجد توصيات." in all_text(path)
