"""Fill a Word template with values, safely: sandboxed, escaped, in a child process.

Templates in a department's ``templates_docx/`` are edited by staff in Word, so
a template is treated as untrusted input:

- values are cleaned (control characters stripped, ``None`` → ``""``) and
  rendered with ``autoescape=True`` (``& < > "`` stay literal, nothing becomes XML);
- Jinja runs in a :class:`~jinja2.sandbox.SandboxedEnvironment` with
  :class:`~jinja2.StrictUndefined` (a misspelt variable is an error, not a blank);
- rendering happens in a child process (forked by a one-shot command, else from a
  forkserver where available, else spawned; see :func:`start_method`) that is
  stopped after ``timeout`` seconds;
- any failure becomes a :class:`~automation.core.errors.TemplateError` with Arabic
  and English messages naming the template and the tag.

Images (the logo) travel as :class:`ImageRef` file paths and become docxtpl
``InlineImage`` objects inside the child; charts travel as
:class:`~automation.documents.charts.Chart` values and become native Word charts
(:class:`~automation.documents.charts.InlineChart`) there.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing as mp
import os
import re
import struct
import sys
import tempfile
import threading
import traceback
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from automation.core.errors import TemplateError
from automation.documents.charts import Chart, InlineChart, ltr_chart_paragraphs
from automation.text.characters import DOCUMENT_CONTROL_RE
from automation.text.dates import format_date

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60.0

_TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_OPEN_RE = re.compile(r"\{\{|\{%")
_XML_TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class ImageRef:
    """An image file to place in the document, ``width_mm`` wide."""

    path: str
    width_mm: float = 150.0


# -- values ------------------------------------------------------------------------------


def clean_str(text: str) -> str:
    """Text safe for a Word document: control, bidi-override and invalid characters removed.

    Line breaks are kept (``\\n`` becomes a line break in Word); tabs become spaces.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return DOCUMENT_CONTROL_RE.sub("", text)


def clean_value(value: object) -> Any:
    """A context value made safe: strings cleaned, ``None`` → ``""``, dates shown as staff
    read them, containers cleaned recursively, a chart's texts cleaned; images, numbers
    and booleans kept."""
    if value is None:
        return ""
    if isinstance(value, ImageRef | bool | int | float):
        return value
    if isinstance(value, Chart):
        return value.with_texts(clean_str)
    if isinstance(value, str):
        return clean_str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return f"{format_date(value.date())} {value:%H:%M}"
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, dict):
        return {str(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [clean_value(v) for v in value]
    return clean_str(str(value))


# -- the child process ----------------------------------------------------------------


def make_environment() -> Any:
    """The Jinja environment every template renders in: sandboxed, escaping, strict."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def _materialize(value: Any, tpl: Any) -> Any:
    """Replace every ImageRef by an InlineImage (an image file that vanished → "") and
    every Chart by an InlineChart."""
    if isinstance(value, Chart):
        return InlineChart(tpl, value)
    if isinstance(value, ImageRef):
        from docx.shared import Mm
        from docxtpl import InlineImage

        if not Path(value.path).is_file():
            return ""
        return InlineImage(tpl, value.path, width=Mm(value.width_mm))
    if isinstance(value, dict):
        return {k: _materialize(v, tpl) for k, v in value.items()}
    if isinstance(value, list):
        return [_materialize(v, tpl) for v in value]
    return value


def _part_sources(tpl: Any) -> list[str]:
    """Body, headers and footers as Jinja sees them: patched by docxtpl, one paragraph
    per line (the numbering of Jinja's error line numbers)."""
    from docx.oxml import parse_xml

    xmls = [tpl.patch_xml(tpl.get_xml())]
    for rel in tpl.docx.part.rels.values():
        if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI) and not rel.is_external:
            xmls.append(tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob))))
    return [re.sub(r"<w:p([ >])", r"\n<w:p\1", xml) for xml in xmls]


def _text_lines(source: str) -> list[str]:
    return [_XML_TAG_RE.sub("", line) for line in source.splitlines()]


def _parse_parts(tpl: Any, env: Any) -> None:
    """Parse every part; a syntax error carries the text lines of its own part."""
    import jinja2

    for source in _part_sources(tpl):
        try:
            env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            exc.eti_lines = _text_lines(source)  # type: ignore[attr-defined]
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


def _find_tag(lines: list[str], lineno: int | None, name: str | None, env: Any = None) -> str:
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


