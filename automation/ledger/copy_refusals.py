"""Why ``eti ledger copy`` refuses, in Arabic for staff and English for the IT person,
with what to do (:mod:`automation.ledger.copy`)."""

from __future__ import annotations

import sqlite3

from automation.core.errors import LedgerError
from automation.ledger import postgres


def refuse_directorate(directorate: str) -> None:
    """Refuse (:class:`LedgerError`, Arabic and English) a directorate no copy can go to:
    none, or ``*`` (every directorate, read only)."""
    if not directorate.strip():
        raise LedgerError(
            "the department has no directorate: set [department] directorate in eti.toml "
            "(the name the central database keeps its records under); nothing was copied",
            "لم يُحدَّد اسم المديرية في الإعداد [department] directorate في ملف eti.toml، "
            "وهو الاسم الذي تُحفظ به سجلات المديرية في قاعدة البيانات المشتركة؛ لم يُنسخ "
            "شيء. اكتب اسم المديرية ثم أعد المحاولة.",
            code="no-directorate",
        )
    if directorate.strip() == postgres.ALL_DIRECTORATES:
        raise LedgerError(
            f"'{postgres.ALL_DIRECTORATES}' names every directorate (read only), not one to "
            "copy into; set [department] directorate to the directorate's name",
            f"الرمز '{postgres.ALL_DIRECTORATES}' يعني جميع المديريات للاطلاع فقط ولا يصلح "
            "للنسخ؛ اكتب اسم المديرية في الإعداد [department] directorate.",
            code="no-directorate",
        )


def refuse_url(url: str) -> None:
    """Refuse an address that is not a PostgreSQL database's."""
    if not url.strip().lower().startswith(("postgresql://", "postgres://")):
        raise LedgerError(
            f"--url must be a PostgreSQL address (postgresql://user@host/database), "
            f"not {postgres.redacted(url)!r}; nothing was copied",
            "عنوان قاعدة البيانات المشتركة يجب أن يبدأ بـ postgresql://؛ لم يُنسخ شيء.",
            code="bad-ledger-url",
        )


def refuse_other_directorates(src: sqlite3.Connection, directorate: str) -> None:
    found = {
        str(r[0]) for table in ("submissions", "rows")
        for r in src.execute(f"SELECT DISTINCT directorate FROM {table}")  # noqa: S608
    } - {"", directorate}
    if found:
        others = "، ".join(sorted(found))
        raise LedgerError(
            f"the SQLite ledger holds records of another directorate ({', '.join(sorted(found))}"
            f"), not only of {directorate}; nothing was copied",
            f"في قاعدة البيانات المحلية سجلات لمديرية أخرى ({others}) غير {directorate}؛ "
            "لم يُنسخ شيء. تأكد من اسم المديرية في الإعداد [department] directorate.",
            code="other-directorate",
        )


def numbering_conflict(directorate: str, numbers: list[str]) -> LedgerError:
    """Two departments of one directorate gave the same outgoing numbers to different
    letters or decisions: the shared database keeps one numbering per directorate."""
    shown = ", ".join(numbers[:10]) + (f" (+{len(numbers) - 10})" if len(numbers) > 10 else "")
    return LedgerError(
        f"nothing was copied: the directorate {directorate} already has outgoing numbers "
        f"{shown} in the shared database for other letters or decisions (another department "
        "of the directorate numbered its own from 1 too), and one directorate has one "
        "numbering there. Keep this department on its own SQLite ledger (leave [ledger] url "
        "empty) until the numbering year ends, then copy it; or, if it is in fact another "
        "directorate, give it its own name in [department] directorate and ask the "
        "administrator to grant it (`eti ledger grant`)",
        f"لم يُنسخ شيء: لمديرية {directorate} في قاعدة البيانات المشتركة أرقام صادر "
        f"({shown}) أعطاها قسم آخر من المديرية لكتب أو قرارات أخرى، وللمديرية ترقيم صادر "
        "واحد فيها. أبقِ هذا القسم على قاعدة بياناته المحلية حتى نهاية سنة الترقيم ثم انسخه، "
        "أو إن كان لمديرية أخرى فاكتب اسمها في [department] directorate واطلب من مسؤول "
        "قاعدة البيانات ربط حسابه بها.",
        code="copy-numbering-conflict",
    )


def refused(exc: Exception, where: str) -> LedgerError:
    return LedgerError(
        f"the database {where} refused the copy ({type(exc).__name__}: {str(exc).strip()}); "
        "nothing was copied",
        f"رفضت قاعدة البيانات المشتركة النسخ ({str(exc).strip()})؛ لم يُنسخ شيء. "
        "أرسل هذه الرسالة إلى مسؤول الأنظمة.",
        code="copy-refused",
    )
