"""The zip container of a workbook, checked without trusting what its headers declare.

:func:`open_zip` checks the central directory (names, entry count, declared sizes and
ratios) before anything is inflated. Declared sizes are only claims: every entry a
parser may read is then inflated here, once, by :func:`inflate` (whole, for small
parts) or :func:`stream` (in chunks), with a cap on the bytes *actually produced*:
an entry whose deflate stream goes on past its declared size is refused the moment
it does (``hostile-zip``), one that ends short of it or fails its CRC is ``corrupt``.
:func:`verify_entries` runs every entry through that check before calamine or
openpyxl (whose zip readers do trust the headers) see the archive.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass

from automation.core.messages import unreadable
from automation.intake.limits import Limits, size_text

__all__ = [
    "CHUNK",
    "PartMemo",
    "foreign_entry",
    "forward_slashes",
    "inflate",
    "inflate_head",
    "open_zip",
    "raw_entry",
    "read_head",
    "stream",
    "verify_entries",
]

CHUNK = 1 << 16
"""Bytes inflated at a time."""


def _end_of_central_directory(data: bytes) -> int:
    """Offset of the end-of-central-directory record, or -1."""
    return data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))


def _declared_entries(data: bytes, eocd: int) -> tuple[int, int]:
    """(entry count, central directory size) as the archive declares them."""
    if eocd + 22 > len(data):
        raise unreadable("corrupt", "truncated end of central directory")
    entries, cd_size = struct.unpack_from("<HI", data, eocd + 10)
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        locator = eocd - 20
        if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
            (offset,) = struct.unpack_from("<Q", data, locator + 8)
            if offset + 56 <= len(data) and data[offset : offset + 4] == b"PK\x06\x06":
                entries, cd_size = struct.unpack_from("<QQ", data, offset + 32)
    return entries, cd_size


def open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The archive of ``data`` once its central directory passed :func:`_check_entries`."""
    eocd = _end_of_central_directory(data)
    if eocd < 0:
        raise unreadable("corrupt", "zip archive without a central directory (truncated?)")
    entries, cd_size = _declared_entries(data, eocd)
    if entries > limits.max_entries or cd_size > limits.max_entries * 1024:
        raise unreadable("too-many-parts", f"zip declares {entries} entries ({cd_size} bytes)",
                         count=entries, limit=limits.max_entries)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise unreadable("corrupt", f"bad zip archive: {exc}") from exc
    try:
        _check_entries(archive.infolist(), limits)
    except BaseException:
        archive.close()
        raise
    return archive


_DRIVE_RE = re.compile(r"^[A-Za-z]:")