def _describe(exc: BaseException, tpl: Any) -> dict[str, str]:
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
            lines = _text_lines(_part_sources(tpl)[0])
        except Exception:  # noqa: BLE001 - the template may be too broken to read
            lines = []
    return {
        "kind": kind,
        "detail": f"{type(exc).__name__}: {exc}"[:300],
        "tag": _find_tag(lines, _error_line(exc), name),
        "name": name or "",
    }


def _child(op: str, template: str, context: dict[str, Any], out: str, conn: Connection) -> None:
    """Runs in the child process: render ``template`` into ``out`` (and, for a check,
    list the template's variables first)."""
    tpl = None
    try:
        from docxtpl import DocxTemplate

        try:
            tpl = DocxTemplate(template)
            tpl.init_docx()
        except Exception as exc:  # noqa: BLE001 - not a readable .docx
            conn.send(("error", {"kind": "unreadable", "detail": str(exc)[:300], "tag": "",
                                 "name": ""}))
            return
        env = make_environment()
        variables: list[str] = []
        if op in ("check", "parse"):
            _parse_parts(tpl, env)
            variables = sorted(tpl.get_undeclared_template_variables(jinja_env=env))
            if op == "parse":
                conn.send(("ok", variables))
                return
        tpl.render(_materialize(context, tpl), env, autoescape=True)
        ltr_chart_paragraphs(tpl.docx.element.body)
        target = Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.stem}.{os.getpid()}.part")
        tpl.save(partial)
        os.replace(partial, target)
        conn.send(("ok", variables))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        conn.send(("error", _describe(exc, tpl)))
    finally:
        conn.close()


