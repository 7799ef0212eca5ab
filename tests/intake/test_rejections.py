"""Rejections that say what to do (in Arabic and English), files read for what their
bytes are (not their names), and hostile input refused inside the memory bound."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from automation.core.department import Department
from automation.core.errors import UnreadableWorkbook
from automation.core.messages import CELLS_AR, CELLS_EN, MESSAGES, action_for, scope_of
from automation.core.problems import Problem
from automation.intake.legacy import OleFile, scan_ods, scan_xls
from automation.intake.limits import Limits
from automation.intake.pipeline import run_batch
from automation.intake.reader import read_workbook
from automation.text.arabic import clean_text
from tests.department_factory import clock, filled_workbook, make_department, school_names
from tests.department_factory import maintenance_rows as rows_of
from tests.hostile_cases import (
    HostileCase,
    build_hostile_corpus,
    lying_shared_strings,
    ods_file,
    ole_file,
    write_xls,
)
from tests.hostile_cases import _ods_cell as ods_cell

pytestmark = pytest.mark.usefixtures("ledger_backend")

ARABIC = re.compile("[\u0600-\u06ff]")
ROOT = Path(__file__).resolve().parents[2]

# ----------------------------------------------------------------- the table


def test_every_code_has_both_languages_and_an_action() -> None:
    for code, message in MESSAGES.items():
        assert message.code == code
        assert message.scope in ("file", "cell"), code
        for arabic in (message.what_ar, message.action_ar):
            assert ARABIC.search(arabic), (code, arabic)
        for english in (message.what_en, message.action_en):
            assert not ARABIC.search(english) and re.search("[a-z]{3}", english), (code, english)
        assert "{" not in message.action_ar + message.action_en, f"{code}: an action is fixed"
        fields = [set(re.findall(r"{(\w+)}", text)) for text in (message.what_ar,
                                                                 message.what_en)]
        assert fields[0] - {"found_ar"} == fields[1] - {"found_en"}, code
        arabic, english = message.render(**{name: "X" for name in message.params})
        assert arabic.endswith(message.action_ar) and "المطلوب:" in arabic
        assert english.endswith(message.action_en) and "What to do:" in english
        assert clean_text(arabic) == arabic and clean_text(english) == english, code


_CODE_RE = re.compile(
    r"(?<![A-Za-z_])(?:unreadable|ValueProblem|Problem|_problem|render|Sniffed)\(\s*\"([a-z][a-z0-9-]*)\""
    r"|\"(?:error|warning)\",\s*\"([a-z][a-z0-9-]*)\","
    r"|\bcode = \"([a-z][a-z0-9-]*)\""
)


def test_every_code_the_intake_can_report_is_in_the_table() -> None:
    """The single source: every problem code written in the intake, the catalog's row
    models and the value parsers has its row in the table."""
    found: dict[str, str] = {}
    for folder in ("intake", "text", "catalog", "core"):
        for path in (ROOT / "automation" / folder).rglob("*.py"):
            for match in _CODE_RE.finditer(path.read_text(encoding="utf-8")):
                code = next(group for group in match.groups() if group)
                found.setdefault(code, path.name)
    internal = {"zip", "ole", "unreadable", "eti-error", "bad-config", "bad-department",
                "ledger", "template", "excel-busy", "internal"} & set(found)
    missing = {code: where for code, where in found.items()
               if code not in MESSAGES and code not in internal}
    assert not missing
    assert {"bad-date", "unknown-school", "missing-column", "too-many-rows"} <= set(found)


def test_file_messages_never_say_correct_the_red_cells() -> None:
    files = [m for m in MESSAGES.values() if m.scope == "file"]
    assert len(files) >= 25
    for message in files:
        arabic, english = message.render(**{name: "X" for name in message.params})
        assert "الأحمر" not in arabic and "الخلايا" not in arabic, message.code
        assert "red cell" not in english.lower(), message.code
    for message in MESSAGES.values():
        if message.scope == "cell":
            assert action_for([Problem(message.code, "x")]) == (CELLS_AR, CELLS_EN)


def test_the_one_thing_to_do() -> None:
    too_large = Problem("too-large", "x")
    assert action_for([too_large]) == (MESSAGES["too-large"].action_ar,
                                       MESSAGES["too-large"].action_en)
    assert action_for([Problem("bad-date", "x"), too_large]) == (CELLS_AR, CELLS_EN)
    assert action_for([Problem("extra-column", "x", "warning"), too_large])[0] == \
        MESSAGES["too-large"].action_ar
    assert scope_of("a-code-from-elsewhere") == "cell"


# ------------------------------------------------- every file-level rejection

LIMITS = {  # the limit each code must name, as the default limits word it
    "too-large": "50 MB",
    "content-too-large": "200 MB",
    "zip-bomb": "200",
    "too-many-parts": "2000",
    "too-many-rows": "100,000",
    "too-many-columns": "500",
    "too-many-cells": "5,000,000",
    "too-deep": "64",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, HostileCase]:
    return {c.name: c for c in build_hostile_corpus(tmp_path_factory.mktemp("rejections"))}


def test_each_file_level_rejection_says_what_to_do(corpus: dict[str, HostileCase]) -> None:
    rejected = [case for case in corpus.values() if case.expected_code is not None]
    assert {case.expected_code for case in rejected} >= {
        "empty-file", "csv", "web-page", "image", "pdf", "word", "not-a-workbook", "zip-archive",
        "xlsb", "cannot-read", "encrypted", "corrupt", "no-sheet", "unknown-form",
        *LIMITS, "hostile-xml", "hostile-zip"}
    for case in rejected:
        with pytest.raises(UnreadableWorkbook) as caught:
            read_workbook(case.path)
        error = caught.value
        message = MESSAGES[error.code]
        assert message.scope == "file", case.name
        assert error.message_ar.endswith("المطلوب: " + message.action_ar), case.name
        assert error.message_en.endswith("What to do: " + message.action_en), case.name
        assert ARABIC.search(error.message_ar) and not ARABIC.search(error.message_en)
        assert error.detail and error.detail not in error.message_en, case.name
        if error.code in LIMITS:
            limit = LIMITS[error.code]
            assert limit in error.message_ar and limit in error.message_en, (case.name, limit)


# ------------------------------------------------ content over extension


@pytest.fixture()
def dept(tmp_path: Path) -> Department:
    return make_department(tmp_path / "dept")


def _form_bytes(dept: Department, reference: str, rows: int = 2, *,
                template: bool = False) -> bytes:
    header = {"school": school_names(dept)[0], "request_date": dt.date(2026, 3, 1),
              "channel": "كتاب رسمي", "reference": reference}
    wb = filled_workbook(dept, "QF75-11", header, rows_of(rows))
    wb.template = template
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cells(data: bytes) -> list[tuple[int, int, object]]:
    """The form sheet's values (0-based), as another program would save them."""
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [(cell.row - 1, cell.column - 1, cell.value)
            for line in ws.iter_rows() for cell in line if cell.value is not None]


