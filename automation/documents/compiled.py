"""Word templates compiled once per version, and documents written from them directly.

A template *version* is its path with the file's identity (inode, size, modification
and change times): a template staff edit in Word, or replace, is a new version and is
read and compiled again; an unchanged one is read once per render worker.

For each version the worker keeps the template's zip entries (compressed once), the
Jinja source of its body, headers and footers as docxtpl prepares it
(``patch_xml``), and their compiled Jinja templates. A document is then the body
rendered into the kept document part and written straight into a new zip beside the
kept entries — the same XML docxtpl makes, without python-docx reading and writing the
whole package for every document. Where docxtpl would change more than that (a
picture or a chart in the values, a table whose cells a tag adds or removes, tags in
the document properties or footnotes), :func:`render_direct` returns False and the
caller renders with docxtpl itself, still with the compiled templates
(:class:`CompilingEnvironment`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import struct
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape

try:  # deflate and CRC about four times faster than zlib's (a report's body is ~0.9 MB)
    from zlib_ng import zlib_ng as zlib

    FAST_LEVEL = 2
    """zlib-ng's level 2: smaller than zlib's level 1 and still four times faster."""
except ImportError:  # a platform without its wheel: the standard module, the same files
    import zlib  # type: ignore[no-redef]

    FAST_LEVEL = 1

MAX_VERSIONS = 16
"""Template versions a worker keeps (least recently used dropped first)."""
MAX_COMPILED = 64
"""Compiled Jinja sources a worker keeps."""
MAX_PIECES = 8192
"""Printed texts a part keeps encoded."""

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEADER = f"{_REL}/header"
_FOOTER = f"{_REL}/footer"
_DOCUMENT = f"{_REL}/officeDocument"
_TAGS = ("{{", "{%", "{#")
_ROW_RE = re.compile(r"<w:tr[ >].*?</w:tr>", re.S)
_DOCPR_RE = re.compile(r'(<wp:docPr\b[^>]*?\bid=")(\d+)(")')
_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_DICT_NAMES = frozenset(dir(dict))


def version_of(path: Path) -> tuple[str, int, int, int, int]:
    """The key of a template version (:func:`automation.documents.render.version_of`)."""
    from automation.documents.render import version_of as key

    return key(path)


try:
    from markupsafe import _escape_inner as _escape_text
except ImportError:  # another MarkupSafe: its own escape is used
    _escape_text = None  # type: ignore[assignment]


def _escape(value: Any) -> Any:
    """MarkupSafe's ``escape`` of a value a template prints, a text escaped without
    becoming a ``Markup`` first (the output is joined into text either way)."""
    if type(value) is str:
        return _escape_text(value)  # type: ignore[misc]
    return escape(value)


class CompilingEnvironment(SandboxedEnvironment):
    """The sandboxed environment, compiling each template source once."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: OrderedDict[str, Any] = OrderedDict()

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``value.name`` of a context dict, at the cost of a lookup: the sandbox's own
        answer for a name that is not a dict method (it would look up the item too)."""
        if type(obj) is dict and attribute not in _DICT_NAMES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def from_string(self, source: Any, globals: Any = None,  # noqa: A002 - Jinja's name
                    template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        found = self._compiled.get(source)
        if found is None:
            found = super().from_string(source)
            if _escape_text is not None:  # the template's own module: every output
                found.root_render_func.__globals__["escape"] = _escape
            self._compiled[source] = found
            while len(self._compiled) > MAX_COMPILED:
                self._compiled.popitem(last=False)
        else:
            self._compiled.move_to_end(source)
        return found


@dataclass
class _Entry:
    """One zip entry of the template, compressed once."""

    name: str
    crc: int
    size: int
    data: bytes
    method: int


@dataclass
class _Part:
    """A part rendered per document: its Jinja source and what surrounds it (the XML
    declaration, and the document element around the body)."""

    name: str
    source: str
    prefix: bytes = _DECLARATION.encode()
    suffix: bytes = b""
    marks: bool = False
    """Whether the source itself has a tab, break or escaped tag mark (see finish_part)."""
    pictures: bool = False
    names: frozenset[str] = frozenset()
    """The context's names the part uses (a picture is placed in the document part only)."""
    encoded: dict[str, bytes] = field(default_factory=dict)
    """Texts the part's template printed, in UTF-8 (its own texts, and values that
    come again), up to :data:`MAX_PIECES`."""


