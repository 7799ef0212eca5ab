"""Rendering fast and safely: templates compiled once per version, one long-lived worker per
batch, and a template that loops or crashes costing its own documents only (issue 22, 3)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from department_factory import clock, drop, maintenance_rows, make_department, school_names
from ledger_factory import backend_ledger
from lxml import etree

from automation.core.assets import ASSET_TEMPLATES
from automation.core.errors import TemplateError
from automation.documents import compiled, render, worker
from automation.documents.render import handle, render_document, rendering, start_method
from automation.intake.pipeline import run_batch
from automation.templates.samples import sample_context
from tests.documents.test_documents_decision import corrupt
from tests.documents.test_documents_helpers import all_text

LOOP = ("{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}"
        "{% endfor %}")


def _body(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return etree.tostring(etree.fromstring(zf.read("word/document.xml")), method="c14n")


@pytest.fixture(autouse=True)
def _fresh_worker() -> Any:
    worker.close_shared_worker()
    yield
    worker.close_shared_worker()


def test_a_template_version_is_compiled_once_and_again_when_edited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    template = tmp_path / "letter_free.docx"
    shutil.copyfile(ASSET_TEMPLATES / "letter_free.docx", template)
    compiles: list[Path] = []
    original = compiled.compile_template

    def counted(path: Path, key: Any = None, **options: Any) -> compiled.Compiled:
        compiles.append(path)
        return original(path, key, **options)

    monkeypatch.setattr(compiled, "compile_template", counted)
    context = render.clean_value(sample_context("letter_free.docx"))
    for n in range(3):  # in this process: what the worker does for each document
        assert handle("render", str(template), context, str(tmp_path / f"{n}.docx"))[0] == "ok"
    assert len(compiles) == 1
    assert "{{" not in all_text(tmp_path / "0.docx")
    corrupt(ASSET_TEMPLATES / "letter_free.docx", template, "{{ subject }}",
            "موضوع معدل: {{ subject }}")  # staff edit the template in Word
    assert handle("render", str(template), context, str(tmp_path / "edited.docx"))[0] == "ok"
    assert len(compiles) == 2
    assert "موضوع معدل" in all_text(tmp_path / "edited.docx")
    assert "موضوع معدل" not in all_text(tmp_path / "2.docx")


def test_the_direct_path_writes_what_docxtpl_writes(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    template = ASSET_TEMPLATES / "technical_report.docx"
    context = render.clean_value(sample_context("technical_report.docx") | {"logo": ""})
    assert handle("render", str(template), context, str(tmp_path / "direct.docx"))[0] == "ok"
    monkeypatch.setattr(compiled, "direct_for", lambda version, values: False)  # docxtpl
    assert handle("render", str(template), context, str(tmp_path / "docxtpl.docx"))[0] == "ok"
    assert _body(tmp_path / "direct.docx") == _body(tmp_path / "docxtpl.docx")
    assert all_text(tmp_path / "direct.docx") == all_text(tmp_path / "docxtpl.docx")


def test_without_zlib_ng_the_same_document_is_written(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """zlib-ng deflates the body where its wheel is installed; without it the standard
    zlib writes a document with the same body (a platform without the wheel)."""
    import importlib
    import sys

    template = ASSET_TEMPLATES / "technical_report.docx"
    context = render.clean_value(sample_context("technical_report.docx") | {"logo": ""})
    assert handle("render", str(template), context, str(tmp_path / "fast.docx"))[0] == "ok"
    monkeypatch.setitem(sys.modules, "zlib_ng", None)  # its import fails
    try:
        plain = importlib.reload(compiled)
        assert plain.zlib.__name__ == "zlib" and plain.FAST_LEVEL == 1
        for cached in ("_ENVIRONMENT", "_VERSIONS", "_PATCHER"):  # made again from it
            monkeypatch.setattr(render, cached, None)
        out = tmp_path / "plain.docx"
        assert handle("render", str(template), context, str(out))[0] == "ok"
    finally:
        monkeypatch.delitem(sys.modules, "zlib_ng")
        importlib.reload(compiled)
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None
    assert _body(out) == _body(tmp_path / "fast.docx")


def test_a_callers_temporary_name_is_written_in_place(tmp_path: Path) -> None:
    """The outbox's temporary name is written as it is (the caller renames it into place);
    any other name through a temporary file of the worker's own."""
    from automation.documents.outbox import temporary

    template = ASSET_TEMPLATES / "letter_free.docx"
    context = render.clean_value(sample_context("letter_free.docx"))
    written = temporary(tmp_path / "outbox")
    assert handle("render", str(template), context, str(written))[0] == "ok"
    assert sorted(p.name for p in written.parent.iterdir()) == [written.name]
    final = tmp_path / "outbox" / "كتاب.docx"
    assert handle("render", str(template), context, str(final))[0] == "ok"
    assert sorted(p.name for p in final.parent.iterdir()) == sorted([written.name, final.name])
    assert all_text(final) == all_text(written)


