"""Names the product gives files, folders and sheets: safe on Windows and in Excel.

Standard library only.
"""

from __future__ import annotations

import hashlib
import re

from automation.text.characters import BIDI_CONTROLS, BOM, CONTROL_RE, DEL_AND_C1, ZERO_WIDTH

__all__ = [
    "INVISIBLE_IN_NAMES_RE",
    "MAX_NAME_CHARS",
    "SHEET_FORBIDDEN",
    "WINDOWS_FORBIDDEN",
    "WINDOWS_FORBIDDEN_RE",
    "WINDOWS_RESERVED",
    "reserved_on_windows",
    "shortened",
    "sheet_name",
    "windows_name",
]

WINDOWS_FORBIDDEN = '<>:"/\\|?*'
"""Characters Windows will not take in a file or folder name."""
WINDOWS_FORBIDDEN_RE = re.compile(f"[{re.escape(WINDOWS_FORBIDDEN)}]")
WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CLOCK$"}
    | {f"COM{i}" for i in range(10)}
    | {f"LPT{i}" for i in range(10)}
)
"""Names Windows will not give a file, whatever its extension (``CON.xlsx``)."""
INVISIBLE_IN_NAMES_RE = re.compile(
    f"[\x00-\x1f{DEL_AND_C1}{ZERO_WIDTH}\u061c\u2060-\u2065{BIDI_CONTROLS}{BOM}]"
)
"""What shows nothing in a file name: every control character (tab and line breaks too),
zero-width characters and marks, the Arabic letter mark, the word joiner and invisible
operators, bidi controls, the BOM. A name holding one looks like another."""

SHEET_FORBIDDEN = "[]:*?/\\"
"""Characters Excel will not take in a sheet name."""
_SHEET_NAME_BAD_RE = re.compile(f"[{re.escape(SHEET_FORBIDDEN)}\t\n\r]")
_ENDS_RE = re.compile(r"^[\s']+|[\s']+$")
"""Spaces and apostrophes at either end (Excel refuses a name that begins or ends with ')."""
MAX_SHEET_NAME = 31


def reserved_on_windows(name: str) -> bool:
    """Whether a file named ``name`` cannot be made on Windows."""
    return name.split(".")[0].upper() in WINDOWS_RESERVED


MAX_NAME_CHARS = 80
"""Longest file or folder name the product makes from a name it was given (a school's):
80 Arabic letters are 160 bytes, well under every file system's 255, and leave room
for the rest of a Windows path."""


def shortened(name: str, limit: int = MAX_NAME_CHARS) -> str:
    """``name`` when it fits in ``limit`` characters; else its start and a short mark of
    the whole (``…-1a2b3c``), so that two long names that start alike stay apart."""
    if len(name) <= limit:
        return name
    mark = hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]
    return f"{name[:limit - len(mark) - 1].rstrip(' .-_')}-{mark}"


def windows_name(text: str, *, replace: str = "_", fallback: str,
                 limit: int = MAX_NAME_CHARS) -> str:
    """``text`` as a file or folder name Windows accepts: invisible characters removed,
    each character Windows forbids replaced by ``replace``, spaces and dots trimmed from
    the ends (Windows drops trailing ones), ``fallback`` when nothing is left, a device
    name (``CON``, ``LPT1.txt``) prefixed with ``_``, and a name longer than ``limit``
    characters :func:`shortened` (the whole name stays inside the file)."""
    name = WINDOWS_FORBIDDEN_RE.sub(replace, INVISIBLE_IN_NAMES_RE.sub("", text)).strip(" .")
    name = shortened(name or fallback, limit)
    return f"_{name}" if reserved_on_windows(name) else name


def sheet_name(name: str) -> str:
    """``name`` made a valid Excel sheet name, before it is made unique: control
    characters removed, the characters Excel forbids (and tab, LF, CR) as ``_``, spaces
    and apostrophes trimmed from the ends, at most 31 characters; "" when nothing is
    left."""
    base = _ENDS_RE.sub("", _SHEET_NAME_BAD_RE.sub("_", CONTROL_RE.sub("", name)))
    return _ENDS_RE.sub("", base[:MAX_SHEET_NAME])
