"""Hostile files: every one is rejected with a known code, or read, fast and in bounded memory."""

from __future__ import annotations

import re
import resource
import time
import tracemalloc
import zipfile
from pathlib import Path
from unittest import mock

import openpyxl.xml
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from automation.core.errors import UnreadableWorkbook
from automation.core.problems import Problem
from automation.intake.reader import read_workbook
from automation.intake.safety import (
    XML_OPTIONS,
    Limits,
    full_scan,
    inspect_file,
    prolog_is_safe,
    scan_sheet,
)
from automation.intake.submission import Submission
from tests.hostile_cases import (
    CASE_NAMES,
    LAUGHS,
    NS_MAIN,
    SHEET1,
    XXE,
    XXE_CELL,
    HostileCase,
    build_hostile_corpus,
    raw_xlsx,
    sheet_xml,
    write_form,
)

ARABIC = re.compile("[\u0600-\u06ff]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
MB = 1024 * 1024


def _part(path: Path, part: str = "xl/worksheets/sheet1.xml") -> tuple[bytes, zipfile.ZipInfo]:
    """A workbook's bytes and the zip entry of one of its parts, as the scans take them."""
    with zipfile.ZipFile(path) as archive:
        return path.read_bytes(), archive.getinfo(part)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, HostileCase]:
    cases = build_hostile_corpus(tmp_path_factory.mktemp("hostile"))
    return {case.name: case for case in cases}


def _maxrss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kilobytes


def test_corpus_has_every_named_case(corpus: dict[str, HostileCase]) -> None:
    assert sorted(corpus) == sorted(CASE_NAMES)
    assert len(corpus) >= 30


def _read(path: Path) -> tuple[Submission, list[Problem]] | UnreadableWorkbook:
    try:
        return read_workbook(path)
    except UnreadableWorkbook as exc:
        return exc


