"""What waits in ``inbox/``: the files staff dropped, and what is not a file at all.

Only regular files are ever listed, claimed or read. A symbolic link, a folder or
anything else that is not a regular file is never followed or read: it is reported
(:func:`not_files`: ``eti status``, the digest, ``eti process --json``) and left for
staff, with a message saying to copy the file itself. Every look at an entry is an
``lstat`` of the entry itself.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from automation.core.department import Department

IGNORED_SUFFIXES = (".tmp", ".crdownload", ".part", ".partial", ".errors.xlsx", ".download")
"""Files a browser, Excel or the product itself is still writing or keeps beside."""


def is_candidate(path: Path) -> bool:
    """Whether a file in the inbox is one staff dropped (not Excel's or a browser's)."""
    name = path.name
    lower = name.lower()
    return not (
        name.startswith(("~$", ".", "~"))
        or lower.endswith(IGNORED_SUFFIXES)
        or lower in ("thumbs.db", "desktop.ini")
    )


def waiting_files(dept: Department) -> list[Path]:
    """Regular files in the inbox waiting to be handled, oldest first (a symbolic link,
    a folder or anything else that is not a regular file is never listed: see
    :func:`not_files`)."""
    found: list[tuple[float, str, Path]] = []
    try:
        with os.scandir(dept.inbox) as entries:  # one system call per file, not three
            for entry in entries:
                path = Path(entry.path)
                try:
                    if entry.is_file(follow_symlinks=False) and is_candidate(path):
                        found.append((entry.stat(follow_symlinks=False).st_mtime, entry.name,
                                      path))
                except OSError:  # gone meanwhile
                    continue
    except FileNotFoundError:
        return []
    return [path for _, _, path in sorted(found)]


PRODUCT_FOLDERS = frozenset({"processed", "rejected", ".claimed"})
"""The product's own folders inside ``inbox/``."""


@dataclass(frozen=True)
class NotAFile:
    """Something in the inbox that is not a regular file: never followed nor read, left
    for staff with what to do."""

    name: str
    kind: str
    """``link`` (a symbolic link or junction), ``broken-link``, ``folder``, ``other``."""

    @property
    def message_ar(self) -> str:
        return NOT_A_FILE_AR[self.kind].format(name=self.name)

    @property
    def message_en(self) -> str:
        return NOT_A_FILE_EN[self.kind].format(name=self.name)

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "kind": self.kind, "message": self.message_ar,
                "message_en": self.message_en}


NOT_A_FILE_AR = {
    "link": "«{name}» اختصار (رابط) إلى ملف في مكان آخر وليس ملفاً، فلا يفتحه البرنامج ولا "
            "يقرؤه. انسخ الملف نفسه إلى مجلد inbox ثم احذف الاختصار.",
    "broken-link": "«{name}» اختصار (رابط) إلى ملف لم يعد موجوداً، فلا يقرؤه البرنامج. انسخ "
                   "الملف نفسه إلى مجلد inbox ثم احذف الاختصار.",
    "folder": "«{name}» مجلد وليس ملفاً، فلا يقرأ البرنامج ما بداخله. انسخ الملفات نفسها "
              "مباشرة إلى مجلد inbox ثم احذف المجلد.",
    "other": "«{name}» ليس ملفاً عادياً، فلا يقرؤه البرنامج. انسخ الملف نفسه إلى مجلد inbox "
             "ثم احذف هذا العنصر.",
}
NOT_A_FILE_EN = {
    "link": "{name} is a symbolic link, not a file: it is never followed or read; copy the "
            "file itself into inbox/ and remove the link",
    "broken-link": "{name} is a symbolic link to nothing: copy the file itself into inbox/ "
                   "and remove the link",
    "folder": "{name} is a folder, not a file: what it holds is never read; copy the files "
              "themselves into inbox/ and remove the folder",
    "other": "{name} is not a regular file (a device, pipe or socket): it is never read; copy "
             "the file itself into inbox/",
}


def _kind(path: Path, info: os.stat_result) -> str:
    if stat.S_ISLNK(info.st_mode) or is_junction(path):
        return "link" if os.path.exists(path) else "broken-link"
    return "folder" if stat.S_ISDIR(info.st_mode) else "other"


def is_junction(path: Path) -> bool:
    check = getattr(os.path, "isjunction", None)  # Windows junctions (Python 3.12+)
    return bool(check and check(path))


def not_files(dept: Department) -> list[NotAFile]:
    """Symbolic links, folders and anything else in the inbox that is not a regular file
    (the product's own folders and hidden names aside), by name. Only their own entry
    is looked at (``lstat``): a link is never followed."""
    found = []
    try:
        with os.scandir(dept.inbox) as entries:
            for entry in entries:
                if entry.name in PRODUCT_FOLDERS or entry.name.startswith((".", "~$")):
                    continue
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                path = Path(entry.path)
                if stat.S_ISREG(info.st_mode) and not is_junction(path):
                    continue
                found.append(NotAFile(entry.name, _kind(path, info)))
    except OSError:
        return []
    return sorted(found, key=lambda item: item.name)


def is_regular(path: Path) -> bool:
    """Whether ``path`` itself (not what it may point to) is a regular file."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode) and not is_junction(path)
    except OSError:
        return False
