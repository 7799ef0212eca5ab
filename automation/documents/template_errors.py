"""What a broken template's error is about, in words staff can act on: the kind of error,
the tag it is in (found in the text of the part Jinja read, one paragraph a line) and
the variable it names. Used by :mod:`automation.documents.render` in the render worker."""

from __future__ import annotations

import re
import traceback
from typing import Any

_TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_OPEN_RE = re.compile(r"\{\{|\{%")
_XML_TAG_RE = re.compile(r"<[^>]+>")


def make_environment() -> Any:
    """The Jinja environment every template renders in: sandboxed, escaping, strict."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def part_sources(tpl: Any) -> list[str]:
    """Body, headers and footers as Jinja sees them: patched by docxtpl, one paragraph
    per line (the numbering of Jinja's error line numbers)."""
    from docx.oxml import parse_xml

    xmls = [tpl.patch_xml(tpl.get_xml())]
    for rel in tpl.docx.part.rels.values():
        if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI) and not rel.is_external:
            xmls.append(tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob))))
    return [re.sub(r"<w:p([ >])", r"\n<w:p\1", xml) for xml in xmls]


def text_lines(source: str) -> list[str]:
    return [_XML_TAG_RE.sub("", line) for line in source.splitlines()]


def parse_parts(tpl: Any, env: Any) -> None:
    """Parse every part; a syntax error carries the text lines of its own part."""
    import jinja2

    for source in part_sources(tpl):
        try:
            env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            exc.eti_lines = text_lines(source)  # type: ignore[attr-defined]
            raise


def _error_line(exc: BaseException) -> int | None:
    lineno = getattr(exc, "lineno", None)
    if lineno:
        return int(lineno)
    for frame, line in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == "<template>":
            lineno = line
    return lineno


_BLOCKS = {"for": "endfor", "if": "endif", "with": "endwith", "macro": "endmacro",
           "call": "endcall", "filter": "endfilter", "block": "endblock"}
_INSIDE = {"elif": ("{% if x %}", "{% endif %}"), "else": ("{% if x %}", "{% endif %}"),
           "endif": ("{% if x %}", ""), "endfor": ("{% for x in y %}", "")}


def _tag_fails(tag: str, env: Any) -> bool:
    """Whether one tag, completed as it needs (``{% if %}`` → ``{% endif %}``), is invalid."""
    import jinja2

    source = tag
    if tag.startswith("{%"):
        word = (tag[2:-2].strip().split() or [""])[0]
        if word in _BLOCKS:
            source = f"{tag}{{% {_BLOCKS[word]} %}}"
        elif word in _INSIDE:
            before, after = _INSIDE[word]
            source = f"{before}{tag}{after}"
    try:
        env.parse(source)
    except jinja2.TemplateSyntaxError:
        return True
    return False


def _syntax_tag(line: str, env: Any) -> str:
    """The tag of a line a syntax error is in: an unclosed one, else one invalid alone."""
    opens = [m.start() for m in _OPEN_RE.finditer(line)]
    for i, start in enumerate(opens):
        segment = line[start:opens[i + 1] if i + 1 < len(opens) else len(line)]
        if ("}}" if segment.startswith("{{") else "%}") not in segment:
            return segment[:30].strip() + ("…" if len(segment) > 30 else "")
    tags = _TAG_RE.findall(line)
    for tag in tags:
        if _tag_fails(tag, env):
            return tag.strip()
    return tags[-1].strip() if tags else ""


def find_tag(lines: list[str], lineno: int | None, name: str | None, env: Any = None) -> str:
    """The tag an error is about: one using ``name``, else the faulty one near its line."""
    if name:
        word = re.compile(rf"\b{re.escape(name)}\b")
        for line in lines:
            for tag in _TAG_RE.findall(line):
                if word.search(tag):
                    return tag.strip()
    if lineno:
        env = env or make_environment()
        for index in range(min(lineno, len(lines)) - 1, max(lineno - 4, 0) - 1, -1):
            tag = _syntax_tag(lines[index], env)
            if tag:
                return tag
    return ""


def describe(exc: BaseException, tpl: Any) -> dict[str, str]:
    """An error in a template as plain values (kind, detail, tag, variable)."""
    import jinja2

    kind = "render"
    name = None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        kind = "syntax"
    elif isinstance(exc, jinja2.UndefinedError):
        kind = "undefined"
        found = re.search(r"'([^']+)' is undefined", str(exc)) or re.search(
            r"has no attribute '([^']+)'", str(exc)
        )
        name = found.group(1) if found else None
    elif isinstance(exc, jinja2.exceptions.SecurityError):
        kind = "unsafe"
    lines: list[str] = getattr(exc, "eti_lines", [])
    if not lines and tpl is not None and tpl.docx is not None:
        try:
            lines = text_lines(part_sources(tpl)[0])
        except Exception:  # noqa: BLE001 - the template may be too broken to read
            lines = []
    return {
        "kind": kind,
        "detail": f"{type(exc).__name__}: {exc}"[:300],
        "tag": find_tag(lines, _error_line(exc), name),
        "name": name or "",
    }


