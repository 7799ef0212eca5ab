"""The ledger's JSON of row values, and rows read back from it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_factory import add_submission, backend_ledger

from automation.ledger.row_json import ROWS_PER_PARSE
from automation.ledger.store import LedgerRow, to_json

pytestmark = pytest.mark.usefixtures("ledger_backend")  # its tests run on both backends


def test_json_of_typed_values() -> None:
    values = {"z": None, "cost_jod": Decimal("12.500"), "done": dt.date(2026, 3, 9),
              "at": dt.datetime(2026, 3, 9, 8, 30), "ok": True, "n": 3, "school": "مدرسة الأمل"}
    text = to_json(values)
    assert json.loads(text) == {"z": None, "cost_jod": "12.500", "done": "2026-03-09",
                                "at": "2026-03-09T08:30:00", "ok": True, "n": 3,
                                "school": "مدرسة الأمل"}
    assert list(json.loads(text)) == sorted(values)  # keys sorted
    assert "مدرسة الأمل" in text  # Arabic kept readable in the database


def test_json_of_an_integer_past_64_bits() -> None:
    assert json.loads(to_json({"n": 10**30, "d": dt.date(2026, 1, 2)})) == {
        "n": 10**30, "d": "2026-01-02"}


def test_rows_read_back_across_parse_chunks(tmp_path: Path) -> None:
    count = ROWS_PER_PARSE + 7
    rows = [{"device_type": "حاسوب", "location": "مختبر حاسوب", "fault": f"عطل {i % 3}",
             "status": "تم الإصلاح", "done_date": dt.date(2026, 2, 9), "cost_jod": "1.5"}
            for i in range(count)]
    with backend_ledger(tmp_path / "ledger.sqlite") as ledger:
        add_submission(ledger, "QF75-11", {"school": "مدرسة الأمل",
                                           "request_date": dt.date(2026, 2, 3),
                                           "channel": "هاتف"}, rows,
                       received_at=dt.datetime(2026, 2, 10, 9, 0))
        back = ledger.current_rows("QF75-11")
    assert len(back) == count and all(isinstance(r, LedgerRow) for r in back)
    assert [r.data["fault"] for r in back] == [f"عطل {i % 3}" for i in range(count)]
    assert back[-1].data["done_date"] == "2026-02-09" and back[-1].data["cost_jod"] == "1.500"
    # repeated texts are one object, across chunks too (registers hold 100,000 rows)
    assert back[0].data["status"] is back[-1].data["status"]
    later = next(i for i in range(ROWS_PER_PARSE, count) if i % 3 == 0)
    assert back[0].data["fault"] is back[later].data["fault"]
    assert back[0].school is back[-1].school


@pytest.mark.parametrize("big", [10**30, 2**64 + 1, -(2**63) - 1])
def test_rows_read_back_with_an_integer_past_64_bits(tmp_path: Path, big: int) -> None:
    rows = [{"fault": "عطل", "count": big}, {"fault": "عطل آخر", "count": 2},
            {"fault": "12345678901234567890123", "count": 2**63 - 1}]
    with backend_ledger(tmp_path / "ledger.sqlite") as ledger:
        add_submission(ledger, "QF75-11", {"school": "مدرسة الأمل"}, rows,
                       received_at=dt.datetime(2026, 2, 10, 9, 0))
        back = ledger.current_rows("QF75-11")
        chunked = [r for chunk in ledger.current_row_chunks("QF75-11") for r in chunk]
    for read in (back, chunked):
        assert [{"fault": r.data["fault"], "count": r.data["count"]} for r in read] == rows
    assert all(type(r.data["count"]) is int for r in back + chunked)
    assert back[0].original_name == back[1].original_name != ""
    assert back[0].received_at.startswith("2026-02-10")