def _check_entries(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Zip bomb and structure checks on the central directory (nothing is inflated)."""
    if len(infos) > limits.max_entries:
        raise unreadable("too-many-parts", f"zip has {len(infos)} entries",
                         count=len(infos), limit=limits.max_entries)
    total = compressed = 0
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or _DRIVE_RE.match(name) or "\x00" in name:
            raise unreadable("hostile-zip", f"zip entry with an unsafe name {name!r}")
        if name.lower() in seen:
            raise unreadable("hostile-zip", f"duplicate zip entry {name!r}")
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            raise unreadable("encrypted", f"zip entry {name!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise unreadable("cannot-read", f"zip entry {name!r} uses method {info.compress_type}",
                             format=f"ZIP (method {info.compress_type})")
        if info.file_size > limits.ratio_floor and (
            info.file_size > limits.max_ratio * max(info.compress_size, 1)
        ):
            raise unreadable(
                "zip-bomb",
                f"zip entry {name!r} inflates {info.compress_size} -> {info.file_size} bytes",
                limit=limits.max_ratio,
            )
        total += info.file_size
        compressed += info.compress_size
        if total > limits.max_uncompressed:
            raise unreadable("content-too-large",
                             f"zip inflates to over {limits.max_uncompressed} bytes",
                             limit=size_text(limits.max_uncompressed))
    if total > limits.ratio_floor and total > limits.max_ratio * max(compressed, 1):
        raise unreadable("zip-bomb", f"zip inflates {compressed} -> {total} bytes in total",
                         limit=limits.max_ratio)


# ------------------------------------------------------------ names


def foreign_entry(name: str) -> bool:
    """An entry no spreadsheet program wrote or reads: what a Mac adds when it zips a
    folder again (``__MACOSX/`` and its ``._`` AppleDouble blobs of file attributes,
    ``.DS_Store``) or Windows' ``Thumbs.db``. The safety checks ignore them (they are
    still inflated within the limits)."""
    parts = name.replace("\\", "/").split("/")
    return (parts[0] == "__MACOSX" or any(p.startswith("._") for p in parts)
            or parts[-1] in (".DS_Store", "Thumbs.db"))


def forward_slashes(data: bytes, archive: zipfile.ZipFile) -> bytes | None:
    """The archive's bytes with the backslashes of its entry names made slashes
    (``xl\\workbook.xml``, as some Windows tools zip a workbook again), in the central
    directory and in each local header — a byte for a byte, so nothing moves and no CRC
    changes; None when no name has one. (Python on Windows reads such names with
    slashes already; elsewhere, and for the parsers, they must be mended.)"""
    infos = archive.infolist()
    if not any("\\" in info.orig_filename for info in infos):
        return None
    fixed = bytearray(data)

    def mend(start: int, length: int) -> None:
        fixed[start : start + length] = fixed[start : start + length].replace(b"\\", b"/")

    position = archive.start_dir
    for info in infos:
        offset = info.header_offset
        if data[offset : offset + 4] == b"PK\x03\x04" and offset + 30 <= len(data):
            (length,) = struct.unpack_from("<H", data, offset + 26)
            mend(offset + 30, length)
        if data[position : position + 4] != b"PK\x01\x02":
            raise unreadable("corrupt", "central directory record missing")
        length, extra, comment = struct.unpack_from("<HHH", data, position + 28)
        mend(position + 46, length)
        position += 46 + length + extra + comment
    return bytes(fixed)


# ------------------------------------------------------------ one entry's bytes


def raw_entry(data: bytes, info: zipfile.ZipInfo) -> memoryview | None:
    """An entry's bytes as stored in the archive (compressed), or None when its local
    header is not where the central directory says."""
    offset = info.header_offset
    if data[offset : offset + 4] != b"PK\x03\x04" or offset + 30 > len(data):
        return None
    name_length, extra_length = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_length + extra_length
    if start + info.compress_size > len(data):
        return None
    return memoryview(data)[start : start + info.compress_size]


def stream(data: bytes, info: zipfile.ZipInfo, chunk: int = CHUNK) -> Iterator[bytes]:
    """An entry's inflated bytes, ``chunk`` at a time, checked as they come: never more
    than its declared size (``hostile-zip`` the moment the stream goes past it), exactly
    that size at its end, and its CRC (``corrupt`` otherwise)."""
    name, declared = info.filename, info.file_size
    raw = raw_entry(data, info)
    if raw is None:
        raise unreadable("corrupt", f"{name}: local header missing or entry cut short")
    crc = produced = 0
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) != declared:
            raise unreadable("hostile-zip" if len(raw) > declared else "corrupt",
                             f"{name}: stored {len(raw)} bytes, declared {declared}")
        for start in range(0, len(raw), chunk):
            piece = bytes(raw[start : start + chunk])
            crc = zlib.crc32(piece, crc)
            yield piece
    else:
        inflater = zlib.decompressobj(-15)
        pos = 0
        try:
            while not inflater.eof:
                if inflater.unconsumed_tail:
                    piece = inflater.decompress(inflater.unconsumed_tail, chunk)
                elif pos < len(raw):
                    piece = inflater.decompress(raw[pos : pos + chunk], chunk)
                    pos += chunk
                else:
                    break
                produced += len(piece)
                if produced > declared:
                    raise unreadable("hostile-zip",
                                     f"{name} inflates past its declared {declared} bytes")
                crc = zlib.crc32(piece, crc)
                if piece:
                    yield piece
        except zlib.error as exc:
            raise unreadable("corrupt", f"cannot inflate {name}: {exc}") from exc
        if not inflater.eof or produced != declared:
            raise unreadable("corrupt", f"{name} inflates to {produced} bytes, not the "
                             f"declared {declared} (truncated?)")
    if crc != info.CRC:
        raise unreadable("corrupt", f"{name}: CRC mismatch")


def inflate(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A whole entry, checked by :func:`stream` (the caller bounds its declared size)."""
    return b"".join(stream(data, info, max(CHUNK, min(info.file_size, 1 << 22))))


