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


DISK_FULL_AR = (
    "القرص ممتلئ: لا توجد مساحة فارغة كافية لحفظ الملفات. أفرغ مساحة على القرص الذي عليه "
    "مجلد القسم (احذف أو انقل الملفات التي لا تحتاجها، وأفرغ سلة المحذوفات، وانقل النسخ "
    "الاحتياطية القديمة من data/backups والملفات القديمة من outbox إلى قرص آخر)، ثم أعد "
    "تشغيل الأمر."
)
DISK_FULL_EN = (
    "the disk is full (no space left on device): free space on the disk that holds the "
    "department folder (delete or move files not needed, empty the recycle bin, move old "
    "backups from data/backups/ and old files from outbox/ to another disk), then run the "
    "command again"
)


def is_disk_full(error: BaseException | str) -> bool:
    """Whether ``error`` (an exception, or its text as a batch records it) says the disk
    is full (ENOSPC; EDQUOT, a user's quota, is the same for staff)."""
    import errno

    if isinstance(error, str):
        return "No space left on device" in error or "Disk quota exceeded" in error \
            or "[Errno 28]" in error or "[WinError 112]" in error
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and (
                error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1))
                or getattr(error, "winerror", None) == 112):  # ERROR_DISK_FULL
            return True
        if "database or disk is full" in str(error):  # SQLite's SQLITE_FULL
            return True
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return False


def disk_full(error: BaseException) -> EtiError | None:
    """The product's message for a full disk when ``error`` is one, else None."""
    if not is_disk_full(error):
        return None
    where = getattr(error, "filename", None)
    at_en = f" (writing {where})" if where else ""
    return EtiError(DISK_FULL_EN + at_en, DISK_FULL_AR, code="disk-full")


_OS_ERRORS_AR: dict[str, str] = {
    "EACCES": "لا توجد صلاحية للوصول إليه؛ اطلب من مسؤول الجهاز صلاحية الكتابة على المجلد",
    "EPERM": "لا توجد صلاحية للوصول إليه؛ اطلب من مسؤول الجهاز صلاحية الكتابة على المجلد",
    "ENOENT": "غير موجود؛ تحقق من المسار",
    "EROFS": "القرص للقراءة فقط؛ انقل مجلد القسم إلى قرص يُكتب عليه",
    "EBUSY": "مستخدم في برنامج آخر؛ أغلقه ثم أعد المحاولة",
    "ENAMETOOLONG": "اسمه أطول مما يقبله نظام الملفات؛ اختصر الاسم أو انقل مجلد القسم إلى "
                    "مسار أقصر",
    "ENOTDIR": "جزء من المسار ملف وليس مجلداً؛ تحقق من المسار",
    "EISDIR": "مجلد وليس ملفاً؛ تحقق من المسار",
}


def os_error_ar(exc: OSError) -> str:
    """What an OSError means, in Arabic words (its ``strerror`` is English)."""
    import errno

    name = errno.errorcode.get(exc.errno or -1, "")
    if getattr(exc, "winerror", None) in (5, 32):  # access denied, in use (Windows)
        name = "EACCES" if exc.winerror == 5 else "EBUSY"  # type: ignore[attr-defined]
    return _OS_ERRORS_AR.get(name, "تعذر الوصول إليه")
