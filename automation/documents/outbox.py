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
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from automation.core.clock import Clock
from automation.core.department import Department
from automation.documents.context import template_for
from automation.documents.render import DEFAULT_TIMEOUT, TEMPORARY_PREFIX, render_document
from automation.ledger import documents
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


def decisions_folder(dept: Department) -> Path:
    return dept.outbox / "decisions"


def letters_folder(dept: Department) -> Path:
    return dept.outbox / "letters"


# -- producing a document -----------------------------------------------------------------


STALE_SECONDS = 600.0
"""A temporary file this old is left from a run that ended (longer than any render)."""
_TEMPORARY = re.compile(
    r"\.~eti-(?P<pid>\d+)-[0-9a-f]+\.part"          # a document being placed (outbox)
    r"|\..+\.(?P<worker>\d+)\.part"                  # the render worker writing it
    r"|~[0-9a-f]{8}-.+\.docx"                         # earlier versions' fresh copies
)
_CLEANED: set[str] = set()


def temporary(folder: Path, suffix: str = ".part") -> Path:
    """A new name for a document being written in ``folder`` (hidden, never a document's
    name; removed at the next start if the run ends before it is placed)."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{TEMPORARY_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}{suffix}"


def place(
    written: Path, folder: Path, stem: str, suffix: str = ".docx", *,
    orphan: Callable[[Path], bool] | None = None,
) -> Path:
    """Give the complete file ``written`` the first free name ``stem[-N]suffix`` of
    ``folder`` in one step: a reader sees the whole document or none, two writers never
    take one name, nothing is overwritten — except, when ``orphan`` says so, a file at
    the first name that an interrupted run left (a numbered letter whose number the
    ledger never kept), which the new document replaces.
    """
    stem = safe_name(stem, limit=MAX_NAME - len(suffix) - 4)
    for n in itertools.count(1):
        path = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        if n == 1 and orphan is not None and os.path.lexists(path) and orphan(path):
            log.warning("%s was left by an interrupted run; the new document replaces it",
                        path.name)
            os.replace(written, path)
            return path
        if _take(written, path):
            return path
    raise AssertionError("unreachable")


def _take(written: Path, path: Path) -> bool:
    """Rename ``written`` to ``path`` unless ``path`` exists (atomic: a hard link, else an
    exclusive creation and a rename over it)."""
    try:
        os.link(written, path)
    except FileExistsError:
        return False
    except OSError:  # no hard links on this file system (FAT, some shares)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return False
        os.close(fd)
        os.replace(written, path)
        return True
    os.unlink(written)
    return True


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - age alone decides there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_temporaries(dept: Department, *, once: bool = False) -> list[Path]:
    """Remove what runs that ended left half-written in ``outbox/`` (``.~eti-…part``,
    ``.….part``, ``~…docx``): a file whose writer is no longer running, or older than
    :data:`STALE_SECONDS`. Returns the files removed. ``once``: only the first call of
    this process for the department does the work (the start of a batch)."""
    key = str(dept.outbox)
    if once and key in _CLEANED:
        return []
    _CLEANED.add(key)
    removed: list[Path] = []
    now = dt.datetime.now().timestamp()
    for folder, _dirs, files in os.walk(dept.outbox):
        for name in files:
            found = _TEMPORARY.fullmatch(name)
            if found is None:
                continue
            path = Path(folder) / name
            pid = found.group("pid") or found.group("worker")
            try:
                age = now - path.lstat().st_mtime
            except OSError:
                continue
            if age < STALE_SECONDS and (pid is None or _running(int(pid))):
                continue
            try:
                path.unlink()
            except OSError as exc:
                log.warning("cannot remove the temporary file %s: %s", path, exc)
                continue
            removed.append(path)
    if removed:
        log.info("removed %d temporary files left by an interrupted run in %s",
                 len(removed), dept.outbox)
    return removed


def render_into(
    dept: Department,
    template: str,
    context: dict[str, Any],
    folder: Path,
    stem: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    ledger: Ledger | None = None,
) -> Path:
    """Render ``template`` into a new file of ``folder``, named ``stem[-N].docx``: written
    under a temporary name and renamed into place complete (nothing is left on failure).

    ``ledger``: the name carries a number given in the ledger transaction under way (a
    letter, a decision); a file already at that name that the ledger does not record was
    left by a run killed before it kept the number, and is replaced.
    """
    written = temporary(folder)
    try:
        render_document(template_for(dept, template), context, written, timeout=timeout)
        orphan = None if ledger is None else partial(_unrecorded, dept, ledger)
        return place(written, folder, stem, orphan=orphan)
    finally:
        written.unlink(missing_ok=True)


def _unrecorded(dept: Department, ledger: Ledger, path: Path) -> bool:
    return not documents.is_recorded(ledger.conn, relative(dept, path))


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

    It is rendered under a temporary name beside its place first; only then do earlier
    copies (this name, its ``-2``… and their PDFs) move to ``outbox/.previous/`` and the
    new one takes the name. A copy held open (Word on Windows) stays, and the new one
    gets the next free name.
    """
    stem = safe_name(stem, limit=MAX_NAME - len(".docx") - 4)
    written = temporary(folder)
    try:
        render_document(template_for(dept, template), context, written, timeout=timeout)
        _set_aside(dept, ledger, kind, submission_id, folder, stem, clock.now())
        target = place(written, folder, stem)
    finally:
        written.unlink(missing_ok=True)
    ledger.record_document(kind, relative(dept, target), clock.now(), submission_id)
    log.info("%s: %s", kind, target)
    return target


def _copies(folder: Path, stem: str) -> list[Path]:
    """``stem.docx``, ``stem-N.docx`` and their PDFs in ``folder`` (the folder is listed
    only where ``stem.docx`` or ``stem.pdf`` exists or a ``-N`` copy may: a document made
    for the first time costs two look-ups, not a listing of every document beside it)."""
    if not (os.path.lexists(folder / f"{stem}.docx") or os.path.lexists(folder / f"{stem}.pdf")
            or os.path.lexists(folder / f"{stem}-2.docx")):
        return []
    pattern = re.compile(rf"{re.escape(stem)}(?:-\d+)?\.(?:docx|pdf)")
    try:
        return sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name))
    except OSError:
        return []


def _another_document(ledger: Ledger, rel: str, kind: str, submission_id: int | None) -> bool:
    """Whether the ledger records the file ``rel`` as another document (another kind,
    another submission): then it is not an earlier copy and stays."""
    for doc_kind, doc_sub in documents.recorded_as(ledger.conn, rel):
        if str(doc_kind).removesuffix("-pdf") != kind or doc_sub != submission_id:
            return True
    return False


def _set_aside(
    dept: Department, ledger: Ledger, kind: str, submission_id: int | None, folder: Path,
    stem: str, now: dt.datetime,
) -> list[Path]:
    """Move the earlier copies of a document to ``outbox/.previous/`` (with their time)
    and point their ledger records there; returns the copies that could not move.

    A file the ledger records as another document (another kind, another submission)
    is not an earlier copy and stays.
    """
    kept: list[Path] = []
    for old in _copies(folder, stem):
        rel = relative(dept, old)
        if _another_document(ledger, rel, kind, submission_id):
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
        ledger.move_document(rel, relative(dept, target))
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
        written = temporary(docx.parent)
        try:
            shutil.copyfile(made, written)
            target = place(written, docx.parent, docx.stem, ".pdf")
        finally:
            written.unlink(missing_ok=True)
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

