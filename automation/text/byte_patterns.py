"""Searches over large byte strings (a sheet's XML, a chunk of the ledger's JSON) in
one linear-time pass of RE2, where the google-re2 wheel is installed."""

from __future__ import annotations

from collections.abc import Callable

Search = Callable[[bytes], object]


def re2_search(pattern: bytes) -> Search | None:
    """``pattern``'s search function under RE2 (bytes read as Latin-1, so a class such as
    ``[^"]`` matches any other byte), or None without the wheel: the caller then uses
    Python's ``re``, with the same result."""
    try:
        import re2
    except ImportError:
        return None
    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1
    options.never_capture = True
    return re2.compile(pattern, options).search  # type: ignore[no-any-return]
