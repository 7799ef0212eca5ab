"""``eti process --json``: one entry per file, as before, each with the documents made for
it ({"kind", "path", "pdf"})."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from automation.cli.main import main
from tests.department_factory import drop, maintenance_rows, make_department, school_names


def _header(school: str, reference: str) -> dict[str, object]:
    return {"school": school, "request_date": dt.date(2026, 3, 1), "channel": "كتاب رسمي",
            "reference": reference}


def test_each_file_lists_the_documents_made_for_it(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "قسم")
    school = school_names(dept)[0]
    drop(dept, "accepted.xlsx", "QF75-11", _header(school, "ت ت/70/1"), maintenance_rows(2))
    bad = maintenance_rows(1)
    bad[0]["status"] = "خربان"  # not a status: the file is rejected, the school is known
    drop(dept, "rejected.xlsx", "QF75-11", _header(school, "ت ت/70/2"), bad)

    result = CliRunner().invoke(main, ["process", "--root", str(dept.root), "--json"])
    assert result.exit_code == 0, result.output
    entries = {e["file"]: e for e in json.loads(result.output)}
    assert set(entries) == {"accepted.xlsx", "rejected.xlsx"}

    accepted, rejected = entries["accepted.xlsx"], entries["rejected.xlsx"]
    assert accepted["outcome"] == "accepted" and rejected["outcome"] == "rejected"
    assert [d["kind"] for d in accepted["documents"]] == ["technical-report"]
    assert [d["kind"] for d in rejected["documents"]] == ["rejection-letter"]
    for entry in entries.values():
        (document,) = entry["documents"]
        assert set(document) == {"kind", "path", "pdf"} and document["pdf"] is None
        assert document["path"].startswith("outbox/")
        assert (dept.root / document["path"]).is_file()
    assert accepted["documents"][0]["path"] != rejected["documents"][0]["path"]

    again = CliRunner().invoke(main, ["process", "--root", str(dept.root), "--json"])
    assert again.exit_code == 0 and json.loads(again.output) == []
