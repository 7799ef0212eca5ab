"""The reliability figures CI proves: ``bench/reliability.py`` sections 1 and 3, shortened.

Kill ``eti process`` at random moments on a 60-file batch until a dozen kill
points (then compare with an uninterrupted run), and put every hostile file
through ``eti process`` in its own child process. Both sections run once for
the module; each figure is its own test, so a failure names what broke.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from tests.department_factory import make_department

# The bench's kill runs read each run's SQLite file itself; kills against a PostgreSQL
# ledger are tests/intake/test_kill.py and tests/ledger/test_postgres_ledger.py.
BENCH = Path(__file__).resolve().parents[2] / "bench" / "reliability.py"

pytestmark = [pytest.mark.timeout(400), pytest.mark.sqlite_only]


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eti_reliability_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


rb = _load_bench()
SCALE = replace(rb.QUICK, kill_files=60, kill_points=12, kill_workers=2, templates=8,
                hostile_rows=1500)


@pytest.fixture(scope="module")
def sections(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    work = tmp_path_factory.mktemp("reliability")
    base = work / "base"
    dept = make_department(base)
    templates = rb.corpus.make_templates(dept, SCALE.templates)
    specials = rb.special_templates(dept)
    (kill,) = rb.kill_section(SCALE, work, base, templates, specials)
    (hostile,) = rb.hostile_section(SCALE, work, base)
    print(rb.render([kill, hostile], SCALE, rb.dt.datetime.now(), kill.seconds + hostile.seconds))
    yield {"kill": kill, "hostile": hostile}


def figure(check: object, name: str) -> int:
    return int(check.figures.get(name, 0))  # type: ignore[attr-defined]


def test_kills_reach_the_kill_points(sections: dict[str, object]) -> None:
    kill = sections["kill"]
    assert not kill.failed, kill.failed  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", [
    "files lost", "files doubled", "submissions ≠ files", "stored file missing or altered",
])
def test_kills_lose_and_double_no_file(sections: dict[str, object], name: str) -> None:
    assert figure(sections["kill"], name) == 0


def test_kills_double_no_row(sections: dict[str, object]) -> None:
    assert figure(sections["kill"], "rows doubled") == 0


def test_kills_leave_the_ledger_sound(sections: dict[str, object]) -> None:
    assert figure(sections["kill"], "ledger not ok") == 0
    assert figure(sections["kill"], "registers left dirty") == 0


def test_kills_keep_the_latest_version_live(sections: dict[str, object]) -> None:
    """Files claimed together and left by a kill are finished in the order they came."""
    kill = sections["kill"]
    assert figure(kill, "live rows with other data than the calm run") == 0
    assert figure(kill, "live rows missing") == 0
    assert figure(kill, "outcomes ≠ calm run") == 0


def test_kills_leave_no_process_running(sections: dict[str, object]) -> None:
    assert figure(sections["kill"], "processes outliving a killed run") == 0


@pytest.mark.parametrize("name", ["crashes", "hangs", "internal errors", "ledger unreadable"])
def test_hostile_files_neither_crash_nor_hang(sections: dict[str, object], name: str) -> None:
    assert figure(sections["hostile"], name) == 0


def test_hostile_files_stay_in_bounded_memory(sections: dict[str, object]) -> None:
    assert figure(sections["hostile"], f"processes over {rb.MEMORY_LIMIT_MB} MB") == 0


def test_every_hostile_rejection_is_explained(sections: dict[str, object]) -> None:
    assert figure(sections["hostile"], "rejections unexplained") == 0
