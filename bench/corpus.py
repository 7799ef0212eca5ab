"""Many distinct, realistic filled workbooks, made fast.

A few dozen workbooks are filled with openpyxl from the product's own blank
forms; every further file is one of them with its reference number (a shared
string of fixed width) rewritten in the zip, so each file is distinct bytes and
a distinct filled copy (school, date, reference) while costing milliseconds.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from department_factory import filled_workbook, school_names  # noqa: E402

from automation.core.department import Department  # noqa: E402

MARK = "REF-000000"
DEVICES = ("حاسوب مكتبي", "طابعة ليزرية", "حاسوب محمول", "جهاز عرض (بروجكتر)")
FAULTS = ("لا يقلع النظام", "الشاشة لا تعمل", "انقطاع الشبكة", "صوت مرتفع من المروحة")


def _rows(rng: random.Random, n: int, day: dt.date) -> list[dict[str, object]]:
    rows = []
    for i in range(n):
        done = rng.random() < 0.7
        rows.append(
            {
                "device_type": rng.choice(DEVICES),
                "asset_no": f"SN-{rng.randint(1000, 99999)}",
                "location": rng.choice(("مختبر حاسوب", "مكتبة", "الإدارة", "غرفة صفية")),
                "fault": rng.choice(FAULTS),
                "diagnosis": "فحص فني",
                "action": "إصلاح" if done else None,
                "cost_jod": round(rng.uniform(0, 80), 3),
                "technician": "فني الصيانة",
                "status": "تم الإصلاح" if done else "قيد المعالجة",
                "done_date": day + dt.timedelta(days=rng.randint(0, 20)) if done else None,
            }
        )
        del i
    return rows


def make_templates(dept: Department, count: int = 40, seed: int = 1) -> list[bytes]:
    """Filled QF75-11 workbooks of 20–60 rows, each carrying the reference mark."""
    rng = random.Random(seed)
    schools = school_names(dept)
    templates = []
    for i in range(count):
        day = dt.date(2026, 1 + i % 12, 1 + rng.randint(0, 9))
        header = {"school": schools[i % len(schools)], "request_date": day,
                  "channel": "كتاب رسمي", "reference": MARK}
        wb = filled_workbook(dept, "QF75-11", header, _rows(rng, rng.randint(20, 60), day))
        path = dept.root / f".template-{i}.xlsx"
        wb.save(path)
        templates.append(path.read_bytes())
        path.unlink()
    return templates


def variant(template: bytes, number: int) -> bytes:
    """The template with its reference mark rewritten: new bytes, new identity."""
    import io

    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith(".xml"):
                data = data.replace(MARK.encode(), f"REF-{number:06d}".encode())
            target.writestr(info, data)
    return out.getvalue()


def write_corpus(dept: Department, folder: Path, n: int, templates: list[bytes]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"طلب صيانة {i:05d}.xlsx"
        path.write_bytes(variant(templates[i % len(templates)], i + 1))
        paths.append(path)
    return paths