def _ods_of(path: Path, cells: list[tuple[int, int, object]]) -> Path:
    grid = {(r, c): v for r, c, v in cells}
    last_col = max(c for _, c in grid) + 1
    rows = "".join(
        "<table:table-row>" + "".join(ods_cell(grid.get((r, c))) for c in range(last_col))
        + "</table:table-row>"
        for r in range(max(r for r, _ in grid) + 1)
    )
    return ods_file(path, {"QF75-11": rows})


def test_a_workbook_is_read_whatever_its_name(dept: Department) -> None:
    """An .xlsx saved as .xls, .csv or .xlsm, and an Excel template (.xltx), are read."""
    for number, name in enumerate(("نموذج.xls", "نموذج.csv", "نموذج.xlsm", "بلا امتداد")):
        (dept.inbox / name).write_bytes(_form_bytes(dept, f"R-{number}"))
    (dept.inbox / "قالب.xltx").write_bytes(_form_bytes(dept, "R-9", template=True))
    batch = run_batch(dept, clock=clock(), documents=False)
    assert sorted((f.file, f.outcome, f.rows) for f in batch.files) == sorted(
        (name, "accepted", 2)
        for name in ("نموذج.xls", "نموذج.csv", "نموذج.xlsm", "بلا امتداد", "قالب.xltx"))
    assert read_workbook(dept.root / next(f.stored_path for f in batch.files
                                          if f.file == "قالب.xltx"))[0].form == "QF75-11"


def test_real_xls_and_ods_are_read_by_the_fallback_reader(dept: Department) -> None:
    xls_cells = _cells(_form_bytes(dept, "X-1", rows=3))
    write_xls(dept.inbox / "قديم.xls", xls_cells, "QF75-11")
    _ods_of(dept.inbox / "ليبر.ods", _cells(_form_bytes(dept, "O-1", rows=4)))
    write_xls(dept.inbox / "قديم باسم آخر.xlsx", _cells(_form_bytes(dept, "X-2")), "QF75-11")
    batch = run_batch(dept, clock=clock(), documents=False)
    outcomes = {f.file: (f.outcome, f.form, f.rows) for f in batch.files}
    assert outcomes == {"قديم.xls": ("accepted", "QF75-11", 3),
                        "ليبر.ods": ("accepted", "QF75-11", 4),
                        "قديم باسم آخر.xlsx": ("accepted", "QF75-11", 2)}, [
        (f.file, [p.message_en for p in f.problems]) for f in batch.files]


