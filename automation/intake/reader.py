"""Read a dropped workbook into a :class:`Submission` (the *read* and *identify* steps).

Only cached values are read (python-calamine); macros never run and formulas
are never evaluated. Every worksheet is bounded by :func:`safety.scan_sheet`
before calamine builds its matrix. The form is identified by the hidden
``_meta`` sheet of a workbook the product generated, otherwise by the Arabic
labels of the catalog found anywhere near the top of a visible sheet, so a
form staff retyped (other rows, other sheet name, other alef forms) is read
as well as a generated one.
"""

from __future__ import annotations

import hashlib
import io
import logging
import operator
import posixpath
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from python_calamine import CalamineWorkbook

from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog, FieldSpec, FormSpec
from automation.core.errors import UnreadableWorkbook
from automation.core.problems import Problem
from automation.intake.safety import (
    DEFAULT_LIMITS,
    XML_OPTIONS,
    CheckedWorkbook,
    Deadline,
    Limits,
    PartMemo,
    SheetScan,
    check_workbook,
    col_letter,
    read_small_xml,
    scan_sheet,
    unreadable,
)
from automation.intake.submission import CellValue, Submission, SubmittedRow
from automation.text.normalize import clean_text, is_blank, normalize_name

__all__ = ["label_key", "read_workbook", "sha256_of"]

log = logging.getLogger(__name__)

META_SHEET = "_meta"
LISTS_SHEET = "_lists"
LABEL_ROWS = 40
"""Rows of each visible sheet searched for labels when identifying the form."""
SEARCH_ROWS = 100
"""Rows of the form's sheet searched for its header and table labels."""
MIN_COVERAGE = 0.6
CLEAR_MARGIN = 0.1
META_KEYS = ("form_code", "catalog_version", "workbook_id", "school", "header_row")

_XML_PARSER = etree.XMLParser(remove_comments=True, **XML_OPTIONS)
_ILLEGAL_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_WORKSHEET_REL = "/worksheet"

MSG_FORMULA_AR = (
    "الخلية تحتوي على معادلة بلا قيمة محسوبة؛ افتح الملف في Excel واحفظه، أو اكتب القيمة مباشرة"
)


def sha256_of(path: Path) -> tuple[str, int]:
    """(hex sha256, size in bytes) of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


WHOLE_SHEET_ROWS = 5000
"""Sheets up to this many rows are read once, whole, rather than top then whole."""


_LABEL_KEYS: dict[str, str] = {}


def label_key(value: object) -> str:
    """The matching key of a label: normalized, spaces and ``:``/``*`` marks dropped."""
    if type(value) is not str:
        return _label_key(value) if isinstance(value, str) else ""
    try:
        return _LABEL_KEYS[value]  # every text of a sheet's top is looked at, file after file
    except KeyError:
        key = _label_key(value)
        if len(_LABEL_KEYS) < 20_000:
            _LABEL_KEYS[value] = key
        return key


def _label_key(value: str) -> str:
    if len(value) > 200:
        return ""
    return normalize_name(value).replace(" ", "").strip(":*")


def read_workbook(
    path: Path, catalog: Catalog = CATALOG, limits: Limits = DEFAULT_LIMITS,
    data: bytes | None = None,
) -> tuple[Submission, list[Problem]]:
    """Read a dropped workbook: its form, header values and table rows.

    Raises :class:`UnreadableWorkbook` when the file cannot be read as a form
    (see :func:`automation.intake.safety.inspect_file` for the file codes, plus
    ``too-many-rows``, ``too-many-columns``, ``too-slow`` and ``unknown-form``).
    Problems of the layout (missing or extra columns, formulas without a
    cached value) are returned with the submission. ``data`` is the file's content
    when the caller has already read it.
    """
    deadline = Deadline(limits.max_seconds)
    checked = check_workbook(Path(path), limits, data)
    reader: _Reader | None = None
    try:
        reader = _Reader(checked, catalog, limits, deadline)
        return reader.read()
    except UnreadableWorkbook:
        raise
    except MemoryError as exc:
        raise unreadable("too-large", "out of memory while reading the workbook") from exc
    except Exception as exc:  # calamine, zipfile, lxml: never crash the service
        log.warning("unreadable workbook %s: %r", path, exc)
        raise unreadable("corrupt", f"cannot read the workbook: {exc!r}") from exc
    finally:
        if reader is not None:
            reader.close()
        checked.close()


# ------------------------------------------------------------------- sheets


@dataclass(frozen=True)
class _Sheet:
    name: str
    part: str
    visible: bool


@dataclass
class _Grid:
    """A sheet's values from A1: ``rows[r - 1][c - 1]`` for 1-based row/column."""

    name: str
    rows: list[list[object]]
    scan: SheetScan

    def value(self, row: int, col: int) -> object:
        if 1 <= row <= len(self.rows):
            cells = self.rows[row - 1]
            if 1 <= col <= len(cells):
                return cells[col - 1]
        return None


