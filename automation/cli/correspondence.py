"""``eti outgoing`` and ``eti letter``: the outgoing register and numbered letters, thin
over :mod:`automation.documents.correspondence`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from automation.cli.options import ROOT, clean_exit, document_json, echo_json, echo_list, option
from automation.core.clock import SystemClock
from automation.core.department import Department
from automation.ledger.open import open_ledger

JSON = click.option("--json", "as_json", is_flag=True,
                    help='Print what was written as JSON: {"number", "document", "documents": '
                    '[{"kind", "path", "pdf"}]}.')


@click.group()
def outgoing() -> None:
    """The outgoing register (سجل الصادر): every number the department gave."""


@outgoing.command("list")
@ROOT
@click.option("--json", "as_json", is_flag=True,
              help='Print [{"number", "date", "kind", "to", "subject", "document"}].')
def outgoing_list_command(root: Path, as_json: bool) -> None:
    """Every outgoing number, oldest first (void ones marked)."""
    from automation.documents.correspondence import outgoing_list
    from automation.documents.kinds import names_ar

    kinds_ar = names_ar()

    def line(e: dict[str, Any]) -> str:
        void = "  [ملغى / void]" if e["void"] else ""
        document = f"\n{'':<28}{e['document']}" if e["document"] else ""
        return (f"{e['number']:<16} {e['date']:<10} {kinds_ar.get(e['kind'], e['kind'])}: "
                f"{e['to']} — {e['subject']}{void}{document}")

    with open_ledger(Department.at(root)) as ledger:
        entries = outgoing_list(ledger)
    echo_list(entries, as_json, line=line, empty="سجل الصادر فارغ\nthe outgoing register is empty")


@click.group()
def letter() -> None:
    """Numbered letters into outbox/letters/ (the outgoing register)."""


def _send(root: Path, as_json: bool, make: Callable[..., object], kind: str,
          **kwargs: object) -> None:
    from automation.documents.correspondence import refresh_registers
    from automation.documents.outbox import relative

    dept = Department.at(root)
    with open_ledger(dept) as ledger:
        with clean_exit():
            sent = make(dept, ledger, clock=SystemClock(), **kwargs)
        refresh_registers(dept, ledger, clock=SystemClock())
    number, path = sent.number, sent.path  # type: ignore[attr-defined]
    attachment = sent.attachment  # type: ignore[attr-defined]
    if as_json:
        data: dict[str, object] = {"number": number, "document": relative(dept, path)}
        if attachment is not None:
            data["attachment"] = relative(dept, attachment)
        data["documents"] = [document_json(dept, kind, path)]
        echo_json(data)
        return
    click.echo(f"{number}  {path}")
    if attachment is not None:
        click.echo(f"{'':<{len(number)}}  {attachment}")


def _add_reminder() -> None:
    """``eti letter reminder`` (issue 25) lives with who has not sent."""
    from automation.cli.collection import letter_reminder

    letter.add_command(letter_reminder)


_add_reminder()


@letter.command("thanks")
@ROOT
@click.option("--school", required=True, help="The school of the initiative.")
@click.option("--initiative", required=True, help="The active initiative thanked (P8).")
@JSON
def letter_thanks(root: Path, school: str, initiative: str, as_json: bool) -> None:
    """P8: a letter of thanks and encouragement for an active initiative."""
    from automation.documents.correspondence import make_thanks_letter
    from automation.documents.kinds import LETTER_THANKS

    _send(root, as_json, make_thanks_letter, LETTER_THANKS.key, school=school,
          initiative=initiative)


@letter.command("qrc")
@ROOT
@click.option("--document", required=True, type=click.Path(path_type=Path),
              help="The report to forward (copied beside the letter).")
@click.option("--process", type=click.Choice(["P7", "P10"]), default="P10", show_default=True,
              help="The process the report belongs to: P7 (activation) or P10 (learning).")
@JSON
def letter_qrc(root: Path, document: Path, process: str, as_json: bool) -> None:
    """P7/P10: a covering letter forwarding a report to the Queen Rania Center."""
    from automation.documents.correspondence import make_qrc_letter
    from automation.documents.kinds import LETTER_QRC

    _send(root, as_json, make_qrc_letter, LETTER_QRC.key, document=document, process=process)


@letter.command("free")
@ROOT
@option("--addressee", "to", aliases=("--to",), required=True,
        help="Who the letter is to (a school, a directorate, a person).")
@click.option("--subject", required=True, help="The letter's subject line.")
@click.option("--body", required=True, help="The text; one paragraph a line.")
@JSON
def letter_free(root: Path, to: str, subject: str, body: str, as_json: bool) -> None:
    """A numbered letter with the addressee, subject and text given."""
    from automation.documents.correspondence import make_free_letter
    from automation.documents.kinds import LETTER_FREE

    _send(root, as_json, make_free_letter, LETTER_FREE.key, to=to, subject=subject, body=body)


def register(group: click.Group) -> None:
    """Add the correspondence commands to the ``eti`` group."""
    for command in (outgoing, letter):
        group.add_command(command)
