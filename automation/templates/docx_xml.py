"""WordprocessingML pieces for the templates: right-to-left paragraphs, tables, fields.

Everything a template needs is written here as explicit XML so that:

- every paragraph carries ``w:bidi`` and every table ``w:bidiVisual`` (RTL is set
  in the template, never patched in code at render time);
- every run names the font for Latin *and* complex script (``w:rFonts w:cs``)
  with ``w:sz``/``w:szCs`` and ``w:b``/``w:bCs`` so Arabic text gets the size
  and weight the Latin text gets;
- every Jinja tag sits whole inside one run (docxtpl only sees tags that Word
  did not split), and table loops use their own rows (``{%tr for %}``).

Horizontal placement avoids ``w:jc`` left/right (whose meaning flips in bidi
paragraphs between Word and LibreOffice): text starts at the right by default,
``center`` is symmetric, and anything that must sit at the left is put in the
left cell of a borderless table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

FONT = "Arial"
"""Latin and complex-script font of every run.

Arial carries Arabic glyphs on every Windows PC where the documents are read and
printed; LibreOffice on Linux substitutes Liberation Sans and falls back to an
installed Arabic font (DejaVu Sans / Noto) for the Arabic letters, which shapes
correctly. Amiri and Noto are not on Windows by default, so they are not used.
"""

BIDI_LANG = "ar-JO"
HEADER_FILL = "D9E1F2"
NOTE_COLOR = "C00000"
TWIPS_PER_MM = 56.6929

Align = Literal["start", "center"]


@dataclass(frozen=True)
class Run:
    """A piece of text with its formatting; a Jinja tag must fit in one Run."""

    text: str
    bold: bool = False
    size: float | None = None
    color: str | None = None


def twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def rpr(size: float, bold: bool = False, color: str | None = None) -> str:
    """Run properties: one font for every script, complex-script size and bold."""
    half_points = round(size * 2)
    parts = [
        f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
    ]
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    parts.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
    parts.append(f'<w:lang w:val="en-US" w:bidi="{BIDI_LANG}"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>"


_CODE_HYPHEN_RE = re.compile(r"(?<=[A-Z0-9])-(?=[0-9])")
"""A hyphen inside a code (``QF12-1``, ``QP-70-2``): the line must not break there."""
_TAG_RE = re.compile(r"\{[{%#].*?[}%#]\}", re.S)


def _text_xml(text: str) -> str:
    """The ``w:t`` of ``text``; a code's hyphen outside a Jinja tag is a
    ``w:noBreakHyphen`` (a code never ends one line and goes on the next)."""
    tags = [m.span() for m in _TAG_RE.finditer(text)]
    cuts = [m.start() for m in _CODE_HYPHEN_RE.finditer(text)
            if not any(a <= m.start() < b for a, b in tags)]
    pieces, last = [], 0
    for cut in cuts:
        pieces.append(text[last:cut])
        last = cut + 1
    pieces.append(text[last:])
    return "<w:noBreakHyphen/>".join(
        f'<w:t xml:space="preserve">{escape(p)}</w:t>' for p in pieces)


def run_xml(run: Run, size: float, bold: bool) -> str:
    props = rpr(run.size or size, run.bold or bold, run.color)
    return f"<w:r>{props}{_text_xml(run.text)}</w:r>"


def ppr(
    *,
    align: Align = "start",
    size: float = 12,
    bold: bool = False,
    before: int = 0,
    after: int = 4,
    keep_next: bool = False,
    border_bottom: bool = False,
) -> str:
    """Paragraph properties, always right-to-left (``w:bidi``)."""
    parts = []
    if keep_next:
        parts.append("<w:keepNext/>")
    if border_bottom:
        parts.append(
            '<w:pBdr><w:bottom w:val="single" w:sz="8" w:space="1" w:color="1F3864"/></w:pBdr>'
        )
    parts.append("<w:bidi/>")
    parts.append(
        f'<w:spacing w:before="{before * 20}" w:after="{after * 20}" '
        'w:line="264" w:lineRule="auto"/>'
    )
    if align == "center":
        parts.append('<w:jc w:val="center"/>')
    parts.append(rpr(size, bold))
    return "<w:pPr>" + "".join(parts) + "</w:pPr>"


def paragraph_xml(
    parts: Sequence[str | Run],
    *,
    align: Align = "start",
    size: float = 12,
    bold: bool = False,
    before: int = 0,
    after: int = 4,
    keep_next: bool = False,
    border_bottom: bool = False,
) -> str:
    runs = [p if isinstance(p, Run) else Run(p) for p in parts]
    props = ppr(
        align=align,
        size=size,
        bold=bold,
        before=before,
        after=after,
        keep_next=keep_next,
        border_bottom=border_bottom,
    )
    body = "".join(run_xml(r, size, bold) for r in runs if r.text)
    return f"<w:p>{props}{body}</w:p>"


def field_runs(instruction: str, shown: str, size: float) -> str:
    """A complex field (PAGE, NUMPAGES) that Word and LibreOffice update on print."""
    props = rpr(size)
    return (
        f'<w:r>{props}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{props}<w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        f'<w:r>{props}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{props}<w:t>{shown}</w:t></w:r>"
        f'<w:r>{props}<w:fldChar w:fldCharType="end"/></w:r>'
    )


def page_number_paragraph(prefix: str, size: float = 9) -> str:
    """«<prefix> صفحة X من Y», centred."""
    props = ppr(align="center", size=size, after=0)
    text = run_xml(Run(f"{prefix}صفحة "), size, False)
    middle = run_xml(Run(" من "), size, False)
    return (
        f"<w:p>{props}{text}{field_runs('PAGE', '1', size)}{middle}"
        f"{field_runs('NUMPAGES', '1', size)}</w:p>"
    )


# -- tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """A table column: header label, the cell content (text with tags), width."""

    label: str
    cell: str | Sequence[str | Run]
    width_mm: float
    align: Align = "start"


_BORDERS = (
    "<w:tblBorders>"
    + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders>"
)
_NO_BORDERS = (
    "<w:tblBorders>"
    + "".join(
        f'<w:{side} w:val="nil"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders>"
)


def tbl_pr(*, borders: bool = True, fixed: bool = True) -> str:
    """Table properties: visually right-to-left (``w:bidiVisual``), full width."""
    layout = '<w:tblLayout w:type="fixed"/>' if fixed else ""
    return (
        "<w:tblPr><w:bidiVisual/>"
        '<w:tblW w:w="5000" w:type="pct"/>'
        f"{_BORDERS if borders else _NO_BORDERS}{layout}"
        '<w:tblCellMar><w:top w:w="30" w:type="dxa"/><w:left w:w="70" w:type="dxa"/>'
        '<w:bottom w:w="30" w:type="dxa"/><w:right w:w="70" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        "</w:tblPr>"
    )


def cell_xml(
    content: str | Sequence[str | Run] | Sequence[str],
    *,
    width_mm: float | None,
    size: float,
    bold: bool = False,
    align: Align = "start",
    fill: str | None = None,
    span: int = 1,
    lines: bool = False,
) -> str:
    """One cell; ``lines=True`` makes each string of ``content`` its own paragraph."""
    props = []
    if width_mm:
        props.append(f'<w:tcW w:w="{twips(width_mm)}" w:type="dxa"/>')
    if span > 1:
        props.append(f'<w:gridSpan w:val="{span}"/>')
    if fill:
        props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>')
    props.append('<w:vAlign w:val="center"/>')
    if isinstance(content, str):
        paragraphs = [[content]]
    elif lines:
        paragraphs = [[line] for line in content]
    else:
        paragraphs = [list(content)]
    body = "".join(
        paragraph_xml(parts, align=align, size=size, bold=bold, after=0) for parts in paragraphs
    )
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{body}</w:tc>"


def row_xml(cells: Sequence[str], *, header: bool = False, height_mm: float | None = None) -> str:
    props = ["<w:cantSplit/>"]
    if header:
        props.append("<w:tblHeader/>")
    if height_mm:
        props.append(f'<w:trHeight w:val="{twips(height_mm)}" w:hRule="atLeast"/>')
    return f"<w:tr><w:trPr>{''.join(props)}</w:trPr>{''.join(cells)}</w:tr>"


def tag_row(tag: str, columns: int, size: float) -> str:
    """A row holding only a ``{%tr ... %}`` tag (docxtpl replaces the whole row)."""
    cells = [cell_xml(tag, width_mm=None, size=size)]
    cells += [cell_xml("", width_mm=None, size=size) for _ in range(columns - 1)]
    return row_xml(cells)


def table_xml(
    columns: Sequence[Col],
    *,
    loop: str | None,
    empty: str | None = "لا توجد بيانات",
    totals: Sequence[str | Sequence[str | Run]] | None = None,
    size: float = 10,
    fixed: bool = True,
) -> str:
    """A bordered table with a repeated header row and one row per loop item.

    ``loop`` is the Jinja loop (``"item in items"``); the list's name after
    ``in`` is used for the «no data» row shown when the list is empty.
    """
    grid = "".join(f'<w:gridCol w:w="{twips(c.width_mm)}"/>' for c in columns)
    rows = [
        row_xml(
            [
                cell_xml(
                    c.label,
                    width_mm=c.width_mm if fixed else None,
                    size=size,
                    bold=True,
                    align="center",
                    fill=HEADER_FILL,
                )
                for c in columns
            ],
            header=True,
        )
    ]
    body = row_xml(
        [
            cell_xml(c.cell, width_mm=c.width_mm if fixed else None, size=size, align=c.align)
            for c in columns
        ]
    )
    if loop:
        listed = loop.split(" in ", 1)[1].strip()
        rows.append(tag_row("{%tr for " + loop + " %}", len(columns), size))
        rows.append(body)
        rows.append(tag_row("{%tr endfor %}", len(columns), size))
        if empty:
            rows.append(tag_row("{%tr if not " + listed + " %}", len(columns), size))
            rows.append(
                row_xml(
                    [
                        cell_xml(
                            empty, width_mm=None, size=size, align="center", span=len(columns)
                        )
                    ]
                )
            )
            rows.append(tag_row("{%tr endif %}", len(columns), size))
    else:
        rows.append(body)
    if totals:
        rows.append(
            row_xml(
                [
                    cell_xml(
                        t if isinstance(t, str) else list(t),
                        width_mm=c.width_mm if fixed else None,
                        size=size,
                        bold=True,
                        align=c.align,
                        fill="F2F2F2",
                    )
                    for t, c in zip(totals, columns, strict=True)
                ]
            )
        )
    return f"<w:tbl>{tbl_pr(fixed=fixed)}<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def kv_table_xml(pairs: Sequence[tuple[str, str]], *, size: float = 11) -> str:
    """A two-column table: label (shaded) | value."""
    widths = (45.0, 129.0)
    grid = "".join(f'<w:gridCol w:w="{twips(w)}"/>' for w in widths)
    rows = [
        row_xml(
            [
                cell_xml(label, width_mm=widths[0], size=size, bold=True, fill=HEADER_FILL),
                cell_xml(value, width_mm=widths[1], size=size),
            ]
        )
        for label, value in pairs
    ]
    return f"<w:tbl>{tbl_pr()}<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def layout_table_xml(
    cells: Sequence[Sequence[str | Run]],
    widths: Sequence[float],
    *,
    size: float = 11,
    align: Sequence[Align] | None = None,
    bold: bool = False,
) -> str:
    """A borderless one-row table placing blocks of lines side by side (right to left)."""
    grid = "".join(f'<w:gridCol w:w="{twips(w)}"/>' for w in widths)
    aligns = align or ["start"] * len(cells)
    tcs = []
    for lines, width, al in zip(cells, widths, aligns, strict=True):
        props = f'<w:tcW w:w="{twips(width)}" w:type="dxa"/><w:vAlign w:val="top"/>'
        body = "".join(
            paragraph_xml([line], align=al, size=size, bold=bold, after=0) for line in lines
        ) or paragraph_xml([""], size=size, after=0)
        tcs.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>")
    row = row_xml(tcs)
    return (
        f"<w:tbl>{tbl_pr(borders=False)}<w:tblGrid>{grid}</w:tblGrid>{row}</w:tbl>"
    )


def element(xml: str):  # noqa: ANN201 - an lxml element of python-docx
    """Parse a body-level XML fragment (``w:p`` or ``w:tbl``) into an element."""
    tag_end = xml.index(">")
    head = xml[:tag_end]
    if head.endswith("/"):
        head = head[:-1]
        rest = "/>" + xml[tag_end + 1 :]
    else:
        rest = xml[tag_end:]
    return parse_xml(f"{head} {nsdecls('w')}{rest}")
