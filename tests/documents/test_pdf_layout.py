"""Every template's sample printed by LibreOffice: no date and no header word split.

Each template (the shipped build) is rendered with its sample context, every date in it
widened to the widest one (``28/12/2026``), and converted to PDF in one LibreOffice run.
``pdftotext -layout`` then reads the pages as printed: a date wrapped in a narrow column
shows as ``28/12/202`` on one line and ``6`` on the next, a header word wrapped inside
itself («المستهد|ف») is nowhere whole. pdftotext splits the lam-alef ligature and puts
direction marks around runs, so words are compared without those marks and without alef
and lam; header words with vowel marks (whose order pdftotext changes) are not looked for.

Skipped where LibreOffice (soffice) or poppler (pdftotext) is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from automation.core.assets import ASSET_TEMPLATES
from automation.documents.render import render_document, rendering
from automation.templates.samples import SAMPLES

pytestmark = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice or poppler-utils is not installed",
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WIDEST_DATE = "28/12/2026"
WIDEST_PERIOD = "2026/2027"
DATE_RE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
MONTH_RE = re.compile(r"^\d{1,2}/\d{4}$")
MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u0640]")
LAM_ALEF = re.compile("[اأإآلى]")
VOWEL_MARKS = re.compile("[\u064b-\u0652]")
BROKEN_DATE = re.compile(
    r"(?<![\d/])\d{1,2}/\d{1,2}/\d{0,3}(?![\d/])"  # 28/12/202 | 6
    r"|(?<![\d/])\d{1,2}/\d{1,2}/?(?=[ \t]*$)",  # 28/12/ | 2026 at the line's end
    re.M)
"""A date wrapped inside itself; a school year split (``2026/202 | 7``) is found by its
count: each one the document holds must be printed whole."""


LONG_DIRECTORATE = "مديرية التربية والتعليم للواء قصبة عمان"
"""A directorate's name as long as the letterhead must hold on one line."""


def widened(value: Any) -> Any:
    """The sample with every date the widest one, every month a school year."""
    if isinstance(value, str) and DATE_RE.match(value):
        return WIDEST_DATE
    if isinstance(value, str) and MONTH_RE.match(value):
        return WIDEST_PERIOD
    if isinstance(value, dict):
        return {k: widened(v) for k, v in value.items()}
    if isinstance(value, list):
        return [widened(v) for v in value]
    return value


def header_words(docx: Path) -> set[str]:
    """The words of every repeated header row of the document's tables."""
    root = etree.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
    words: set[str] = set()
    for tr in root.iter(W + "tr"):
        if tr.find(f"{W}trPr/{W}tblHeader") is None:
            continue
        text = " ".join("".join("-" if e.tag == W + "noBreakHyphen" else e.text or ""
                                for e in tc.iter(W + "t", W + "noBreakHyphen"))
                        for tc in tr.iter(W + "tc"))
        words.update(w for w in MARKS.sub("", text).split()
                     if len(w) > 1 and not VOWEL_MARKS.search(w))
    return words


def folded(word: str) -> str:
    return LAM_ALEF.sub("", MARKS.sub("", word)).strip("()«»:،.")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Each template's sample: its Word document and the text of its PDF (``-layout``)."""
    folder = tmp_path_factory.mktemp("layout")
    names = sorted(SAMPLES)
    with rendering():
        for name in names:
            context = widened(SAMPLES[name]())
            context["directorate"] = {**context["directorate"], "name": LONG_DIRECTORATE}
            render_document(ASSET_TEMPLATES / name, context, folder / name)
    profile = folder / "profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(folder), *(str(folder / n) for n in names)],
        capture_output=True, check=True, timeout=300)
    out = {}
    for name in names:
        pdf = (folder / name).with_suffix(".pdf")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              check=True, text=True).stdout
        out[name] = (folder / name, MARKS.sub("", text).replace("\u2011", "-"))
    return out


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_no_date_is_split(printed: dict[str, tuple[Path, str]], name: str) -> None:
    docx, text = printed[name]
    assert BROKEN_DATE.findall(text) == [], f"{name}: a date wraps inside itself"
    body = zipfile.ZipFile(docx).read("word/document.xml").decode()
    assert text.count(WIDEST_DATE) >= body.count(WIDEST_DATE) > 0, f"{name}: a date not whole"
    assert text.count(WIDEST_PERIOD) >= body.count(WIDEST_PERIOD), f"{name}: a period split"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_no_header_word_is_split(printed: dict[str, tuple[Path, str]], name: str) -> None:
    docx, text = printed[name]
    tokens = {folded(t) for t in re.split(r"[\s/]+", text)}
    split = sorted(w for w in header_words(docx) if folded(w) and folded(w) not in tokens)
    assert split == [], f"{name}: header words not printed whole: {split}"


def test_the_check_sees_a_split_date() -> None:
    """What a date wrapped in a narrow column looks like in ``pdftotext -layout``."""
    assert BROKEN_DATE.findall("   28/12/202   المدرسة\n   6\n") == ["28/12/202"]
    assert BROKEN_DATE.findall("   28/12/\n   2026\n") == ["28/12/"]
    assert BROKEN_DATE.findall(" 28/12/2026  11/2026  2026/2027  ت ت/70/2026/11 ") == []


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_letterhead_holds_the_directorates_name_on_one_line(
        printed: dict[str, tuple[Path, str]], name: str) -> None:
    _, text = printed[name]
    first = next(line for line in text.splitlines() if "قصبة" in line)  # the letterhead's
    assert "عمان" in first, f"{name}: «عمان» on a line of its own"