def test_a_batch_renders_in_one_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dept = make_department(tmp_path / "dept")
    school = school_names(dept)[0]
    for n in range(3):
        drop(dept, f"طلب {n}.xlsx", "QF75-11",
             {"school": school, "request_date": dt.date(2026, 3, 1 + n),
              "channel": "كتاب رسمي", "reference": f"ت ت/70/{n}"}, maintenance_rows(2))
    starts: list[int] = []
    original = worker.RenderWorker._start

    def counted(self: worker.RenderWorker) -> None:
        starts.append(1)
        original(self)

    monkeypatch.setattr(worker.RenderWorker, "_start", counted)
    batch = run_batch(dept, clock=clock("2026-03-10 09:00"))
    assert len(batch.documents) == 3
    assert len(starts) == 1
    assert not worker.shared_worker().alive  # stopped with the batch


def test_a_looping_template_is_stopped_once_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    dept = make_department(tmp_path / "dept")
    school = school_names(dept)[0]
    for n in range(3):
        drop(dept, f"طلب {n}.xlsx", "QF75-11",
             {"school": school, "request_date": dt.date(2026, 3, 1 + n),
              "channel": "كتاب رسمي", "reference": f"ت ت/70/{n}"}, maintenance_rows(2))
    drop(dept, "مرفوض.xlsx", "QF75-11",  # a rejection letter: another template
         {"school": school, "request_date": "ليس تاريخاً", "channel": "كتاب رسمي",
          "reference": "ت ت/70/9"}, maintenance_rows(1))
    corrupt(ASSET_TEMPLATES / "technical_report.docx", dept.templates / "technical_report.docx",
            "{{ form_name }}", LOOP)  # a staff edit that never ends
    original = worker.RenderWorker.request
    sent: list[str] = []

    def quicker(self: worker.RenderWorker, request: Any, timeout: float) -> Any:
        sent.append(Path(request[1]).name)
        return original(self, request, min(timeout, 2))

    monkeypatch.setattr(worker.RenderWorker, "request", quicker)
    started = time.monotonic()
    batch = run_batch(dept, clock=clock("2026-03-10 09:00"))
    took = time.monotonic() - started
    assert sorted(r.outcome for r in batch.files) == ["accepted"] * 3 + ["rejected"]
    assert [p.parent.name for p in batch.documents] == ["letters"]  # the letter was written
    assert batch.documents.left == 3  # type: ignore[attr-defined]
    assert sent.count("technical_report.docx") == 1  # one timeout, not one per document
    assert took < 2 + 20
    assert list((dept.outbox / "technical").glob("*")) == []  # no report, no temporary
    os.unlink(dept.templates / "technical_report.docx")  # the template mended
    again = run_batch(dept, clock=clock("2026-03-10 10:00"))
    assert len(again.documents) == 3 and again.documents.left == 0  # type: ignore[attr-defined]
    with backend_ledger(dept.ledger_path) as ledger:
        kinds = [r[0] for r in ledger.conn.execute("SELECT kind FROM documents ORDER BY id")]
    assert sorted(kinds) == ["rejection-letter"] + ["technical-report"] * 3


def test_a_template_that_crashes_the_worker_costs_its_document_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    if start_method() != "fork":
        pytest.skip("the crash is planted in this process and inherited by a forked worker")
    crashing = shutil.copyfile(ASSET_TEMPLATES / "letter_free.docx", tmp_path / "crash.docx")
    good = ASSET_TEMPLATES / "letter_free.docx"
    original = render.handle

    def crash_on(op: str, template: str, context: dict[str, Any], out: str) -> Any:
        if Path(template).name == "crash.docx":
            os._exit(3)  # as a segfault or the OOM killer would end it
        return original(op, template, context, out)

    monkeypatch.setattr(render, "handle", crash_on)
    context = sample_context("letter_free.docx")
    with rendering():
        with pytest.raises(TemplateError) as info:
            render_document(crashing, context, tmp_path / "a.docx")
        assert info.value.kind == "crash"  # type: ignore[attr-defined]
        assert "crash.docx" in info.value.message_en and "القالب" in info.value.message_ar
        started = time.monotonic()
        with pytest.raises(TemplateError):  # not tried again in this batch
            render_document(crashing, context, tmp_path / "b.docx")
        assert time.monotonic() - started < 1
        assert render_document(good, context, tmp_path / "c.docx").is_file()  # a new worker
    assert not (tmp_path / "a.docx").exists() and not (tmp_path / "b.docx").exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []


def test_a_looping_template_alone_is_stopped_and_the_worker_replaced(tmp_path: Path) -> None:
    looping = corrupt(ASSET_TEMPLATES / "letter_free.docx", tmp_path / "loop.docx",
                      "{{ subject }}", LOOP)
    context = sample_context("letter_free.docx")
    started = time.monotonic()
    with rendering():
        with pytest.raises(TemplateError) as info:
            render_document(looping, context, tmp_path / "x.docx", timeout=2)
        assert info.value.kind == "timeout"  # type: ignore[attr-defined]
        assert time.monotonic() - started < 12
        path = render_document(ASSET_TEMPLATES / "letter_free.docx", context,
                               tmp_path / "y.docx")
        assert "{{" not in all_text(path)
    assert not (tmp_path / "x.docx").exists()


def test_a_picture_is_placed_as_docxtpl_places_it(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from automation.documents.render import ImageRef, _tiny_png

    logo = tmp_path / "logo.png"
    logo.write_bytes(_tiny_png())
    template = ASSET_TEMPLATES / "technical_report.docx"
    context = render.clean_value(sample_context("technical_report.docx")
                                 | {"logo": ImageRef(str(logo), 24)})
    assert compiled.direct_for(compiled.compile_template(template), context)
    assert handle("render", str(template), context, str(tmp_path / "direct.docx"))[0] == "ok"
    monkeypatch.setattr(compiled, "direct_for", lambda version, values: False)
    assert handle("render", str(template), context, str(tmp_path / "docxtpl.docx"))[0] == "ok"
    assert _body(tmp_path / "direct.docx") == _body(tmp_path / "docxtpl.docx")
    with zipfile.ZipFile(tmp_path / "direct.docx") as direct, \
            zipfile.ZipFile(tmp_path / "docxtpl.docx") as docxtpl:
        assert sorted(direct.namelist()) == sorted(docxtpl.namelist())
        media = [n for n in direct.namelist() if n.startswith("word/media/")]
        assert [direct.read(n) for n in media] == [logo.read_bytes()]
        for name in ("[Content_Types].xml", "word/_rels/document.xml.rels"):
            assert etree.tostring(etree.fromstring(direct.read(name)), method="c14n") == \
                etree.tostring(etree.fromstring(docxtpl.read(name)), method="c14n")


@pytest.mark.parametrize("ahead_fails", [False, True])
def test_the_next_report_is_worked_out_while_the_worker_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ahead_fails: bool,
) -> None:
    from automation.core.errors import EtiError
    from automation.documents import making

    dept = make_department(tmp_path / "dept")
    school = school_names(dept)[0]
    for n in range(3):
        drop(dept, f"طلب {n}.xlsx", "QF75-11",
             {"school": school, "request_date": dt.date(2026, 3, 1 + n),
              "channel": "كتاب رسمي", "reference": f"ت ت/70/{n}"}, maintenance_rows(2 + n))
    early: list[int] = []
    original = making.ahead

    def counted(kind: str, dept: Any, ledger: Any, subject: int, **options: Any) -> Any:
        early.append(subject)
        if ahead_fails:
            raise EtiError("worked out in its turn", "…")
        return original(kind, dept, ledger, subject, **options)

    monkeypatch.setattr(making, "ahead", counted)
    batch = run_batch(dept, clock=clock("2026-03-10 09:00"))
    assert len(batch.documents) == 3 and batch.documents.left == 0  # type: ignore[attr-defined]
    assert len(early) == 2  # the 2nd and 3rd while the worker wrote the 1st and 2nd
    bodies = {p.name: _body(p) for p in batch.documents}
    assert len(set(bodies.values())) == 3
    with backend_ledger(dept.ledger_path) as ledger:  # the same reports, made one by one
        ids = [int(r[0]) for r in ledger.conn.execute(
            "SELECT submission_id FROM documents ORDER BY id")]
        with rendering():
            again = [making.make("technical-report", dept, ledger, sub_id,
                                 clock=clock("2026-03-10 09:00")) for sub_id in ids]
    assert {p.name: _body(p) for p in again if p is not None} == bodies
