"""Fixtures the document tests share: a department in a temporary folder and its ledger,
filled with the disposal lists (``disposals``) or by the test module's own ``fill(ledger)``
(``world``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from automation.core.department import Department
from automation.ledger.store import Ledger
from tests.documents.test_documents_helpers import department, open_ledger


def _filled(folder: Path, fill: Callable[[Ledger], object]) -> Iterator[tuple]:
    """(department, ledger, what ``fill`` returned); the ledger is closed afterwards."""
    dept = department(folder)
    ledger = open_ledger(dept)
    made = fill(ledger)
    yield dept, ledger, made
    ledger.close()


@pytest.fixture
def disposals(tmp_path: Path) -> Iterator[tuple[Department, Ledger]]:
    """For each test: (department, ledger) holding the disposal lists and maintenance
    requests of :func:`tests.documents.test_documents_decision.fill`, with no register left
    to rewrite."""
    from tests.documents.test_documents_decision import fill

    for dept, ledger, _ in _filled(tmp_path, fill):
        ledger.clear_dirty(ledger.dirty_processes())  # as if the registers were written
        yield dept, ledger


@pytest.fixture(scope="module")
def world(request: pytest.FixtureRequest, module_ledger: str,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """Once for the module: (department, ledger, what the module's ``fill`` returned)."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    yield from _filled(tmp_path_factory.mktemp(name), request.module.fill)
