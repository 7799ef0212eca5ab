"""Blank form workbooks: one Arabic, right-to-left sheet per form, built from the catalog.

The layout is a contract that the reader and the demo share through :func:`layout`:

- the first sheet, titled with the form code, is the one to fill;
- row 1 is the title, row 2 an instruction line, row 3 the records-table line (where
  the record is kept and for how long, :attr:`FormSpec.records_ar`);
- header fields from row 4 down, one per row: label in column A, value in column B;
- after a blank row, the table header row (the Arabic labels of ``form.rows`` from
  column A) and :data:`INPUT_ROWS` formatted input rows under it;
- dropdown lists live on the hidden sheet ``_lists`` behind workbook defined names;
- the hidden sheet ``_meta`` holds the form code, catalog version, workbook id, the
  school of a per-school copy, the table header row and a hash of the school and
  device-type lists the dropdowns were built from.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from automation.catalog.dropdowns import YES_NO, field_choices, list_name, lists_hash
from automation.catalog.model import Catalog, FieldSpec, FormSpec
from automation.text.characters import XML_ILLEGAL_RE

__all__ = [
    "INPUT_ROWS", "LISTS_SHEET", "META_SHEET", "YES_NO", "FormLayout", "build_form_workbook",
    "field_choices", "fill_form", "layout", "list_name", "lists_hash", "read_meta",
    "save_atomic", "write_form_workbook",
]

log = logging.getLogger(__name__)

INPUT_ROWS = 200
"""Formatted input rows under the table header."""

HEADER_FIRST_ROW = 4
LISTS_SHEET = "_lists"
META_SHEET = "_meta"
META_KEYS = ("form_code", "catalog_version", "workbook_id", "school", "header_row", "lists_hash")
"""Keys of ``_meta`` column A, rows 1..6, in order."""

DATE_FORMAT = "d/m/yyyy"
MONTH_FORMAT = "mm/yyyy"
JOD_FORMAT = "#,##0.000"
TEXT_FORMAT = "@"
FONT_NAME = "Arial"
MIN_WIDTH, MAX_WIDTH = 12.0, 40.0
_DATE_MIN = int(to_excel(date(2000, 1, 1)))
_DATE_MAX = int(to_excel(date(2100, 12, 31)))

REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
OPTIONAL_FILL = PatternFill("solid", fgColor="D9E1F2")
TITLE_FILL = PatternFill("solid", fgColor="1F4E78")
FIXED_FILL = PatternFill("solid", fgColor="EDEDED")
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FONT = Font(name=FONT_NAME, size=11)
BOLD = Font(name=FONT_NAME, size=11, bold=True)
SMALL_FONT = Font(name=FONT_NAME, size=9, italic=True, color="404040")
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True, color="FFFFFF")
LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)
RTL = 2
"""``Alignment.readingOrder`` right-to-left: a title starting with a Latin code stays RTL."""

INSTRUCTION_AR = (
    "املأ الخلايا البيضاء فقط. التسميات المظللة باللون البرتقالي حقول مطلوبة، "
    "واختر من القائمة المنسدلة حيث تظهر، واكتب التواريخ بالشكل يوم/شهر/سنة."
)
REQUIRED_AR = "مطلوب"
OPTIONAL_AR = "اختياري"


@dataclass(frozen=True)
class FormLayout:
    """Where every field of a form sits in its blank workbook.

    ``header_cells`` maps a header key to its ``(label_cell, value_cell)``;
    ``columns`` maps a table key to its column letter. Forms without a table
    have ``table_header_row == table_first_row == 0`` and no columns.
    """

    header_cells: dict[str, tuple[str, str]]
    table_header_row: int
    table_first_row: int
    columns: dict[str, str] = field(default_factory=dict)
    table_last_row: int = 0
    width: int = 2
    """Columns the title spans: the table width, at least 2 (label and value)."""

    @property
    def has_table(self) -> bool:
        return self.table_header_row > 0


def layout(form: FormSpec) -> FormLayout:
    """The cell positions of ``form`` in a blank workbook (pure; no workbook needed)."""
    header_cells = {
        spec.key: (f"A{row}", f"B{row}")
        for row, spec in enumerate(form.header, start=HEADER_FIRST_ROW)
    }
    if not form.rows:
        return FormLayout(header_cells, 0, 0, {}, 0, 2)
    header_row = HEADER_FIRST_ROW + len(form.header) + (1 if form.header else 0)
    columns = {spec.key: get_column_letter(i) for i, spec in enumerate(form.rows, start=1)}
    return FormLayout(
        header_cells=header_cells,
        table_header_row=header_row,
        table_first_row=header_row + 1,
        columns=columns,
        table_last_row=header_row + INPUT_ROWS,
        width=max(len(form.rows), 2),
    )


# -- input messages and validations --------------------------------------------


_WHAT_TO_TYPE = {
    "date": "اكتب التاريخ بالشكل يوم/شهر/سنة، مثل 4/1/2026",
    "month": "اكتب الشهر مثل 3/2026",
    "year": "اكتب العام مثل 2025/2026",
    "jod": "اكتب المبلغ بالدينار (حتى ثلاث منازل عشرية للفلس)",
    "pct": "اكتب نسبة مئوية من 0 إلى 100",
    "yesno": "اختر نعم أو لا من القائمة",
    "school": "اختر المدرسة من القائمة أو اكتب اسمها أو رقمها الوطني",
    "choice": "اختر قيمة من القائمة المنسدلة",
}
"""The input message of a cell by its field's type (a whole number's names its range)."""


def _what_to_type(spec: FieldSpec) -> str:
    if spec.hint:
        return spec.hint
    if spec.type == "int":
        low = spec.minimum if spec.minimum is not None else 0
        if spec.maximum is not None:
            return f"اكتب عدداً صحيحاً من {low} إلى {spec.maximum}"
        return f"اكتب عدداً صحيحاً لا يقل عن {low}"
    return _WHAT_TO_TYPE.get(spec.type, "اكتب النص")


def _validation(form: FormSpec, spec: FieldSpec, *, open_list: bool, sqref: str) -> DataValidation:
    """One validation (with its Arabic input message) for a cell range of ``spec``."""
    kind: str | None = None
    operator: str | None = None
    formula1: str | None = None
    formula2: str | None = None
    error = ""
    style = "stop"
    if spec.is_list:
        kind, formula1 = "list", list_name(form, spec)
        if open_list:
            style = "warning"
            error = "القيمة غير موجودة في القائمة؛ تأكد منها قبل المتابعة."
        else:
            error = "اختر قيمة من القائمة المنسدلة."
    elif spec.type == "date":
        kind, operator = "date", "between"
        formula1, formula2 = str(_DATE_MIN), str(_DATE_MAX)
        error = "اكتب تاريخاً صحيحاً بين 1/1/2000 و 31/12/2100 بالشكل يوم/شهر/سنة."
    elif spec.type == "int":
        kind = "whole"
        low = spec.minimum if spec.minimum is not None else 0
        formula1 = str(low)
        if spec.maximum is not None:
            operator, formula2 = "between", str(spec.maximum)
            error = f"اكتب عدداً صحيحاً من {low} إلى {spec.maximum}."
        else:
            operator = "greaterThanOrEqual"
            error = f"اكتب عدداً صحيحاً لا يقل عن {low}."
    elif spec.type == "jod":
        kind, operator, formula1 = "decimal", "greaterThanOrEqual", "0"
        error = "اكتب مبلغاً بالدينار لا يقل عن صفر."
    elif spec.type == "pct":
        kind, operator, formula1, formula2 = "decimal", "between", "0", "100"
        error = "اكتب نسبة من 0 إلى 100."
    need = REQUIRED_AR if spec.required else OPTIONAL_AR
    dv = DataValidation(
        type=kind,
        operator=operator,
        formula1=formula1,
        formula2=formula2,
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=kind is not None,
        errorStyle=style if kind else None,
        promptTitle=spec.label[:32],
        prompt=f"{_what_to_type(spec)} ({need})"[:250],
        errorTitle=spec.label[:32] if kind else None,
        error=error or None,
    )
    dv.add(sqref)
    return dv


def _number_format(spec: FieldSpec) -> str:
    return {
        "date": DATE_FORMAT,
        "month": MONTH_FORMAT,
        "jod": JOD_FORMAT,
        "year": TEXT_FORMAT,
        "text": TEXT_FORMAT,
        "int": "0",
        "pct": "0.##",
    }.get(spec.type, "General")


def _column_width(spec: FieldSpec, choices: Sequence[str] = ()) -> float:
    """A readable width: the label wraps in the header row, so it counts up to ~2 lines."""
    width = min(len(spec.label) * 1.05 + 3, 22.0)
    minimum = {
        "date": 13,
        "month": 12,
        "year": 13,
        "int": 10,
        "jod": 14,
        "pct": 12,
        "yesno": 10,
        "school": 30,
        "text": 18,
    }.get(spec.type, 12)
    if choices:
        minimum = max(minimum, max(len(c) for c in choices) * 1.05 + 3)
    return max(MIN_WIDTH, min(MAX_WIDTH, max(width, minimum)))


def _value_width(spec: FieldSpec, choices: Sequence[str] = ()) -> float:
    if spec.type == "school":
        return 36.0
    if spec.type == "text":
        return 28.0
    return _column_width(spec, choices)


# -- the workbook ----------------------------------------------------------------


def build_form_workbook(
    form: FormSpec,
    catalog: Catalog,
    *,
    schools: list[str],
    device_types: list[str],
    workbook_id: str | None = None,
    school: str | None = None,
    lists: Mapping[str, Sequence[str]] | None = None,
) -> openpyxl.Workbook:
    """The blank workbook of ``form``; with ``school`` a per-school copy (school fixed).
    ``lists`` gives the other reference lists' dropdown values (``device_specs``)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = form.code
    ws.sheet_view.rightToLeft = True
    lay = layout(form)
    lists_ws = wb.create_sheet(LISTS_SHEET)
    meta_ws = wb.create_sheet(META_SHEET)

    choices = {
        spec.key: field_choices(spec, schools=schools, device_types=device_types, lists=lists)
        for spec in form.fields
        if spec.is_list
    }
    _write_lists(wb, lists_ws, form, choices)

    last_col = get_column_letter(lay.width)
    title = f"{form.code} — {form.name_ar}"  # the catalog version only in _meta
    if school:
        title += f" — {school}"
    _merged_line(ws, 1, last_col, title, TITLE_FONT, TITLE_FILL, height=42)
    _merged_line(ws, 2, last_col, INSTRUCTION_AR, FONT, None, height=34)
    _merged_line(ws, 3, last_col, form.records_ar, SMALL_FONT, None, height=18)

    widths: dict[str, float] = {}
    school_spec = form.school_field
    for spec in form.header:
        label_ref, value_ref = lay.header_cells[spec.key]
        _label_cell(ws, label_ref, spec)
        value = ws[value_ref]
        value.font = FONT
        value.border = BORDER
        value.number_format = _number_format(spec)
        value.alignment = Alignment(wrap_text=True, vertical="center", readingOrder=RTL)
        value.protection = UNLOCKED
        open_list = choices.get(spec.key, ([], False))[1]
        ws.add_data_validation(_validation(form, spec, open_list=open_list, sqref=value_ref))
        if school and school_spec is not None and spec.key == school_spec.key:
            _put(value, school)
            value.protection = LOCKED
            value.fill = FIXED_FILL
        widths["A"] = max(widths.get("A", MIN_WIDTH), min(MAX_WIDTH, len(spec.label) * 1.1 + 4))
        widths["B"] = max(
            widths.get("B", MIN_WIDTH), _value_width(spec, choices.get(spec.key, ([], False))[0])
        )

    if lay.has_table:
        header_row, first, last = lay.table_header_row, lay.table_first_row, lay.table_last_row
        tallest = 1
        for spec in form.rows:
            col = lay.columns[spec.key]
            cell = ws[f"{col}{header_row}"]
            _label_cell(ws, cell.coordinate, spec, center=True)
            list_values, open_list = choices.get(spec.key, ([], False))
            width = _column_width(spec, list_values)
            widths[col] = max(widths.get(col, MIN_WIDTH), width)
            tallest = max(tallest, -(-int(len(spec.label) * 1.1) // int(widths[col] - 2)))
            ws.add_data_validation(
                _validation(form, spec, open_list=open_list, sqref=f"{col}{first}:{col}{last}")
            )
            number_format = _number_format(spec)
            align = Alignment(
                wrap_text=spec.type == "text",
                vertical="top",
                readingOrder=RTL if spec.type in ("text", "choice", "school") else 0,
            )
            for row in range(first, last + 1):
                c = ws[f"{col}{row}"]
                c.font = FONT
                c.border = BORDER
                c.number_format = number_format
                c.alignment = align
                c.protection = UNLOCKED
        ws.row_dimensions[header_row].height = 16 * tallest + 8
        ws.freeze_panes = f"A{first}"
        ws.print_title_rows = f"{header_row}:{header_row}"

    for col, width in widths.items():
        ws.column_dimensions[col].width = round(width, 1)

    _protect(ws)
    _page_setup(ws, landscape=len(form.rows) > 6)
    _write_meta(
        meta_ws,
        form,
        catalog,
        workbook_id=workbook_id or str(uuid.uuid4()),
        school=school or "",
        header_row=lay.table_header_row,
        hash_=lists_hash(schools, device_types, lists),
    )
    return wb


def write_form_workbook(
    path: Path,
    form: FormSpec,
    catalog: Catalog,
    *,
    schools: list[str],
    device_types: list[str],
    workbook_id: str | None = None,
    school: str | None = None,
    lists: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """Build the blank workbook of ``form`` and save it atomically at ``path``; returns its id."""
    wb_id = workbook_id or str(uuid.uuid4())
    wb = build_form_workbook(
        form, catalog, schools=schools, device_types=device_types, workbook_id=wb_id,
        school=school, lists=lists,
    )
    save_atomic(wb, path)
    log.info("wrote blank form %s to %s (id %s)", form.code, path, wb_id)
    return wb_id


def save_atomic(wb: openpyxl.Workbook, path: Path) -> None:
    """Save to a temporary file in the same folder, then rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def read_meta(path: Path) -> dict[str, str]:
    """The ``_meta`` values of a generated workbook (empty when it has none or is unreadable)."""
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any unreadable file means "no metadata"
        log.warning("cannot read metadata of %s: %s", path, exc)
        return {}
    try:
        if META_SHEET not in wb.sheetnames:
            return {}
        meta: dict[str, str] = {}
        for row in wb[META_SHEET].iter_rows(min_row=1, max_row=20, max_col=2, values_only=True):
            if row and row[0] is not None:
                meta[str(row[0]).strip()] = "" if row[1] is None else str(row[1]).strip()
        return meta
    finally:
        wb.close()


def fill_form(
    wb_or_path: openpyxl.Workbook | Path | str,
    form: FormSpec,
    header: Mapping[str, object],
    rows: Sequence[Mapping[str, object]],
) -> openpyxl.Workbook:
    """Write header values and table rows into a blank workbook of ``form``.

    Values are written as given (str, int, float, date); a path is loaded, filled and
    saved back in place. Returns the workbook.
    """
    path = None if isinstance(wb_or_path, openpyxl.Workbook) else Path(wb_or_path)
    wb = wb_or_path if isinstance(wb_or_path, openpyxl.Workbook) else openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    lay = layout(form)
    for key, value in header.items():
        if key not in lay.header_cells:
            raise KeyError(f"{form.code} has no header field {key!r}")
        _put(ws[lay.header_cells[key][1]], value)
    if rows and not lay.has_table:
        raise ValueError(f"{form.code} has no table")
    for offset, row in enumerate(rows):
        for key, value in row.items():
            if key not in lay.columns:
                raise KeyError(f"{form.code} has no table field {key!r}")
            _put(ws[f"{lay.columns[key]}{lay.table_first_row + offset}"], value)
    if path is not None:
        save_atomic(wb, path)
    return wb


# -- helpers ---------------------------------------------------------------------


def _put(cell: object, value: object) -> None:
    """Write a value; text is cleaned of control characters and never becomes a formula."""
    if isinstance(value, str):
        value = XML_ILLEGAL_RE.sub("", value)
    cell.value = value  # type: ignore[attr-defined]
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # type: ignore[attr-defined]


def _merged_line(
    ws: Worksheet,
    row: int,
    last_col: str,
    text: str,
    font: Font,
    fill: PatternFill | None,
    *,
    height: float,
) -> None:
    cell = ws[f"A{row}"]
    cell.value = text
    cell.font = font
    if fill is not None:
        cell.fill = fill
    cell.alignment = Alignment(
        horizontal="center", vertical="center", wrap_text=True, readingOrder=RTL
    )
    cell.protection = LOCKED
    ws.merge_cells(f"A{row}:{last_col}{row}")
    ws.row_dimensions[row].height = height


def _label_cell(ws: Worksheet, ref: str, spec: FieldSpec, *, center: bool = False) -> None:
    cell = ws[ref]
    cell.value = spec.label
    cell.font = BOLD
    cell.fill = REQUIRED_FILL if spec.required else OPTIONAL_FILL
    cell.border = BORDER
    cell.alignment = Alignment(
        horizontal="center" if center else None,
        vertical="center",
        wrap_text=True,
        readingOrder=RTL,
    )
    cell.protection = LOCKED


def _write_lists(
    wb: openpyxl.Workbook,
    lists_ws: Worksheet,
    form: FormSpec,
    choices: Mapping[str, tuple[list[str], bool]],
) -> None:
    """One column per list on ``_lists``: row 1 its name, values from row 2; a defined name each."""
    lists_ws.sheet_state = "hidden"
    sheet = quote_sheetname(LISTS_SHEET)
    if not sheet.startswith("'"):
        sheet = f"'{sheet}'"
    for index, spec in enumerate((s for s in form.fields if s.key in choices), start=1):
        col = get_column_letter(index)
        name = list_name(form, spec)
        values = choices[spec.key][0]
        lists_ws[f"{col}1"] = name
        for row, value in enumerate(values, start=2):
            _put(lists_ws[f"{col}{row}"], value)
        end = max(len(values) + 1, 2)
        wb.defined_names[name] = DefinedName(name, attr_text=f"{sheet}!${col}$2:${col}${end}")
        lists_ws.column_dimensions[col].width = 30
    lists_ws.protection.sheet = True


def _protect(ws: Worksheet) -> None:
    prot = ws.protection
    prot.sheet = True
    prot.formatColumns = False
    prot.formatRows = False
    prot.sort = True
    prot.autoFilter = True


def _page_setup(ws: Worksheet, *, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    margins = ws.page_margins
    margins.left = margins.right = 0.4
    margins.top = margins.bottom = 0.5


def _write_meta(
    meta_ws: Worksheet,
    form: FormSpec,
    catalog: Catalog,
    *,
    workbook_id: str,
    school: str,
    header_row: int,
    hash_: str,
) -> None:
    values: tuple[object, ...] = (
        form.code,
        catalog.version,
        workbook_id,
        school,
        header_row,
        hash_,
    )
    for row, (key, value) in enumerate(zip(META_KEYS, values, strict=True), start=1):
        meta_ws.cell(row=row, column=1, value=key)
        _put(meta_ws.cell(row=row, column=2), value)
    meta_ws.sheet_state = "hidden"
    meta_ws.protection.sheet = True
