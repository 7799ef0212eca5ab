"""Locks between processes working on one department folder (a lock file in data/)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive(path: Path, *, wait: bool = True, timeout: float = 3600.0) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` for the block.

    With ``wait`` the call blocks until the other holder lets go (up to
    ``timeout`` seconds); without, it raises ``BlockingIOError`` at once. The
    operating system releases the lock when its process dies, however it dies.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+b")  # noqa: SIM115 - held for the block
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                _lock(handle.fileno())
                break
            except OSError as exc:
                if not wait or time.monotonic() > deadline:
                    raise BlockingIOError(f"{path} is held by another process") from exc
                time.sleep(0.2)
        yield
    finally:
        handle.close()


def _lock(fd: int) -> None:
    if os.name == "nt":  # pragma: no cover - Windows only
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
