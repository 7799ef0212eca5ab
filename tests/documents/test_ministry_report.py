"""The ministry's quarterly report across directorates (``eti report quarterly
--all-directorates``): a table per indicator with a row per directorate and the total,
native charts, right to left, recorded in the department's own ledger; and its PDF
(LibreOffice) and page images (pdftoppm), which ``MINISTRY_REPORT_PNG`` keeps to look at.

The scenario and its hand-counted figures are those of
tests/processes/test_ministry_figures.py.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.documents.ministry import DOCUMENT_KIND
from automation.ledger.open import open_ledger
from tests.documents.test_documents_helpers import (
    all_text,
    assert_rtl,
    charts_in,
    find_table,
    no_tags_left,
)
from tests.processes.test_ministry_figures import (
    ACTIVATION,
    AMMAN,
    CORRECTIVE,
    EXECUTED,
    JAMIAH,
    department,
    fill,
    two_directorates,
)
from tests.processes.test_ministry_figures import _ticket as ticket

D = dt.date
NAME = "تقرير-ربعي-المديريات-2026-Q1.docx"


def report(root: Path, *extra: str) -> Path:
    made = CliRunner().invoke(main, ["report", "quarterly", "--root", str(root), "--year",
                                     "2026", "--quarter", "1", "--all-directorates", *extra])
    assert made.exit_code == 0, made.output
    return Path(made.output.strip().splitlines()[0])


def indicator_table(path: Path, number: int) -> list[list[str]]:
    """The table under the ``number``-th indicator's heading (tables in body order)."""
    from docx import Document
    from docx.oxml.ns import qn

    body = Document(str(path)).element.body
    heading = f"{number}. "
    seen = False
    for child in body:
        text = "".join(t.text or "" for t in child.iter(qn("w:t")))
        if child.tag == qn("w:p") and text.startswith(heading):
            seen = True
        elif seen and child.tag == qn("w:tbl"):
            return [["".join(t.text or "" for t in tc.iter(qn("w:t")))
                      for tc in tr.findall(qn("w:tc"))] for tr in child.findall(qn("w:tr"))]
    raise AssertionError(f"no table after the heading {heading!r}")


@pytest.mark.postgres
def test_a_table_per_indicator_by_directorate_and_the_total(tmp_path: Path,
                                                           postgres_url: str) -> None:
    amman, jamiah = two_directorates(tmp_path, postgres_url)
    path = report(amman.root)
    assert path == amman.outbox / "reports" / NAME
    text = all_text(path)
    no_tags_left(path)
    assert_rtl(path)
    assert "الربع الأول من عام 2026" in text and "المديريات (2)" in text
    from automation.processes import INDICATORS

    number = {name: n for n, name in enumerate(INDICATORS, 1)}
    header = ["المديرية", "القيمة"]
    assert indicator_table(path, number[EXECUTED]) == [
        header, [JAMIAH, "3"], [AMMAN, "1"], ["المجموع", "4"]]
    assert indicator_table(path, number[CORRECTIVE]) == [
        header, [JAMIAH, "3"], [AMMAN, "2"], ["المجموع", "5"]]
    assert indicator_table(path, number[ACTIVATION]) == [  # 220 / 4, not (100 + 40) / 2
        header, [JAMIAH, "40.0%"], [AMMAN, "100.0%"], ["المجموع", "55.0%"]]
    assert find_table(path, "المديرية")  # the tables are there by their header too

    charts = charts_in(path)
    assert [c["direction"] for c in charts] == ["bar", "bar"]
    counts, percents = charts
    assert set(counts["series"]) == {JAMIAH, AMMAN}
    assert EXECUTED in counts["categories"] and ACTIVATION in percents["categories"]
    at = counts["categories"].index(EXECUTED)
    assert (counts["series"][JAMIAH][at], counts["series"][AMMAN][at]) == (3.0, 1.0)
    assert percents["series"][AMMAN][percents["categories"].index(ACTIVATION)] == 100.0

    # recorded in the department's own ledger (the * connection only reads)
    with open_ledger(amman) as own:
        kinds = [tuple(r) for r in own.conn.execute("SELECT kind, path FROM documents")]
    assert kinds == [(DOCUMENT_KIND, f"outbox/reports/{NAME}")]
    with open_ledger(jamiah) as other:
        assert other.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0

    again = report(amman.root)  # made again: one current report, the earlier one set aside
    assert again == path
    assert len(list((amman.outbox / ".previous" / "reports").iterdir())) == 1


def test_one_department_alone(tmp_path: Path) -> None:
    """On the department's own ledger the report has its one directorate and a total
    equal to it (both backends)."""
    amman = department(tmp_path / "amman", AMMAN, None)
    fill(amman, [ticket("A1", D(2026, 2, 1), D(2026, 2, 11))], 2, [100], 0)
    path = report(amman.root)
    from automation.processes import INDICATORS

    number = list(INDICATORS).index(EXECUTED) + 1
    assert indicator_table(path, number)[1:] == [[AMMAN, "1"], ["المجموع", "1"]]
    assert f"ومجموعها في {AMMAN}." in all_text(path)


@pytest.mark.postgres
@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")),
                    reason="LibreOffice or poppler-utils (pdftoppm) is not installed")
def test_the_pdf_and_its_pages(tmp_path: Path, postgres_url: str) -> None:
    amman, _ = two_directorates(tmp_path, postgres_url)
    docx = report(amman.root, "--pdf")
    pdf = docx.with_suffix(".pdf")
    assert pdf.is_file()
    keep = os.environ.get("MINISTRY_REPORT_PNG")
    out = Path(keep) if keep else tmp_path / "png"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / "page")], check=True,
                   capture_output=True)
    made = sorted(out.glob("page-*.png"))
    assert 2 <= len(made) <= 12, made  # 13 small tables and two charts
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        words = re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\s]+", "", text)
        assert "المجموع" in words and "قصبةعمان" in words