@dataclass
class Compiled:
    """One template version, ready to render many documents."""

    key: tuple[str, int, int, int, int]
    data: bytes
    entries: list[_Entry] = field(default_factory=list)
    parts: list[_Part] = field(default_factory=list)
    direct: bool = False
    prepared: bool = False
    pictures: dict[tuple[object, ...], _Pictures] = field(default_factory=dict)
    """The same version with pictures added, by the pictures (path, width, file times)."""


@dataclass
class _Pictures:
    """Pictures placed in the document part: the run each one prints and the zip entries
    that hold them (the image files, the part's relationships, the content types)."""

    runs: dict[tuple[str, float], str]
    entries: list[_Entry]


def _deflate(data: bytes, level: int) -> bytes:
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _entry(name: str, data: bytes, level: int = 6) -> _Entry:
    return _Entry(name, zlib.crc32(data), len(data), _deflate(data, level), 8)


def _rels(xml: bytes) -> list[tuple[str, str, str]]:
    """(type, target, mode) of a relationships part."""
    from lxml import etree

    root = etree.fromstring(xml)
    return [(r.get("Type", ""), r.get("Target", ""), r.get("TargetMode", ""))
            for r in root]


def _part_name(base: str, target: str) -> str:
    return os.path.normpath(os.path.join(base, target)).replace(os.sep, "/").lstrip("/")


def compile_template(path: Path, key: tuple[str, int, int, int, int] | None = None, *,
                     direct: bool = True) -> Compiled:
    """Read one template version; and prepare it for the direct path unless not ``direct``
    (a document with a chart: docxtpl renders it, from the bytes read here)."""
    compiled = Compiled(key or version_of(path), Path(path).read_bytes())
    if direct:
        prepare_direct(compiled)
    return compiled


def prepare_direct(compiled: Compiled) -> bool:
    """Prepare ``compiled`` for the direct path (once); whether it applies."""
    from docxtpl import DocxTemplate
    from lxml import etree

    if compiled.prepared:
        return compiled.direct
    compiled.prepared = True
    data = compiled.data
    try:
        import io

        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            blobs = {info.filename: zf.read(info) for info in zf.infolist()}
        main = next(_part_name("", t) for ty, t, m in _rels(blobs["_rels/.rels"])
                    if ty == _DOCUMENT)
        base = main.rsplit("/", 1)[0] if "/" in main else ""
        rels = f"{base}/_rels/{main.rsplit('/', 1)[-1]}.rels"
        sides = [_part_name(base, t) for ty, t, m in _rels(blobs.get(rels, b"<x/>"))
                 if ty in (_HEADER, _FOOTER) and m != "External"]
    except (KeyError, StopIteration, zipfile.BadZipFile, ValueError, etree.XMLSyntaxError):
        return False  # docxtpl reads it (and says what is wrong with it)
    patcher = DocxTemplate("")
    document = etree.fromstring(blobs[main])
    body = document.find(f"{{{_W}}}body")
    whole = etree.tostring(document, encoding="unicode")
    start, end = whole.find("<w:body"), whole.rfind("</w:body>")
    if body is None or start < 0 or end < 0:
        return False
    source = patcher.patch_xml(etree.tostring(body, encoding="unicode"))
    if not _tables_fixed(patcher, source):
        return False
    parts = [_Part(main, source, (_DECLARATION + whole[:start]).encode(),
                   whole[end + len("</w:body>"):].encode(), pictures=True)]
    for name in sides:
        if name in blobs and any(t in blobs[name].decode("utf-8", "replace") for t in _TAGS):
            xml = etree.tostring(etree.fromstring(blobs[name]), encoding="unicode")
            parts.append(_Part(name, patcher.patch_xml(xml)))
    from jinja2 import meta

    for part in parts:
        part.marks = any(m in part.source for m in (*_LISTING, "{_", "_}"))
        try:
            part.names = frozenset(meta.find_undeclared_variables(
                SandboxedEnvironment().parse(part.source)))
        except Exception:  # noqa: BLE001 - a syntax error: docxtpl's way says where
            return False
    rendered = {p.name for p in parts}
    for name, blob in blobs.items():
        if name in rendered:
            continue
        if name.endswith(".xml") and any(t in blob.decode("utf-8", "replace") for t in _TAGS):
            return False  # document properties, footnotes…: docxtpl's way
        compiled.entries.append(_entry(name, blob))
    compiled.parts = parts
    compiled.direct = True
    return True


