"""Fill a Word template with values, safely: sandboxed, escaped, in a child process.

Templates in a department's ``templates_docx/`` are edited by staff in Word, so
a template is treated as untrusted input:

- values are cleaned (control characters stripped, ``None`` → ``""``) and
  rendered with ``autoescape=True`` (``& < > "`` stay literal, nothing becomes XML);
- Jinja runs in a :class:`~jinja2.sandbox.SandboxedEnvironment` with
  :class:`~jinja2.StrictUndefined` (a misspelt variable is an error, not a blank);
- rendering happens in a child process, one long-lived render worker per batch or
  command (:mod:`automation.documents.worker`; forked by a one-shot command, else from
  a forkserver where available, else spawned; see :func:`start_method`), stopped and
  replaced after a document takes longer than ``timeout`` seconds or crashes it;
- the worker keeps each template version compiled (:mod:`automation.documents.compiled`);
- any failure becomes a :class:`~automation.core.errors.TemplateError` with Arabic
  and English messages naming the template and the tag.

Images (the logo) travel as :class:`ImageRef` file paths and become docxtpl
pictures inside the worker; charts travel as
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
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from automation.core.errors import TemplateError
from automation.documents.charts import Chart, InlineChart, ltr_chart_paragraphs
from automation.documents.template_errors import (
    describe,
    find_tag,
    make_environment,
    parse_parts,
)
from automation.text.bidi import isolate_ltr
from automation.text.characters import DOCUMENT_CONTROL_RE
from automation.text.dates import format_date

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60.0

_XML_TAG_RE = re.compile(r"<[^>]+>")


TEMPORARY_PREFIX = ".~eti-"
"""A document being written: ``.~eti-<pid>-<token>.part`` beside its place
(:func:`automation.documents.outbox.temporary`)."""


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


_CLEANED: dict[str, str] = {}
"""Short texts already cleaned (the same labels, choices and names fill every document)."""


class Cleaned(dict[str, Any]):
    """A context already made safe by :func:`clean_value` (worked out ahead, while the
    worker rendered the document before): :func:`render_document` sends it as it is."""


def _clean_text(value: str) -> str:
    """A text cleaned (:func:`clean_str`) with its left-to-right runs isolated, kept when
    short (labels, choices and names come again document after document)."""
    found = _CLEANED.get(value)
    if found is None:
        text = value if value.isprintable() else clean_str(value)
        found = isolate_ltr(text)  # Latin runs kept whole in right-to-left text
        if len(_CLEANED) < 50_000 and len(value) <= 200:
            _CLEANED[value] = found
    return found


def _clean_dict(value: dict[Any, Any]) -> dict[str, Any]:
    """:func:`clean_value` of a dict, its texts and containers cleaned without a call
    per value (a technical report has some 1,600 of them)."""
    out: dict[str, Any] = {}
    known = _CLEANED.get
    for k, v in value.items():
        kind = type(v)
        if kind is str:
            found = known(v)
            v = found if found is not None else _clean_text(v)
        elif kind is dict:
            v = _clean_dict(v)
        elif kind is list:
            v = _clean_list(v)
        else:
            v = clean_value(v)
        out[k if type(k) is str else str(k)] = v
    return out


def _clean_list(value: list[Any]) -> list[Any]:
    """:func:`clean_value` of a list (as :func:`_clean_dict`)."""
    out: list[Any] = []
    known = _CLEANED.get
    for v in value:
        kind = type(v)
        if kind is str:
            found = known(v)
            out.append(found if found is not None else _clean_text(v))
        elif kind is dict:
            out.append(_clean_dict(v))
        elif kind is list:
            out.append(_clean_list(v))
        else:
            out.append(clean_value(v))
    return out


def clean_value(value: object) -> Any:
    """A context value made safe: strings cleaned, ``None`` → ``""``, dates shown as staff
    read them, containers cleaned recursively, a chart's texts cleaned; images, numbers
    and booleans kept."""
    kind = type(value)
    if kind is str:  # most values, and labels and choices come again document after document
        return _clean_text(value)  # type: ignore[arg-type]
    if kind is dict:
        return _clean_dict(value)  # type: ignore[arg-type]
    if kind is list:
        return _clean_list(value)  # type: ignore[arg-type]
    if value is None:
        return ""
    if isinstance(value, ImageRef | bool | int | float):
        return value
    if isinstance(value, Chart):
        return value.with_texts(clean_str)
    if isinstance(value, str):
        return isolate_ltr(clean_str(value))
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


_ENVIRONMENT: Any = None
_VERSIONS: Any = None
_PATCHER: Any = None


def _tools() -> tuple[Any, Any, Any]:
    """The worker's compiling environment, kept template versions and docxtpl helper."""
    global _ENVIRONMENT, _VERSIONS, _PATCHER
    if _ENVIRONMENT is None:
        from docxtpl import DocxTemplate

        from automation.documents.compiled import CompilingEnvironment, Versions

        _ENVIRONMENT = CompilingEnvironment(autoescape=True, undefined=_strict())
        _VERSIONS, _PATCHER = Versions(), DocxTemplate("")
    return _ENVIRONMENT, _VERSIONS, _PATCHER


