"""A small, fast, streaming .xlsx writer, made for the master registers.

Rows go straight into the workbook as XML text, each worksheet streamed into
its own zip entry; no per-cell objects are kept. What it writes is what the
registers need and no more: right-to-left sheets, a frozen header row with an
autofilter, column widths, A4 print setup fitted to the page width with the
header repeated, and a small fixed set of cell styles (Arial 11)::

    with XlsxStream(path, title="سجل") as book:
        sheet = book.add_sheet("QF75-11", [Column("التاريخ", 12, "date"),
                                           Column("المدرسة", 30)], rows=len(rows))
        for row in rows:
            sheet.write_row([row.day, row.school])
        summary = book.add_sheet("ملخص", [Column(width=48)], header=False)
        summary.write_cells([("عنوان", "title")])

Three modules, by what they are about: how one cell is encoded by its *kind*
(:mod:`automation.registers.xlsx_cells`, with :class:`Column`), one worksheet's rows
and the XML around them (:mod:`automation.registers.xlsx_sheet`), and, here, the
workbook: its sheets in order, the package parts and the styles.

About the file: strings are inline (no shared-string table to hold in memory; the
file is about a quarter bigger); a sheet whose row count is given to
:meth:`XlsxStream.add_sheet` is compressed (deflate level 1, in a background
thread) straight into its zip entry, others wait in a temporary file until
closed; ``[Content_Types].xml`` and the workbook parts are written last, when the
sheets are known. A workbook may be detached with sheets still to write and
resumed by another process (:meth:`XlsxStream.detach`, :meth:`XlsxStream.resume`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from automation.registers.xlsx_cells import XF, Column, xml_escape
from automation.registers.xlsx_sheet import DECL, MAIN, REL, Sheet, page_header
from automation.text.cells import cell_text
from automation.text.names import sheet_name

__all__ = ["Column", "Detached", "Sheet", "XlsxStream"]

_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True)
class _Placed:
    """A sheet already in the file, or a slot kept for one (``reserved``): what the
    workbook's own parts need to know of it."""

    name: str
    index: int
    names: tuple[tuple[str, int, str, bool], ...] = ()
    reserved: bool = False

    @property
    def part(self) -> str:
        return f"xl/worksheets/sheet{self.index + 1}.xml"

    def defined_names(self) -> list[tuple[str, int, str, bool]]:
        return list(self.names)


@dataclass(frozen=True)
class Detached:
    """A workbook whose sheets are in its file but whose workbook parts are not yet
    (:meth:`XlsxStream.detach`); another process may finish it (:meth:`XlsxStream.resume`)."""

    path: Path
    sheets: tuple[_Placed, ...]
    title: str
    subject: str
    author: str
    created: dt.datetime
    compresslevel: int


