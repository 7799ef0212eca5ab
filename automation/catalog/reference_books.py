"""The reference workbooks staff fill in (schools, device types, budget, committee…),
written with their Arabic headers, formats and dropdowns. Reading them back is
:mod:`automation.catalog.reference`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties

from automation.catalog.blank import save_atomic
from automation.catalog.model import FieldSpec, ReferenceList
from automation.catalog.reference import clean, with_school_flags

log = logging.getLogger(__name__)

FORMATTED_ROWS = 500
"""Rows under the header given number formats and dropdowns."""

_FONT = Font(name="Arial", size=11)
_BOLD = Font(name="Arial", size=11, bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def create_reference_workbook(path: Path, ref: ReferenceList) -> None:
    """Write an empty reference workbook: the header row of ``ref``'s Arabic labels.

    The caller checks that ``path`` does not exist: staff rows are never overwritten.
    """
    write_reference_rows(path, ref, [])


def write_reference_rows(
    path: Path, ref: ReferenceList, rows: Sequence[Mapping[str, object]]
) -> None:
    """Write ``ref``'s workbook with ``rows`` (dicts by column key), replacing the file
    (the school list with its «مكتبة» and «مختبر» columns)."""
    ref = with_school_flags(ref)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = ref.title_ar[:31]
    ws.sheet_view.rightToLeft = True
    last = get_column_letter(len(ref.columns))
    for col, spec in enumerate(ref.columns, start=1):
        cell = ws.cell(row=1, column=col, value=spec.label)
        cell.font = _BOLD
        cell.fill = _REQUIRED_FILL if spec.required else _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True, readingOrder=2
        )
        ws.column_dimensions[get_column_letter(col)].width = _width(spec)
    for r, row in enumerate(rows, start=2):
        for col, spec in enumerate(ref.columns, start=1):
            cell = ws.cell(row=r, column=col, value=_cell_value(spec, row.get(spec.key)))
            cell.font = _FONT
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    end = max(FORMATTED_ROWS, len(rows) + 1)
    for col, spec in enumerate(ref.columns, start=1):
        letter = get_column_letter(col)
        fmt = "#,##0.000" if spec.type == "jod" else "@"
        for r in range(2, end + 1):
            ws[f"{letter}{r}"].number_format = fmt
    _add_dropdowns(wb, ws, ref, end)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 1)}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    save_atomic(wb, path)
    log.info("wrote reference workbook %s (%d rows)", path, len(rows))


def _width(spec: FieldSpec) -> float:
    wide = {"name": 42.0, "title": 36.0, "item": 34.0, "address": 40.0, "director": 30.0}
    return max(14.0, min(44.0, wide.get(spec.key, len(spec.label) * 1.2 + 6)))


def _cell_value(spec: FieldSpec, value: object) -> object:
    """Numbers for money (so Excel can sum them), text for everything else."""
    if value is None:
        return None
    if spec.type == "jod":
        try:
            return float(Decimal(str(value).replace(",", "")))
        except InvalidOperation:
            return str(value)
    if isinstance(value, str):
        return value
    return clean(value)


def _add_dropdowns(wb: openpyxl.Workbook, ws: object, ref: ReferenceList, end: int) -> None:
    """Fixed choices (device category, committee role) offered from a hidden ``_lists`` sheet."""
    listed = [spec for spec in ref.columns if spec.choices]
    if not listed:
        return
    lists_ws = wb.create_sheet("_lists")
    lists_ws.sheet_state = "hidden"
    sheet = quote_sheetname("_lists")
    sheet = sheet if sheet.startswith("'") else f"'{sheet}'"
    for index, spec in enumerate(listed, start=1):
        letter = get_column_letter(index)
        name = f"list_{spec.key}_{ref.key}"
        lists_ws[f"{letter}1"] = name
        for r, choice in enumerate(spec.choices, start=2):
            lists_ws[f"{letter}{r}"] = choice
        wb.defined_names[name] = DefinedName(
            name, attr_text=f"{sheet}!${letter}$2:${letter}${len(spec.choices) + 1}"
        )
        col = get_column_letter(ref.columns.index(spec) + 1)
        dv = DataValidation(
            type="list",
            formula1=name,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=spec.label[:32],
            error="القيمة ليست من القائمة.",
        )
        dv.add(f"{col}2:{col}{end}")
        ws.add_data_validation(dv)  # type: ignore[attr-defined]
