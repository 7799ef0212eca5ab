"""Claiming a waiting file: only a regular file, and always its own bytes."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from automation.core.inbox_listing import is_junction


def take_file(path: Path, target: Path) -> bool:
    """Move one waiting file into the work area; False when it is not a regular file.

    Only a regular file is taken, and what is taken is always the file's own bytes: a
    symbolic link (or anything else) put in its place meanwhile is put back unread,
    and a file with other hard links elsewhere is copied (its copy kept, its inbox
    name removed), so that what ``processed/`` keeps can never change afterwards.
    """
    before = os.lstat(path)
    if not stat.S_ISREG(before.st_mode) or is_junction(path):
        return False
    if before.st_nlink > 1:
        shutil.copy2(path, target, follow_symlinks=False)
        try:
            os.unlink(path)
        except OSError:
            target.unlink(missing_ok=True)
            raise
        return True
    os.rename(path, target)
    after = os.lstat(target)
    if stat.S_ISREG(after.st_mode) and after.st_nlink == 1:
        return True
    # swapped for a link or given a second name between the two looks: put it back
    os.rename(target, path)
    return False