class XlsxStream:
    """An .xlsx file written sheet after sheet; use as a context manager (or call
    :meth:`close`). Only one sheet is written at a time: :meth:`add_sheet` finishes
    the previous one. ``append`` opens a detached file again (use :meth:`resume`)."""

    def __init__(
        self, path: str | Path, *, title: str = "", subject: str = "", author: str = "",
        created: dt.datetime | None = None, compresslevel: int = 1, append: bool = False,
    ) -> None:
        self.path = Path(path)
        self._compresslevel = compresslevel
        self._zf = zipfile.ZipFile(self.path, "a" if append else "w", zipfile.ZIP_DEFLATED,
                                   compresslevel=compresslevel)
        self._title, self._subject, self._author = title, subject, author
        self._created = created or dt.datetime.now(dt.UTC)
        self._sheets: list[Sheet | _Placed] = []
        self._names: set[str] = set()
        self._current: Sheet | None = None
        self._closed = False

    def __enter__(self) -> XlsxStream:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:  # leave an unfinished file for the caller to remove
            self._closed = True
            try:
                if self._current is not None:
                    with contextlib.suppress(Exception):
                        self._current.abandon()
            finally:
                self._zf.close()

    def add_sheet(
        self, name: str, columns: Sequence[Column] = (), *, header: bool = True,
        rtl: bool = True, landscape: bool = True, rows: int | None = None,
        header_height: float | None = None, caption: str | None = None,
    ) -> Sheet:
        """A new sheet after the others.

        ``header``: row 1 holds the column titles (header style), frozen, repeated on
        printed pages, with an autofilter over the header and data. Every sheet prints
        on A4, ``landscape`` unless told, one page wide, under a page header of the
        workbook's title and ``caption`` (what the sheet holds; None: its name) —
        :func:`~automation.registers.xlsx_sheet.print_setup`. ``rows``: how many rows will follow
        the header, when known, lets the sheet stream straight into the file (writing
        another number is an error) — otherwise it waits in a temporary file until
        closed. The name is made valid for Excel (at most 31 characters, none of
        ``[]:*?/\\``, unique) — the sheet's ``name`` is what was used.
        """
        if self._closed:
            raise ValueError("the workbook is closed")
        if self._current is not None:
            self._current.close()
        slot = next((s for s in self._sheets
                     if isinstance(s, _Placed) and s.reserved and s.name == name), None)
        sheet = Sheet(
            self._zf, self._sheet_closed, slot.name if slot else self._sheet_name(name),
            slot.index if slot else len(self._sheets), columns, header=header, rtl=rtl,
            landscape=landscape, rows=rows, header_height=header_height,
            caption=page_header(self._title, name if caption is None else caption),
        )
        if slot is not None:
            self._sheets[slot.index] = sheet
        else:
            self._sheets.append(sheet)
        self._current = sheet
        return sheet

    def reserve_sheet(self, name: str) -> None:
        """Keep the next place in the sheet order for a sheet written later, perhaps by
        another process (see :meth:`detach`), by :meth:`add_sheet` with this name."""
        if self._closed:
            raise ValueError("the workbook is closed")
        if self._current is not None:
            self._current.close()
        self._sheets.append(_Placed(self._sheet_name(name), len(self._sheets), reserved=True))

    def detach(self) -> Detached:
        """Finish the sheets written so far and close the file without the workbook's
        parts: :meth:`resume` (in this process or another) writes the reserved sheets
        and finishes it."""
        if self._closed:
            raise ValueError("the workbook is closed")
        try:
            if self._current is not None:
                self._current.close()
            sheets = tuple(s if isinstance(s, _Placed) else
                           _Placed(s.name, s.index, tuple(s.defined_names()))
                           for s in self._sheets)
        finally:
            self._closed = True
            self._zf.close()
        return Detached(self.path, sheets, self._title, self._subject, self._author,
                        self._created, self._compresslevel)

    @classmethod
    def resume(cls, detached: Detached) -> XlsxStream:
        """A detached workbook opened again to write its reserved sheets, then closed."""
        book = cls(detached.path, title=detached.title, subject=detached.subject,
                   author=detached.author, created=detached.created,
                   compresslevel=detached.compresslevel, append=True)
        book._sheets = list(detached.sheets)
        book._names = {s.name.casefold() for s in detached.sheets}
        return book

    def _sheet_closed(self, sheet: Sheet) -> None:
        if self._current is sheet:
            self._current = None

    def _sheet_name(self, name: str) -> str:
        base = sheet_name(name) or f"Sheet{len(self._sheets) + 1}"
        candidate, number = base, 1
        while candidate.casefold() in self._names or candidate.casefold() == "history":
            number += 1
            suffix = f" ({number})"
            candidate = base[: 31 - len(suffix)].rstrip() + suffix
        self._names.add(candidate.casefold())
        return candidate

    def close(self) -> None:
        """Finish the last sheet and write the workbook's parts."""
        if self._closed:
            return
        try:
            if self._current is not None:
                self._current.close()
            if not self._sheets:  # a workbook has at least one sheet
                self.add_sheet("Sheet1", header=False).close()
            missing = [s.name for s in self._sheets if isinstance(s, _Placed) and s.reserved]
            if missing:
                raise ValueError(f"reserved sheets never written: {missing}")
            self._closed = True
            for part, xml in self._package_parts():  # dated 1980 like the sheets
                self._zf.writestr(zipfile.ZipInfo(part), xml.encode(),
                                  zipfile.ZIP_DEFLATED, self._compresslevel)
        finally:
            self._closed = True
            self._zf.close()

    # -- package parts

    def _package_parts(self) -> list[tuple[str, str]]:
        sheets = self._sheets
        overrides = "".join(
            f'<Override PartName="/{s.part}" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for s in sheets
        )
        content_types = (
            f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}"
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>"
        )
        root_rels = (
            f'{DECL}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/extended-properties" '
            'Target="docProps/app.xml"/>'
            "</Relationships>"
        )
        sheet_rels = "".join(
            f'<Relationship Id="rId{i + 1}" Type="{REL}/worksheet" '
            f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets))
        )
        workbook_rels = (
            f'{DECL}<Relationships xmlns="{_PKG_REL}">{sheet_rels}'
            f'<Relationship Id="rId{len(sheets) + 1}" Type="{REL}/styles" '
            'Target="styles.xml"/></Relationships>'
        )
        names = sorted(n for s in sheets for n in s.defined_names())
        defined = "".join(
            f'<definedName name="{name}" localSheetId="{index}"'
            f'{" hidden=" + chr(34) + "1" + chr(34) if hidden else ""}>{xml_escape(ref)}'
            "</definedName>"
            for name, index, ref, hidden in names
        )
        sheet_list = "".join(
            f'<sheet name="{xml_escape(s.name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i, s in enumerate(sheets)
        )
        workbook = (
            f'{DECL}<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            '<workbookPr/>'
            '<bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" '
            'windowHeight="9660" activeTab="0"/></bookViews>'
            f"<sheets>{sheet_list}</sheets>"
            f"{f'<definedNames>{defined}</definedNames>' if defined else ''}"
            '<calcPr calcId="124519"/>'
            "</workbook>"
        )
        return [
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", workbook_rels),
            ("xl/styles.xml", _STYLES),
            ("docProps/core.xml", self._core_xml()),
            ("docProps/app.xml", _APP),
            ("_rels/.rels", root_rels),
            ("[Content_Types].xml", content_types),
        ]

    def _core_xml(self) -> str:
        created = self._created
        with contextlib.suppress(OverflowError, OSError, ValueError):
            created = created.astimezone(dt.UTC)  # a naive time is the computer's local time
        stamp = f"{created:%Y-%m-%dT%H:%M:%S}Z"
        text = {"title": self._title, "subject": self._subject, "creator": self._author}
        fields = "".join(f"<dc:{k}>{xml_escape(cell_text(v))}</dc:{k}>"
                         for k, v in text.items() if v)
        return (
            f"{DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/"
            '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"{fields}"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "</cp:coreProperties>"
        )


