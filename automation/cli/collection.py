"""``eti missing``: which schools have not sent the forms they owe (issue 25)."""

from __future__ import annotations

from pathlib import Path

import click

from automation.cli.options import ROOT, echo_json, fail
from automation.core.clock import Clock, SystemClock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.ledger.open import open_ledger

CLOCK: Clock = SystemClock()
"""The clock these commands read today from (tests put a fake one here)."""

PERIOD_HELP = ("A month (2026-11), a quarter (2026-Q1) or a school year (2025/2026); "
               "default: the current school year so far.")


def bad_period(text: str, exc: ValueError) -> click.ClickException:
    return click.ClickException(
        f"الفترة «{text}» غير مفهومة: اكتب شهراً (2026-11) أو ربعاً (2026-Q1) أو عاماً "
        f"دراسياً (2025/2026).\n{exc}")


@click.command("missing")
@ROOT
@click.option("--period", "period_text", help=PERIOD_HELP)
@click.option("--form", "form", help="One form's code, e.g. QF70-2-3; default: every form "
              "schools owe.")
@click.option("--json", "as_json", is_flag=True,
              help='Print a JSON list: [{"form", "period", "school", "due", "days_overdue", '
              '"state"}], longest overdue first.')
def missing(root: Path, period_text: str | None, form: str | None, as_json: bool) -> None:
    """The schools that owe a form past its due day (or whose copy was rejected)."""
    from automation.catalog.forms import CATALOG
    from automation.processes import collection as coll

    dept = Department.at(root)
    try:
        rules = coll.load_rules(dept)
        period = (coll.parse_collection_period(period_text, rules.calendar)
                  if period_text else None)
    except EtiError as exc:
        raise fail(exc) from exc
    except ValueError as exc:
        raise bad_period(period_text or "", exc) from exc
    followed = [f.code for f, _ in coll.followed_forms(rules)]
    if form and form not in followed:
        raise click.ClickException(
            f"النموذج «{form}» ليس من النماذج التي تتابع المدارس إرسالها: "
            f"{'، '.join(followed)}.\n"
            f"{form} is not a form schools owe (or [collection] switched it off).")
    today = CLOCK.now().date()
    with open_ledger(dept) as ledger:
        try:
            entries = coll.entries_of(dept, ledger, today, period, rules=rules,
                                      forms=(form,) if form else ())
        except EtiError as exc:
            raise fail(exc) from exc
    owed = coll.owing(entries)
    if as_json:
        echo_json([e.json() for e in owed])
        return
    if not owed:
        click.echo("لا مدارس متأخرة: وردت كل النماذج التي حلّ موعدها.")
        return
    for entry in owed:
        name = CATALOG.form(entry.form).name_ar
        reminded = f" — آخر تذكير {entry.reminders[-1]:%d/%m/%Y}" if entry.reminders else ""
        click.echo(f"{entry.form} {name} | {entry.slot.label_ar} | {entry.school} | "
                   f"الموعد {entry.slot.due:%d/%m/%Y} | أيام التأخير: {entry.days_overdue} | "
                   f"{entry.state_ar}{reminded}")
    click.echo(f"النماذج التي لم ترد بعد: {len(owed)}")


def register(group: click.Group) -> None:
    group.add_command(missing)


@click.command("reminder")
@ROOT
@click.option("--period", "period_text", required=True,
              help="A month (2026-11), a quarter (2026-Q1) or a school year (2025/2026).")
@click.option("--form", "form", help="One form's code (QF70-2-3); default: every form owed.")
@click.option("--circular", is_flag=True,
              help="One circular listing the schools, instead of a letter to each school.")
@click.option("--json", "as_json", is_flag=True,
              help='Print [{"number", "document", "documents": [{"kind", "path", "pdf"}]}].')
def letter_reminder(root: Path, period_text: str, form: str | None, circular: bool,
                    as_json: bool) -> None:
    """Issue 25: numbered reminder letters to the schools that owe forms in the period."""
    from automation.cli.options import document_json
    from automation.documents.correspondence import refresh_registers
    from automation.documents.kinds import LETTER_REMINDER, LETTER_REMINDER_CIRCULAR
    from automation.documents.outbox import relative
    from automation.documents.reminders import make_reminders
    from automation.processes import collection as coll
    from automation.registers.collection import write_collection_register

    dept = Department.at(root)
    try:
        rules = coll.load_rules(dept)
        period = coll.parse_collection_period(period_text, rules.calendar)
    except EtiError as exc:
        raise fail(exc) from exc
    except ValueError as exc:
        raise bad_period(period_text, exc) from exc
    kind = (LETTER_REMINDER_CIRCULAR if circular else LETTER_REMINDER).key
    with open_ledger(dept) as ledger:
        try:
            sent = make_reminders(dept, ledger, period=period, clock=CLOCK,
                                  form=form, circular=circular)
        except EtiError as exc:
            raise fail(exc) from exc
        refresh_registers(dept, ledger, clock=CLOCK)
        write_collection_register(dept, ledger, clock=CLOCK)
    if as_json:
        echo_json([{"number": s.number, "document": relative(dept, s.path),
                    "documents": [document_json(dept, kind, s.path)]} for s in sent])
        return
    for s in sent:
        click.echo(f"{s.number}  {s.path}")
    click.echo(f"كتب التذكير: {len(sent)}")
