"""The header values and table rows of an identified form on one of its sheets.

Labels are found anywhere in the sheet's first rows (a form staff retyped may have
them elsewhere than the blank form); a header value is in the cell after its label
(after the label's merged range), the table's columns are under the row holding
most of the table's labels. Layout problems (a missing field or column, an unknown
column, a formula without a cached value, an error cell) are :class:`Problem` s
whose messages come from the table of :mod:`automation.core.messages`.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass

from automation.catalog.model import FieldSpec, FormSpec
from automation.core.messages import render
from automation.core.problems import Problem
from automation.intake.identify import LABEL_KEYS, label_key
from automation.intake.sheet_scan import SheetScan
from automation.intake.submission import CellValue, Submission, SubmittedRow
from automation.text.arabic import clean_text, is_blank
from automation.text.cells import column_letter
from automation.text.characters import XML_ILLEGAL_RE

__all__ = ["SEARCH_ROWS", "Extraction", "Grid", "raw_value"]

SEARCH_ROWS = 100
"""Rows of the form's sheet searched for its header and table labels."""



@dataclass
class Grid:
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


def raw_value(value: object) -> object:
    """A cell value as calamine gave it, empty as ``None``, strings without controls."""
    if isinstance(value, str):
        if not value.isprintable():  # only then may it hold a control character
            value = XML_ILLEGAL_RE.sub("", value)
        return value or None
    return value


class Extraction:
    """Header values and table rows of an identified form on one sheet."""

    def __init__(self, form: FormSpec, grid: Grid, keys: dict[str, FieldSpec]) -> None:
        self.form = form
        self.grid = grid
        self.keys = keys
        self.problems: list[Problem] = []
        self.positions: dict[str, list[tuple[int, int]]] = {}
        known = LABEL_KEYS.get  # every text of the top rows, table included: kept short
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
            submission.column_of = {key: column_letter(col) for key, col in columns.items()}
        submission.header = self._header_values(submission.header_row)
        if columns:
            submission.rows = self._rows(submission.header_row, columns)
        return submission, self.problems

    def _problem(
        self, code: str, detail: str, params: dict[str, object], *, severity: str = "error",
        **where: object,
    ) -> None:
        """A problem of the table's ``code``, its placeholders filled from ``params``."""
        message, message_en = render(code, **params)
        self.problems.append(
            Problem(
                code=code,
                message=message,
                severity=severity,  # type: ignore[arg-type]
                sheet=self.grid.name,
                message_en=message_en,
                detail=detail,
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
                        f"unknown table column {text!r}",
                        {"label": text},
                        severity="warning",
                        cell=f"{column_letter(col)}{header_row}",
                        field=text,
                        row=header_row,
                    )
        for spec in self.form.rows:
            if spec.key not in columns:
                self._problem(
                    "missing-column",
                    f"table column {spec.label!r} ({spec.key}) not found",
                    {"label": spec.label},
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
                    f"header field {spec.label!r} ({spec.key}) not found",
                    {"label": spec.label},
                    severity="error" if spec.required else "warning",
                    field=spec.key,
                )
                continue
            row, col = places[0]
            value_col = self._value_column(row, col)
            ref = f"{column_letter(value_col)}{row}"
            values[spec.key] = CellValue(raw_value(self.grid.value(row, value_col)), ref)
            self._check_cell(row, value_col, spec.key)
        return values

    def _check_cell(self, row: int, col: int, key: str) -> bool:
        """Report a formula without cached value or an error cell; True if one was."""
        scan = self.grid.scan
        ref = f"{column_letter(col)}{row}"
        if (row, col) in scan.formulas_without_value:
            self._problem(
                "formula-no-value",
                f"formula in {ref} has no cached value",
                {},
                cell=ref,
                field=key,
                row=row,
            )
            return True
        if (row, col) in scan.error_cells:
            error = scan.error_cells[(row, col)]
            self._problem(
                "cell-error",
                f"cell {ref} holds the error {error}",
                {"error": error},
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
        letters = {key: column_letter(col) for key, col in columns.items()}
        need = max(indexes, default=-1) + 1
        pick = operator.itemgetter(*indexes) if len(indexes) > 1 else None
        for number in range(header_row + 1, last + 1):
            cells = grid[number - 1] if number <= len(grid) else []
            if pick is not None and len(cells) >= need:
                picked: Sequence[object] = pick(cells)
            else:
                picked = [cells[i] if i < len(cells) else None for i in indexes]
            # most cells: a number, or printable text kept as it is (see _raw)
            values = [v if type(v) is not str or (v and v.isprintable()) else raw_value(v)
                      for v in picked]
            if number not in flagged_rows and all(is_blank(v) for v in values):
                continue
            if number in flagged_rows:
                for key, col in columns.items():
                    if (number, col) in flagged:
                        self._check_cell(number, col, key)
            rows.append(SubmittedRow(number, dict(zip(keys, values, strict=True)), letters))
        return rows