def test_a_bad_value_in_an_xls_is_listed_by_cell(dept: Department) -> None:
    """A legacy file cannot be annotated (openpyxl writes .xlsx): its errors workbook lists
    the cells, and says to correct them."""
    rows = rows_of(1)
    rows[0]["status"] = "خربان"
    header = {"school": school_names(dept)[0], "request_date": dt.date(2026, 3, 1),
              "channel": "كتاب رسمي", "reference": "B-1"}
    buffer = io.BytesIO()
    filled_workbook(dept, "QF75-11", header, rows).save(buffer)
    write_xls(dept.inbox / "خطأ.xls", _cells(buffer.getvalue()), "QF75-11")
    (result,) = run_batch(dept, clock=clock(), documents=False).files
    assert result.outcome == "rejected"
    (bad,) = [p for p in result.problems if p.severity == "error"]
    assert bad.code == "bad-choice" and bad.cell
    errors = openpyxl.load_workbook(dept.root / result.stored_path.replace(".xls",
                                                                           ".errors.xlsx"))
    sheet = errors["الأخطاء"]
    assert sheet["A2"].value == f"{clean_text(CELLS_AR)}\n{clean_text(CELLS_EN)}"
    assert [row[0].value for row in sheet.iter_rows(min_row=4)] == [bad.cell]


def test_text_pictures_and_documents_are_refused_each_with_its_message(
    dept: Department,
) -> None:
    files = {
        "طلب صيانة.csv": ("المدرسة,التاريخ\r\nمدرسة الأمل,1/3/2026\r\n".encode("cp1256"), "csv"),
        "صورة النموذج.jpg": (b"\xff\xd8\xff\xe1" + bytes(300), "image"),
        "نموذج.pdf": (b"%PDF-1.4\n" + bytes(300), "pdf"),
        "تقرير.xls": (b"<html><head><meta charset=utf-8></head><body><table>"
                      b"<tr><td>1</td></tr></table></body></html>", "web-page"),
    }
    for name, (data, _) in files.items():
        (dept.inbox / name).write_bytes(data)
    batch = run_batch(dept, clock=clock(), documents=False)
    assert {f.file: f.problems[0].code for f in batch.files} == {
        name: code for name, (_, code) in files.items()}
    for result in batch.files:
        problem = result.problems[0]
        assert "xlsx" in problem.message and ".xlsx" in problem.message_en
        errors = dept.root / (result.stored_path.rsplit(".", 1)[0] + ".errors.xlsx")
        sheet = openpyxl.load_workbook(errors)["الأخطاء"]
        action = MESSAGES[problem.code]
        assert sheet["A2"].value == f"{action.action_ar}\n{action.action_en}"
        assert f"{problem.message}\n{problem.message_en}" == sheet["D4"].value


def test_a_failing_fallback_keeps_its_reason(
    dept: Department, caplog: pytest.LogCaptureFixture
) -> None:
    """An .xls whose records hold no sheet: the sender reads "could not be read, save it as
    .xlsx" (not "damaged"); the log keeps what was found."""
    (dept.inbox / "قديم.xls").write_bytes(ole_file({"Workbook": b"\x09\x08\x10\x00"
                                                    + bytes(4092)}))
    with caplog.at_level("INFO"):
        (result,) = run_batch(dept, clock=clock(), documents=False).files
    problem = result.problems[0]
    assert (result.outcome, problem.code) == ("rejected", "cannot-read")
    assert "Excel 97-2003 (.xls)" in problem.message_en and "Save As" in problem.message_en
    assert "تالف" not in problem.message
    assert "no worksheet in the Workbook stream" in problem.detail
    assert "no worksheet in the Workbook stream" in caplog.text


def test_macros_are_never_kept(dept: Department, tmp_path: Path) -> None:
    """A macro-enabled workbook is read for its cached values only; its errors workbook
    carries no VBA project and is not macro-enabled."""
    rows = rows_of(1)
    rows[0]["status"] = "خربان"
    header = {"school": school_names(dept)[0], "request_date": dt.date(2026, 3, 1),
              "channel": "كتاب رسمي", "reference": "M-1"}
    path = dept.inbox / "وحدات ماكرو.xlsm"
    filled_workbook(dept, "QF75-11", header, rows).save(path)
    with zipfile.ZipFile(path, "a") as package:
        package.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + bytes(64))
    (result,) = run_batch(dept, clock=clock(), documents=False).files
    assert result.outcome == "rejected"
    errors = dept.root / result.stored_path.replace(".xlsm", ".errors.xlsx")
    with zipfile.ZipFile(errors) as package:
        assert not any("vba" in name.lower() for name in package.namelist())
        assert b"macroEnabled" not in package.read("[Content_Types].xml")
    (bad,) = [p for p in result.problems if p.severity == "error"]
    marked = openpyxl.load_workbook(errors)[bad.sheet][bad.cell]
    assert marked.fill.fgColor.rgb.endswith("FFC7CE") and marked.comment is not None


