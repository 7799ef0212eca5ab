"""Build workbooks for the reader's tests: well-formed forms and a hostile corpus.

:func:`write_form` writes a filled form with openpyxl in the layout staff see
(title, header labels in column A with values in B, a blank row, the table);
every knob a retyped form may turn (other labels, merged label cells, extra
columns, hidden and empty rows, another sheet name, no ``_meta``) is a
parameter. :func:`build_hostile_corpus` writes files that must be rejected
with a known code (or read with a known problem), small on disk and quick to
make; the benchmark reuses it.
"""

from __future__ import annotations

import datetime
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.utils import get_column_letter

from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MB = 1024 * 1024

SAMPLE_FORM = "QF70-2-7"
SAMPLE_HEADER: dict[str, object] = {
    "school": "مدرسة الحسين الثانوية للبنين",
    "request_date": datetime.date(2024, 3, 5),
    "requested_by": "أحمد علي",
}
SAMPLE_ROWS: list[dict[str, object] | None] = [
    {
        "device_type": "حاسوب مكتبي",
        "asset_no": "PC-1",
        "quantity": 2,
        "fault": "لا يعمل",
        "priority": "عاجل",
    },
    {
        "device_type": "طابعة",
        "asset_no": "PR-7",
        "quantity": 1,
        "fault": "ورق عالق",
        "priority": "عادي",
    },
]


@dataclass(frozen=True)
class Written:
    """Where :func:`write_form` put things (1-based rows)."""

    path: Path
    header_row: int
    first_data_row: int


def write_form(
    path: Path,
    code: str = SAMPLE_FORM,
    header: Mapping[str, object] | None = None,
    rows: Sequence[Mapping[str, object] | None] | None = None,
    *,
    catalog: Catalog = CATALOG,
    meta: bool = True,
    meta_code: str | None = None,
    workbook_id: str = "wb-0001",
    sheet_title: str | None = None,
    labels: Mapping[str, str] | None = None,
    merge_labels: bool = False,
    extra_columns: Sequence[str] = (),
    hidden_rows: Sequence[int] = (),
    start_row: int = 4,
    leading_sheet: bool = False,
    template: bool = False,
) -> Written:
    """A filled form workbook; ``None`` in ``rows`` leaves an empty row.

    ``labels`` overrides label text by field key (retyped forms);
    ``hidden_rows`` are offsets into ``rows`` to hide; ``leading_sheet`` puts
    an unrelated visible sheet first.
    """
    form = catalog.form(code)
    header = SAMPLE_HEADER if header is None and code == SAMPLE_FORM else (header or {})
    rows = SAMPLE_ROWS if rows is None and code == SAMPLE_FORM else (rows or [])
    labels = labels or {}
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    if leading_sheet:
        ws.title = "ملاحظات"
        ws["A1"] = "ورقة لا علاقة لها بالنموذج"
        ws = wb.create_sheet()
    ws.title = sheet_title or code
    ws.sheet_view.rightToLeft = True
    ws["A1"] = f"{form.code} — {form.name_ar}"
    row = start_row
    value_col = 3 if merge_labels else 2
    for spec in form.header:
        ws.cell(row, 1, labels.get(spec.key, spec.label))
        if merge_labels:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        if header.get(spec.key) is not None:
            ws.cell(row, value_col, header[spec.key])
        row += 1
    header_row = row + 1 if form.header else row
    first = header_row + 1
    if form.rows:
        for col, spec in enumerate(form.rows, start=1):
            ws.cell(header_row, col, labels.get(spec.key, spec.label))
        for offset, name in enumerate(extra_columns, start=len(form.rows) + 1):
            ws.cell(header_row, offset, name)
        for offset, values in enumerate(rows):
            if values is None:
                continue
            for col, spec in enumerate(form.rows, start=1):
                if values.get(spec.key) is not None:
                    ws.cell(first + offset, col, values[spec.key])
        for offset in hidden_rows:
            ws.row_dimensions[first + offset].hidden = True
    if meta:
        meta_ws = wb.create_sheet("_meta")
        for i, (key, value) in enumerate(
            [
                ("form_code", meta_code or code),
                ("catalog_version", catalog.version),
                ("workbook_id", workbook_id),
                ("school", str(header.get("school", ""))),
                ("header_row", header_row if form.rows else 0),
            ],
            start=1,
        ):
            meta_ws.cell(i, 1, key)
            meta_ws.cell(i, 2, value)
        meta_ws.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.template = template
    wb.save(path)
    return Written(path, header_row if form.rows else 0, first if form.rows else 0)