_APP = (
    f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
    'docPropsVTypes"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity>'
    "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    "<AppVersion>12.0000</AppVersion></Properties>"
)


def _font(extra: str = "", size: int = 11) -> str:
    return f'<font>{extra}<sz val="{size}"/><name val="Arial"/><family val="2"/></font>'


def _xf(num: int = 0, font: int = 0, fill: int = 0, border: int = 0, *,
        horizontal: str = "", vertical: str = "top", wrap: bool = False,
        quote: bool = False) -> str:
    applied = "".join(
        f' {flag}="1"' for flag, on in (("applyNumberFormat", num), ("applyFont", font),
                                        ("applyFill", fill), ("applyBorder", border),
                                        ("applyAlignment", True), ("quotePrefix", quote))
        if on
    )
    alignment = "".join(
        f' {a}="{v}"' for a, v in (("horizontal", horizontal), ("vertical", vertical),
                                   ("wrapText", "1" if wrap else "")) if v
    )
    return (f'<xf numFmtId="{num}" fontId="{font}" fillId="{fill}" borderId="{border}" '
            f'xfId="0"{applied}><alignment{alignment}/></xf>')


_NUM_FORMATS = {164: "d/m/yyyy", 165: "m/yyyy", 166: "d/m/yyyy h:mm", 167: "#,##0.000", 168: "0.0"}
_CELL_XFS = [  # in the order of XF
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
    _xf(wrap=True),                                    # text
    _xf(quote=True, wrap=True),                        # quoted
    _xf(164, horizontal="center"),                     # date
    _xf(165, horizontal="center"),                     # month
    _xf(166, horizontal="center"),                     # stamp
    _xf(3),                                            # int: built-in #,##0
    _xf(167),                                          # jod
    _xf(168),                                          # pct
    _xf(),                                             # number (General)
    _xf(0, 1, 2, 1, horizontal="center", vertical="center", wrap=True),  # header
    _xf(0, 2, vertical="center", wrap=True),           # title
    _xf(0, 3, vertical="center", wrap=True),           # subtitle
    _xf(0, 4, wrap=True),                              # note
    _xf(0, 1, 0, 2, wrap=True),                        # total
    _xf(0, 5, wrap=True),                              # struck
    _xf(164, 5, horizontal="center"),                  # struck_date
]
assert len(_CELL_XFS) == len(XF) + 1
_STYLES = (
    f'{DECL}<styleSheet xmlns="{MAIN}">'
    f'<numFmts count="{len(_NUM_FORMATS)}">'
    + "".join(f'<numFmt numFmtId="{i}" formatCode="{xml_escape(code)}"/>'
              for i, code in _NUM_FORMATS.items())
    + "</numFmts>"
    '<fonts count="6">'
    + _font()
    + _font("<b/>")
    + _font("<b/>", 14)
    + '<font><b/><sz val="12"/><color rgb="FF1F3864"/><name val="Arial"/><family val="2"/></font>'
    + '<font><i/><sz val="11"/><color rgb="FF595959"/><name val="Arial"/><family val="2"/></font>'
    + '<font><strike/><sz val="11"/><color rgb="FF808080"/><name val="Arial"/><family val="2"/>'
    "</font>"
    + "</fonts>"
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="3"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color indexed="64"/></left>'
    '<right style="thin"><color indexed="64"/></right>'
    '<top style="thin"><color indexed="64"/></top>'
    '<bottom style="thin"><color indexed="64"/></bottom><diagonal/></border>'
    '<border><left/><right/><top style="thin"><color indexed="64"/></top><bottom/><diagonal/>'
    "</border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    f'<cellXfs count="{len(_CELL_XFS)}">{"".join(_CELL_XFS)}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/>'
    '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
    'defaultPivotStyle="PivotStyleLight16"/>'
    "</styleSheet>"
)