def inflate_head(data: bytes, info: zipfile.ZipInfo, size: int) -> bytes | None:
    """The first ``size`` bytes of an entry, inflated from the archive's bytes without
    the zipfile machinery; None when its local header is not where the directory says
    (zipfile then reads it, and reports what is wrong)."""
    raw = raw_entry(data, info)
    if raw is None:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        return bytes(raw[:size])
    try:
        return zlib.decompressobj(-15).decompress(raw, size)
    except zlib.error as exc:
        raise unreadable("corrupt", f"cannot inflate {info.filename}: {exc}") from exc


def read_head(archive: zipfile.ZipFile, name: str, size: int) -> bytes:
    """The first ``size`` bytes of an entry through zipfile (which stops at the declared
    size); ``corrupt`` when it cannot be inflated."""
    try:
        with archive.open(name) as part:
            return part.read(size)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
        raise unreadable("corrupt", f"cannot inflate {name}: {exc}") from exc
    except Exception as exc:  # zlib.error and friends
        raise unreadable("corrupt", f"cannot inflate {name}: {exc!r}") from exc


# ------------------------------------------------------------ every entry


class PartMemo:
    """What was found in a small part, remembered by its exact stored bytes (:meth:`key`,
    or other exact bytes as the key): copies of one blank form share their styles, theme,
    ``_meta`` and workbook parts byte for byte. Bounded: when full it starts again (parts
    seen once, such as a file's own properties, would otherwise keep out the blank forms
    of later months)."""

    def __init__(self, max_stored: int = 4_096, max_entries: int = 2_000) -> None:
        self._found: dict[Hashable, object] = {}
        self._max_stored = max_stored
        self._max_entries = max_entries

    def key(self, data: bytes, info: zipfile.ZipInfo) -> tuple[int, bytes] | None:
        """The part's key (its compression and stored bytes), None when too large to keep."""
        if info.compress_size > self._max_stored:
            return None
        raw = raw_entry(data, info)
        return None if raw is None else (info.compress_type, bytes(raw))

    def __contains__(self, key: Hashable) -> bool:
        return key in self._found

    def get(self, key: Hashable) -> object:
        return self._found[key]

    def add(self, key: Hashable, found: object) -> None:
        if len(self._found) >= self._max_entries:
            self._found.clear()
        self._found[key] = found


@dataclass(frozen=True)
class _Verified:
    size: int
    crc: int


_VERIFIED = PartMemo()
"""Small parts known to inflate to exactly (size, CRC): the same stored bytes always do."""


def verify_entries(
    data: bytes, archive: zipfile.ZipFile, skip: Callable[[str], bool] = lambda name: False
) -> None:
    """Inflate every entry (but those ``skip`` names, which their reader streams through
    :func:`stream` itself) with the cap of :func:`stream`, keeping none of it."""
    for info in archive.infolist():
        if info.is_dir() or skip(info.filename):
            continue
        key = _VERIFIED.key(data, info)
        if key is not None and key in _VERIFIED:
            if _VERIFIED.get(key) == _Verified(info.file_size, info.CRC):
                continue
        for _ in stream(data, info):
            pass
        if key is not None:
            _VERIFIED.add(key, _Verified(info.file_size, info.CRC))