def _raw(value: object) -> object:
    """A cell value as calamine gave it, empty as ``None``, strings without controls."""
    if isinstance(value, str):
        if not value.isprintable():  # only then may it hold a control character
            value = _ILLEGAL_XML_RE.sub("", value)
        return value or None
    return value


def _workbook_sheets(archive: zipfile.ZipFile, limits: Limits) -> list[_Sheet]:
    """Worksheets in workbook order with their part names (chartsheets skipped)."""
    names = {info.filename.lower(): info.filename for info in archive.infolist()}
    rels_name = names.get("xl/_rels/workbook.xml.rels")
    if rels_name is None:
        raise unreadable("corrupt", "xl/_rels/workbook.xml.rels is missing")
    book = read_small_xml(archive, names["xl/workbook.xml"], limits)
    rels = read_small_xml(archive, rels_name, limits)
    if (book, rels) in _LISTED:
        listed: list[tuple[str, str | None, bool]] = _LISTED.get((book, rels))  # type: ignore[assignment]
    else:
        listed = _listed_sheets(book, rels)
        _LISTED.add((book, rels), listed)
    sheets: list[_Sheet] = []
    for name, part, visible in listed:
        if part is None:
            continue  # a chartsheet, dialogsheet or macrosheet: no values to read
        if part.lower() not in names:
            raise unreadable("corrupt", f"sheet {name!r} points to missing {part}")
        sheets.append(_Sheet(name, names[part.lower()], visible))
    return sheets


_LISTED = PartMemo()
"""The sheets each (workbook, relationships) pair of parts lists."""
_METAS = PartMemo()
"""What ``_meta`` sheets said: copies of one blank workbook share it byte for byte."""


def _listed_sheets(book_xml: bytes, rels_xml: bytes) -> list[tuple[str, str | None, bool]]:
    """(name, worksheet part or None, visible) of every sheet ``workbook.xml`` lists."""
    book = etree.fromstring(book_xml, _XML_PARSER)
    rels = etree.fromstring(rels_xml, _XML_PARSER)
    targets: dict[str, str | None] = {}
    for rel in rels.iter("{*}Relationship"):
        rel_type = rel.get("Type") or ""
        target = rel.get("Target") or ""
        if not rel_type.endswith(_WORKSHEET_REL) or rel.get("TargetMode") == "External":
            targets[rel.get("Id") or ""] = None
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id") or ""] = posixpath.normpath(part)
    listed: list[tuple[str, str | None, bool]] = []
    for sheet in book.iter("{*}sheet"):
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), "")
        if rel_id not in targets:
            raise unreadable("corrupt", f"sheet {sheet.get('name')!r} has no relationship")
        visible = (sheet.get("state") or "visible") == "visible"
        listed.append((sheet.get("name") or "", targets[rel_id], visible))
    return listed


# ------------------------------------------------------------------- reader

_KEYS: dict[int, tuple[Catalog, dict[str, dict[str, FieldSpec]], frozenset[str]]] = {}


def _catalog_keys(catalog: Catalog) -> tuple[dict[str, dict[str, FieldSpec]], frozenset[str]]:
    """Label keys of every form (by form code), and all of them; computed once per catalog."""
    cached = _KEYS.get(id(catalog))
    if cached is None or cached[0] is not catalog:
        form_keys = {
            form.code: {label_key(spec.label): spec for spec in form.fields}
            for form in catalog.forms
        }
        all_keys = frozenset(key for keys in form_keys.values() for key in keys)
        cached = _KEYS[id(catalog)] = (catalog, form_keys, all_keys)
    return cached[1], cached[2]


@dataclass
class _Score:
    form: FormSpec
    sheet: str
    found: int
    total: int
    coverage: float
    jaccard: float


