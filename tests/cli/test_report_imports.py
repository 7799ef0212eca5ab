"""``eti report quarterly`` loads what the report needs and nothing more (issue 22: the
whole command within half a second). Modules are counted, not seconds: Word and Jinja
load in the render worker, never in the command's own process, and no other command's
modules load."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from pathlib import Path

from department_factory import make_department
from ledger_factory import add_submission, backend_ledger

NOT_IN_THE_COMMAND = ("docx", "docxtpl", "jinja2", "lxml", "openpyxl",
                      "matplotlib", "markupsafe", "pandas", "numpy")
"""Libraries of the render worker (python-docx, docxtpl, Jinja, lxml), of other commands
(openpyxl: the registers) or of none."""

OTHER_COMMANDS = ("automation.intake", "automation.registers", "automation.service",
                  "automation.templates", "automation.demo", "automation.cli.service",
                  "automation.cli.ledger", "automation.cli.figures", "automation.cli.demo",
                  "automation.cli.correspondence", "automation.cli.collection")


def _modules_of_the_command(root: Path) -> list[str]:
    code = (
        "import sys\n"
        "from automation.cli.main import main\n"
        "try:\n"
        f"    main(['report', 'quarterly', '--root', {str(root)!r}, '--period', '2026-Q2'])\n"
        "except SystemExit as exc:\n"
        "    if exc.code:\n"
        "        raise\n"
        "print(sorted(sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return ast.literal_eval(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def test_the_quarterly_report_loads_no_word_library_and_no_other_command(
        tmp_path: Path) -> None:
    dept = make_department(tmp_path / "dept")
    with backend_ledger(dept.ledger_path) as ledger:  # a request done: a chart to draw
        add_submission(ledger, "HD-EXPORT", {}, [
            {"ticket_no": "1", "school": "مدرسة الأمل", "opened": dt.date(2026, 5, 1),
             "closed": dt.date(2026, 5, 20), "category": "شبكة", "status": "منفذ"},
        ], received_at=dt.datetime(2026, 7, 1, 9))
    loaded = _modules_of_the_command(dept.root)
    assert (dept.outbox / "reports" / "تقرير-ربعي-2026-Q2.docx").is_file()
    assert "automation.documents.quarterly" in loaded  # the report was made here
    libraries = {m.split(".")[0] for m in loaded}
    assert libraries.isdisjoint(NOT_IN_THE_COMMAND), libraries & set(NOT_IN_THE_COMMAND)
    others = [m for m in loaded if m.startswith(OTHER_COMMANDS)]
    assert others == [], others
