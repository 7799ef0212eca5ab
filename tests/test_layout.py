"""The package's rooms show QP-70-2 and keep their order (docs/ARCHITECTURE.md).

- Every folder imports only folders on its own floor or below: cli, demo, service →
  intake → documents, templates → registers → processes → catalog, ledger → text, core.
- The demo is never imported by runtime code (only by the ``eti demo`` command).
- A form code is spelled only in the catalog and in the process module that uses it.
- No module is over 600 lines.
"""

from __future__ import annotations

import ast
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