class _Reader:
    """One read of one checked workbook (kept together to share the open archive)."""

    def __init__(
        self, checked: CheckedWorkbook, catalog: Catalog, limits: Limits, deadline: Deadline
    ) -> None:
        self.checked = checked
        self.catalog = catalog
        self.limits = limits
        self.deadline = deadline
        self.book = CalamineWorkbook.from_filelike(io.BytesIO(checked.data))
        self.scans: dict[str, SheetScan] = {}
        self.form_keys, self.all_keys = _catalog_keys(catalog)

    def close(self) -> None:
        try:
            self.book.close()
        except Exception:  # already closed
            log.debug("calamine workbook already closed")

    def read(self) -> tuple[Submission, list[Problem]]:
        sheets = _workbook_sheets(self.checked.archive, self.limits)
        if set(s.name for s in sheets) - set(self.book.sheet_names):
            raise unreadable("corrupt", "calamine and the workbook disagree on sheet names")
        meta = self._meta(sheets)
        candidates = [s for s in sheets if s.visible and s.name not in (META_SHEET, LISTS_SHEET)]
        if not candidates:
            candidates = [s for s in sheets if s.name not in (META_SHEET, LISTS_SHEET)]
        if not candidates:
            raise unreadable("corrupt", "the workbook has no worksheet to read")
        tops = {s.name: self._grid(s, LABEL_ROWS) for s in candidates}
        form = self.catalog.form(meta["form_code"]) if meta else None
        if form is not None and len(candidates) == 1:
            sheet_name = candidates[0].name  # the form's own sheet, as generated
        else:
            keys = {name: self._sheet_keys(grid) for name, grid in tops.items()}
            if form is not None:
                sheet_name = self._meta_sheet_choice(form, candidates, keys)
            else:
                form, sheet_name = self._identify(candidates, keys)
        self.deadline.check()
        sheet = next(s for s in candidates if s.name == sheet_name)
        top = tops[sheet_name]
        whole = top.scan.max_row <= max(LABEL_ROWS, WHOLE_SHEET_ROWS)
        grid = top if whole else self._grid(sheet, None)
        submission, problems = _Extraction(form, grid, self.form_keys[form.code]).run()
        if meta:
            submission.workbook_id = meta["workbook_id"]
            submission.catalog_version = meta["catalog_version"]
            submission.meta_school = meta["school"]
        self.deadline.check()
        return submission, problems

    def _scan(self, sheet: _Sheet) -> SheetScan:
        if sheet.name not in self.scans:
            self.deadline.check()
            self.scans[sheet.name] = scan_sheet(
                self.checked.archive, sheet.part, self.limits, self.deadline
            )
        return self.scans[sheet.name]

    def _grid(self, sheet: _Sheet, nrows: int | None) -> _Grid:
        """A sheet's values from A1, after its bounds were checked."""
        scan = self._scan(sheet)
        if not scan.max_row:
            return _Grid(sheet.name, [], scan)
        if scan.max_row <= WHOLE_SHEET_ROWS:
            nrows = None  # one calamine pass serves both the labels and the table
        values = self.book.get_sheet_by_name(sheet.name).to_python(
            skip_empty_area=False, nrows=nrows
        )
        self.deadline.check()
        return _Grid(sheet.name, values, scan)  # type: ignore[arg-type]

    def _meta(self, sheets: list[_Sheet]) -> dict[str, str] | None:
        """The ``_meta`` sheet's values when it names a form of the catalog."""
        sheet = next((s for s in sheets if s.name == META_SHEET), None)
        if sheet is None:
            return None
        key = _METAS.key(self.checked.data, self.checked.archive.getinfo(sheet.part))
        if key is not None and key in _METAS:
            found = dict(_METAS.get(key))  # type: ignore[call-overload]
        else:
            found = self._read_meta(sheet)
            if key is not None:
                _METAS.add(key, dict(found))
        if found["form_code"] not in self.catalog.codes:
            log.info("_meta names unknown form %r; identifying by labels", found["form_code"])
            return None
        return found

    def _read_meta(self, sheet: _Sheet) -> dict[str, str]:
        grid = self._grid(sheet, 20)
        found: dict[str, str] = {}
        for row in range(1, len(grid.rows) + 1):
            key = clean_text(grid.value(row, 1)).lower()
            if key in META_KEYS and key not in found:
                found[key] = clean_text(grid.value(row, 2))
        for row, key in enumerate(META_KEYS, start=1):
            found.setdefault(key, clean_text(grid.value(row, 2)))
        return found

    def _sheet_keys(self, grid: _Grid) -> set[str]:
        keys: set[str] = set()
        for cells in grid.rows[:LABEL_ROWS]:
            for value in cells:
                if isinstance(value, str) and value:
                    key = label_key(value)
                    if key in self.all_keys:
                        keys.add(key)
        return keys

    def _meta_sheet_choice(
        self, form: FormSpec, candidates: list[_Sheet], keys: dict[str, set[str]]
    ) -> str:
        """The first visible sheet holding most of the form's labels."""
        wanted = self.form_keys[form.code].keys()
        best = max(candidates, key=lambda s: len(keys[s.name] & wanted))
        return best.name

    def _identify(
        self, candidates: list[_Sheet], keys: dict[str, set[str]]
    ) -> tuple[FormSpec, str]:
        """The form whose labels the workbook shows, clearly ahead of any other."""
        best: dict[str, _Score] = {}
        for sheet in candidates:
            present = keys[sheet.name]
            for form in self.catalog.forms:
                wanted = self.form_keys[form.code].keys()
                if not wanted:
                    continue
                found = len(wanted & present)
                score = _Score(
                    form,
                    sheet.name,
                    found,
                    len(wanted),
                    found / len(wanted),
                    found / len(wanted | present),
                )
                current = best.get(form.code)
                if current is None or (score.jaccard, score.found) > (
                    current.jaccard,
                    current.found,
                ):
                    best[form.code] = score
        order = {code: i for i, code in enumerate(self.catalog.codes)}
        ranked = sorted(best.values(), key=lambda s: (-s.jaccard, -s.found, order[s.form.code]))
        if ranked:
            winner = ranked[0]
            runner_up = ranked[1].jaccard if len(ranked) > 1 else 0.0
            if winner.coverage >= MIN_COVERAGE and winner.jaccard - runner_up >= CLEAR_MARGIN:
                log.info(
                    "identified %s on sheet %r (%d labels)",
                    winner.form.code,
                    winner.sheet,
                    winner.found,
                )
                return winner.form, winner.sheet
        raise _unknown_form(ranked[:3])