def _strict() -> Any:
    from jinja2 import StrictUndefined

    return StrictUndefined


def _unreadable(exc: BaseException) -> tuple[str, dict[str, str]]:
    return "error", {"kind": "unreadable", "detail": str(exc)[:300], "tag": "", "name": ""}


def handle(op: str, template: str, context: dict[str, Any], out: str) -> tuple[str, Any]:
    """Runs in the render worker: render ``template`` into ``out`` (written under a
    temporary name, then renamed), or for a check list the template's variables first.

    A template version is read and compiled once (:mod:`automation.documents.compiled`);
    a document of plain values is written straight from it, anything else by docxtpl."""
    tpl = None
    try:
        from docxtpl import DocxTemplate

        from automation.documents.compiled import direct_for, render_direct, survey

        env, versions, patcher = _tools()
        target = Path(out)
        variables: list[str] = []
        if op == "render":
            simple = survey(context).plain  # no chart: the direct path may take it
            try:
                compiled = versions.get(Path(template), direct=simple)
            except OSError as exc:
                return _unreadable(exc)
            if simple and direct_for(compiled, context):
                _write(target, lambda to: render_direct(compiled, env, context, to, patcher))
                return "ok", variables
            import io

            source: Any = io.BytesIO(compiled.data)
        else:
            source = template
            env = make_environment()
        try:
            tpl = DocxTemplate(source)
            tpl.init_docx()
        except Exception as exc:  # noqa: BLE001 - not a readable .docx
            return _unreadable(exc)
        if op in ("check", "parse"):
            parse_parts(tpl, env)
            variables = sorted(tpl.get_undeclared_template_variables(jinja_env=env))
            if op == "parse":
                return "ok", variables
        _render_docxtpl(tpl, context, env)
        _write(target, tpl.save)
        return "ok", variables
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        return "error", describe(exc, tpl)


def _write(target: Path, write: Callable[[Path], object]) -> None:
    """``write`` the document so that ``target`` is whole or absent: under a temporary
    name renamed into place — except a temporary name of the caller's
    (``outbox.temporary``), written as it is: nobody reads it, and the caller removes it
    if this worker stops half-way."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.name.startswith(TEMPORARY_PREFIX):
        write(target)
        return
    partial = target.with_name(f".{target.stem}.{os.getpid()}.part")
    try:
        write(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _render_docxtpl(tpl: Any, context: dict[str, Any], env: Any) -> None:
    """docxtpl's own render (pictures, charts, tables a tag changes), its listing step
    skipped where no value has a tab, break or new paragraph (it changes nothing then)."""
    from automation.documents.compiled import finish_part

    def render_part(src_xml: str, part: Any, ctx: dict[str, Any], jinja_env: Any = None) -> str:
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
        tpl.current_rendering_part = part
        return finish_part(tpl, jinja_env.from_string(source).render(ctx))

    tpl.render_xml_part = render_part
    tpl.render(_materialize(context, tpl), env, autoescape=True)
    ltr_chart_paragraphs(tpl.docx.element.body)


def start_method() -> str:
    """How the render worker starts; it is a child process either way (timeout, isolation).

    A one-shot command on Linux (no other thread running) forks it: the worker starts at
    once with docxtpl already imported by this process, instead of a new interpreter
    importing it and the documents package (half a second, every command, measured for
    issue 14). A process running threads (the watch service), which a fork could catch
    holding a lock, uses a forkserver that imports them once; where there is no
    forkserver (Windows) the worker is spawned. The same rule as the intake workers'
    (:func:`automation.intake.workers.start_method`).
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"


