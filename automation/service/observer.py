"""Where file events come from: the operating system's, or polling on a network share.

Events only *nominate* a path (:class:`InboxEvents`); the watcher decides. A network
share (a UNC path, a mapped drive, an nfs/cifs/smb mount) sends no reliable events,
so it is polled.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p", "davfs",
    "fuse.davfs2", "fuse.sshfs", "sshfs", "ceph", "glusterfs", "fuse.glusterfs", "lustre",
})


def _unescape_mount(text: str) -> str:
    """/proc/mounts writes a space as ``\\040``."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and text[i + 1 : i + 4].isdigit():
            out.append(chr(int(text[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def mount_type(path: str, mounts: str) -> str:
    """The file-system type of the mount holding ``path``, per /proc/mounts text."""
    best, fstype = "", ""
    target = path.rstrip("/") + "/"
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = _unescape_mount(parts[1]).rstrip("/") + "/"
        if target.startswith(point) and len(point) > len(best):
            best, fstype = point, parts[2]
    return fstype


def is_network_path(path: Path, *, mounts: str | None = None, platform: str = sys.platform) -> bool:
    """UNC paths, mapped network drives (Windows), nfs/cifs/smb mounts (Linux)."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    if platform == "win32":
        return _windows_remote_drive(text)
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return mount_type(text, mounts).lower() in NETWORK_FILESYSTEMS


def _windows_remote_drive(text: str) -> bool:  # pragma: no cover - Windows only
    if len(text) < 2 or text[1] != ":":
        return False
    try:
        import ctypes

        drive_remote = 4
        return ctypes.windll.kernel32.GetDriveTypeW(text[:2] + "\\") == drive_remote  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return False


def make_observer(inbox: Path, poll: bool) -> tuple[BaseObserver, str]:
    """The observer for ``inbox`` and its kind (``polling`` on network shares)."""
    if poll or is_network_path(inbox):
        return PollingObserver(timeout=1.0), "polling"
    return Observer(), "native"


class InboxEvents(FileSystemEventHandler):
    """File events only nominate a path; the loop decides."""

    def __init__(self, nominate: Callable[[Path], None]) -> None:
        self.nominate = nominate

    def _put(self, raw: bytes | str) -> None:
        if raw:
            self.nominate(Path(os.fsdecode(raw)))

    def on_created(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._put(event.src_path)

    def on_modified(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._put(event.src_path)

    def on_moved(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._put(event.dest_path)

    def on_closed(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._put(event.src_path)
