"""Putting a freshly written register in place, even while Excel holds it open.

A register is written to a temporary file beside it and renamed over it. On
Windows, Excel locks a workbook it has open, so the rename fails. Then, where
Excel can be driven (xlwings, Windows or macOS), the open workbook is updated
in place and saved; otherwise the new version waits beside it as
``<name>.pending.xlsx`` and :func:`retry_pending` swaps it in at the start of a
later batch, once the workbook is closed.

The ``replace`` parameter is the seam tests use to fake the lock.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from automation.core.department import Department
from automation.core.errors import ExcelBusy

log = logging.getLogger(__name__)

PENDING_SUFFIX = ".pending.xlsx"
WAITING_AR = "السجل مفتوح في Excel وسيُحدَّث عند إغلاقه"
READ_ONLY_AR = "الملف {name} للقراءة فقط؛ أزل خاصية القراءة فقط ليُحدَّث السجل"

Replace = Callable[[Path, Path], None]

_announced: set[Path] = set()
"""Targets whose lock has been logged: the message is written once per lock."""


class ExcelAdapter(Protocol):
    """Whatever can update a workbook that Excel holds open."""

    def is_available(self) -> bool: ...

    def update_open_workbook(self, target: Path, new_file: Path) -> bool:
        """Copy every sheet's values of ``new_file`` into ``target`` as open in Excel
        and save it; True on success, False when it is not open or anything fails."""
        ...


def pending_path(target: Path) -> Path:
    """Where a new version waits while ``target`` is locked."""
    return target.with_name(target.stem + PENDING_SUFFIX)


def target_of(pending: Path) -> Path:
    """The register a ``*.pending.xlsx`` file is waiting to replace."""
    return pending.with_name(pending.name[: -len(PENDING_SUFFIX)] + ".xlsx")


def _key(target: Path) -> Path:
    return Path(os.path.abspath(target))


def is_read_only(target: Path) -> bool:
    """Whether the register file itself is marked read-only (Windows' attribute, or no
    write permission): it waits as a locked one does, under its own message."""
    try:
        info = os.stat(target)
    except OSError:
        return False
    attributes = getattr(info, "st_file_attributes", 0)
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_READONLY", 0)) or not (
        info.st_mode & 0o222)


def _try_excel(excel: ExcelAdapter | None, target: Path, new_file: Path) -> bool:
    if excel is None:
        return False
    try:
        return bool(excel.is_available() and excel.update_open_workbook(target, new_file))
    except Exception:  # an adapter failure must never stop a batch
        log.exception("updating %s through Excel failed", target)
        return False


def _swapped(target: Path) -> None:
    if _key(target) in _announced:
        _announced.discard(_key(target))
        log.info("register %s is no longer locked and is up to date", target.name)


def swap_in(
    tmp: Path, target: Path, *, excel: ExcelAdapter | None, replace: Replace = os.replace
) -> str:
    """Put ``tmp`` in place of ``target``; returns what happened.

    - ``"written"``: renamed over the target (an older pending version is dropped);
    - ``"updated-in-excel"``: the target is open in Excel and was updated there;
    - ``"waiting-for-excel"``: the target is locked; ``tmp`` now waits as
      ``<name>.pending.xlsx`` (replacing an older one) for :func:`retry_pending`;
    - ``"waiting-read-only"``: the same, the target being marked read-only.

    Raises :class:`~automation.core.errors.ExcelBusy` (``tmp`` removed) in the rare case
    that the pending file itself is locked too (someone opened it in Excel).
    """
    pending = pending_path(target)
    try:
        replace(tmp, target)
    except OSError as exc:
        if _try_excel(excel, target, tmp):
            tmp.unlink(missing_ok=True)
            pending.unlink(missing_ok=True)
            log.info("register %s was open in Excel and was updated there", target.name)
            return "updated-in-excel"
        try:
            replace(tmp, pending)
        except OSError as pending_exc:
            tmp.unlink(missing_ok=True)
            raise ExcelBusy(
                f"register {target.name} and its pending version are both locked: "
                f"{pending_exc}",
                f"السجل {target.name} ونسخته المنتظرة مفتوحان في Excel؛ أغلقهما ليُحدَّث السجل",
            ) from pending_exc
        read_only = is_read_only(target)
        if _key(target) not in _announced:
            _announced.add(_key(target))
            if read_only:
                log.warning("register %s is read-only and cannot be replaced (%s); the new "
                            "version waits as %s — %s", target.name, exc, pending.name,
                            READ_ONLY_AR.format(name=target.name))
            else:
                log.warning(
                    "register %s is open in Excel (%s); the new version waits as %s — %s",
                    target.name,
                    exc.__class__.__name__,
                    pending.name,
                    WAITING_AR,
                )
        return "waiting-read-only" if read_only else "waiting-for-excel"
    if pending.exists():
        try:
            pending.unlink()
        except OSError:
            log.warning("an older pending version %s could not be removed", pending.name)
    _swapped(target)
    return "written"


def retry_pending(
    dept: Department, *, excel: ExcelAdapter | None, replace: Replace = os.replace
) -> list[tuple[Path, str]]:
    """Try again every ``*.pending.xlsx`` of the registers folder (start of every batch).

    Returns (target, status) for each: ``"written"`` once the lock is gone,
    ``"updated-in-excel"`` when Excel could update the open workbook, else
    ``"waiting-for-excel"`` (nothing more is logged while it waits).
    """
    results: list[tuple[Path, str]] = []
    if not dept.registers.is_dir():
        return results
    for pending in sorted(dept.registers.glob("*" + PENDING_SUFFIX)):
        target = target_of(pending)
        try:
            replace(pending, target)
        except OSError:
            if _try_excel(excel, target, pending):
                pending.unlink(missing_ok=True)
                log.info("register %s was updated in Excel from its pending version", target.name)
                results.append((target, "updated-in-excel"))
            else:
                results.append((target, "waiting-for-excel"))
            continue
        _swapped(target)
        log.info("pending version of %s swapped in", target.name)
        results.append((target, "written"))
    return results


class XlwingsExcel:
    """Update a register open in Excel through xlwings (Windows or macOS with Excel).

    Only values are copied: every sheet of the new file (read with openpyxl) is
    written into the sheet of the same name of the open workbook (added when
    missing), which is then saved. Text that Excel would read as a formula
    (``=``, ``+``, ``-``, ``@``) gets Excel's text prefix ``'``. Never run from a
    Windows service: Office automation needs the staff account's logon session.
    """

    def is_available(self) -> bool:
        if sys.platform not in ("win32", "darwin"):
            return False
        return importlib.util.find_spec("xlwings") is not None

    def update_open_workbook(self, target: Path, new_file: Path) -> bool:
        try:
            import openpyxl
            import xlwings as xw  # type: ignore[import-not-found]
        except ImportError:
            return False
        wanted = os.path.normcase(os.path.abspath(target))
        book = None
        for app in xw.apps:
            for candidate in app.books:
                if os.path.normcase(os.path.abspath(candidate.fullname)) == wanted:
                    book = candidate
        if book is None:
            return False
        source = openpyxl.load_workbook(new_file, read_only=True)
        try:
            names = [s.name for s in book.sheets]
            for ws in source.worksheets:
                values = [[_inert(v) for v in row] for row in ws.iter_rows(values_only=True)]
                if ws.title in names:
                    sheet = book.sheets[ws.title]
                else:
                    sheet = book.sheets.add(ws.title, after=book.sheets[-1])
                sheet.clear_contents()
                if values:
                    sheet.range("A1").value = values
            book.save()
        except Exception:
            log.exception("xlwings could not update %s", target)
            return False
        finally:
            source.close()
        return True


def _inert(value: object) -> object:
    """Text Excel would take for a formula, prefixed so that it stays text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
