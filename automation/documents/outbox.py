"""Where documents go in ``outbox/``, under readable Arabic names, never overwritten;
and their PDF copies through LibreOffice.

    outbox/reports/تقرير-ربعي-2026-Q1.docx
    outbox/decisions/قرار-إتلاف-ت-ت-2026-3.docx
    outbox/visits/2026-03-10-QF75-13-مدرسة-الأمل.docx
    outbox/letters/2026-03-15-كتاب-إعادة-مدرسة-الأمل.docx
    outbox/digest/2026-03-15-الملخص-اليومي.docx

A report made again for the same period (the same kind, name and submission)
replaces the earlier one, which moves, with its PDF, to ``outbox/.previous/`` under
its own time, so that the outbox holds one current report per kind and period and
the ledger's list of documents points at it. A name taken by another document gets
``-2``, ``-3``…; numbered documents (letters, decisions) are never replaced. Names are
safe on Windows (no ``/ \\ : * ? " < > |``, no control or direction marks, at most 120
characters, no reserved device names). Every document produced is recorded in the
ledger.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import uuid
from pathlib import Path
from typing import Any

from automation.core.clock import Clock
from automation.core.department import Department
from automation.documents.context import template_for
from automation.documents.render import DEFAULT_TIMEOUT, render_document
from automation.ledger.store import Ledger
from automation.text.names import reserved_on_windows

log = logging.getLogger(__name__)

MAX_NAME = 120
"""Longest file name (with its extension) the outbox uses."""

_REMOVED = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
_FORBIDDEN = re.compile(r'[/\\:*?"<>|]')
_SPACES = re.compile(r"[\s\u00a0]+")
_DASHES = re.compile(r"-{2,}")

LIBREOFFICE_MISSING_EN = (
    "LibreOffice is not installed (soffice was not found): no PDF was made; "
    "the Word document is in outbox/."
)
LIBREOFFICE_MISSING_AR = (
    "برنامج LibreOffice غير مثبت على هذا الجهاز، فلم تُنشأ نسخة PDF؛ "
    "مستند Word موجود في مجلد outbox."
)


def safe_name(text: str, *, limit: int = MAX_NAME) -> str:
    """``text`` as a file name part: readable Arabic kept, separators made ``-``."""
    text = unicodedata.normalize("NFC", str(text))
    text = _REMOVED.sub("", text)
    text = _FORBIDDEN.sub("-", text)
    text = _SPACES.sub("-", text.strip())
    text = _DASHES.sub("-", text).strip("-. ")
    text = text[:limit].rstrip("-. ")
    if not text:
        text = "وثيقة"
    if reserved_on_windows(text):
        text = f"_{text}"
    return text


def name_parts(*parts: object) -> str:
    """Parts joined by ``-`` after each is made safe (empty parts left out)."""
    return "-".join(safe_name(str(p)) for p in parts if p not in (None, ""))


def reserve(folder: Path, stem: str, suffix: str = ".docx") -> Path:
    """Create (empty, exclusively) and return the first free ``stem[-N]suffix`` in
    ``folder``: concurrent writers never get the same name, nothing is overwritten."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = safe_name(stem, limit=MAX_NAME - len(suffix) - 4)
    for n in itertools.count(1):
        name = f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}"
        path = folder / name
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise AssertionError("unreachable")


