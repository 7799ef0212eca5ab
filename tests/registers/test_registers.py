"""Master registers written from a ledger and read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import shutil
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from ledger_factory import add_decision, add_submission, backend_ledger
from openpyxl.worksheet.worksheet import Worksheet

from automation.catalog.forms import CATALOG
from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.ledger.store import Ledger
from automation.processes import processes_fed_by
from automation.registers.builder import feeding_forms, register_path, write_registers
from automation.registers.sheets import PROVENANCE, SUMMARY

D = dt.date
RECEIVED = dt.datetime(2026, 5, 2, 9, 30)
NOW = dt.datetime(2026, 5, 20, 10, 0)
AMAL = "مدرسة الأمل الثانوية"
NOOR = "مدرسة النور الأساسية"
RAZI = "مدرسة الرازي"
ALL = ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "PLAN")
HOSTILE = {"asset_no": "=1+2", "fault": "+966", "diagnosis": "@x", "action": "-1"}


def references() -> object:
    from automation.catalog.reference import BudgetLine, References, School

    return References(
        schools=[School("1001", AMAL), School("1002", NOOR), School("1003", RAZI)],
        budget=[
            BudgetLine("2026", "صيانة الأجهزة وقطع الغيار", Decimal("1000.000")),
            BudgetLine("2026", "قرطاسية", Decimal("500.000")),
            BudgetLine("2025", "صيانة الأجهزة", Decimal("800.000")),
        ],
    )


def maintenance_row(status: str, done: D | None, cost: str | None, **extra: object) -> dict:
    return {
        "device_type": "حاسوب",
        "location": "مختبر حاسوب",
        "fault": "لا يعمل",
        "status": status,
        "done_date": done,
        "cost_jod": cost,
        "action": "استبدال" if done else None,
        **extra,
    }


def build_ledger(ledger: Ledger) -> dict[str, int]:
    """Several forms, schools and months; returns a few submission ids."""
    ids: dict[str, int] = {}
    header = {"school": AMAL, "request_date": D(2026, 2, 3), "channel": "هاتف", "reference": "م/7"}
    superseded = maintenance_row("قيد المعالجة", None, None, fault="SUPERSEDED")
    ids["old"] = add_submission(
        ledger, "QF75-11", header, [superseded],
        received_at=dt.datetime(2026, 2, 4, 8),
        name="قديم.xlsx",
    )
    ids["p1"] = add_submission(
        ledger,
        "QF75-11",
        header,
        [
            maintenance_row("تم الإصلاح", D(2026, 2, 9), "12.5", **HOSTILE),
            maintenance_row(
                "غير قابل للإصلاح", D(2026, 2, 10), None,
                spare_parts="قطعة\x01\x02 جديدة\nسطر\x7f ثان",
            ),
        ],
        received_at=RECEIVED,
        name="صيانة الأمل.xlsx",
    )
    add_submission(
        ledger, "QF75-11",
        {"school": NOOR, "request_date": D(2026, 4, 5), "channel": "كتاب رسمي", "reference": "9"},
        [maintenance_row("تم الإصلاح", D(2026, 4, 7), "100.250"),
         maintenance_row("بانتظار قطع غيار", None, None)],
        received_at=RECEIVED,
    )
    add_submission(
        ledger, "QF70-2-7",
        {"school": RAZI, "request_date": D(2026, 3, 1), "requested_by": "المدير"},
        [{"device_type": "مجهر", "quantity": 2, "fault": "عدسة", "priority": "عاجل"}],
        received_at=RECEIVED,
    )
    add_submission(
        ledger, "HD-EXPORT", {},
        [
            {"ticket_no": f"T{i}", "school": (AMAL, NOOR)[i % 2], "opened": D(2026, 1 + i, 5),
             "closed": D(2026, 1 + i, 8) if i < 3 else None, "category": ("شبكة", "حماية")[i % 2],
             "status": "منفذ" if i < 3 else "مفتوح"}
            for i in range(5)
        ],
        received_at=RECEIVED,
    )
    add_submission(
        ledger, "FO-SITES", {},
        [{"site_code": "S1", "site_name": AMAL, "site_type": "مدرسة", "connected": True,
          "connected_on": D(2026, 1, 20)},
         {"site_code": "S2", "site_name": NOOR, "site_type": "مدرسة", "connected": False}],
        received_at=RECEIVED,
    )
    add_submission(
        ledger, "FO-FAULTS", {},
        [{"site_code": "S1", "reported": D(2026, 2, 1), "fault": "قطع", "handled_by": "الشركة",
          "resolved": D(2026, 2, 3), "status": "تمت المعالجة"}],
        received_at=RECEIVED,
    )
    for purpose, site in (("شبكة الألياف الضوئية", AMAL), ("العطاءات والمشاريع", NOOR)):
        add_submission(
            ledger, "QF75-13",
            {"site": site, "visit_date": D(2026, 3, 3), "purpose": purpose, "visitors": "فريق"},
            [{"item": "البند", "finding": purpose}],
            received_at=RECEIVED,
        )
    add_submission(
        ledger, "QF70-2-12", {"school": AMAL, "date": D(2026, 1, 10)},
        [{"device_type": "حاسوب", "required": 10, "available": 7, "working": 6},
         {"device_type": "طابعة", "required": 2, "available": 3, "working": 3}],
        received_at=RECEIVED,
    )
    add_submission(
        ledger, "QF70-2-12", {"school": NOOR, "date": D(2026, 1, 12)},
        [{"device_type": "حاسوب", "required": 5, "available": 0, "working": 0}],
        received_at=RECEIVED,
    )
    add_submission(
        ledger, "PRJ", {},
        [
            {"tender_no": "ع/1", "title": "حواسيب", "school": AMAL, "device_type": "حاسوب",
             "quantity": 3, "received_on": D(2026, 3, 1), "status": "تم الاستلام"},
            {"tender_no": "ع/1", "title": "حواسيب", "school": AMAL, "device_type": "حاسوب",
             "quantity": 2, "received_on": D(2026, 4, 1), "status": "تم الاستلام"},
            {"tender_no": "ع/2", "title": "طابعات", "school": NOOR, "device_type": "طابعة",
             "quantity": 2, "received_on": D(2026, 4, 2), "status": "تم الاستلام"},
            {"tender_no": "ع/3", "title": "شاشات", "school": NOOR, "device_type": "حاسوب",
             "quantity": 9, "status": "قيد التنفيذ"},
        ],
        received_at=RECEIVED,
    )
    ids["disposal"] = add_submission(
        ledger, "DISPOSAL", {"source": AMAL, "date": D(2026, 3, 15), "correspondence_ref": "ك/1"},
        [{"category": "حاسوب وملحقاته", "description": "طابعة", "quantity": 2, "reason": "تالفة",
          "maintenance_ref": "م/7"},
         {"category": "كتب مكتبة", "description": "كتب", "quantity": 40, "reason": "قديمة"},
         {"category": "جهاز مخبري", "description": "مجهر", "quantity": 1, "reason": "مكسور",
          "maintenance_ref": "غير موجود"}],
        received_at=RECEIVED,
    )
    rows = ledger.rows_of_submission(ids["disposal"])
    add_decision(ledger, "ق/1/2026", D(2026, 4, 20), [rows[0].id, rows[1].id])
    add_submission(
        ledger, "EMIS-ISSUES", {},
        [{"date": D(2026, 2, 1), "school": AMAL, "system": "OpenEMIS", "user_level": "مدرسة",
          "problem": "دخول", "status": "محلولة", "resolved_on": D(2026, 2, 2)}],
        received_at=RECEIVED,
    )
    add_submission(
        ledger, "EMIS-ACTIVATION", {"school": NOOR, "visit_date": D(2026, 3, 9), "visitor": "س"},
        [{"function": "الحضور", "activated": True, "completion": 80},
         {"function": "العلامات", "activated": False, "completion": 45}],
        received_at=RECEIVED,
    )
    add_submission(
        ledger, "INITIATIVES", {},
        [{"initiative": "روبوت", "school": RAZI, "start_date": D(2026, 1, 3), "status": "فعالة"}],
        received_at=RECEIVED,
    )
    add_submission(
        ledger, "WEB-REVIEW", {"page": AMAL, "review_date": D(2026, 2, 2)},
        [{"criterion": "أخبار", "met": True}, {"criterion": "خدمات", "met": False}],
        received_at=RECEIVED,
    )
    add_submission(
        ledger, "QF70-2-3",
        {"school": AMAL, "month": D(2026, 3, 1), "librarian": "أمينة", "books_total": 900,
         "loans_students": 30, "loans_teachers": 4, "visits": 12},
        [], received_at=RECEIVED,
    )
    add_submission(
        ledger, "QF70-2-17",
        {"school": RAZI, "visit_date": D(2026, 3, 4), "lab": "كيمياء", "visitor": "م"},
        [{"criterion": "السلامة", "rating": "جيد"}], received_at=RECEIVED,
    )
    add_submission(
        ledger, "QF12-1", {"year": "2026"},
        [{"process": "متابعة تفعيل وظائف أنظمة المعلومات التربوية", "goal": "تفعيل",
          "activity": "زيارات", "indicator": "متوسط نسبة تفعيل الوظائف", "target": 80,
          "quarter": "الأول", "responsible": "القسم"}],
        received_at=RECEIVED,
    )
    return ids


@pytest.fixture(scope="module")
def written(
    module_ledger: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Department, list, dict[str, int]]:
    dept = Department(tmp_path_factory.mktemp("dept"))
    dept.ensure()
    with backend_ledger(dept.ledger_path) as ledger:
        ids = build_ledger(ledger)
        outcomes = write_registers(
            dept, ledger, ALL, references=references(), clock=FakeClock(NOW)
        )
    return dept, outcomes, ids


def sheet(dept: Department, process: str, name: str) -> Worksheet:
    wb = openpyxl.load_workbook(register_path(dept, process))
    return wb[name]


def header(ws: Worksheet) -> list[str]:
    return [c.value for c in ws[1]]


def block_rows(ws: Worksheet, title: str) -> list[list[object]]:
    """The header and data rows of the summary block titled ``title``."""
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r and r[0] == title)
    out = []
    for values in rows[start + 1 :]:
        if not any(v is not None for v in values):
            break
        out.append(values)
    return out


def summary_value(ws: Worksheet, label: str, column: int = 2) -> object:
    for row in ws.iter_rows():
        if row[0].value == label:
            return row[column - 1].value
    raise AssertionError(f"{label!r} not in the summary")


def test_every_register_is_written_with_its_name(written: tuple) -> None:
    dept, outcomes, _ = written
    assert [o.process for o in outcomes] == list(ALL)
    assert {o.status for o in outcomes} == {"written"}
    p1 = register_path(dept, "P1")
    assert p1.name == "P1 - سجل الإجراءات التصحيحية.xlsx"
    assert ":" not in register_path(dept, "PLAN").name
    for outcome in outcomes:
        assert outcome.path.exists()
    assert not list(dept.registers.glob(".*"))  # no temporary files left


def test_sheets_rtl_summary_first_and_one_per_feeding_form(written: tuple) -> None:
    dept, _, _ = written
    for process in ALL:
        wb = openpyxl.load_workbook(register_path(dept, process))
        codes = [f.code for f in feeding_forms(process)]
        assert wb.sheetnames[0] == SUMMARY
        assert wb.sheetnames[1 : 1 + len(codes)] == codes
        for ws in wb.worksheets:
            assert ws.sheet_view.rightToLeft, (process, ws.title)
    assert [f.code for f in feeding_forms("P4")] == ["QF70-2-12", "PRJ", "QF75-13"]
    assert [f.code for f in feeding_forms("P1")] == ["QF75-11", "QF70-2-7", "QF75-13"]


def test_headers_are_the_form_labels_then_provenance(written: tuple) -> None:
    dept, _, _ = written
    form = CATALOG.form("QF75-11")
    ws = sheet(dept, "P1", "QF75-11")
    assert header(ws) == [f.label for f in form.header + form.rows] + list(PROVENANCE)
    cell = ws["A1"]
    assert cell.font.b and cell.font.name == "Arial"
    assert cell.fill.fgColor.rgb.endswith("D9E1F2")
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert ws.column_dimensions["A"].width > 8


def test_provenance_and_typed_cells(written: tuple) -> None:
    dept, _, ids = written
    ws = sheet(dept, "P1", "QF75-11")
    cols = {label: i for i, label in enumerate(header(ws))}
    first = [c for c in ws[2]]
    assert first[cols["الملف المصدر"]].value == "صيانة الأمل.xlsx"
    assert first[cols["تاريخ الاستلام"]].value == RECEIVED
    assert first[cols["رقم الإرسال"]].value == ids["p1"]
    request = first[cols["تاريخ الطلب"]]
    assert request.value == dt.datetime(2026, 2, 3) and request.is_date
    assert request.number_format == "d/m/yyyy"
    cost = first[cols["الكلفة (دينار)"]]
    assert cost.value == 12.5 and cost.data_type == "n" and cost.number_format == "#,##0.000"
    assert first[cols["الحالة"]].value == "تم الإصلاح"
    hd = sheet(dept, "P2", "HD-EXPORT")
    assert isinstance(hd["C2"].value, dt.datetime)
    act = sheet(dept, "P7", "EMIS-ACTIVATION")
    act_cols = {label: i for i, label in enumerate(header(act))}
    assert act.cell(2, act_cols["مفعلة"] + 1).value == "نعم"
    assert act.cell(3, act_cols["مفعلة"] + 1).value == "لا"
    assert act.cell(2, act_cols["نسبة الإنجاز"] + 1).value == 80
    lib = sheet(dept, "P10", "QF70-2-3")
    assert lib.max_row == 2  # a form without a table: one row of header values
    assert lib["B2"].value == dt.datetime(2026, 3, 1) and lib["B2"].number_format == "m/yyyy"
    assert lib["D2"].value == 900 and lib["D2"].data_type == "n"


def test_formula_like_text_stays_text(written: tuple) -> None:
    dept, _, _ = written
    ws = sheet(dept, "P1", "QF75-11")
    cols = {label: i for i, label in enumerate(header(ws))}
    form = CATALOG.form("QF75-11")
    for key, value in HOSTILE.items():
        cell = ws[2][cols[form.field(key).label]]
        assert cell.value == value and cell.data_type == "s", key
    path = register_path(dept, "P1")
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name)


def test_control_characters_are_stripped(written: tuple) -> None:
    dept, _, _ = written
    ws = sheet(dept, "P1", "QF75-11")
    cols = {label: i for i, label in enumerate(header(ws))}
    value = ws[3][cols["قطع الغيار المستخدمة"]].value
    assert value == "قطعة جديدة سطر ثان"


def test_superseded_rows_are_absent(written: tuple) -> None:
    dept, outcomes, ids = written
    ws = sheet(dept, "P1", "QF75-11")
    values = {c.value for row in ws.iter_rows() for c in row}
    assert "SUPERSEDED" not in values and "قديم.xlsx" not in values
    assert ws.max_row == 1 + 4  # two live QF75-11 submissions of two rows
    assert next(o for o in outcomes if o.process == "P1").rows == 5  # + one QF70-2-7 row


def test_p1_summary_spend_against_budget(written: tuple) -> None:
    dept, _, _ = written
    ws = sheet(dept, "P1", SUMMARY)
    assert ws.sheet_view.rightToLeft
    assert summary_value(ws, "موازنة الصيانة وقطع الغيار (دينار)") == 1000
    assert summary_value(ws, "المصروف (دينار)") == pytest.approx(112.75)
    assert summary_value(ws, "المتبقي (دينار)") == pytest.approx(887.25)
    assert summary_value(ws, "نسبة الصرف (%)") == pytest.approx(11.3)
    assert summary_value(ws, "2026/02") in (12.5, 2)  # spend block or rows-by-month block
    months = [r[1].value for r in ws.iter_rows() if r[0].value == "2026/04"]
    assert 100.25 in months


def test_p4_summary_fulfilment_ratio(written: tuple) -> None:
    dept, _, _ = written
    ws = sheet(dept, "P4", SUMMARY)
    # needs: AMAL 4 computers, NOOR 5 computers = 9; matched: AMAL 3 + 1 = 4; all received 7
    block = block_rows(ws, "الاحتياجات المحددة والموفرة ونسبة التلبية")
    assert block[0][0].startswith("الاحتياج =")  # the note's first line
    head = next(i for i, r in enumerate(block) if r[0] == "المدرسة")
    assert block[head][:5] == ["المدرسة", "الاحتياجات المحددة", "الموفرة مطابقة للاحتياج",
                               "الموفرة كلها", "نسبة التلبية (%)"]
    by_school = {r[0]: r[1:5] for r in block[head + 1 :]}
    assert by_school[AMAL] == [4, 4, 5, 100]
    assert by_school[NOOR] == [5, 0, 2, 0]
    assert by_school["المجموع"] == [9, 4, 7, pytest.approx(44.4)]
    names = openpyxl.load_workbook(register_path(dept, "P4")).sheetnames
    assert names[-2:] == ["الاحتياجات المحددة", "الاحتياجات الموفرة"]


def test_qf75_13_is_split_between_p3_and_p4(written: tuple) -> None:
    dept, _, _ = written
    p3 = sheet(dept, "P3", "QF75-13")
    p4 = sheet(dept, "P4", "QF75-13")
    assert p3.max_row == 2 and p3["C2"].value == "شبكة الألياف الضوئية"
    assert p4.max_row == 2 and p4["C2"].value == "العطاءات والمشاريع"


def test_p5_decision_number_column(written: tuple) -> None:
    dept, _, _ = written
    ws = sheet(dept, "P5", "DISPOSAL")
    cols = {label: i for i, label in enumerate(header(ws))}
    assert list(cols)[-3:] == list(PROVENANCE)
    numbers = [r[cols["رقم القرار"]].value for r in ws.iter_rows(min_row=2)]
    assert numbers == ["ق/1/2026", "ق/1/2026", None]
    cited = [r[cols["تقرير صيانة يثبت عدم الصلاحية"]].value for r in ws.iter_rows(min_row=2)]
    assert cited == ["نعم", None, "لا"]
    summary = sheet(dept, "P5", SUMMARY)
    assert summary_value(summary, "ق/1/2026", 3) == 2  # items in the decision
    assert summary_value(summary, "ق/1/2026", 4) == 42
    assert summary_value(summary, "جهاز مخبري", 3) == 1  # pending


def test_p7_summary_shows_plan_targets(written: tuple) -> None:
    dept, _, _ = written
    ws = sheet(dept, "P7", SUMMARY)
    row = next(r for r in ws.iter_rows() if r[3].value == "متوسط نسبة تفعيل الوظائف")
    # target, achieved, %: NOOR's one visit, functions at 80 and 45 → 62.5; 62.5 / 80 = 78.1 %
    assert [c.value for c in row[6:9]] == [80, pytest.approx(62.5), pytest.approx(78.1)]


def test_plan_register_lists_indicators_by_quarter(written: tuple) -> None:
    dept, _, _ = written
    ws = sheet(dept, "PLAN", SUMMARY)
    # devices repaired (تم الإصلاح) by done date: AMAL 9/2 (Q1), NOOR 7/4 (Q2); AMAL's
    # device found unrepairable on 10/2 is no corrective action
    assert summary_value(ws, "عدد الإجراءات التصحيحية المنفذة", 2) == 1  # Q1
    assert summary_value(ws, "عدد الإجراءات التصحيحية المنفذة", 3) == 1  # Q2
    assert summary_value(ws, "عدد الإجراءات التصحيحية المنفذة", 6) == 2  # year
    assert summary_value(ws, "عدد المواد المتلفة بقرار", 3) == 42


def test_p10_per_school_figures(written: tuple) -> None:
    dept, _, _ = written
    ws = sheet(dept, "P10", SUMMARY)
    block = block_rows(ws, "أرقام المدارس")
    labels = block[0]
    by_school = {r[0]: dict(zip(labels[1:], r[1:], strict=False)) for r in block[1:]}
    assert by_school[AMAL]["تقارير المكتبة الشهرية"] == 1
    assert by_school[AMAL]["إعارات المكتبة"] == 34
    assert by_school[RAZI]["زيارات المختبرات"] == 1
    assert by_school["المجموع"]["زيارات المختبرات"] == 1


def test_only_the_given_processes_are_written(tmp_path: Path) -> None:
    dept = Department(tmp_path)
    dept.ensure()
    with backend_ledger(dept.ledger_path) as ledger:
        build_ledger(ledger)
        outcomes = write_registers(
            dept, ledger, ["P2", "P6", "P2"], references=references(), clock=FakeClock(NOW)
        )
    assert [o.process for o in outcomes] == ["P2", "P6"]
    assert sorted(p.name for p in dept.registers.iterdir()) == sorted(
        [register_path(dept, "P2").name, register_path(dept, "P6").name]
    )


def test_regenerating_replaces_the_register(tmp_path: Path) -> None:
    dept = Department(tmp_path)
    dept.ensure()
    clock = FakeClock(NOW)
    with backend_ledger(dept.ledger_path) as ledger:
        write_registers(dept, ledger, ["P8"], references=references(), clock=clock)
        assert sheet(dept, "P8", "INITIATIVES").max_row == 1
        add_submission(
            ledger, "INITIATIVES", {},
            [{"initiative": "x", "school": AMAL, "start_date": D(2026, 5, 1), "status": "فعالة"}],
            received_at=RECEIVED,
        )
        write_registers(dept, ledger, ["P8"], references=references(), clock=clock)
    assert sheet(dept, "P8", "INITIATIVES").max_row == 2


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_worker_processes_write_the_same_registers(tmp_path: Path) -> None:
    """With the batch's workers, registers are written at once, each the same as alone."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    wanted = ["P1", "P5", "PLAN", "P10"]
    dept = Department(tmp_path / "here")
    dept.ensure()
    with backend_ledger(dept.ledger_path) as ledger:
        build_ledger(ledger)
    twin = Department(tmp_path / "workers")
    twin.ensure()
    if dept.ledger_path.exists():  # (a shared PostgreSQL ledger is the same for both)
        shutil.copy(dept.ledger_path, twin.ledger_path)
    with backend_ledger(dept.ledger_path) as ledger:
        alone = write_registers(dept, ledger, wanted, references=references(),
                                clock=FakeClock(NOW))
    with backend_ledger(twin.ledger_path) as ledger:
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
            together = write_registers(twin, ledger, wanted, references=references(),
                                       clock=FakeClock(NOW), executor=pool)
        broken = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        broken.shutdown()
        fallback = write_registers(twin, ledger, wanted, references=references(),
                                   clock=FakeClock(NOW), executor=broken)
    for one, two, three in zip(alone, together, fallback, strict=True):
        assert one.process == two.process == three.process
        assert one.status == two.status == three.status == "written"
        assert one.rows == two.rows == three.rows
        assert _cells(one.path) == _cells(two.path) == _cells(three.path)
        assert _order(one.path) == _order(two.path) == _order(three.path)
    assert not list(twin.registers.glob(".*"))  # no temporary files left
    for process in ("P1", "P4"):  # one register alone is shared out too (P4: filtered rows)
        with backend_ledger(dept.ledger_path) as ledger:
            (one,) = write_registers(dept, ledger, [process], references=references(),
                                     clock=FakeClock(NOW))
        with backend_ledger(twin.ledger_path) as ledger, ProcessPoolExecutor(
            2, mp_context=multiprocessing.get_context("spawn")
        ) as pool:
            (two,) = write_registers(twin, ledger, [process], references=references(),
                                     clock=FakeClock(NOW), executor=pool)
        assert one.rows == two.rows > 0
        assert _cells(one.path) == _cells(two.path) and _order(one.path) == _order(two.path)