def patch_part(path: Path, part: str, edit: Callable[[str], str]) -> Path:
    """Rewrite one XML part of a zip in place (the other entries are copied as they are)."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            if info.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")
            out.writestr(info, data)
    return path


# --------------------------------------------------------------- raw packages


def _content_types(shared_strings: bool, extra: str = "") -> str:
    sst = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        if shared_strings
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        f"{sst}{extra}</Types>"
    )


ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<Relationships xmlns="{NS_PKG_REL}"><Relationship Id="rId1" '
    f'Type="{NS_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


def _workbook_rels(shared_strings: bool) -> str:
    sst = (
        f'<Relationship Id="rId2" Type="{NS_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        if shared_strings
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Relationships xmlns="{NS_PKG_REL}"><Relationship Id="rId1" '
        f'Type="{NS_REL}/worksheet" Target="worksheets/sheet1.xml"/>{sst}</Relationships>'
    )


def sheet_xml(cells: str, dimension: str = "A1", prolog: str = "") -> str:
    """A worksheet part around ``<row>`` elements."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}<worksheet xmlns="{NS_MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>'
    )


def raw_xlsx(
    path: Path,
    sheet: str | bytes | Iterable[bytes],
    *,
    shared_strings: str | None = None,
    workbook: str = WORKBOOK,
    extra: Mapping[str, bytes | str] | None = None,
    skip: Sequence[str] = (),
) -> Path:
    """A minimal xlsx written by hand; ``sheet`` may stream its XML in chunks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _content_types(shared_strings is not None))
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(shared_strings is not None))
        if shared_strings is not None:
            z.writestr("xl/sharedStrings.xml", shared_strings)
        if "xl/worksheets/sheet1.xml" not in skip:
            if isinstance(sheet, (str, bytes)):
                z.writestr("xl/worksheets/sheet1.xml", sheet)
            else:
                with z.open("xl/worksheets/sheet1.xml", "w") as out:
                    for chunk in sheet:
                        out.write(chunk)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def ole_file(streams: Mapping[str, bytes]) -> bytes:
    """A small OLE2 compound file (512-byte sectors) holding ``streams``.

    Each stream is padded to 4096 bytes so it lives in regular sectors; the
    directory is a right-leaning chain under the root entry.
    """
    if len(streams) > 3:
        raise ValueError("one directory sector holds the root and three streams")
    endchain, freesect, fatsect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [fatsect, endchain]
    bodies: list[bytes] = []
    starts: list[int] = []
    for data in streams.values():
        body = data.ljust(max(4096, -(-len(data) // 512) * 512), b"\x00")
        first = len(fat)
        count = len(body) // 512
        fat.extend(range(first + 1, first + count))
        fat.append(endchain)
        starts.append(first)
        bodies.append(body)
    fat.extend([freesect] * (128 - len(fat)))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        record = bytearray(128)
        record[: len(encoded)] = encoded
        struct.pack_into("<HBB", record, 64, len(encoded), kind, 1)
        struct.pack_into("<III", record, 68, nostream, right, child)
        struct.pack_into("<IQ", record, 116, start, size)
        return bytes(record)

    names = list(streams)
    directory = entry("Root Entry", 5, 1 if names else nostream, nostream, endchain, 0)
    for i, name in enumerate(names, start=1):
        right = i + 1 if i < len(names) else nostream
        directory += entry(name, 2, nostream, right, starts[i - 1], len(streams[name]))
    directory = directory.ljust(512, b"\x00")
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, endchain, 0, endchain, 0)
    struct.pack_into("<I", header, 76, 0)
    header[80:512] = b"\xff" * 432
    return bytes(header) + struct.pack("<128I", *fat) + directory + b"".join(bodies)


# -------------------------------------------------------------- the corpus


FILE_NAMES = {
    "name-arabic": "نموذج طلب الصيانة.xlsx",
    "name-spaces": "file with  spaces .xlsx",
    "name-rtl-marks": "\u200fنموذج\u200f.xlsx",
    "name-rtl-after-extension": "form.xlsx\u200f",
    "name-con": "CON.xlsx",
    "name-200-chars": "a" * 195 + ".xlsx",
}

CASE_NAMES = (
    *(
        "not-a-zip empty html-renamed csv-renamed random-bytes csv-extension unknown-extension "
        "too-big-file legacy-xls legacy-xls-renamed password-protected xlsb xlsb-renamed ods "
        "ods-renamed docx-renamed content-types-only truncated-zip missing-sheet-part "
        "png-photo jpeg-named-xlsx pdf-named-xls zip-of-forms "
        "path-traversal lying-uncompressed-size lying-shared-strings cell-outside-its-row "
        "cell-outside-any-row bad-row-number "
        "zip-bomb-total zip-bomb-ratio too-many-entries billion-laughs external-entity "
        "doctype-workbook doctype-after-long-comment doctype-utf16 deep-nesting "
        "dimension-claim-3-cells "
        "form-dimension-claim million-rows cell-at-xfd1048576 rowless-numbering 16384-columns "
        "dense-area xls-far-cells ods-repeat-bomb "
        "nan-and-huge-date-serial control-characters formula-without-value "
        "error-cell unknown-layout xlsm-with-macro "
        "xlsx-named-xls xlsx-named-csv xltx-template real-xls real-ods"
    ).split(),
    *FILE_NAMES,
)
"""The names :func:`build_hostile_corpus` writes, known without writing them."""


@dataclass(frozen=True)
class HostileCase:
    """One file for the reader; ``expected_code`` ``None`` means it must be read.

    ``expected_problem`` is a problem code the read must report.
    """

    name: str
    path: Path
    expected_code: str | None
    expected_problem: str | None = None


SHEET1 = "xl/worksheets/sheet1.xml"
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
XXE = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
XXE_CELL = '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'


def _laughs() -> str:
    """Nine levels of ten: 10**9 "lol" if a parser expanded entities."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE sst [{entities}]>'
        f'<sst xmlns="{NS_MAIN}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )


LAUGHS = _laughs()


def _rows(count: int) -> Iterable[bytes]:
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{NS_MAIN}"><sheetData>'
    yield head.encode()
    batch: list[str] = []
    for r in range(1, count + 1):
        batch.append(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>')
        if len(batch) == 10_000:
            yield "".join(batch).encode()
            batch = []
    yield ("".join(batch) + "</sheetData></worksheet>").encode()


def _wide_row(columns: int) -> str:
    cells = "".join(f'<c r="{get_column_letter(c)}1"><v>{c}</v></c>' for c in range(1, columns + 1))
    return sheet_xml(f'<row r="1">{cells}</row>', f"A1:{get_column_letter(columns)}1")


def _zip_of(path: Path, entries: Mapping[str, bytes | str]) -> Path:
    """A zip of ``entries``; an OpenDocument ``mimetype`` goes first, stored."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        if "mimetype" in entries:
            z.writestr(zipfile.ZipInfo("mimetype"), entries["mimetype"], zipfile.ZIP_STORED)
        for name, data in entries.items():
            if name != "mimetype":
                z.writestr(name, data)
    return path


def build_hostile_corpus(folder: Path) -> list[HostileCase]:
    """Write every hostile case into ``folder`` (created) and describe them."""
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[HostileCase] = []

    def add(name: str, path: Path, code: str | None, problem: str | None = None) -> None:
        cases.append(HostileCase(name, path, code or None, problem))

    def file(name: str, code: str, content: str | bytes, suffix: str = ".xlsx") -> None:
        path = folder / f"{name}{suffix}"
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        add(name, path, code)

    def raw(name: str, code: str, cells: str = "", dim: str = "A1", prolog: str = "", **kw: Any):
        add(name, raw_xlsx(folder / f"{name}.xlsx", sheet_xml(cells, dim, prolog), **kw), code)

    def package(name: str, code: str, entries: Mapping[str, str | bytes], suffix: str = ".xlsx"):
        add(name, _zip_of(folder / f"{name}{suffix}", entries), code)

    def form(name: str, problem: str | None = None, rows: Any = None, **cells: str) -> None:
        path = write_form(folder / f"{name}.xlsx", rows=rows).path
        for ref, xml in cells.items():
            patch_part(path, SHEET1, lambda x, ref=ref, xml=xml: replace_cell(x, ref, xml))
        add(name, path, None, problem)

    # -- not a workbook at all (decided from the bytes, whatever the name says)
    file("not-a-zip", "csv", "hello, this is not a workbook")
    file("empty", "empty-file", b"")
    file("html-renamed", "web-page", "<html><body><table><tr><td>1</td></tr></table></body></html>")
    file("csv-renamed", "csv", "المدرسة,التاريخ\nمدرسة,2024-01-01\n")
    file("random-bytes", "not-a-workbook", bytes((i * 7919 + 13) % 251 for i in range(4096)))
    file("csv-extension", "csv", "a,b\n1,2\n", ".csv")
    file("unknown-extension", "csv", "hello", ".txt")
    file("png-photo", "image", b"\x89PNG\r\n\x1a\n" + bytes(200), ".png")
    file("jpeg-named-xlsx", "image", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(200))
    file("pdf-named-xls", "pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", ".xls")
    with (folder / "too-big-file.xlsx").open("wb") as handle:
        handle.truncate(51 * MB)  # sparse: rejected on its size, never read
    add("too-big-file", folder / "too-big-file.xlsx", "too-large")

    # -- other formats
    xls = ole_file({"Workbook": b"\x09\x08\x10\x00" + b"\x00" * 4092})  # a BOF, no sheet
    file("legacy-xls", "cannot-read", xls, ".xls")
    file("legacy-xls-renamed", "cannot-read", xls)
    streams = {"EncryptionInfo": b"\x04\x00\x04\x00" + bytes(200), "EncryptedPackage": bytes(600)}
    file("password-protected", "encrypted", ole_file(streams))
    types = _content_types(False).replace("/xl/workbook.xml", "/xl/workbook.bin")
    types = types.replace("sheet.main+xml", "sheet.binary.macroEnabled.main")
    xlsb = {"[Content_Types].xml": types, "_rels/.rels": ROOT_RELS, "xl/workbook.bin": b"\x83"}
    package("xlsb", "xlsb", xlsb, ".xlsb")
    package("xlsb-renamed", "xlsb", xlsb)
    ods = {"mimetype": ODS_MIMETYPE, "content.xml": "<office:document-content/>"}
    package("ods", "no-sheet", ods, ".ods")
    package("ods-renamed", "no-sheet", ods)
    docx = {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}
    package("docx-renamed", "word", docx)
    package("content-types-only", "not-a-workbook", {"[Content_Types].xml": _content_types(False)})
    forms = {"a.xlsx": write_form(folder / "zipped.xlsx").path.read_bytes(), "b.xlsx": b"x"}
    package("zip-of-forms", "zip-archive", forms, ".zip")

    # -- broken archives
    good = write_form(folder / "good-source.xlsx").path.read_bytes()
    file("truncated-zip", "corrupt", good[: len(good) // 2])
    raw("missing-sheet-part", "corrupt", skip=(SHEET1,))
    raw("path-traversal", "hostile-zip", extra={"../../evil.txt": "x"})
    raw("lying-uncompressed-size", "hostile-zip",
        f"<row r='1'><c r='A1'><v>{'1' * MB}</v></c></row>")
    _lie_about_size(folder / "lying-uncompressed-size.xlsx", SHEET1, 1000)
    add("lying-shared-strings", lying_shared_strings(folder / "lying-shared-strings.xlsx"),
        "hostile-zip")
    # a cell whose reference names another row is read where it says, as calamine does
    raw("cell-outside-its-row", "unknown-form", '<row r="1"><c r="C7"><v>1</v></c></row>')
    raw("cell-outside-any-row", "corrupt",
        '<row r="1"><c r="A1"><v>1</v></c></row><c r="B2"><v>1</v></c>')
    raw("bad-row-number", "corrupt", '<row r="1"><c r="A99999999"><v>1</v></c></row>')

    # -- zip bombs (declared sizes, checked before anything is inflated)
    with zipfile.ZipFile(folder / "zip-bomb-total.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(210):  # each entry under the 1 MB ratio floor, 210 MB in all
            z.writestr(f"xl/media/pad{i}.bin", bytes(MB - 1024))
    add("zip-bomb-total", folder / "zip-bomb-total.xlsx", "content-too-large")
    bomb = raw_xlsx(folder / "zip-bomb-ratio.xlsx", (b" " * MB for _ in range(60)))
    add("zip-bomb-ratio", bomb, "zip-bomb")
    raw("too-many-entries", "too-many-parts",
        extra={f"xl/media/e{i}.txt": "x" for i in range(2100)})

    # -- XML entity tricks
    shared = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    raw("billion-laughs", "hostile-xml", shared, shared_strings=LAUGHS)
    raw("external-entity", "hostile-xml", XXE_CELL, prolog=XXE)
    raw("doctype-workbook", "hostile-xml", workbook=WORKBOOK.replace("\n", "\n<!DOCTYPE workbook>"))
    raw("doctype-after-long-comment", "hostile-xml", prolog="<!--" + "x" * 5000 + "-->" + XXE)
    utf16 = sheet_xml("", prolog=XXE).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    bom16 = raw_xlsx(folder / "doctype-utf16.xlsx", b"\xff\xfe" + utf16.encode("utf-16-le"))
    add("doctype-utf16", bom16, "hostile-xml")
    # nesting matters to the streaming pass (the fast path builds nothing): a formula
    # sends the sheet there
    raw("deep-nesting", "too-deep", '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>'
        + "<x>" * 5000 + "</x>" * 5000)

    # -- sheets claiming or holding too much
    three = "".join(
        f'<row r="{i}"><c r="{c}{i}"><v>{i}</v></c></row>'
        for i, c in [(1, "A"), (2, "B"), (3, "C")]
    )
    raw("dimension-claim-3-cells", "unknown-form", three, "A1:XFD1048576")
    claimed = write_form(folder / "form-dimension-claim.xlsx").path
    patch_part(claimed, SHEET1, lambda x: _set_dimension(x, "A1:XFD1048576"))
    add("form-dimension-claim", claimed, None)
    add("million-rows", raw_xlsx(folder / "million-rows.xlsx", _rows(1_000_000)), "too-many-rows")
    far = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c>'
    far += "</row>"
    raw("cell-at-xfd1048576", "too-many-rows", far)
    raw("rowless-numbering", "too-many-rows", '<row r="99999"/>' + "<row><c><v>1</v></c></row>" * 3)
    add("16384-columns", raw_xlsx(folder / "wide.xlsx", _wide_row(16_384)), "too-many-columns")
    area = (
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="100000"><c r="SF100000"><v>2</v></c></row>'
    )
    raw("dense-area", "too-many-cells", area)
    far = write_xls(folder / "xls-far-cells.xls", [(0, 0, "a"), (65535, 255, "z")])
    add("xls-far-cells", far, "too-many-cells")  # 16.7 M cells for the fallback reader
    bomb_row = ('<table:table-row table:number-rows-repeated="60000"><table:table-cell '
                'table:number-columns-repeated="400" office:value-type="float" office:value="1"/>'
                "</table:table-row>")
    add("ods-repeat-bomb", ods_file(folder / "ods-repeat-bomb.ods", {"S": bomb_row}),
        "too-many-cells")  # 24 M cells: calamine would abort the process asking for them

    # -- odd values in a real form (read fine; validation flags them); first data row is 9
    one = [{"device_type": "حاسوب", "quantity": 1, "fault": "عطل", "priority": "عادي"}]
    odd = write_form(folder / "nan-and-huge-date-serial.xlsx").path
    patch_part(odd, SHEET1, lambda x: set_number(set_number(x, "B9", "NaN"), "B5", "99999999999"))
    add("nan-and-huge-date-serial", odd, None)
    controls = "عطل_x0001_ في_x001F_ الشاشة&#9;"
    form(
        "control-characters", rows=one, D9=f'<c r="D9" t="inlineStr"><is><t>{controls}</t></is></c>'
    )
    form("formula-without-value", "formula-no-value", one, C9='<c r="C9"><f>1+1</f><v></v></c>')
    form("error-cell", "cell-error", one, C9='<c r="C9" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    unknown = openpyxl.Workbook()
    sheet = unknown.active
    assert sheet is not None
    sheet.append(["الاسم", "العمر", "اللون", "المدينة"])
    unknown.save(folder / "unknown-layout.xlsx")
    add("unknown-layout", folder / "unknown-layout.xlsx", "unknown-form")
    macro = write_form(folder / "xlsm-with-macro.xlsm").path
    _add_macro(macro)
    add("xlsm-with-macro", macro, None)

    # -- workbooks named otherwise, and the formats of the fallback reader: all read
    good_form = write_form(folder / "renamed-source.xlsx").path.read_bytes()
    file("xlsx-named-xls", "", good_form, ".xls")
    file("xlsx-named-csv", "", good_form, ".csv")
    add("xltx-template", write_form(folder / "template.xltx", template=True).path, None)
    add("real-xls", write_form_xls(folder / "real.xls"), None)
    add("real-ods", write_form_ods(folder / "real.ods"), None)

    # -- file names
    for label, name in FILE_NAMES.items():
        add(label, write_form(folder / name).path, None)
    return cases


def _lie_about_size(path: Path, part: str, size: int) -> Path:
    """Patch the local and central headers of ``part`` to declare ``size`` bytes."""
    data = bytearray(path.read_bytes())
    eocd = data.rfind(b"PK\x05\x06")
    (entries,) = struct.unpack_from("<H", data, eocd + 10)
    (offset,) = struct.unpack_from("<I", data, eocd + 16)
    for _ in range(entries):
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, offset + 28)
        (local,) = struct.unpack_from("<I", data, offset + 42)
        if data[offset + 46 : offset + 46 + name_len] == part.encode():
            struct.pack_into("<I", data, offset + 24, size)
            struct.pack_into("<I", data, local + 22, size)
        offset += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))
    return path


def _set_dimension(xml: str, ref: str) -> str:
    start = xml.find("<dimension ref=")
    end = xml.find("/>", start)
    return xml[:start] + f'<dimension ref="{ref}"' + xml[end:]


def set_number(xml: str, ref: str, number: str) -> str:
    """Give the existing cell ``ref`` a raw numeric ``<v>``, keeping its style."""
    match = re.search(rf'<c r="{ref}"([^>]*?)(?:/>|>.*?</c>)', xml, re.S)
    if match is None:
        raise KeyError(f"no cell {ref} in the sheet")
    attrs = re.sub(r'\s+t="[^"]*"', "", match.group(1))
    return xml[: match.start()] + f'<c r="{ref}"{attrs}><v>{number}</v></c>' + xml[match.end() :]


def replace_cell(xml: str, ref: str, cell: str) -> str:
    """Replace the ``<c r=ref>`` element of a sheet part (it must exist)."""
    pattern = re.compile(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)', re.S)
    new, count = pattern.subn(lambda _: cell, xml, count=1)
    if not count:
        raise KeyError(f"no cell {ref} in the sheet")
    return new


def _add_macro(path: Path) -> None:
    """Declare the workbook macro-enabled and add a (fake) VBA project."""
    patch_part(
        path,
        "[Content_Types].xml",
        lambda x: x.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ),
    )
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 64)


# ------------------------------------------------- legacy formats and lying zips


def form_grid(
    code: str = SAMPLE_FORM, header: Mapping[str, object] | None = None,
    rows: Sequence[Mapping[str, object] | None] | None = None, *, catalog: Catalog = CATALOG,
) -> dict[tuple[int, int], object]:
    """The cells :func:`write_form` writes (1-based row, column → value), no ``_meta``."""
    form = catalog.form(code)
    header = SAMPLE_HEADER if header is None and code == SAMPLE_FORM else (header or {})
    rows = SAMPLE_ROWS if rows is None and code == SAMPLE_FORM else (rows or [])
    cells: dict[tuple[int, int], object] = {(1, 1): f"{form.code} — {form.name_ar}"}
    row = 4
    for spec in form.header:
        cells[(row, 1)] = spec.label
        if header.get(spec.key) is not None:
            cells[(row, 2)] = header[spec.key]
        row += 1
    header_row = row + 1
    for col, spec in enumerate(form.rows, start=1):
        cells[(header_row, col)] = spec.label
    for offset, values in enumerate(rows, start=1):
        for col, spec in enumerate(form.rows, start=1):
            if values is not None and values.get(spec.key) is not None:
                cells[(header_row + offset, col)] = values[spec.key]
    return cells


def write_xls(path: Path, cells: Iterable[tuple[int, int, object]], sheet: str = "Sheet1") -> Path:
    """A real legacy .xls (BIFF8, by xlwt) holding ``cells`` (0-based row, column, value)."""
    import xlwt  # the test extra: writes the BIFF8 files Excel 97-2003 wrote

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet)
    dates = xlwt.easyxf(num_format_str="D/M/YYYY")
    for row, col, value in cells:
        if isinstance(value, datetime.date):
            ws.write(row, col, value, dates)
        else:
            ws.write(row, col, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))
    return path


def write_form_xls(path: Path, code: str = SAMPLE_FORM, header: Mapping[str, object] | None = None,
                   rows: Sequence[Mapping[str, object] | None] | None = None) -> Path:
    """The form of :func:`write_form` saved as Excel 97-2003 would save it (.xls)."""
    cells = form_grid(code, header, rows)
    return write_xls(path, ((r - 1, c - 1, v) for (r, c), v in sorted(cells.items())), code)


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_file(path: Path, tables: Mapping[str, str]) -> Path:
    """An OpenDocument spreadsheet whose tables hold the given ``<table:table-row>`` XML."""
    body = "".join(f'<table:table table:name="{escape(name)}">{rows}</table:table>'
                   for name, rows in tables.items())
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODS_NS} '
               f'office:version="1.2"><office:body><office:spreadsheet>{body}'
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return _zip_of(path, {"mimetype": ODS_MIMETYPE, "content.xml": content,
                          "META-INF/manifest.xml": manifest})


def _ods_cell(value: object) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, datetime.date):
        return (f'<table:table-cell office:value-type="date" office:date-value='
                f'"{value.isoformat()}"><text:p>{value:%d/%m/%Y}</text:p></table:table-cell>')
    if isinstance(value, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>")


def write_form_ods(path: Path, code: str = SAMPLE_FORM, header: Mapping[str, object] | None = None,
                   rows: Sequence[Mapping[str, object] | None] | None = None) -> Path:
    """The form of :func:`write_form` saved as LibreOffice would save it (.ods)."""
    cells = form_grid(code, header, rows)
    last_row = max(r for r, _ in cells)
    last_col = max(c for _, c in cells)
    xml = "".join(
        "<table:table-row>" + "".join(_ods_cell(cells.get((r, c))) for c in range(1, last_col + 1))
        + "</table:table-row>"
        for r in range(1, last_row + 1)
    )
    return ods_file(path, {code: xml})


def lying_shared_strings(path: Path, inflated_mb: int = 256, declared: int = 5000) -> Path:
    """A workbook whose shared strings declare ``declared`` bytes but inflate to
    ``inflated_mb`` MB (about 250 KB on disk): what a reader trusting zip headers
    inflates whole."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _content_types(True))
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(True))
        z.writestr(SHEET1, sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'))
        with z.open("xl/sharedStrings.xml", "w") as out:
            out.write(f'<?xml version="1.0"?>\n<sst xmlns="{NS_MAIN}">'.encode())
            chunk = b"<si><t>" + b"x" * 1000 + b"</t></si>"
            block = chunk * (MB // len(chunk))
            for _ in range(inflated_mb):
                out.write(block)
            out.write(b"</sst>")
    return _lie_about_size(path, "xl/sharedStrings.xml", declared)
