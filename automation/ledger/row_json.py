"""Rows' values as the ledger stores them (JSON text) and reads them back, fast.

Reading 100,000 rows back is most of what a register or a figure costs: the JSON of a
few thousand rows is parsed in one call, repeated texts can be shared, and the cycle
collector is paused meanwhile.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import orjson

from automation.text.byte_patterns import re2_search


def to_json(values: dict[str, object]) -> str:
    """Typed row values as JSON, keys sorted: dates as ISO text, decimals as text."""
    try:
        return orjson.dumps(values, default=str, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:  # orjson.JSONEncodeError: an integer past 64 bits, say
        return json.dumps(values, ensure_ascii=False, default=str, sort_keys=True,
                          separators=(",", ":"))


ROWS_PER_PARSE = 2000
"""Ledger rows whose JSON is parsed in one call when reading rows back."""


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: reading 100,000 rows (dicts and tuples of text,
    no cycles among them) would otherwise set it scanning the whole heap again and
    again, half of the reading time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_FLOAT_OF_A_BIG_INTEGER = 2.0**63
"""orjson reads an integer past 64 bits (which :func:`to_json` writes with json) as a
float at least this large; a row's data holds no float of its own that large."""


_LONG_DIGITS = re2_search(rb"[0-9]{19}") or re.compile(rb"[0-9]{19}").search
"""Where an integer past 64 bits may be: 2**63 has 19 digits (RE2 searches a chunk of
rows ten times faster than ``re``)."""


def parse_rows(
    text: bytes, one: Callable[[object, object], object] | None
) -> list[dict[str, object]]:
    """A JSON array of rows' data; with ``one``, each repeated text made one object by it.

    orjson reads it; json again when orjson refuses it (NaN) or may have read a big
    integer as a float (only where the text holds 19 digits in a row).
    """
    try:
        datas = orjson.loads(text)
    except orjson.JSONDecodeError:
        datas = None
    if datas is None or (_LONG_DIGITS(text) and _has_big_float(datas)):
        datas = json.loads(text)
    if one is not None:
        for data in datas:
            for key, value in data.items():
                if type(value) is str:
                    data[key] = one(value, value)
    return datas  # type: ignore[no-any-return]


def _has_big_float(datas: list[dict[str, object]]) -> bool:
    """Whether a value is a float at least :data:`_FLOAT_OF_A_BIG_INTEGER` (or NaN)."""
    return any(type(value) is float and not abs(value) < _FLOAT_OF_A_BIG_INTEGER  # type: ignore[operator]
               for data in datas for value in data.values())