def _order(path: Path) -> tuple[list[str], list[tuple[str, object, str]]]:
    """The sheets in their order, and the workbook's defined names."""
    wb = openpyxl.load_workbook(path)
    names = sorted((ws.title, ws.auto_filter.ref, str(ws.print_title_rows))
                   for ws in wb.worksheets)
    return wb.sheetnames, names


def test_processes_fed_by() -> None:
    # a field visit shows in the register of its purpose's process, and P10's visits are
    # an indicator; a shortage list changes the fulfilment ratio (an indicator) and shows in
    # P10's register too, as the educational devices' requests do (issue 16)
    assert processes_fed_by("QF75-13") == ("P1", "P3", "P4", "P7", "P10", "PLAN")
    assert processes_fed_by("QF70-2-12") == ("P4", "P10", "PLAN")
    assert processes_fed_by("QF70-2-7") == ("P1", "P10")
    assert processes_fed_by("QF12-1") == ("P7", "PLAN")
    assert processes_fed_by("HD-EXPORT") == ("P2", "PLAN")
    # the plan's indicator of reports sent on time reads it (issue 25)
    assert processes_fed_by("QF70-2-28") == ("P10", "PLAN")


def test_twenty_thousand_rows_quickly(tmp_path: Path) -> None:
    """Quick check of the streaming writer: 20,000 Help Desk rows well under 20 s."""
    dept = Department(tmp_path)
    dept.ensure()
    schools = [f"مدرسة رقم {i}" for i in range(60)]
    rows = [
        {"ticket_no": f"HD-{i:06d}", "school": schools[i % 60],
         "opened": D(2026, 1 + i % 12, 1 + i % 28),
         "closed": D(2026, 1 + i % 12, 1 + i % 28) if i % 3 else None,
         "category": ("شبكة", "حماية", "أجهزة", "أخرى")[i % 4],
         "status": "منفذ" if i % 3 else "مفتوح"}
        for i in range(20_000)
    ]
    with backend_ledger(dept.ledger_path) as ledger:
        add_submission(ledger, "HD-EXPORT", {}, rows, received_at=RECEIVED)
        started = time.perf_counter()
        [outcome] = write_registers(
            dept, ledger, ["P2"], references=references(), clock=FakeClock(NOW)
        )
        elapsed = time.perf_counter() - started
    assert outcome.rows == 20_000 and outcome.status == "written"
    assert elapsed < 20, elapsed
    wb = openpyxl.load_workbook(outcome.path, read_only=True)
    assert wb["HD-EXPORT"].max_row == 20_001
