"""The package's rooms show QP-70-2 and keep their order (docs/ARCHITECTURE.md).

- Every folder imports only folders on its own floor or below: cli, demo, service →
  intake → documents, templates → registers → processes → catalog, ledger → text, core.
- The demo is never imported by runtime code (only by the ``eti demo`` command).
- A form code is spelled only in the catalog and in the process module that uses it.
- No module is over 600 lines.
- Documents and templates count nothing and speak no SQL: they read the figures.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from automation.catalog.forms import CATALOG

PACKAGE = Path(__file__).resolve().parents[1] / "automation"
FLOORS = (
    ("cli", "demo", "service"),
    ("intake",),
    ("documents", "templates"),
    ("registers",),
    ("processes",),
    ("catalog", "ledger"),
    ("text", "core"),
)
FLOOR = {room: level for level, rooms in enumerate(FLOORS) for room in rooms}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


def _room(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


def _imported_rooms(path: Path) -> set[str]:
    """The top folders of ``automation`` a module imports, at any depth of its code."""
    rooms = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "automation" and len(parts) > 1 and parts[1] in FLOOR:
                rooms.add(parts[1])
    return rooms


def test_every_folder_is_a_known_room() -> None:
    assert {_room(p) for p in MODULES} - {"assets"} == set(FLOOR)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_down_never_up(path: Path) -> None:
    own = FLOOR[_room(path)]
    upward = {room for room in _imported_rooms(path) if FLOOR[room] < own}
    assert not upward, f"{path.relative_to(PACKAGE)} reaches up to {sorted(upward)}"


def test_the_demo_is_not_runtime_code() -> None:
    users = {str(p.relative_to(PACKAGE)) for p in MODULES
             if _room(p) != "demo" and "demo" in _imported_rooms(p)}
    assert users == {"cli/demo.py"}


def _form_code_literals(path: Path) -> set[str]:
    codes = set(CATALOG.codes)
    return {node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and node.value in codes}


def test_form_codes_are_spelled_in_the_catalog_and_their_process_only() -> None:
    """The demo year's generator is data (filled forms), like a test's fixtures: exempt."""
    spelled: dict[str, set[str]] = {}
    for path in MODULES:
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in ("catalog", "demo") and (rel.parts[0] == "demo"
                                                   or rel.parts[1].startswith("forms")):
            continue
        found = _form_code_literals(path)
        if found:
            spelled[str(rel)] = found
    owners = {p for p in spelled if p.startswith("processes/")}
    assert set(spelled) == owners, {p: c for p, c in spelled.items() if p not in owners}
    for codes in spelled.values():  # each spelled code is a real form of the catalog
        for code in codes:
            assert CATALOG.form(code)


def test_no_module_is_a_wall() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in MODULES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert not long


# -- documents format figures; they never count -----------------------------------------------

SQL_TEXT = re.compile(r"\b(?:SELECT\b.*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                      r"CREATE\s+(?:TABLE|INDEX|VIEW)|GROUP\s+BY|COUNT\s*\()")
"""SQL in a string (upper case, as the ledger writes it; prose says «select» in lower case)."""
LEDGER_READS = frozenset({
    "execute", "executemany", "executescript", "current_rows", "current_row_chunks",
    "archived_rows", "count_current_rows", "submissions_between",
    "rows_in", "rows_until", "count_by", "Counter",
})
"""Calls that read or count the ledger's rows: only processes (and the ledger) make them."""
FIGURES_ONLY = ("documents", "templates")
"""Rooms that read rows only through the processes (figures, a decision's items and
tallies, the digest's arrivals); none exempt."""


