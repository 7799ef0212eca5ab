"""A file dropped into ``inbox/``: is it one to handle, and is it complete yet?

A workbook is a zip archive, and a zip is written front to back, its *end of central
directory* record last. So a file whose last bytes are that record, pointing at a
central directory that ends right where the record begins, has been written to the
end; with its size and modification time unchanged over a short re-check
(:data:`RECHECK_SECONDS`) and no other program holding it, it is complete and is
handed over at once. Anything else (a copy under way, a legacy ``.xls``, a file
that is not a workbook at all) waits for ``intake.stability_seconds`` of quiet
before it is handed over, to be read or rejected.

Every look here is at the entry itself: a symbolic link is never followed.
"""

from __future__ import annotations

import os
import stat
import struct
from dataclasses import dataclass
from pathlib import Path

from automation.core.inbox_listing import is_candidate

RECHECK_SECONDS = 0.1
"""How long a complete-looking workbook must stay the same size before it is handed over."""

EOCD = b"PK\x05\x06"
EOCD_SIZE = 22
MAX_COMMENT = 0xFFFF
ZIP64_LOCATOR = b"PK\x06\x07"
LOCAL_HEADER = b"PK\x03\x04"
CENTRAL_HEADER = b"PK\x01\x02"
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


# -- which files ----------------------------------------------------------------------


def is_hidden(path: Path) -> bool:
    """A dot file, or a file with the Windows hidden attribute."""
    if path.name.startswith("."):
        return True
    try:
        attributes = getattr(os.lstat(path), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def is_watched(path: Path, inbox: Path) -> bool:
    """Whether ``path`` is a file staff dropped directly into ``inbox``."""
    if os.path.normcase(str(path.parent)) != os.path.normcase(str(inbox)):
        return False
    return is_candidate(path) and not is_hidden(path)


# -- is it complete -------------------------------------------------------------------


def zip_complete(path: Path, size: int) -> bool:
    """Whether the file (of ``size`` bytes) is a zip written to its end.

    Its last bytes are an end-of-central-directory record whose comment ends the
    file, whose central directory ends where the record begins and starts with a
    central directory header, and the file starts with a local file header.
    """
    if size < EOCD_SIZE:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | NO_FOLLOW)
    except OSError:
        return False
    try:
        span = min(size, EOCD_SIZE + MAX_COMMENT)
        tail = _read_at(fd, span, size - span)
        if len(tail) != span or _read_at(fd, 4, 0) != LOCAL_HEADER:
            return False
        offset = _central_directory(tail, size - span)
        if offset is None:
            return False
        return offset < 0 or _read_at(fd, 4, offset) == CENTRAL_HEADER
    except OSError:
        return False
    finally:
        os.close(fd)


def _central_directory(tail: bytes, tail_start: int) -> int | None:
    """Where the central directory starts, per an end record that ends ``tail``; None
    when there is no such record; -1 when the archive is zip64 (its locator checked)."""
    at = tail.rfind(EOCD)
    while at >= 0:
        if at + EOCD_SIZE <= len(tail):
            _, _, _, _, _, cd_size, cd_offset, comment = struct.unpack_from("<IHHHHIIH", tail, at)
            if at + EOCD_SIZE + comment == len(tail):
                if cd_offset == 0xFFFFFFFF or cd_size == 0xFFFFFFFF:
                    locator = at - 20
                    return -1 if locator >= 0 and tail[locator:locator + 4] == ZIP64_LOCATOR \
                        else None
                return cd_offset if cd_offset + cd_size == tail_start + at else None
        at = tail.rfind(EOCD, 0, at)
    return None


def _read_at(fd: int, count: int, offset: int) -> bytes:
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, count)


@dataclass
class Arrival:
    """A nominated file as the watcher last saw it."""

    size: int
    mtime_ns: int
    since: float
    """When its size or modification time last changed (or it was first seen)."""
    complete: bool | None = None
    """:func:`zip_complete` for this size and time (None: not looked yet)."""
    locked: bool = False
    attempts: int = 0
    not_before: float = 0.0

    def changed(self, info: os.stat_result, now: float) -> bool:
        """Note a new look; True when the file changed since the last one."""
        if (info.st_size, info.st_mtime_ns) == (self.size, self.mtime_ns):
            return False
        self.size, self.mtime_ns, self.since, self.complete = (
            info.st_size, info.st_mtime_ns, now, None)
        return True

    def quiet_enough(self, path: Path, now: float, stability: float) -> bool:
        """Unchanged long enough: the short re-check for a complete workbook, the
        stability period for anything else."""
        quiet = now - self.since
        if quiet < min(RECHECK_SECONDS, stability):
            return False
        if self.complete is None:
            self.complete = zip_complete(path, self.size)
        return self.complete or quiet >= stability

    def due(self, stability: float) -> float:
        """The earliest moment it may be ready (for the watcher's wait)."""
        wait = min(RECHECK_SECONDS, stability) if self.complete is not False else stability
        return max(self.since + wait, self.not_before)


def can_open_exclusively(path: Path) -> bool:
    """Whether no other program holds the file (Excel keeps an open workbook locked).

    Windows: open with no sharing (a sharing violation while Excel, a copy or
    anything else has it open). Elsewhere a shared open cannot be seen, so an
    exclusive ``flock`` attempt is all there is; stability is the signal. A
    symbolic link is never opened.
    """
    if os.name == "nt":
        return _windows_exclusive(path)
    try:
        fd = os.open(path, os.O_RDONLY | NO_FOLLOW)
    except OSError:
        return False
    try:
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def _windows_exclusive(path: Path) -> bool:  # pragma: no cover - Windows only
    """Open with no sharing at all: fails while any other program has the file open."""
    try:
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        create = kernel32.CreateFileW
        create.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, wintypes.LPVOID,
                           wintypes.DWORD, wintypes.DWORD, wintypes.HANDLE]
        create.restype = wintypes.HANDLE
    except (AttributeError, OSError, ImportError):
        return _windows_exclusive_crt(path)
    generic_read, no_sharing, open_existing = 0x80000000, 0, 3
    normal, open_reparse_point = 0x80, 0x00200000  # a link itself, never its target
    handle = create(str(path), generic_read, no_sharing, None, open_existing,
                    normal | open_reparse_point, None)
    if handle is None or handle == ctypes.c_void_p(-1).value:
        return False  # sharing violation (Excel, a copy under way) or gone
    kernel32.CloseHandle(handle)
    return True


def _windows_exclusive_crt(path: Path) -> bool:  # pragma: no cover - Windows only
    import msvcrt

    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except OSError:
        return False
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
