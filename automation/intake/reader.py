"""Read a dropped workbook into a :class:`Submission` (the *read* and *identify* steps).

Only cached values are read (python-calamine); macros never run and formulas
are never evaluated. What a file is comes from its bytes (:mod:`.safety`): an
Office Open XML workbook is read whatever its name (``.xlsx``, ``.xlsm``, ``.xltx``,
or renamed ``.xls`` / ``.csv``), every worksheet bounded by
:func:`~automation.intake.sheet_scan.scan_sheet` before calamine builds its matrix;
a real legacy ``.xls`` or an ``.ods`` goes to the fallback reader (calamine's own
readers for them), once :mod:`.legacy` has bounded every sheet. The form is
identified by the hidden ``_meta`` sheet of a workbook the product generated,
otherwise by the Arabic labels of the catalog found near the top of a visible sheet
(:mod:`.identify`), and its values are taken out by :mod:`.extract`.
"""

from __future__ import annotations

import hashlib
import io
import logging
import posixpath
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog, FormSpec
from automation.core.errors import UnreadableWorkbook
from automation.core.messages import unreadable
from automation.core.problems import Problem
from automation.intake.extract import Extraction, Grid
from automation.intake.identify import catalog_keys, identify, label_key
from automation.intake.limits import DEFAULT_LIMITS, Deadline, Limits
from automation.intake.safety import CheckedWorkbook, check_workbook, read_small_xml
from automation.intake.sheet_scan import XML_OPTIONS, SheetScan, scan_sheet
from automation.intake.submission import Submission
from automation.intake.zip_reader import PartMemo
from automation.text.arabic import clean_text

__all__ = ["label_key", "read_workbook", "sha256_of"]

log = logging.getLogger(__name__)

META_SHEET = "_meta"
LISTS_SHEET = "_lists"
LABEL_ROWS = 40
"""Rows of each visible sheet searched for labels when identifying the form."""
META_KEYS = ("form_code", "catalog_version", "workbook_id", "school", "header_row")
WHOLE_SHEET_ROWS = 5000
"""Sheets up to this many rows are read once, whole, rather than top then whole."""
FORMATS = {"xls": "Excel 97-2003 (.xls)", "ods": "OpenDocument (.ods)"}
"""The formats of the fallback reader, as the messages name them."""

_XML_PARSER = etree.XMLParser(remove_comments=True, **XML_OPTIONS)
_WORKSHEET_REL = "/worksheet"