def relative(dept: Department, path: Path) -> str:
    """A path inside the department folder as the ledger keeps it (``outbox/…``)."""
    try:
        return path.resolve().relative_to(dept.root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# -- the folders --------------------------------------------------------------------------


def period_folder(dept: Department, slug: str) -> Path:
    """``outbox/reports/``: every periodic report, its period in its file name."""
    del slug  # the name of every periodic report carries its period
    return dept.outbox / "reports"


def decisions_folder(dept: Department) -> Path:
    return dept.outbox / "decisions"


def visits_folder(dept: Department) -> Path:
    return dept.outbox / "visits"


def letters_folder(dept: Department) -> Path:
    return dept.outbox / "letters"


def digest_folder(dept: Department) -> Path:
    return dept.outbox / "digest"


# -- producing a document -----------------------------------------------------------------


def render_into(
    dept: Department,
    template: str,
    context: dict[str, Any],
    folder: Path,
    stem: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """Render ``template`` into a new file of ``folder`` (removed again on failure)."""
    path = reserve(folder, stem)
    try:
        render_document(template_for(dept, template), context, path, timeout=timeout)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


PREVIOUS = ".previous"
"""``outbox/.previous/``: earlier copies of reports made again, under their time."""


def produce(
    dept: Department,
    ledger: Ledger,
    *,
    kind: str,
    template: str,
    context: dict[str, Any],
    folder: Path,
    stem: str,
    clock: Clock,
    submission_id: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """Render a document into the outbox as the current one of its kind, name and
    submission, and record it in the ledger.

    It is rendered beside its place first; only then do earlier copies (this name,
    its ``-2``… and their PDFs) move to ``outbox/.previous/`` and the new one takes
    the name. A copy held open (Word on Windows) stays, and the new one gets the next
    free name.
    """
    stem = safe_name(stem, limit=MAX_NAME - len(".docx") - 4)
    fresh = render_into(dept, template, context, folder, f"~{uuid.uuid4().hex[:8]}-{stem}",
                        timeout=timeout)  # a name no copy of this document can have
    try:
        target = folder / f"{stem}.docx"
        kept = _set_aside(dept, ledger, kind, submission_id, folder, stem, clock.now())
        if kept or os.path.lexists(target):
            target = reserve(folder, stem)  # held open, or another document's name
        os.replace(fresh, target)
    except BaseException:
        fresh.unlink(missing_ok=True)
        raise
    ledger.record_document(kind, relative(dept, target), clock.now(), submission_id)
    log.info("%s: %s", kind, target)
    return target


def _copies(folder: Path, stem: str) -> list[Path]:
    """``stem.docx``, ``stem-N.docx`` and their PDFs in ``folder``."""
    pattern = re.compile(rf"{re.escape(stem)}(?:-\d+)?\.(?:docx|pdf)")
    try:
        return sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name))
    except OSError:
        return []


def _set_aside(
    dept: Department, ledger: Ledger, kind: str, submission_id: int | None, folder: Path,
    stem: str, now: dt.datetime,
) -> list[Path]:
    """Move the earlier copies of a document to ``outbox/.previous/`` (with their time)
    and point their ledger records there; returns the copies that could not move.

    A file the ledger records as another document (another kind, another submission)
    is not an earlier copy and stays.
    """
    others = set()
    for path, doc_kind, doc_sub in ledger.conn.execute(
            "SELECT path, kind, submission_id FROM documents WHERE path LIKE ?",
            (relative(dept, folder) + "/%",)):
        if doc_kind.removesuffix("-pdf") != kind or doc_sub != submission_id:
            others.add(str(path))
    kept = []
    for old in _copies(folder, stem):
        rel = relative(dept, old)
        if rel in others:
            continue
        try:
            when = dt.datetime.fromtimestamp(old.stat().st_mtime)
        except OSError:
            when = now
        place = dept.outbox / PREVIOUS / folder.relative_to(dept.outbox) if \
            folder.is_relative_to(dept.outbox) else folder / PREVIOUS
        target = reserve(place, f"{old.stem}-{when:%Y%m%d-%H%M%S}", old.suffix)
        try:
            os.replace(old, target)
        except OSError as exc:  # open in Word (Windows): it stays, the new copy goes beside
            target.unlink(missing_ok=True)
            log.warning("%s could not be moved to %s (%s); the new copy goes beside it",
                        old.name, PREVIOUS, exc)
            kept.append(old)
            continue
        ledger.conn.execute("UPDATE documents SET path = ? WHERE path = ?",
                            (relative(dept, target), rel))
        log.info("earlier copy %s moved to %s", rel, relative(dept, target))
    return kept


# -- PDF ------------------------------------------------------------------------------------

_WINDOWS_SOFFICE = (
    Path(os.environ.get("ProgramFiles", r"C:\Program Files")) / "LibreOffice/program/soffice.exe",
    Path(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)"))
    / "LibreOffice/program/soffice.exe",
)


def find_soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    if os.name == "nt":
        for path in _WINDOWS_SOFFICE:
            if path.is_file():
                return str(path)
    return None


def to_pdf(docx: Path, *, timeout: float = 180, soffice: str | None = None) -> Path | None:
    """A PDF beside ``docx`` made by LibreOffice (headless, with a private profile).

    Returns None, after logging why in Arabic and English, when LibreOffice is
    not installed or the conversion fails; the Word document is kept either way.
    """
    docx = Path(docx)
    program = soffice or find_soffice()
    if program is None:
        log.warning("%s / %s", LIBREOFFICE_MISSING_EN, LIBREOFFICE_MISSING_AR)
        return None
    with tempfile.TemporaryDirectory(prefix="eti-pdf-") as tmp:
        profile = Path(tmp) / "profile"
        outdir = Path(tmp) / "out"
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(docx),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.error("PDF conversion of %s failed: %s / تعذر تحويل %s إلى PDF",
                      docx, exc, docx.name)
            return None
        made = outdir / f"{docx.stem}.pdf"
        if done.returncode != 0 or not made.is_file():
            log.error(
                "PDF conversion of %s failed (exit %s): %s / تعذر تحويل %s إلى PDF",
                docx, done.returncode, done.stderr.decode(errors="replace")[:300], docx.name,
            )
            return None
        target = reserve(docx.parent, docx.stem, ".pdf")
        shutil.copyfile(made, target)
    return target


def produce_pdf(
    dept: Department,
    ledger: Ledger,
    docx: Path,
    *,
    kind: str,
    clock: Clock,
    submission_id: int | None = None,
) -> Path | None:
    """``to_pdf`` and, when a PDF was made, record it as a document (``<kind>-pdf``)."""
    pdf = to_pdf(docx)
    if pdf is not None:
        ledger.record_document(f"{kind}-pdf", relative(dept, pdf), clock.now(), submission_id)
    return pdf