def _tables_fixed(patcher: Any, source: str) -> bool:
    """Whether docxtpl's table fix would leave every table as it is: no tag inside a
    table row (cells added or removed by a tag) and a template whose grids fit."""
    if any(t in row for row in _ROW_RE.findall(source) for t in ("{%",)):
        return False
    if "gridSpan" not in source and "<w:tbl>" not in source and "<w:tbl " not in source:
        return True
    from lxml import etree

    try:
        before = etree.fromstring(source)
        after = patcher.fix_tables(source)
    except (etree.XMLSyntaxError, ValueError, AttributeError):
        return False
    return etree.tostring(before) == etree.tostring(after)


def _jinja_source(source: str) -> str:
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", source)


_LISTING = ("\t", "\a", "\n", "\f")


def finish_part(patcher: Any, xml: str, *, joined: bool = False, marks: bool = True) -> str:
    """docxtpl's steps after Jinja: the paragraph line breaks joined again (unless the
    source had none: ``joined``), escaped tag marks restored, and tabs, breaks and new
    paragraphs of the values resolved (only when a value has one: the step changes
    nothing otherwise)."""
    if not joined:
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    if not marks:  # neither the source nor a value has one
        return xml
    if "{_" in xml or "_}" in xml:
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%")
        xml = xml.replace("%_}", "%}")
    if any(mark in xml for mark in _LISTING):
        xml = patcher.resolve_listing(xml)
    return xml


def direct_for(compiled: Compiled, context: dict[str, Any]) -> bool:
    """Whether ``context`` can be rendered the direct way: plain values and pictures, the
    pictures printed by the document part only."""
    if not compiled.direct:
        return False
    found = survey(context)
    if not found.plain:
        return False  # a chart or anything else docxtpl places
    return not any(part.names & found.pictured for part in compiled.parts[1:])


@dataclass
class Survey:
    """What one walk through a cleaned context finds (it is walked once per document)."""

    plain: bool
    """Only texts, numbers, booleans and pictures, in dicts and lists: no chart."""
    pictured: frozenset[str]
    """The context's names whose values hold anything but text and numbers."""
    refs: dict[tuple[str, float], Any]
    """The pictures, in the order docxtpl meets them."""
    marked: bool
    """Whether a text has a tab, break, new paragraph or escaped tag mark."""


_LAST: list[Any] = [None, None]


def survey(context: dict[str, Any]) -> Survey:
    """:class:`Survey` of ``context`` (kept for the last context asked about: the checks
    and the render of one document share one walk)."""
    if _LAST[0] is context:
        return _LAST[1]  # type: ignore[no-any-return]
    from automation.documents.render import ImageRef

    texts: list[str] = []
    refs: dict[tuple[str, float], Any] = {}
    pictured: set[str] = set()
    plain_only = True
    for name, value in context.items():
        stack = [value]
        while stack:
            v = stack.pop()
            kind = type(v)
            if kind is str:
                texts.append(v)
            elif kind is dict:
                stack.extend(reversed(v.values()))  # in order: pictures keep theirs
            elif kind is list:
                stack.extend(reversed(v))
            elif kind is int or kind is float or kind is bool:
                pass
            elif isinstance(v, str):
                texts.append(v)
            elif isinstance(v, dict):
                stack.extend(reversed(list(v.values())))
            elif isinstance(v, list):
                stack.extend(reversed(v))
            elif isinstance(v, int | float):
                pass
            else:
                pictured.add(name)
                if isinstance(v, ImageRef):
                    refs[(v.path, v.width_mm)] = v
                else:
                    plain_only = False
    joined = "\0".join(texts)
    marked = any(m in joined for m in (*_LISTING, "{_", "_}"))
    found = Survey(plain_only, frozenset(pictured), refs, marked)
    _LAST[:] = [context, found]
    return found