def _unknown_form(closest: list[_Score]) -> UnreadableWorkbook:
    names_ar = "؛ ".join(f"{s.form.code} ({s.form.name_ar})" for s in closest)
    names_en = ", ".join(f"{s.form.code} ({s.found}/{s.total} labels)" for s in closest)
    return unreadable(
        "unknown-form",
        f"the layout matches no form clearly; closest: {names_en}",
        f"لم يُتعرَّف على النموذج. أقرب النماذج: {names_ar}",
    )


# ---------------------------------------------------------------- extraction


class _Extraction:
    """Header values and table rows of an identified form on one sheet."""

    def __init__(self, form: FormSpec, grid: _Grid, keys: dict[str, FieldSpec]) -> None:
        self.form = form
        self.grid = grid
        self.keys = keys
        self.problems: list[Problem] = []
        self.positions: dict[str, list[tuple[int, int]]] = {}
        known = _LABEL_KEYS.get  # every text of the top rows, table included: kept short
        for row, cells in enumerate(grid.rows[:SEARCH_ROWS], start=1):
            for col, value in enumerate(cells, start=1):
                if type(value) is str and value:
                    key = known(value)
                    if key is None:
                        key = label_key(value)
                    if key in keys:
                        self.positions.setdefault(key, []).append((row, col))

    def run(self) -> tuple[Submission, list[Problem]]:
        submission = Submission(form=self.form.code, sheet=self.grid.name)
        columns: dict[str, int] = {}
        if self.form.rows:
            submission.header_row, columns = self._table_header()
            submission.column_of = {key: col_letter(col) for key, col in columns.items()}
        submission.header = self._header_values(submission.header_row)
        if columns:
            submission.rows = self._rows(submission.header_row, columns)
        return submission, self.problems

    def _problem(
        self, code: str, message: str, message_en: str, *, severity: str = "error", **where: object
    ) -> None:
        self.problems.append(
            Problem(
                code=code,
                message=message,
                severity=severity,  # type: ignore[arg-type]
                sheet=self.grid.name,
                message_en=message_en,
                **where,  # type: ignore[arg-type]
            )
        )

    def _table_header(self) -> tuple[int, dict[str, int]]:
        """The row holding most table labels, and the column of each label."""
        table = {label_key(spec.label) for spec in self.form.rows}
        per_row: dict[int, set[str]] = {}
        for key in table:
            for row, _ in self.positions.get(key, []):
                per_row.setdefault(row, set()).add(key)
        header_row = 0
        if per_row:
            header_row = min(per_row, key=lambda r: (-len(per_row[r]), r))
        columns: dict[str, int] = {}
        if header_row:
            cells = self.grid.rows[header_row - 1]
            for col, value in enumerate(cells, start=1):
                key = label_key(value)
                if key in table and self.keys[key].key not in columns:
                    columns[self.keys[key].key] = col
                elif not is_blank(value):
                    text = clean_text(value)
                    self._problem(
                        "extra-column",
                        f"عمود غير معروف في جدول النموذج: «{text}»؛ لن تُقرأ قيمه",
                        f"unknown table column {text!r}",
                        severity="warning",
                        cell=f"{col_letter(col)}{header_row}",
                        field=text,
                        row=header_row,
                    )
        for spec in self.form.rows:
            if spec.key not in columns:
                self._problem(
                    "missing-column",
                    f"العمود «{spec.label}» غير موجود في جدول النموذج",
                    f"table column {spec.label!r} ({spec.key}) not found",
                    severity="error" if spec.required else "warning",
                    field=spec.key,
                    row=header_row or None,
                )
        return header_row, columns

    def _value_column(self, row: int, col: int) -> int:
        """The column right after the label cell, or after its merged range."""
        for r1, c1, r2, c2 in self.grid.scan.merges:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return c2 + 1
        return col + 1

    def _header_values(self, header_row: int) -> dict[str, CellValue]:
        values: dict[str, CellValue] = {}
        for spec in self.form.header:
            places = self.positions.get(label_key(spec.label), [])
            if header_row:
                places = [p for p in places if p[0] < header_row] or places
            places = [p for p in places if p[0] != header_row]
            if not places:
                self._problem(
                    "missing-field",
                    f"الحقل «{spec.label}» غير موجود في رأس النموذج",
                    f"header field {spec.label!r} ({spec.key}) not found",
                    severity="error" if spec.required else "warning",
                    field=spec.key,
                )
                continue
            row, col = places[0]
            value_col = self._value_column(row, col)
            ref = f"{col_letter(value_col)}{row}"
            values[spec.key] = CellValue(_raw(self.grid.value(row, value_col)), ref)
            self._check_cell(row, value_col, spec.key)
        return values

    def _check_cell(self, row: int, col: int, key: str) -> bool:
        """Report a formula without cached value or an error cell; True if one was."""
        scan = self.grid.scan
        ref = f"{col_letter(col)}{row}"
        if (row, col) in scan.formulas_without_value:
            self._problem(
                "formula-no-value",
                MSG_FORMULA_AR,
                f"formula in {ref} has no cached value",
                cell=ref,
                field=key,
                row=row,
            )
            return True
        if (row, col) in scan.error_cells:
            error = scan.error_cells[(row, col)]
            self._problem(
                "cell-error",
                f"الخلية تحتوي على خطأ في المعادلة ({error})؛ صحّح المعادلة أو اكتب القيمة مباشرة",
                f"cell {ref} holds the error {error}",
                cell=ref,
                field=key,
                row=row,
            )
            return True
        return False

    def _rows(self, header_row: int, columns: dict[str, int]) -> list[SubmittedRow]:
        rows: list[SubmittedRow] = []
        scan = self.grid.scan
        flagged = {cell for cell in scan.formulas_without_value if cell[0] > header_row}
        flagged |= {cell for cell in scan.error_cells if cell[0] > header_row}
        flagged_rows = {row for row, col in flagged if col in columns.values()}
        grid = self.grid.rows
        last = max([len(grid), *flagged_rows])
        keys = list(columns)
        indexes = [col - 1 for col in columns.values()]
        letters = {key: col_letter(col) for key, col in columns.items()}
        need = max(indexes, default=-1) + 1
        pick = operator.itemgetter(*indexes) if len(indexes) > 1 else None
        for number in range(header_row + 1, last + 1):
            cells = grid[number - 1] if number <= len(grid) else []
            if pick is not None and len(cells) >= need:
                picked: Sequence[object] = pick(cells)
            else:
                picked = [cells[i] if i < len(cells) else None for i in indexes]
            # most cells: a number, or printable text kept as it is (see _raw)
            values = [v if type(v) is not str or (v and v.isprintable()) else _raw(v)
                      for v in picked]
            if number not in flagged_rows and all(is_blank(v) for v in values):
                continue
            if number in flagged_rows:
                for key, col in columns.items():
                    if (number, col) in flagged:
                        self._check_cell(number, col, key)
            rows.append(SubmittedRow(number, dict(zip(keys, values, strict=True)), letters))
        return rows
