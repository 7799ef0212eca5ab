"""The one table of limits on what a dropped file may cost to read.

Every check of :mod:`automation.intake.safety` (and the modules it uses) reads its
bound from :class:`Limits`; the staff messages name the bound that was passed
(:mod:`automation.intake.messages`), in the words of :func:`size_text`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from automation.core.messages import unreadable

__all__ = ["DEFAULT_LIMITS", "MB", "Deadline", "Limits", "size_text"]

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on what a dropped workbook may cost to read.

    ========================  =================================================================
    ``max_file_bytes``        the file on disk
    ``max_uncompressed``      all zip entries together, as they really inflate (never as
                              their headers declare: an entry inflating past its declared
                              size is refused the moment it does)
    ``max_ratio``             inflated ÷ compressed, for every entry over ``ratio_floor``
                              bytes and for the whole archive once over ``ratio_floor``
    ``max_entries``           zip entries (parts)
    ``max_rows``              the last row holding a value (not the declared dimension)
    ``max_columns``           the last column holding a value
    ``max_cells``             the dense matrix the reader builds (height × width of the
                              values), and the XML elements streamed per sheet (twice it)
    ``max_depth``             nesting of XML elements in a sheet
    ``max_seconds``           wall-clock time for one file
    ``head_bytes``            bytes of each XML part read to check its prolog
    ``max_small_xml``         a structural part read whole (workbook, relationships, …)
    ========================  =================================================================
    """

    max_file_bytes: int = 50 * MB
    max_uncompressed: int = 200 * MB
    max_ratio: int = 200
    max_entries: int = 2000
    max_rows: int = 100_000
    max_columns: int = 500
    max_cells: int = 5_000_000
    max_depth: int = 64
    max_seconds: float = 30.0
    ratio_floor: int = 1 * MB
    head_bytes: int = 4096
    max_small_xml: int = 16 * MB


DEFAULT_LIMITS = Limits()


def size_text(size: int) -> str:
    """A size as people say it: ``50 MB``, ``12 KB``, ``900 bytes`` (the same in Arabic
    text, where Latin units are what Excel and Windows show)."""
    if size >= MB:
        return f"{size / MB:.0f} MB" if size % MB == 0 or size >= 10 * MB else f"{size / MB:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


class Deadline:
    """A wall-clock budget; :meth:`check` raises ``too-slow`` once it is spent."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise unreadable("too-slow", "reading the workbook took longer than allowed",
                             limit=f"{self.seconds:g}")
