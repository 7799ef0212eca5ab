"""What a user can cause, as one exception tree.

    EtiError                      anything the product stops on, with an Arabic
    │                             message for staff and an English one for the log
    ├── ConfigError               eti.toml has a bad value (names the key)
    ├── DepartmentError           the department folder is missing or not writable
    ├── UnreadableWorkbook        a dropped file cannot be read as a workbook
    ├── LedgerError               the ledger cannot be opened or migrated
    ├── TemplateError             a Word template is broken
    └── ExcelBusy                 a register is held open by Excel

Validation problems are not exceptions: they are values (:mod:`automation.core.problems`).
"""

from __future__ import annotations


class EtiError(Exception):
    """Root of every error the product reports to a person."""

    code = "eti-error"

    def __init__(self, message_en: str, message_ar: str = "", *, code: str | None = None) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_ar = message_ar or message_en
        if code:
            self.code = code


class ConfigError(EtiError):
    """A setting in eti.toml is wrong; the message names the key."""

    code = "bad-config"


class DepartmentError(EtiError):
    """The department folder cannot be used."""

    code = "bad-department"


class UnreadableWorkbook(EtiError):
    """A dropped file cannot be read as an Excel workbook (the file is rejected)."""

    code = "unreadable"
    detail = ""
    """What exactly was found (technical, for the log); the two messages are for the
    sender, from the table of :mod:`automation.core.messages`."""


class LedgerError(EtiError):
    """The ledger cannot be opened, migrated or written."""

    code = "ledger"


class TemplateError(EtiError):
    """A Word template has a broken tag or cannot be rendered."""

    code = "template"


class ExcelBusy(EtiError):
    """A register workbook is open in Excel and cannot be replaced now."""

    code = "excel-busy"