def context_for_worker() -> Any:
    """The multiprocessing context the render worker starts from (:func:`start_method`)."""
    method = start_method()
    ctx = mp.get_context(method)
    if method == "forkserver":
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
    """One request to this process's render worker (started at the first, replaced after
    a timeout or a crash)."""
    from automation.documents.worker import shared_worker

    worker = shared_worker()
    if op == "render":
        worker.do_meanwhile(getattr(_MEANWHILE, "work", None))
        _MEANWHILE.work = None
    status, payload = worker.request((op, str(template), context, str(out)), timeout)
    if status == "ok":
        return _Outcome(True, variables=list(payload))
    if payload.get("kind") in ("timeout", "crash"):  # the worker was stopped mid-document
        import glob

        for partial in out.parent.glob(f".{glob.escape(out.stem)}.*.part"):
            partial.unlink(missing_ok=True)
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
    elif kind == "crash":
        en = f"template {name}: the render process ended while making the document ({detail})"
        ar = (f"القالب {name}: توقّف برنامج إنشاء الوثيقة أثناء إنشائها؛ "
              "تُعاد المحاولة في الدفعة التالية (راجع القالب بالأمر eti templates check).")
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


def version_of(path: Path) -> tuple[str, int, int, int, int]:
    """The key of a template version: its path and the file's identity (inode, size,
    modification and change times); a template edited or replaced is a new version."""
    info = os.stat(path)
    return (str(path), info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def prepare() -> None:
    """Start this process's render worker now, without waiting for it: it loads the
    rendering libraries while this process works out the document's values (a command
    that will render calls it first)."""
    from automation.documents.worker import shared_worker

    shared_worker().warm()


_MEANWHILE = threading.local()
"""``work``: what this thread does while the worker renders its next document."""


@contextmanager
def meanwhile(work: Callable[[], None]) -> Iterator[None]:
    """Inside, the next document this thread sends to the render worker has ``work`` done
    in this process while the worker renders it (the next document's values worked out
    on this core while the worker's core writes this one). ``work`` must not raise."""
    _MEANWHILE.work = work
    try:
        yield
    finally:
        _MEANWHILE.work = None


_GIVEN_UP: dict[tuple[str, int, int, int, int], TemplateError] = {}
"""Template versions that ran out of time or crashed the worker in this batch: the
documents after made of them are left owed at once (the batch does not wait again)."""
_SESSIONS = 0


@contextmanager
def rendering() -> Iterator[None]:
    """The documents of one batch or command share one render worker, stopped at the end.

    Inside, a template version that looped (stopped after its timeout) or crashed the
    worker is not tried again: every later document of it fails at once, left owed to
    the next batch, and the batch goes on with the other documents."""
    global _SESSIONS
    _SESSIONS += 1
    try:
        yield
    finally:
        _SESSIONS -= 1
        if _SESSIONS == 0:
            from automation.documents.worker import close_shared_worker

            _GIVEN_UP.clear()
            close_shared_worker()


def render_document(
    template: Path, context: dict[str, Any], out: Path, *, timeout: float = DEFAULT_TIMEOUT
) -> Path:
    """Render ``template`` with ``context`` into ``out`` (replaced if it exists; written
    under a temporary name and renamed, so ``out`` is never seen half-written).

    Raises :class:`TemplateError` when the template is broken, names an unknown
    variable, runs longer than ``timeout`` seconds or crashes the render worker.
    """
    template, out = Path(template), Path(out)
    try:
        version = version_of(template) if template.is_file() else None
    except OSError:
        version = None
    if version is None:
        raise _template_error(
            template, {"kind": "unreadable", "detail": "file not found", "tag": "", "name": ""},
            timeout,
        )
    if version in _GIVEN_UP:
        err = _GIVEN_UP[version]
        log.error("%s (not tried again in this batch)", err.message_en)
        raise _template_error(template, {"kind": err.kind, "detail": "",  # type: ignore[attr-defined]
                                         "tag": err.tag, "name": ""}, timeout)  # type: ignore[attr-defined]
    values = context if type(context) is Cleaned else clean_value(context)
    outcome = _run_child("render", template, values, out, timeout)
    if not outcome.ok:
        err = _template_error(template, outcome.error, timeout)
        if outcome.error["kind"] in ("timeout", "crash") and _SESSIONS:
            _GIVEN_UP[version] = err
        log.error("%s", err.message_en)
        raise err
    log.debug("rendered %s from %s", out, template.name)
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
    return find_tag(text.splitlines(), None, name)