def sha256_of(path: Path) -> tuple[str, int]:
    """(hex sha256, size in bytes) of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def read_workbook(
    path: Path, catalog: Catalog = CATALOG, limits: Limits = DEFAULT_LIMITS,
    data: bytes | None = None,
) -> tuple[Submission, list[Problem]]:
    """Read a dropped workbook: its form, header values and table rows.

    Raises :class:`UnreadableWorkbook` when the file cannot be read as a form (a code
    of :data:`automation.core.messages.MESSAGES`: what the file is, what reading it
    would cost, ``unknown-form``; ``cannot-read`` when calamine fails on a file that
    passed every check, its reason kept in the log). Problems of the layout (missing
    or extra columns, formulas without a cached value) are returned with the
    submission. ``data`` is the file's content when the caller has already read it.
    """
    deadline = Deadline(limits.max_seconds)
    checked = check_workbook(Path(path), limits, data, deadline)
    reader: _Reader | None = None
    try:
        reader = _Reader(checked, catalog, limits, deadline)
        return reader.read()
    except UnreadableWorkbook:
        raise
    except MemoryError as exc:
        raise unreadable("too-many-cells", "out of memory while reading the workbook",
                         sheet=Path(path).name, cells="?",
                         limit=f"{limits.max_cells:,}") from exc
    except Exception as exc:  # calamine, zipfile, lxml: never crash the service
        log.warning("could not read %s (%s) with calamine: %r", Path(path).name, checked.kind,
                    exc)
        raise unreadable("cannot-read", f"{checked.kind}: {exc!r}",
                         format=FORMATS.get(checked.kind, "Excel (.xlsx)")) from exc
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
    index: int = 0
    """Its place among the worksheets (legacy workbooks find their scan by it)."""


def _workbook_sheets(checked: CheckedWorkbook, limits: Limits) -> list[_Sheet]:
    """Worksheets in workbook order with their part names (chartsheets skipped)."""
    archive = checked.archive
    assert archive is not None
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
        sheets.append(_Sheet(name, names[part.lower()], visible, len(sheets)))
    return sheets


def _legacy_sheets(book: CalamineWorkbook) -> list[_Sheet]:
    """The worksheets of an ``.xls`` / ``.ods`` as the fallback reader lists them."""
    sheets: list[_Sheet] = []
    for meta in book.sheets_metadata:
        if meta.typ == SheetTypeEnum.WorkSheet:
            sheets.append(_Sheet(meta.name, "", meta.visible == SheetVisibleEnum.Visible,
                                 len(sheets)))
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
        self.form_keys, self.all_keys = catalog_keys(catalog)

    def close(self) -> None:
        try:
            self.book.close()
        except Exception:  # already closed
            log.debug("calamine workbook already closed")

    def read(self) -> tuple[Submission, list[Problem]]:
        if self.checked.legacy is not None:
            sheets = _legacy_sheets(self.book)
        else:
            sheets = _workbook_sheets(self.checked, self.limits)
            if set(s.name for s in sheets) - set(self.book.sheet_names):
                raise unreadable("corrupt", "calamine and the workbook disagree on sheet names")
        meta = self._meta(sheets)
        candidates = [s for s in sheets if s.visible and s.name not in (META_SHEET, LISTS_SHEET)]
        if not candidates:
            candidates = [s for s in sheets if s.name not in (META_SHEET, LISTS_SHEET)]
        if not candidates:
            raise unreadable("no-sheet", "the workbook has no worksheet to read")
        tops = {s.name: self._grid(s, LABEL_ROWS) for s in candidates}
        form = self.catalog.form(meta["form_code"]) if meta else None
        if form is not None and len(candidates) == 1:
            sheet_name = candidates[0].name  # the form's own sheet, as generated
        else:
            keys = {name: self._sheet_keys(grid) for name, grid in tops.items()}
            if form is not None:
                sheet_name = self._meta_sheet_choice(form, candidates, keys)
            else:
                form, sheet_name = identify(self.catalog, [s.name for s in candidates], keys)
        self.deadline.check()
        sheet = next(s for s in candidates if s.name == sheet_name)
        top = tops[sheet_name]
        whole = top.scan.max_row <= max(LABEL_ROWS, WHOLE_SHEET_ROWS)
        grid = top if whole else self._grid(sheet, None)
        submission, problems = Extraction(form, grid, self.form_keys[form.code]).run()
        if meta:
            submission.workbook_id = meta["workbook_id"]
            submission.catalog_version = meta["catalog_version"]
            submission.meta_school = meta["school"]
        self.deadline.check()
        return submission, problems

    def _scan(self, sheet: _Sheet) -> SheetScan:
        if sheet.name not in self.scans:
            self.deadline.check()
            legacy = self.checked.legacy
            if legacy is not None:
                scan = legacy.find(sheet.name, sheet.index)
                if scan is None:
                    raise unreadable("corrupt", f"sheet {sheet.name!r} was not bounded")
            else:
                assert self.checked.archive is not None
                info = self.checked.archive.getinfo(sheet.part)
                scan = scan_sheet(self.checked.data, info, self.limits, self.deadline,
                                  sheet.name)
            self.scans[sheet.name] = scan
        return self.scans[sheet.name]

    def _grid(self, sheet: _Sheet, nrows: int | None) -> Grid:
        """A sheet's values from A1, after its bounds were checked."""
        scan = self._scan(sheet)
        if not scan.max_row:
            return Grid(sheet.name, [], scan)
        if scan.max_row <= WHOLE_SHEET_ROWS:
            nrows = None  # one calamine pass serves both the labels and the table
        values = self.book.get_sheet_by_name(sheet.name).to_python(
            skip_empty_area=False, nrows=nrows
        )
        self.deadline.check()
        return Grid(sheet.name, values, scan)  # type: ignore[arg-type]

    def _meta(self, sheets: list[_Sheet]) -> dict[str, str] | None:
        """The ``_meta`` sheet's values when it names a form of the catalog."""
        sheet = next((s for s in sheets if s.name == META_SHEET), None)
        if sheet is None:
            return None
        key = None
        if self.checked.archive is not None and sheet.part:
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

    def _sheet_keys(self, grid: Grid) -> set[str]:
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