def start_method() -> str:
    """How the render child starts; it is a child process either way (timeout, isolation).

    A one-shot command on Linux (no other thread running) forks it: the child starts at
    once with docxtpl already imported by this process, instead of a new interpreter
    importing it and the documents package (half a second, every command, measured for
    issue 14). A process running threads (the watch service), which a fork could catch
    holding a lock, uses a forkserver that imports them once; where there is no
    forkserver (Windows) the child is spawned. The same rule as the intake workers'
    (:func:`automation.intake.workers.start_method`).
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"


def _context() -> Any:
    method = start_method()
    ctx = mp.get_context(method)
    if method == "fork":
        import docxtpl  # noqa: F401 - imported here, so the forked child has it
    elif method == "forkserver":
        ctx.set_forkserver_preload(["automation.documents.render", "docxtpl"])
    return ctx


@dataclass
class _Outcome:
    ok: bool
    variables: list[str] = field(default_factory=list)
    error: dict[str, str] = field(default_factory=dict)


def _run_child(
    op: str, template: Path, context: dict[str, Any], out: Path, timeout: float
) -> _Outcome:
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_child, args=(op, str(template), context, str(out), sender), daemon=True
    )
    process.start()
    sender.close()
    status: str = "error"
    payload: Any = {"kind": "timeout", "detail": f"{timeout:g}", "tag": "", "name": ""}
    try:
        if receiver.poll(timeout):
            try:
                status, payload = receiver.recv()
            except EOFError:
                payload = {"kind": "crash", "tag": "", "name": "",
                           "detail": f"the render process ended (exit code {process.exitcode})"}
        process.join(5 if status == "ok" else 0.1)
    finally:
        if process.is_alive():
            process.terminate()
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()
        receiver.close()
    if status == "ok":
        return _Outcome(True, variables=list(payload))
    return _Outcome(False, error=dict(payload))


def _template_error(template: Path, error: dict[str, str], timeout: float) -> TemplateError:
    name = template.name
    kind, tag, detail, var = error["kind"], error.get("tag", ""), error["detail"], error["name"]
    shown = f" «{tag}»" if tag else ""
    if kind == "syntax":
        en = f"template {name}: syntax error at tag {tag!r}: {detail}"
        ar = f"القالب {name}: خطأ في كتابة الوسم{shown} (وسم غير مكتمل أو غير صحيح)."
    elif kind == "undefined":
        en = f"template {name}: unknown variable {var!r} in tag {tag!r}"
        ar = f"القالب {name}: المتغير «{var}» في الوسم{shown} غير معروف."
    elif kind == "timeout":
        en = f"template {name}: rendering took longer than {timeout:g} s and was stopped"
        ar = (
            f"القالب {name}: استغرق إنشاء الوثيقة أكثر من {timeout:g} ثانية فأُوقف "
            "(قد يحتوي على حلقة لا تنتهي)."
        )
    elif kind == "unreadable":
        en = f"template {name} cannot be opened as a Word document: {detail}"
        ar = f"تعذر فتح القالب {name}: الملف غير موجود أو ليس مستند Word سليماً."
    elif kind == "unsafe":
        en = f"template {name}: unsafe operation in tag {tag!r}: {detail}"
        ar = f"القالب {name}: الوسم{shown} يحاول عملية غير مسموح بها."
    else:
        en = f"template {name}: cannot render tag {tag!r}: {detail}"
        ar = f"القالب {name}: تعذر إنشاء الوثيقة عند الوسم{shown}."
    err = TemplateError(en, ar)
    err.template = name  # type: ignore[attr-defined]
    err.tag = tag  # type: ignore[attr-defined]
    err.kind = kind  # type: ignore[attr-defined]
    return err


def render_document(
    template: Path, context: dict[str, Any], out: Path, *, timeout: float = DEFAULT_TIMEOUT
) -> Path:
    """Render ``template`` with ``context`` into ``out`` (replaced if it exists).

    Raises :class:`TemplateError` when the template is broken, names an unknown
    variable, or runs longer than ``timeout`` seconds.
    """
    template, out = Path(template), Path(out)
    if not template.is_file():
        raise _template_error(
            template, {"kind": "unreadable", "detail": "file not found", "tag": "", "name": ""},
            timeout,
        )
    outcome = _run_child("render", template, clean_value(context), out, timeout)
    if not outcome.ok:
        err = _template_error(template, outcome.error, timeout)
        log.error("%s", err.message_en)
        raise err
    log.info("rendered %s from %s", out, template.name)
    return out


# -- checking templates --------------------------------------------------------------


@dataclass(frozen=True)
class TemplateProblem:
    kind: str
    tag: str
    message_ar: str
    message_en: str


@dataclass
class TemplateCheck:
    """What ``check_templates`` found in one template."""

    template: str
    problems: list[TemplateProblem] = field(default_factory=list)
    known: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems


def _tiny_png() -> bytes:
    """An 8×8 PNG for sample renders (no image library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\x1f\x38\x64" * 8 for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def check_templates(folder: Path, *, timeout: float = 30.0) -> list[TemplateCheck]:
    """Render every ``.docx`` in ``folder`` with sample data; report broken tags, unknown
    variables and syntax errors per template (Arabic and English, naming the tag)."""
    from automation.templates.samples import SAMPLES, sample_context

    checks: list[TemplateCheck] = []
    with tempfile.TemporaryDirectory(prefix="eti-check-") as tmp:
        image = Path(tmp) / "sample.png"
        image.write_bytes(_tiny_png())
        for path in sorted(Path(folder).glob("*.docx")):
            if path.name.startswith(("~$", ".")):
                continue
            known = path.name in SAMPLES
            context = sample_context(path.name, ImageRef(str(image), 20)) if known else {}
            check = TemplateCheck(path.name, known=known)
            outcome = _run_child("check", path, clean_value(context), Path(tmp) / path.name,
                                 timeout)
            variables = outcome.variables
            if not outcome.ok:
                if outcome.error["kind"] == "undefined" and not known:
                    pass  # no sample data for a template the product does not use
                else:
                    err = _template_error(path, outcome.error, timeout)
                    check.problems.append(
                        TemplateProblem(outcome.error["kind"], outcome.error.get("tag", ""),
                                        err.message_ar, err.message_en)
                    )
            if known and (outcome.ok or outcome.error["kind"] == "undefined"):
                if not outcome.ok:
                    variables = _parse_variables(path, timeout)
                reported = {p.tag for p in check.problems}
                for var in sorted(set(variables) - set(context)):
                    tag = _tag_naming(path, var)
                    if tag in reported and tag:
                        continue
                    err = _template_error(
                        path, {"kind": "undefined", "detail": "", "tag": tag, "name": var},
                        timeout,
                    )
                    check.problems.append(
                        TemplateProblem("undefined", tag, err.message_ar, err.message_en)
                    )
            checks.append(check)
    for check in checks:
        for problem in check.problems:
            log.warning("%s", problem.message_en)
    return checks


def _parse_variables(path: Path, timeout: float) -> list[str]:
    """The variables a template uses (parsed only; no render)."""
    with tempfile.TemporaryDirectory(prefix="eti-vars-") as tmp:
        outcome = _run_child("parse", path, {}, Path(tmp) / "x.docx", timeout)
    if outcome.ok:
        return outcome.variables
    return []


def _tag_naming(path: Path, name: str) -> str:
    """The first tag of ``path`` that uses the variable ``name``."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("word/document.xml").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile):
        return ""
    text = _XML_TAG_RE.sub("", re.sub(r"<w:p([ >])", r"\n<w:p\1", xml))
    return _find_tag(text.splitlines(), None, name)