# ------------------------------------------------------------ the bound

_CHILD = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from automation.core.errors import UnreadableWorkbook
    from automation.intake.reader import read_workbook
    started = time.perf_counter()
    try:
        read_workbook(Path(sys.argv[1]))
        code = None
    except UnreadableWorkbook as exc:
        code = exc.code
    status = Path("/proc/self/status").read_text()
    peak = int(next(l for l in status.splitlines() if l.startswith("VmHWM")).split()[1])
    print(json.dumps({"code": code, "peak_mb": peak / 1024,
                      "seconds": time.perf_counter() - started}))
""")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_lying_sizes_are_refused_in_little_memory(
    tmp_path: Path, record_property: pytest.RecordProperty
) -> None:
    """Shared strings declaring 5,000 bytes and inflating to 256 MB: refused the moment
    they pass 5,000, the whole read under 250 MB of resident memory (calamine, trusting
    the header, took about 550 MB)."""
    path = lying_shared_strings(tmp_path / "lying.xlsx", inflated_mb=256, declared=5000)
    assert path.stat().st_size < 2 * 1024 * 1024
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                          text=True, cwd=ROOT, check=True, timeout=120)
    found = json.loads(done.stdout)
    record_property("lying_shared_strings_peak_mb", round(found["peak_mb"], 1))
    print(f"lying shared strings: {found}")
    assert found["code"] == "hostile-zip"
    assert found["peak_mb"] < 250
    assert found["seconds"] < 2


def _legacy_box(path: Path) -> tuple[int, int, int, int]:
    data = path.read_bytes()
    if path.suffix == ".xls":
        scan = scan_xls(OleFile(data), Limits()).sheets[0][1]
    else:
        with zipfile.ZipFile(path) as archive:
            scan = scan_ods(data, archive, Limits()).sheets[0][1]
    return scan.min_row, scan.min_col, scan.max_row, scan.max_col


_CELL = st.tuples(st.integers(0, 300), st.integers(0, 60),
                  st.sampled_from(["نص", 7, 2.5, "", dt.date(2026, 1, 2)]))


@settings(max_examples=60, deadline=None)
@given(cells=st.lists(_CELL, min_size=1, max_size=12, unique_by=lambda c: (c[0], c[1])))
def test_the_xls_bound_covers_what_calamine_builds(
    cells: list[tuple[int, int, object]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = write_xls(tmp_path_factory.mktemp("xls") / "f.xls", cells)
    with CalamineWorkbook.from_path(str(path)) as book:
        sheet = book.get_sheet_by_index(0)
        start, end = sheet.start, sheet.end
    values = [(r, c) for r, c, v in cells if v != ""]
    if start is None or end is None:
        return
    r1, c1, r2, c2 = _legacy_box(path)
    assert (r1 - 1, c1 - 1) <= start and r2 - 1 >= end[0] and c2 - 1 >= end[1]
    assert values


_ODS_CELL = st.tuples(
    st.sampled_from(["<table:table-cell/>", '<table:table-cell table:style-name="ce1"/>',
                     '<table:table-cell office:value-type="float" office:value="4"/>',
                     '<table:table-cell office:value-type="string"><text:p>ن</text:p>'
                     "</table:table-cell>",
                     '<table:covered-table-cell/>']),
    st.sampled_from([1, 1, 1, 2, 5, 40]),
)
_ODS_ROW = st.tuples(st.lists(_ODS_CELL, max_size=5), st.sampled_from([1, 1, 1, 3, 200]))


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(_ODS_ROW, min_size=1, max_size=6))
def test_the_ods_bound_covers_what_calamine_builds(
    rows: list[tuple[list[tuple[str, int]], int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    xml = "".join(
        f'<table:table-row table:number-rows-repeated="{down}">'
        + "".join(cell.replace("<table:table-cell", f'<table:table-cell '
                               f'table:number-columns-repeated="{across}"', 1)
                  .replace("<table:covered-table-cell", f'<table:covered-table-cell '
                           f'table:number-columns-repeated="{across}"', 1)
                  for cell, across in cells)
        + "</table:table-row>"
        for cells, down in rows
    )
    path = ods_file(tmp_path_factory.mktemp("ods") / "f.ods", {"S": xml})
    with CalamineWorkbook.from_path(str(path)) as book:
        sheet = book.get_sheet_by_index(0)
        start, end = sheet.start, sheet.end
        height, width = sheet.height, sheet.width
    r1, c1, r2, c2 = _legacy_box(path)
    if not r2:
        assert height * width <= 1 or start is None, (start, end)
        return
    assert start is not None and end is not None
    assert r2 - 1 >= end[0] and c2 - 1 >= end[1], ((r1, c1, r2, c2), start, end)