def _with_runs(value: Any, runs: dict[tuple[str, float], str]) -> Any:
    from markupsafe import Markup

    from automation.documents.render import ImageRef

    if isinstance(value, ImageRef):
        return Markup(runs[(value.path, value.width_mm)])
    if isinstance(value, dict):
        return {k: _with_runs(v, runs) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_runs(v, runs) for v in value]
    return value


def _pictures(compiled: Compiled, refs: dict[tuple[str, float], Any]) -> _Pictures:
    """The template version with ``refs`` placed in its document part, as docxtpl places
    an ``InlineImage`` (python-docx adds the image once; a missing file prints "")."""
    import io

    from docx import Document
    from docx.shared import Mm

    key: list[object] = []
    for (path, width), _ref in sorted(refs.items()):
        try:
            info = os.stat(path)
            key.append((path, width, info.st_mtime_ns, info.st_size))
        except OSError:
            key.append((path, width, None, None))
    found = compiled.pictures.get(tuple(key))
    if found is not None:
        return found
    document = Document(io.BytesIO(compiled.data))
    runs: dict[tuple[str, float], str] = {}
    for (path, width), _ref in refs.items():
        if not Path(path).is_file():
            runs[(path, width)] = ""
            continue
        inline = document.part.new_pic_inline(path, Mm(width), None).xml
        runs[(path, width)] = (f"</w:t></w:r><w:r><w:drawing>{inline}</w:drawing></w:r><w:r>"
                               '<w:t xml:space="preserve">')
    saved = io.BytesIO()
    document.save(saved)
    rendered = {p.name for p in compiled.parts}
    with zipfile.ZipFile(saved) as zf:
        entries = [_entry(info.filename, zf.read(info)) for info in zf.infolist()
                   if info.filename not in rendered]
    found = _Pictures(runs, entries)
    compiled.pictures[tuple(key)] = found
    while len(compiled.pictures) > 4:
        compiled.pictures.pop(next(iter(compiled.pictures)))
    return found


def render_direct(compiled: Compiled, env: SandboxedEnvironment, context: dict[str, Any],
                  out: Path, patcher: Any) -> None:
    """Render ``compiled`` with ``context`` (plain values and pictures,
    :func:`direct_for`) and write ``out``.

    A Jinja error propagates, carrying the text lines of the part it is in
    (``eti_lines``) for the message naming the tag."""
    rendered: list[_Entry] = []
    found = survey(context)
    marked = found.marked  # a picture's run has line breaks, but outside any text
    refs = found.refs
    kept = compiled.entries
    if refs:
        pictures = _pictures(compiled, refs)
        context = {**context, **{name: _with_runs(context[name], pictures.runs)
                                 for name in found.pictured}}
        kept = pictures.entries
    for part in compiled.parts:
        template = env.from_string(part.source)
        data = None if part.marks or marked else _encoded(template, context, part)
        if data is not None:  # nothing for docxtpl's steps after Jinja to change
            if part.pictures and b"<wp:docPr" in data:
                data = _renumber_pictures(data.decode("utf-8")).encode("utf-8")
            rendered.append(_entry_of(part.name, (part.prefix, data, part.suffix)))
            continue
        try:  # docxtpl's paragraphs one a line serve error messages only: left out here
            xml = template.render(context)
        except Exception as first:
            from automation.documents.template_errors import text_lines

            error: Exception = first
            source = _jinja_source(part.source)
            try:  # the same error again, with lines counted as docxtpl counts them
                env.from_string(source).render(context)
            except Exception as again:  # noqa: BLE001
                error = again
            error.eti_lines = text_lines(source)  # type: ignore[attr-defined]
            raise error from None
        xml = finish_part(patcher, xml, joined=True, marks=part.marks or marked)
        if part.pictures and "<wp:docPr" in xml:
            xml = _renumber_pictures(xml)
        rendered.append(_entry_of(part.name, (part.prefix, xml.encode("utf-8"), part.suffix)))
    write_zip(out, [*rendered, *kept])