def counting(source: str) -> list[str]:
    """Where a module's code reads the ledger or counts rows: SQL in a string, a call that
    reads or counts rows, ``sum(1 for …)``, ``len(rows)`` or a tally ``counts[…] += 1``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and SQL_TEXT.search(node.value):
            found.append(f"{line}: SQL {node.value[:40]!r}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in LEDGER_READS:
                found.append(f"{line}: {name}(…)")
            elif name == "sum" and node.args and isinstance(node.args[0], ast.GeneratorExp) \
                    and isinstance(node.args[0].elt, ast.Constant):
                found.append(f"{line}: sum(1 for …)")
            elif name == "len" and node.args and isinstance(node.args[0], ast.Name) \
                    and "rows" in node.args[0].id:
                found.append(f"{line}: len({node.args[0].id})")
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Subscript) \
                and isinstance(node.op, ast.Add) and isinstance(node.value, ast.Constant) \
                and node.value.value == 1:
            found.append(f"{line}: {ast.unparse(node)}")
    return found


def test_the_counting_check_finds_counting() -> None:
    assert counting('rows = ledger.conn.execute("SELECT school, COUNT(*) FROM submissions")')
    assert counting("n = len(ledger.current_rows('QF75-11'))")
    assert counting("n = sum(1 for r in executed if r.data.get('category') == c)")
    assert counting("for r in rows:\n    counts[r.data.get('status')] += 1")
    assert counting("n = len(rows)")
    assert not counting("self.started += 1\nwidth = len(form.rows)")
    assert counting("counts = Counter(r.data.get('kind') for r in src.rows('FEEDBACK'))")
    assert counting("counts = count_by(executed, 'category')")
    assert not counting('value = figure(src, "p2.executed", period, refs).text')
    assert not counting('"""Select the rows from the table, where shown."""')


@pytest.mark.parametrize(
    "path", [p for p in MODULES if _room(p) in FIGURES_ONLY],
    ids=lambda p: str(p.relative_to(PACKAGE)))
def test_documents_read_figures_they_never_count(path: Path) -> None:
    """Documents and templates format what the processes computed (figures by key, the
    processes' tables); SQL lives in automation/ledger/, counting in automation/processes/."""
    assert counting(path.read_text(encoding="utf-8")) == []


# -- the ledger owns its SQL (issue 26) ----------------------------------------------------

SQL_STATEMENT = re.compile(
    r"\b(?:SELECT\b[\s\S]*?\bFROM|INSERT\s+(?:OR\s+[A-Z]+\s+)?INTO|UPDATE\s+\w+\s+SET|"
    r"DELETE\s+FROM|(?:CREATE|ALTER|DROP)\s+(?:TABLE|INDEX|VIEW|ROLE|POLICY|FUNCTION|SCHEMA)|"
    r"TRUNCATE\s+\w|PRAGMA\s+\w|BEGIN\s+IMMEDIATE|SAVEPOINT\s+\w|ON\s+CONFLICT)\b")
"""A statement in a string (upper case, as the ledger writes SQL)."""
RUNS_SQL = frozenset({"execute", "executemany", "executescript", "execute_native", "run_script"})
"""Calls that hand a statement to a connection."""


def speaking_sql(source: str) -> list[str]:
    """Where a module's code holds a SQL statement in a string or runs one (``.execute(``
    and the like)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and SQL_STATEMENT.search(node.value):
            found.append(f"{line}: SQL {node.value[:50]!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in RUNS_SQL:
            found.append(f"{line}: .{node.func.attr}(…)")
    return found


def test_the_sql_check_finds_sql() -> None:
    assert speaking_sql('ledger.conn.execute("SELECT 1 FROM documents WHERE path = ?", (p,))')
    assert speaking_sql('sql = "SELECT MAX(received_at) FROM submissions"')
    assert speaking_sql('q = ("UPDATE rows SET decision_id = NULL "\n     "WHERE decision_id = ?")')
    assert speaking_sql('s = "INSERT OR IGNORE INTO dirty_registers VALUES (?)"')
    assert speaking_sql('s = "DELETE FROM sequences WHERE name = ?"')
    assert speaking_sql('s = "ALTER TABLE rows ADD COLUMN x TEXT"')
    assert speaking_sql("conn.executemany(statement, params)")
    assert speaking_sql("cur = conn.execute(text)")
    assert not speaking_sql('"""Select the rows from the table, where shown; update them."""')
    assert not speaking_sql('print("Run eti update to select from the inbox")')
    assert not speaking_sql("ledger.record_document(kind, rel, now)")


def test_the_ledger_owns_its_sql() -> None:
    """No SQL statement and no ``.execute(`` outside automation/ledger/: every other room
    asks the ledger's named operations (docs/ARCHITECTURE.md)."""
    outside = {str(p.relative_to(PACKAGE)): found for p in MODULES if _room(p) != "ledger"
               and (found := speaking_sql(p.read_text(encoding="utf-8")))}
    assert outside == {}


# -- where a ledger is: open_ledger alone reads it (issue 26) ------------------------------

ENVIRONMENT = frozenset({"environ", "getenv", "putenv", "unsetenv", "environb"})
"""What reading (or changing) the process's environment is spelled with."""
ADDRESS_NAMES = frozenset({"ETI_LEDGER_URL", "LEDGER_URL_ENV"})
"""The ledger address's variable, as a string or as the constant naming it."""
OPENS_LEDGERS = frozenset({"ledger/open.py", "ledger/copy.py"})
"""Where a Ledger is constructed: open_ledger (a department's), eti ledger copy (the two
addresses its command was given)."""


def reads_environment(source: str) -> list[str]:
    """Where a module's code touches ``os.environ`` (or ``getenv``…)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ENVIRONMENT \
                or isinstance(node, ast.Name) and node.id in ENVIRONMENT \
                or isinstance(node, ast.alias) and node.name in ENVIRONMENT:
            found.append(f"{getattr(node, 'lineno', 0)}: {ast.unparse(node)}")
    return found


def names_ledger_address(source: str) -> bool:
    """Whether a module's code (not its prose) names ``ETI_LEDGER_URL``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and node.value in ADDRESS_NAMES \
                or isinstance(node, ast.Name) and node.id in ADDRESS_NAMES \
                and isinstance(node.ctx, ast.Load) \
                or isinstance(node, ast.Attribute) and node.attr in ADDRESS_NAMES \
                or isinstance(node, ast.alias) and node.name in ADDRESS_NAMES:
            return True
    return False


def constructs_ledger(source: str) -> list[str]:
    """Where a module's code opens a ledger itself: ``Ledger(…)``, ``Ledger.sqlite(…)``,
    ``Ledger.postgres(…)``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in {"sqlite", "postgres"}:
            func = func.value
        if isinstance(func, ast.Name) and func.id == "Ledger" \
                or isinstance(func, ast.Attribute) and func.attr == "Ledger":
            found.append(f"{node.lineno}: {ast.unparse(node)[:60]}")
    return found


def test_the_environment_checks_find_their_cases() -> None:
    assert reads_environment('url = os.environ.get("ETI_LEDGER_URL", "")')
    assert reads_environment("from os import environ\nurl = environ['X']")
    assert reads_environment('url = os.getenv(LEDGER_URL_ENV)')
    assert not reads_environment('"""Reads os.environ? Never."""\nx = settings.ledger.url')
    assert names_ledger_address('url = os.environ.get("ETI_LEDGER_URL", "")')
    assert names_ledger_address("url = os.getenv(postgres.LEDGER_URL_ENV)")
    assert names_ledger_address("from automation.ledger.postgres import LEDGER_URL_ENV")
    assert not names_ledger_address('"""ETI_LEDGER_URL, when set, wins."""')
    assert not names_ledger_address('LEDGER_URL_ENV_DOC = "see ETI_LEDGER_URL in the docs"')
    assert constructs_ledger("with Ledger(dept.ledger_path) as ledger: pass")
    assert constructs_ledger("ledger = store.Ledger.postgres(url, name)")
    assert constructs_ledger("return Ledger.sqlite(path)")
    assert not constructs_ledger("with open_ledger(dept) as ledger: pass")


def test_open_ledger_alone_reads_where_the_ledger_is() -> None:
    """``ETI_LEDGER_URL`` is read in automation/ledger/open.py and nowhere else (the store's
    constructors read no environment at all, nor does any other module of the ledger's
    room); only it and ``eti ledger copy`` construct a Ledger, every other module opens a
    department's through ``open_ledger``."""
    readers = {str(p.relative_to(PACKAGE)): found for p in MODULES
               if (found := reads_environment(p.read_text(encoding="utf-8")))}
    assert {m for m in readers if m.startswith("ledger/")} == {"ledger/open.py"}, readers
    address_readers = {m for m in readers
                       if names_ledger_address((PACKAGE / m).read_text(encoding="utf-8"))}
    assert address_readers == {"ledger/open.py"}
    openers = {str(p.relative_to(PACKAGE)): found for p in MODULES
               if (found := constructs_ledger(p.read_text(encoding="utf-8")))}
    assert set(openers) <= OPENS_LEDGERS, openers
