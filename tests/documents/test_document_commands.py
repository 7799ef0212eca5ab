"""The document commands speak one vocabulary: ``--period`` wherever a period is taken (the
older options still work), ``--json`` wherever a document is written; ``eti templates``
follows the declarations."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from automation.cli.main import main
from automation.core.department import Department
from automation.documents.kinds import TEMPLATES
from tests.documents.test_documents_helpers import department


def _eti(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _json(dept: Department, *args: str) -> dict:
    code, out = _eti(*args, "--root", str(dept.root), "--json")
    assert code == 0, out
    return json.loads(out)


def test_a_period_report_takes_period_and_prints_what_it_wrote(tmp_path: Path) -> None:
    dept = department(tmp_path)
    shown = _json(dept, "report", "helpdesk", "--period", "2026-01-01..2026-03-31")
    assert shown == {"documents": [{
        "kind": "helpdesk-report",
        "path": "outbox/reports/تقرير-الدعم-الفني-2026-01-01_2026-03-31.docx", "pdf": None}]}
    assert (dept.root / shown["documents"][0]["path"]).is_file()
    # the older spellings name the same period, hence the same file
    code, out = _eti("report", "helpdesk", "--root", str(dept.root), "--from", "2026-01-01",
                     "--to", "31/03/2026")
    assert code == 0, out
    assert out.strip().endswith("تقرير-الدعم-الفني-2026-01-01_2026-03-31.docx")
    quarter = _json(dept, "report", "systems", "--period", "2026-Q1")["documents"][0]["path"]
    code, out = _eti("report", "systems", "--root", str(dept.root), "--year", "2026",
                     "--quarter", "1")
    assert code == 0 and out.strip().endswith(Path(quarter).name)
    school_year = _json(dept, "report", "webpages", "--period", "2025/2026")
    assert school_year["documents"][0]["path"].endswith("-2025-2026.docx")


def test_a_period_given_two_ways_or_misspelled_is_refused(tmp_path: Path) -> None:
    dept = department(tmp_path)
    code, out = _eti("report", "helpdesk", "--root", str(dept.root), "--period", "2026-Q1",
                     "--year", "2026", "--quarter", "1")
    assert code != 0 and "one way" in out and "طريقة واحدة" in out
    code, out = _eti("report", "helpdesk", "--root", str(dept.root), "--period", "Q5")
    assert code != 0 and "2026-01-01..2026-03-31" in out
    code, out = _eti("report", "quarterly", "--root", str(dept.root), "--period", "2026")
    assert code != 0 and "not a quarter" in out and "ليست ربعاً" in out
    assert not list(dept.outbox.rglob("*.docx"))


def test_quarterly_and_digest_print_json(tmp_path: Path) -> None:
    dept = department(tmp_path)
    quarterly = _json(dept, "report", "quarterly", "--period", "2026-Q1")
    assert quarterly["documents"] == [{"kind": "quarterly-report",
                                       "path": "outbox/reports/تقرير-ربعي-2026-Q1.docx",
                                       "pdf": None}]
    digest = _json(dept, "digest", "--date", "2026-03-31")
    assert digest["documents"] == [{"kind": "daily-digest",
                                    "path": "outbox/digest/2026-03-31-الملخص-اليومي.docx",
                                    "pdf": None}]


def test_templates_build_keeps_what_staff_edited_and_check_names_the_shipped(
        tmp_path: Path) -> None:
    dept = department(tmp_path)
    dept.templates.mkdir(parents=True, exist_ok=True)
    edited = dept.templates / "visit_report.docx"
    code, out = _eti("templates", "check", "--root", str(dept.root))
    assert code == 0, out
    assert {line.split()[1] for line in out.splitlines() if line.startswith("shipped")} == \
        {t.file for t in TEMPLATES}
    code, out = _eti("templates", "build", "--root", str(dept.root))
    assert code == 0, out
    assert {p.name for p in dept.templates.glob("*.docx")} == {t.file for t in TEMPLATES}
    edited.write_bytes(edited.read_bytes())  # as Word saves it
    before = edited.stat().st_mtime_ns
    code, out = _eti("templates", "build", "--root", str(dept.root))
    assert code == 0 and out == "" and edited.stat().st_mtime_ns == before
    code, out = _eti("templates", "check", "--root", str(dept.root))
    assert code == 0 and "shipped" not in out and "ok      visit_report.docx" in out


def test_the_ministry_report_renders_the_template_staff_edited(tmp_path: Path) -> None:
    """The ministry's report is a shipped template like the others: a department's edited
    copy in templates_docx/ is the one used."""
    from docx import Document

    from automation.core.assets import ASSET_TEMPLATES
    from tests.documents.test_documents_helpers import all_text

    dept = department(tmp_path)
    dept.templates.mkdir(parents=True, exist_ok=True)
    edited = Document(str(ASSET_TEMPLATES / "ministry_report.docx"))
    edited.add_paragraph("فقرة أضافها القسم في Word")
    edited.save(str(dept.templates / "ministry_report.docx"))
    shown = _json(dept, "report", "quarterly", "--all-directorates", "--period", "2026-Q1")
    assert shown["documents"][0]["kind"] == "ministry-quarterly-report"
    path = dept.root / shown["documents"][0]["path"]
    assert path.name == "تقرير-ربعي-المديريات-2026-Q1.docx"
    text = all_text(path)
    assert "فقرة أضافها القسم في Word" in text
    assert "تقرير ربعي بإنجازات أقسام تكنولوجيا التعليم والمعلومات في المديريات" in text