def _encoded(template: Any, context: dict[str, Any], part: _Part) -> bytes | None:
    """The part rendered, in UTF-8: the template's own texts (nearly all of a document's
    XML; the same objects document after document) encoded once, only the values each
    time. None on any error: the caller renders again the usual way, which reports it."""
    known = part.encoded
    pieces: list[bytes] = []
    add = pieces.append
    try:
        for piece in template.root_render_func(template.new_context(context)):
            data = known.get(piece)
            if data is None:
                data = piece.encode("utf-8")
                if len(known) < MAX_PIECES:
                    known[piece] = data
            add(data)
    except Exception:  # noqa: BLE001 - reported by the usual render
        return None
    return b"".join(pieces)


def _renumber_pictures(xml: str) -> str:
    """docxtpl's ``fix_docpr_ids``: the body's pictures numbered 1001, 1002… (unique)."""
    counter = iter(range(1001, 10**9))
    return _DOCPR_RE.sub(lambda m: f"{m.group(1)}{next(counter)}{m.group(3)}", xml)


def _entry_of(name: str, pieces: tuple[bytes, ...], level: int = FAST_LEVEL) -> _Entry:
    """A zip entry of ``pieces`` one after another (never joined in memory)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    crc, size, data = 0, 0, []
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
        size += len(piece)
        data.append(packer.compress(piece))
    data.append(packer.flush())
    return _Entry(name, crc, size, b"".join(data), 8)


def write_zip(out: Path, entries: list[_Entry]) -> None:
    """A zip of ``entries`` (already compressed) at ``out``."""
    now = dt.datetime.now()
    when = (now.hour << 11) | (now.minute << 5) | (now.second // 2)
    day = ((max(now.year, 1980) - 1980) << 9) | (now.month << 5) | now.day
    local, central = bytearray(), bytearray()
    for e in entries:
        name = e.name.encode("utf-8")
        flags = 0x800 if not e.name.isascii() else 0
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, e.method, when, day,
                             e.crc, len(e.data), e.size, len(name), 0)
        local += name
        local += e.data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, e.method,
                               when, day, e.crc, len(e.data), e.size, len(name), 0, 0, 0, 0,
                               0, offset)
        central += name
    tail = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                       len(central), len(local), 0)
    with open(out, "wb") as fh:
        fh.write(bytes(local) + bytes(central) + tail)


class Versions:
    """The template versions one worker keeps, least recently used dropped first."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[str, int, int, int, int], Compiled] = OrderedDict()

    def get(self, path: Path, *, direct: bool = True) -> Compiled:
        """The version of ``path`` now, read once (prepared for the direct path once
        one of its documents may take it)."""
        key = version_of(path)
        found = self._kept.get(key)
        if found is None:
            found = compile_template(path, key, direct=direct)
            self._kept[key] = found
            while len(self._kept) > MAX_VERSIONS:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(key)
            if direct:
                prepare_direct(found)
        return found


def plain(value: Any, *, pictures: bool = True) -> bool:
    """Whether a cleaned context holds only plain values (and pictures, unless not
    ``pictures``): no chart."""
    if isinstance(value, dict):
        return all(plain(v, pictures=pictures) for v in value.values())
    if isinstance(value, list):
        return all(plain(v, pictures=pictures) for v in value)
    if isinstance(value, str | int | float | bool):
        return True
    if pictures:
        from automation.documents.render import ImageRef

        return isinstance(value, ImageRef)
    return False