@pytest.mark.parametrize("name", CASE_NAMES)
def test_hostile_case(name: str, corpus: dict[str, HostileCase]) -> None:
    """Timed on its own, then once more under tracemalloc for the Python peak."""
    case = corpus[name]
    rss_before = _maxrss_bytes()
    started = time.perf_counter()
    outcome = _read(case.path)
    elapsed = time.perf_counter() - started
    rss_growth = _maxrss_bytes() - rss_before
    tracemalloc.start()
    try:
        _read(case.path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert elapsed < 10, f"{name} took {elapsed:.1f} s"
    assert peak < 300 * MB, f"{name} peaked at {peak / MB:.0f} MB (Python)"
    assert rss_growth < 300 * MB, f"{name} grew the process by {rss_growth / MB:.0f} MB"
    error = outcome if isinstance(outcome, UnreadableWorkbook) else None
    if case.expected_code is not None:
        assert error is not None, f"{name} was read, expected {case.expected_code}"
        assert error.code == case.expected_code, error.message_en
        assert ARABIC.search(error.message_ar), error.message_ar
        return
    assert error is None, f"{name}: {error.code}: {error.message_en}" if error else ""
    assert not isinstance(outcome, UnreadableWorkbook)
    submission, problems = outcome
    assert submission.form
    codes = [p.code for p in problems]
    if case.expected_problem is not None:
        assert case.expected_problem in codes
        assert all(ARABIC.search(p.message) for p in problems)
    for row in submission.rows:
        for cell in row.values.values():
            if isinstance(cell.value, str):
                assert not CONTROL.search(cell.value), (cell.cell, cell.value)


def test_problem_cells_are_named(corpus: dict[str, HostileCase]) -> None:
    _, problems = read_workbook(corpus["formula-without-value"].path)
    (formula,) = [p for p in problems if p.code == "formula-no-value"]
    assert (formula.cell, formula.field, formula.severity, formula.row) == (
        "C9",
        "quantity",
        "error",
        9,
    )
    assert "معادلة" in formula.message
    _, problems = read_workbook(corpus["error-cell"].path)
    (error,) = [p for p in problems if p.code == "cell-error"]
    assert error.cell == "C9" and "#DIV/0!" in error.message


def test_odd_values_are_passed_raw(corpus: dict[str, HostileCase]) -> None:
    submission, _ = read_workbook(corpus["nan-and-huge-date-serial"].path)
    assert submission.header["request_date"].value == 99999999999.0
    asset = submission.rows[0].values["asset_no"].value
    assert isinstance(asset, float) and asset != asset  # NaN
    submission, _ = read_workbook(corpus["control-characters"].path)
    assert submission.rows[0].values["fault"].value.startswith("عطل في الشاشة")


def test_macro_workbook_is_xlsm(corpus: dict[str, HostileCase]) -> None:
    assert inspect_file(corpus["xlsm-with-macro"].path) == "xlsm"
    assert inspect_file(corpus["name-arabic"].path) == "xlsx"


# ------------------------------------------------------------- XML entities


def test_openpyxl_parses_through_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML is True


def _calamine_values(path: Path) -> list[list[object]]:
    with CalamineWorkbook.from_path(str(path)) as book:
        return book.get_sheet_by_index(0).to_python()


@pytest.mark.parametrize("which", ["laughs", "xxe"])
def test_calamine_never_expands_entities(which: str, tmp_path: Path) -> None:
    """Even past our DOCTYPE check, calamine refuses the entities, quickly and in little memory."""
    if which == "laughs":
        cells = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        path = raw_xlsx(tmp_path / "laughs.xlsx", sheet_xml(cells), shared_strings=LAUGHS)
    else:
        path = raw_xlsx(tmp_path / "xxe.xlsx", sheet_xml(XXE_CELL, prolog=XXE))
    rss_before = _maxrss_bytes()
    started = time.perf_counter()
    try:
        values = _calamine_values(path)
    except CalamineError:
        values = []
    assert time.perf_counter() - started < 2
    assert _maxrss_bytes() - rss_before < 50 * MB
    text = repr(values)
    assert "lollol" not in text and "root:" not in text
    with pytest.raises(UnreadableWorkbook) as caught:
        read_workbook(path)
    assert caught.value.code == "hostile-xml"


class _Text:
    """A parser target keeping all text it is given."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def start(self, tag: str, attrib: object) -> None: ...

    def end(self, tag: str) -> None: ...

    def data(self, text: str) -> None:
        self.parts.append(text)

    def close(self) -> str:
        return "".join(self.parts)


@pytest.mark.parametrize(
    "xml", [sheet_xml(XXE_CELL, prolog=XXE), LAUGHS], ids=["external-entity", "billion-laughs"]
)
def test_our_parser_options_never_expand_entities(xml: str, tmp_path: Path) -> None:
    """The options of every lxml parse of ours leave entities unexpanded and unfetched."""
    started = time.perf_counter()
    parser = etree.XMLParser(target=_Text(), **XML_OPTIONS)
    try:
        parser.feed(xml.encode())
        text = parser.close()
    except etree.XMLSyntaxError:
        text = ""
    assert "root:" not in text and "lollol" not in text and len(text) < 1000
    assert time.perf_counter() - started < 1
    path = raw_xlsx(tmp_path / "xxe.xlsx", sheet_xml(XXE_CELL, prolog=XXE))
    scan_sheet(*_part(path), Limits())  # bounded, nothing fetched: a plain cell


@pytest.mark.parametrize(
    ("head", "safe"),
    [
        (b'<?xml version="1.0"?>\r\n<worksheet xmlns="x">', True),
        (b"\xef\xbb\xbf<?xml version='1.0'?><sst>", True),
        (b"<!-- note --><workbook>", True),
        (b"", True),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>', False),
        (b'<?xml version="1.0"?><!doctype x><x/>', False),
        (b'<?xml version="1.0"?><!--' + b"x" * 5000, False),
        ("<?xml version='1.0'?><!DOCTYPE x><x/>".encode("utf-16"), False),
        ("<?xml version='1.0'?><x/>".encode("utf-16"), True),
        (b"\x00\x00\x00<", False),
        (b"<_root/>", True),
        (b"<:root/>", True),
        ("<?xml version='1.0'?><جذر/>".encode(), True),
        ("<\u00c0/>".encode(), True),
        ("<\u00bf/>".encode(), False),
        ("<\U0001f600/>".encode(), False),
        (b"<1root/>", False),
        (b"<-root/>", False),
        (b"< root/>", False),
        (b"<", False),
    ],
)
def test_prolog_check(head: bytes, safe: bool) -> None:
    assert prolog_is_safe(head) is safe


# ----------------------------------------------------------- bounds and errors


def test_limits_are_parameters(tmp_path: Path) -> None:
    rows = [{"device_type": "حاسوب", "quantity": 1, "fault": "عطل", "priority": "عادي"}] * 30
    path = write_form(tmp_path / "many.xlsx", rows=rows).path
    assert len(read_workbook(path)[0].rows) == 30
    with pytest.raises(UnreadableWorkbook) as caught:
        read_workbook(path, limits=Limits(max_rows=20))
    assert caught.value.code == "too-many-rows"
    with pytest.raises(UnreadableWorkbook) as caught:
        read_workbook(path, limits=Limits(max_columns=3))
    assert caught.value.code == "too-many-columns"
    with pytest.raises(UnreadableWorkbook) as caught:
        read_workbook(path, limits=Limits(max_seconds=0))
    assert caught.value.code == "too-slow"
    with pytest.raises(UnreadableWorkbook) as caught:
        read_workbook(path, limits=Limits(max_file_bytes=1000))
    assert caught.value.code == "too-large"


def test_unexpected_errors_become_cannot_read_with_the_reason_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A file that passed every check but that calamine fails on is not called damaged:
    the sender is told it could not be read and to save it as .xlsx; the reason is in
    the log and in the error's detail."""
    path = write_form(tmp_path / "ok.xlsx").path

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom inside calamine")

    monkeypatch.setattr("automation.intake.reader.CalamineWorkbook.from_filelike", broken)
    with caplog.at_level("WARNING"), pytest.raises(UnreadableWorkbook) as caught:
        read_workbook(path)
    error = caught.value
    assert error.code == "cannot-read"
    assert isinstance(error.__cause__, RuntimeError)
    assert "boom inside calamine" in error.detail and "boom inside calamine" in caplog.text
    assert "boom" not in error.message_ar and "boom" not in error.message_en
    assert "تالف" not in error.message_ar and "damaged" not in error.message_en
    assert "xlsx" in error.message_ar and "Save As" in error.message_en


def test_inspect_rejects_without_reading_a_parser(corpus: dict[str, HostileCase]) -> None:
    for name in ("zip-bomb-total", "zip-bomb-ratio", "too-many-entries", "password-protected"):
        case = corpus[name]
        started = time.perf_counter()
        with pytest.raises(UnreadableWorkbook) as caught:
            inspect_file(case.path)
        assert caught.value.code == case.expected_code
        assert time.perf_counter() - started < 1


# Cells with and without ``r`` must be numbered as calamine numbers them, or the
# bounds we check are not the matrix calamine builds.
_cell = st.tuples(  # has r, gap, has value, rows away from its <row> (0: in it)
    st.booleans(), st.integers(0, 3), st.booleans(), st.sampled_from([0, 0, 0, 0, 2, -1])
)
_row = st.tuples(  # has r, gap, cells, how many of its cells come after </row>
    st.booleans(), st.integers(0, 3), st.lists(_cell, max_size=5), st.sampled_from([0, 0, 0, 1])
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(_row, min_size=1, max_size=8))
def test_scan_numbers_cells_like_calamine(rows: list, tmp_path: Path) -> None:
    xml, row_no = [], 0
    for has_r, gap, cells, outside in rows:
        row_no += 1 + (gap if has_r else 0)
        parts, col = [], 0
        for cell_r, cell_gap, valued, away in cells:
            col += 1 + (cell_gap if cell_r else 0)
            ref = f' r="{get_column_letter(col)}{max(1, row_no + away)}"' if cell_r else ""
            parts.append(f"<c{ref}><v>{col}</v></c>" if valued else f'<c{ref} s="0"/>')
        inside, after = parts[: len(parts) - outside], parts[len(parts) - outside :]
        xml.append(
            f"<row{f' r={chr(34)}{row_no}{chr(34)}' if has_r else ''}>{''.join(inside)}</row>"
            + "".join(after)
        )
    path = raw_xlsx(tmp_path / "shape.xlsx", sheet_xml("".join(xml)))
    data, info = _part(path)
    if any(outside and cells for _, _, cells, outside in rows):  # a cell outside a row
        with pytest.raises(UnreadableWorkbook) as caught:
            scan_sheet(data, info, Limits())
        assert caught.value.code == "corrupt"
        return
    scan = full_scan(data, info, Limits())
    quick = scan_sheet(data, info, Limits())
    with CalamineWorkbook.from_path(str(path)) as book:
        sheet = book.get_sheet_by_index(0)
        values = [v for line in sheet.to_python() for v in line if v != ""]
        start, end = sheet.start, sheet.end
    if not scan.max_row:
        assert values == []
    else:
        assert (start, end) == ((scan.min_row - 1, scan.min_col - 1),
                                (scan.max_row - 1, scan.max_col - 1))
        assert len(values) <= scan.cells  # two cells naming one place are one value there
        assert quick.max_row >= scan.max_row and quick.max_col >= scan.max_col


# The fast path of scan_sheet must never disagree with the streaming pass: when it
# answers, the streaming pass accepts the sheet too, with the same merges, no formula
# nor error cell, and every value inside the fast path's box.
_PLAIN_CELLS = st.sampled_from([
    '<c r="{ref}"><v>1</v></c>',
    '<c r="{ref}" s="1" t="s"><v>0</v></c>',
    '<c r="{ref}" s="2" t="inlineStr"><is><t>نص</t></is></c>',
    '<c r="{ref}" s="3"/>',
    '<c r="{ref}" s="3" t="n"></c>',
])
_ODD_CELLS = st.sampled_from([
    '<c r="{ref}" t="e"><v>#N/A</v></c>',
    "<c r='{ref}' t='e'><v>#REF!</v></c>",
    '<c r="{ref}" t = "e"><v>#DIV/0!</v></c>',
    '<c r="{ref}" s="1" t=\'e\'><v>#NAME?</v></c>',
    '<c r="{ref}"><f>SUM(A1:A2)</f></c>',
    '<c r="{ref}"><f>1+1</f><v>2</v></c>',
    '<c r="{ref}" t="str"><f>""</f><v></v></c>',
    '<c r="{ref}"><!-- note --><v>5</v></c>',
    '<c r="{ref}"><v><![CDATA[7]]></v></c>',
    '<c\tr="{ref}"><v>1</v></c>',
    '<c  r="{ref}"><v>1</v></c>',
    '<c s="1" r="{ref}"><v>1</v></c>',
    "<c><v>9</v></c>",
    '<x:c r="{ref}"><x:v>1</x:v></x:c>',
    '<c r="{ref}x"><v>1</v></c>',
    '<c r="{ref}"><is><t>_x0001_</t></is></c>',
    '</row><c r="{ref}"><v>1</v></c><row r="99">',
    '</row><row r="98" s="1"/><c r="{ref}"><v>1</v></c><row r="97">',
])
_ROW_FORMS = st.sampled_from(['<row r="{n}">'] * 15 + ["<row>", '<row\nr="{n}">',
                                                       '<row r="{n}" spans="1:3">'])
_CELLS = st.tuples(st.one_of(*[_PLAIN_CELLS] * 6, _ODD_CELLS),
                   st.integers(1, 30), st.sampled_from([0, 0, 0, 0, 0, 1]))


@settings(max_examples=600, deadline=None)
@given(
    rows=st.lists(
        st.tuples(_ROW_FORMS, st.integers(1, 30), st.lists(_CELLS, max_size=4)),
        min_size=1,
        max_size=5,
    ),
    merge=st.booleans(),
    far=st.sampled_from(
        [None, None, None, "XFD1", "A1048576", "AAAA1", "A12345678", "B1000", "AA5"]
    ),
    re2=st.booleans(),
)
def test_fast_and_streaming_scans_agree(
    rows: list, merge: bool, far: str | None, re2: bool
) -> None:
    """With RE2's one search, and with the Python patterns alone (no google-re2 wheel)."""
    import io

    from automation.intake import sheet_scan as safety
    from automation.intake.sheet_scan import _quick_scan

    if safety._SMALL_AND_PLAIN_SEARCH is None:
        pytest.skip("google-re2 is not installed")

    parts = []
    for row_form, number, cells in rows:
        body = "".join(
            form.format(ref=f"{get_column_letter(col)}{number + shift}")
            for form, col, shift in cells
        )
        parts.append(row_form.format(n=number) + body + "</row>")
    if far:
        parts.append(f'<row r="{far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">'
                     f'<c r="{far}"><v>1</v></c></row>')
    xml = sheet_xml("".join(parts))
    if merge:
        xml = xml.replace("</worksheet>", '<mergeCells count="1"><mergeCell ref="A1:B2"/>'
                          "</mergeCells></worksheet>")
    xml = xml.replace("<worksheet ", '<worksheet xmlns:x="' + NS_MAIN + '" ', 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(SHEET1, xml)
    limits = Limits(max_rows=100_000, max_columns=1000)
    engine = safety._SMALL_AND_PLAIN_SEARCH if re2 else None
    data = buffer.getvalue()
    with zipfile.ZipFile(buffer) as archive:
        info = archive.getinfo(SHEET1)
    with mock.patch.object(safety, "_SMALL_AND_PLAIN_SEARCH", engine):
        try:
            quick = _quick_scan(data, info, limits)
        except UnreadableWorkbook as refused:  # a value far out: the streaming pass agrees
            event("fast path refused")
            with pytest.raises(UnreadableWorkbook) as caught:
                full_scan(data, info, limits)
            assert caught.value.code == refused.code
            return
        if quick is None:
            event("fast path declined")
            return
        event("fast path answered")
        full = full_scan(data, info, limits)
    assert full.merges == quick.merges
    assert not full.formulas_without_value and not full.error_cells
    if full.max_row:
        assert quick.min_row <= full.min_row and full.max_row <= quick.max_row
        assert quick.min_col <= full.min_col and full.max_col <= quick.max_col


# RE2's one search stands for three Python searches on the fast path: where it finds
# nothing, none of them may find anything (it may find more: the Python ones then look).
_PIECES = st.sampled_from([
    '<c r="A1">', '<c r="Z999">', '<c r="A1000">', '<c r="AA1">', '<c r="A0">', '<c r="A01">',
    '<c r="B', '<c r="', "<c r=", "<c r", "<c ", "<c", "<c>", "<c/>", "<c\tr=", "<c\x0br=",
    '<c  r="A1">', "<c s=", '"', "'", "e", '"e"', "t='e'", "<f>", "<f/>", "<f ", "<f\x0c",
    "<fill>", "<!--", "<![CDATA[", "<x:c ", "<x:row>", "<x_1:v/>", "<x:col>", "</row>",
    "</sheetData>", "<sheetData>", '<row r="1"/>', '<row\nr="1" s="2"/>', "<row>", "  ",
    "\n", "\x0b", "<v>1</v>", "</c>", "<cols>", "A", "9", "0", ">", "/", "<", ":",
    "\u0646", "\xff",
])


@settings(max_examples=3000, deadline=None)
@given(pieces=st.lists(_PIECES, max_size=12))
def test_re2_search_covers_the_python_patterns(pieces: list[str]) -> None:
    from automation.intake import sheet_scan as safety

    if safety._SMALL_AND_PLAIN_SEARCH is None:
        pytest.skip("google-re2 is not installed")
    data = "".join(pieces).encode("utf-8", "surrogateescape")
    python_finds = bool(safety._FORMULA.search(data) or b'"e"' in data or b"'e'" in data
                        or safety._PAST_SMALL_BOX.search(data))
    if python_finds:
        assert safety._SMALL_AND_PLAIN_SEARCH(data) is not None


def test_a_part_found_safe_vouches_only_for_its_own_bytes(tmp_path: Path) -> None:
    """Safe parts are remembered by their stored bytes: a copy whose styles differ by a
    DTD is checked again, and refused, after a clean copy was let through."""
    from automation.intake.safety import check_workbook

    styles = f'<?xml version="1.0"?><styleSheet xmlns="{NS_MAIN}"/>'
    clean = raw_xlsx(tmp_path / "clean.xlsx", sheet_xml(""), extra={"xl/styles.xml": styles})
    check_workbook(clean).close()
    check_workbook(clean).close()  # the second time from the memo
    hostile = raw_xlsx(tmp_path / "dtd.xlsx", sheet_xml(""), extra={
        "xl/styles.xml": styles.replace("?>", '?><!DOCTYPE s [<!ENTITY a "b">]>', 1)})
    with pytest.raises(UnreadableWorkbook) as caught:
        check_workbook(hostile)
    assert caught.value.code == "hostile-xml"


def test_a_full_part_memo_starts_again(tmp_path: Path) -> None:
    from automation.intake.safety import PartMemo

    path = raw_xlsx(tmp_path / "book.xlsx", sheet_xml(""))
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        keys = [PartMemo().key(data, info) for info in archive.infolist()]
    memo = PartMemo(max_entries=2)
    for key in keys:
        assert key is not None
        memo.add(key, key[1][:4])
        assert key in memo and memo.get(key) == key[1][:4]
    assert keys[0] not in memo and keys[-1] in memo
    assert PartMemo(max_stored=1).key(data, archive.infolist()[0]) is None
