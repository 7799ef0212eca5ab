"""The building blocks the templates share, written once: tables of a loop's items (numbered
or not) whose cells name the item's fields, the label/value table, paragraphs repeated or
shown on a condition, a chart with its title, and the start and end of a record's document
(a visit, a meeting, a maintenance request) or of any titled document.

A column is ``(label, cell, width)`` or ``(label, cell, width, align)``. A cell without a
tag names a field of the loop's item: in ``"o in overdue"``, ``"due"`` is ``{{ o.due }}``
and ``"counts[2]"`` is ``{{ o.counts[2] }}``; a cell holding a tag, or runs, is kept as it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from automation.templates.doc import TemplateDoc
from automation.templates.docx_xml import Align, Col, Run

C: Align = "center"
"""The alignment of short cells (numbers, dates, states)."""

Cell = str | Sequence[str | Run]
Column = tuple[str, Cell, float] | tuple[str, Cell, float, Align]

RECORDS_COLOR = "595959"
"""The grey of the line saying where a record is kept and for how long."""


def loop_var(loop: str) -> str:
    """The item's name in a Jinja loop: ``"o in overdue"`` → ``"o"``."""
    return loop.split(" in ", 1)[0].strip()


def columns(loop: str, specs: Sequence[Column]) -> list[Col]:
    """The columns of a table over ``loop``: plain cells become the item's fields."""
    var = loop_var(loop)
    made = []
    for label, cell, width, *rest in specs:
        if isinstance(cell, str) and "{" not in cell:
            cell = "{{ " + var + "." + cell + " }}"
        align: Align = rest[0] if rest else "start"
        made.append(Col(label, cell, width, align))
    return made


def table(t: TemplateDoc, loop: str, *specs: Column, **kw: object) -> None:
    """A table with a row for each item of ``loop`` (``kw``: ``size``, ``totals``…)."""
    t.table(columns(loop, specs), loop, **kw)


def numbered(
    t: TemplateDoc, loop: str, *specs: Column, size: float = 9, number_width: float = 8,
    **kw: object,
) -> None:
    """A table of the items of ``loop``, numbered from 1 in its first column «م»."""
    number = Col("م", "{{ loop.index }}", number_width, C)
    t.table([number, *columns(loop, specs)], loop, size=size, **kw)


def fields(t: TemplateDoc, loop: str = "f in header_fields", **kw: object) -> None:
    """A label/value table (``{{ f.label }}``, ``{{ f.value }}``)."""
    table(t, loop, ("البيان", "label", 50), ("القيمة", "value", 124), **kw)


@contextmanager
def each(t: TemplateDoc, loop: str) -> Iterator[None]:
    """The paragraphs added inside are repeated for each item of ``loop``."""
    t.tag(f"{{%p for {loop} %}}")
    yield
    t.tag("{%p endfor %}")


@contextmanager
def when(t: TemplateDoc, condition: str) -> Iterator[None]:
    """The paragraphs added inside are shown only when ``condition`` holds."""
    t.tag(f"{{%p if {condition} %}}")
    yield
    t.tag("{%p endif %}")


def chart(t: TemplateDoc, image: str, title: str, *, after: int = 2,
          keep_next: bool = False) -> None:
    """A chart (an image tag), centred, with its bold title under it."""
    t.p(image, align="center", after=after, keep_next=keep_next)
    t.p(Run(title, bold=True), align="center", size=10, after=8)


def titled(name: str, title: str, subtitle: str) -> TemplateDoc:
    """A template named ``name`` that starts with the letterhead, its title and subtitle."""
    t = TemplateDoc(name)
    t.letterhead()
    t.title(title, subtitle)
    return t


def record_document(name: str, title: str, subtitle: str, heading: str) -> TemplateDoc:
    """The start of the document of one record: letterhead, title, and the record's
    header fields under ``heading``."""
    t = titled(name, title, subtitle)
    t.heading(heading)
    fields(t)
    return t


def record_signatures(t: TemplateDoc) -> None:
    """The end of a record's document: its signers, then where the record is kept."""
    t.heading("التواقيع")
    t.signatures()
    t.p(Run("{{ records }}", color=RECORDS_COLOR), size=9, before=6)
