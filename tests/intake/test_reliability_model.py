"""A model of intake, checked by hypothesis against the real pipeline.

A ``RuleBasedStateMachine`` drops files into a department's inbox (valid QF75-11
requests for a school, date and reference drawn from a small set; requests with
a wrong choice in a row; garbage), drops byte-identical copies of earlier ones,
resubmits a request (same school, date and reference, other rows: it
supersedes), crashes a batch, stops one early, and restarts. A plain model
knows, per identity, the rows of the latest accepted file, and what every file
must end as.

How a crash is simulated: ``run_batch`` runs in this process and a
``Crash`` — a ``BaseException``, so the pipeline's ``except Exception`` cannot
catch it and nothing of the batch runs after it, as with a kill — is raised at
one of the moments a kill can fall on, at the k-th file:

- ``claimed``: the k-th file was just renamed into ``inbox/.claimed/``;
- ``mid-commit``: inside the ledger transaction, after a submission row is
  written (SQLite rolls it back, as it discards an uncommitted WAL tail after a
  kill);
- ``committed``: the k-th file is about to leave ``.claimed/`` for
  ``processed/`` or ``rejected/`` (its record is committed);
- ``moved``: it has just left, its claim journal is still there;
- ``registers``: every file is handled, the registers are being regenerated.

The claim and the filing away are caught at the renames themselves, not at the
intake's methods, so the test does not depend on how the intake is organised.

Stopping early is the watcher's clean stop (``should_stop`` after k files).

Invariants at every step: every dropped file is in exactly one of inbox/,
.claimed/, processed/, rejected/; the ledger passes its integrity check; every
submission's file is where the ledger says or still claimed, and every file in
processed/ or rejected/ is a submission's. After a restart
(a batch left to finish): nothing waits, the ledger's live rows per identity
are the model's, its outcomes are the model's, and there is one submission per
dropped file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
)

from automation.core.clock import FakeClock
from automation.intake.pipeline import run_batch
from automation.ledger.open import open_ledger
from automation.ledger.store import Ledger
from tests.department_factory import (
    filled_workbook,
    maintenance_rows,
    make_department,
    own_directorate,
    school_names,
)

FORM = "QF75-11"
DAYS = (dt.date(2026, 3, 1), dt.date(2026, 3, 2))
REFERENCES = ("R-1",)
KINDS = ("valid", "valid", "valid", "wrong-choice", "garbage")
CRASH_POINTS = ("claimed", "mid-commit", "committed", "moved", "registers")


class Crash(BaseException):
    """A kill: not an ``Exception``, so nothing in the pipeline handles it."""


@dataclass(frozen=True)
class Dropped:
    name: str
    sha256: str
    identity: tuple[str, str, str] | None
    assets: tuple[str, ...]
    valid: bool


class Trip:
    """Raises :class:`Crash` on the k-th call."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.calls = 0

    def due(self) -> bool:
        self.calls += 1
        return self.calls == self.k

    def __call__(self) -> None:
        if self.due():
            raise Crash


@contextmanager
def crash_at(point: str, trip: Trip, claimed: Path) -> Iterator[None]:
    """Patch the pipeline so that ``trip`` fires at ``point``.

    The claim and the filing away are caught where they touch the disk (a rename
    into, or out of, ``claimed``), so the moments stay the same whatever the intake
    does between them (grouped commits, deferred moves, worker processes).
    """
    rename, replace = os.rename, os.replace
    folder = claimed.resolve()

    def into_claimed(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        rename(src, dst, *args, **kwargs)
        if Path(dst).resolve().parent == folder:
            trip()  # the file is claimed, nothing else is done

    def out_of_claimed(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if Path(src).resolve().parent != folder or not trip.due():
            replace(src, dst, *args, **kwargs)
            return
        if point == "moved":  # filed away, its claim journal not yet updated
            replace(src, dst, *args, **kwargs)
        raise Crash  # "committed": recorded in the ledger, still claimed

    if point == "claimed":
        with mock.patch.object(os, "rename", into_claimed):
            yield
    elif point == "mid-commit":
        insert_problems = Ledger.insert_problems

        def mid_commit(self: Ledger, *args: Any, **kwargs: Any) -> Any:
            trip()  # inside the transaction, after the submission row
            return insert_problems(self, *args, **kwargs)

        with mock.patch.object(Ledger, "insert_problems", mid_commit):
            yield
    elif point in ("committed", "moved"):
        with mock.patch.object(os, "replace", out_of_claimed):
            yield
    else:
        def registers(*args: Any, **kwargs: Any) -> Any:
            raise Crash

        with mock.patch("automation.registers.builder.write_registers", registers):
            yield


def stored_original(name: str) -> str:
    """The name staff gave a file, from the name it is stored under."""
    parts = name.split("_", 2)
    return parts[2] if len(parts) == 3 else name


class IntakeModel(RuleBasedStateMachine):
    files = Bundle("files")

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="eti-model-test-"))
        self.dept = own_directorate(make_department(self.tmp / "dept"), self.tmp.name)
        self.schools = school_names(self.dept)[:2]
        self.clock = FakeClock(dt.datetime(2026, 3, 10, 9, 0))
        self.counter = 0
        self.dropped: list[Dropped] = []
        self.contents: dict[str, bytes] = {}
        self.pending: list[Dropped] = []
        self.live: dict[tuple[str, str, str], tuple[str, ...]] = {}
        self.live_file: dict[tuple[str, str, str], int] = {}
        self.outcomes: list[str] = []
        self.accepted_sha: set[str] = set()

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- dropping ------------------------------------------------------------------

    def _write(self, data: bytes) -> str:
        self.counter += 1
        name = f"f{self.counter:03d}.xlsx"
        path = self.dept.inbox / name
        path.write_bytes(data)
        when = 1_700_000_000 + self.counter  # the order the batch takes them in
        os.utime(path, (when, when))
        return name

    def _workbook(self, identity: tuple[str, str, str], rows: int, valid: bool) -> tuple[
        bytes, tuple[str, ...]
    ]:
        school, day, reference = identity
        table = maintenance_rows(rows)
        assets = []
        for i, row in enumerate(table):
            row["asset_no"] = f"A{self.counter + 1:03d}-{i}"
            assets.append(str(row["asset_no"]))
        if not valid:
            table[0]["status"] = "خربان"  # not one of the choices
        header = {"school": school, "request_date": dt.date.fromisoformat(day),
                  "channel": "هاتف", "reference": reference}
        path = self.tmp / "workbook.xlsx"
        filled_workbook(self.dept, FORM, header, table).save(path)
        return path.read_bytes(), tuple(sorted(assets))

    def _drop(self, data: bytes, identity: tuple[str, str, str] | None,
              assets: tuple[str, ...], valid: bool) -> Dropped:
        name = self._write(data)
        self.contents[name] = data
        item = Dropped(name, hashlib.sha256(data).hexdigest(), identity, assets, valid)
        self.dropped.append(item)
        self.pending.append(item)
        return item

    @rule(target=files, drops=st.lists(
        st.tuples(st.integers(0, 1), st.sampled_from(DAYS), st.sampled_from(REFERENCES),
                  st.integers(1, 3), st.sampled_from(KINDS)),
        min_size=1, max_size=3))
    def drop(self, drops: list[tuple[int, dt.date, str, int, str]]) -> MultipleResults[Dropped]:
        """One to three new files, for two schools and two days: identities repeat."""
        made = []
        for school, day, reference, rows, kind in drops:
            identity = (self.schools[school], day.isoformat(), reference)
            if kind == "garbage":
                data = b"PK\x03\x04 not a workbook " + str(self.counter).encode()
                made.append(self._drop(data, None, (), False))
                continue
            data, assets = self._workbook(identity, rows, kind == "valid")
            made.append(self._drop(data, identity, assets, kind == "valid"))
        return multiple(*made)

    @rule(target=files, source=files)
    def duplicate(self, source: Dropped) -> Dropped:
        data = self.contents[source.name]
        return self._drop(data, source.identity, source.assets, source.valid)

    @rule(target=files, source=files, rows=st.integers(1, 3))
    def resubmit(self, source: Dropped, rows: int) -> Dropped:
        identity = source.identity or (self.schools[0], DAYS[0].isoformat(), REFERENCES[0])
        data, assets = self._workbook(identity, rows, True)
        return self._drop(data, identity, assets, True)

    # -- running -------------------------------------------------------------------

    def _batch(self, should_stop: Callable[[], bool] | None = None,
               progress: Callable[[object], None] | None = None) -> None:
        self.clock.advance(minutes=1)
        run_batch(self.dept, clock=self.clock, documents=False, should_stop=should_stop,
                  progress=progress)

    def _waiting(self) -> bool:
        return bool(self.pending)

    @precondition(_waiting)
    @rule(point=st.sampled_from(CRASH_POINTS), k=st.integers(1, 3))
    def kill(self, point: str, k: int) -> None:
        with crash_at(point, Trip(k), self.dept.claimed):
            try:
                self._batch()
            except Crash:
                pass

    @precondition(_waiting)
    @rule(k=st.integers(0, 2))
    def stop_early(self, k: int) -> None:
        handled = Counter[str]()

        def progress(_: object) -> None:
            handled["n"] += 1

        self._batch(should_stop=lambda: handled["n"] >= k, progress=progress)

    @precondition(_waiting)
    @rule()
    def restart(self) -> None:
        self._batch()
        self._apply_model()
        self._check_converged()

    def _apply_model(self) -> None:
        """What an uninterrupted run makes of the files, in the order they were dropped."""
        for item in self.pending:
            if item.sha256 in self.accepted_sha:
                self.outcomes.append("duplicate")
            elif not item.valid:
                self.outcomes.append("rejected")
            else:
                assert item.identity is not None
                previous = self.live_file.get(item.identity)
                if previous is not None:
                    self.outcomes[previous] = "superseded"
                self.live_file[item.identity] = len(self.outcomes)
                self.outcomes.append("accepted")
                self.live[item.identity] = item.assets
                self.accepted_sha.add(item.sha256)
        self.pending = []

    # -- what must hold ------------------------------------------------------------

    def _places(self) -> Counter[str]:
        """Where each dropped file is, by its original name."""
        found: Counter[str] = Counter()
        for path in self.dept.inbox.iterdir():
            if path.is_file():
                found[path.name] += 1
        originals: dict[str, str] = {}  # claim id -> original name, from the journals
        for note in self.dept.claimed.glob("*.json"):
            for claim in json.loads(note.read_text(encoding="utf-8"))["claims"]:
                originals[claim["id"]] = claim["original"]
        for path in self.dept.claimed.iterdir():
            if path.suffix == ".json":
                continue
            original = originals.get(path.name.split(".")[0])
            assert original is not None, f"{path.name} is claimed without a journal"
            found[original] += 1
        for folder in (self.dept.processed, self.dept.rejected):
            for path in folder.rglob("*"):
                if path.is_file() and not path.name.endswith(".errors.xlsx"):
                    found[stored_original(path.name)] += 1
        return found

    @invariant()
    def every_file_in_one_place(self) -> None:
        places = self._places()
        assert places == Counter(item.name for item in self.dropped), places

    @invariant()
    def ledger_consistent(self) -> None:
        if not self.dept.ledger_path.exists():
            return
        with open_ledger(self.dept) as ledger:
            assert ledger.integrity() == "ok"
            rows = ledger.conn.execute(
                "SELECT stored_path, claim_id FROM submissions").fetchall()
        assert len(rows) <= len(self.dropped)
        recorded = Counter(str(stored) for stored, _ in rows)
        for folder in (self.dept.processed, self.dept.rejected):
            for path in folder.rglob("*"):
                if path.is_file() and not path.name.endswith(".errors.xlsx"):
                    stored = path.relative_to(self.dept.root).as_posix()
                    assert recorded[stored] == 1, f"{stored} is filed but not recorded"
        for stored, claim_id in rows:
            held = claim_id is not None and any(
                p.suffix != ".json" for p in self.dept.claimed.glob(f"{claim_id}.*"))
            assert (self.dept.root / stored).is_file() or held, f"{stored} is lost"

    def _check_converged(self) -> None:
        assert not any(p.is_file() for p in self.dept.inbox.iterdir()), "files still waiting"
        assert not any(self.dept.claimed.iterdir()), "files still claimed"
        with open_ledger(self.dept) as ledger:
            outcomes = Counter(
                str(r[0]) for r in ledger.conn.execute("SELECT outcome FROM submissions"))
            live: dict[tuple[str, str, str], list[str]] = {}
            for row in ledger.current_rows(FORM):
                key = (str(row.data["school"]), str(row.data["request_date"]),
                       str(row.data["reference"]))
                live.setdefault(key, []).append(str(row.data["asset_no"]))
            dirty = ledger.dirty_processes()
        assert {k: tuple(sorted(v)) for k, v in live.items()} == self.live
        assert outcomes == Counter(self.outcomes)
        assert sum(outcomes.values()) == len(self.dropped)
        assert dirty == []


IntakeModel.TestCase.settings = settings(
    max_examples=int(os.environ.get("ETI_MODEL_EXAMPLES", "15")),
    stateful_step_count=12,
    deadline=None,
    # No shrinking: a failing run prints its (at most 12) steps at once instead of
    # spending minutes making them fewer.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestIntakeModel = IntakeModel.TestCase


def test_versions_claimed_together_keep_their_order() -> None:
    """The sequence the model is most about, played directly: four versions of one
    filled copy dropped in order, the batch killed while they are claimed, then
    restarted. The last version dropped must be the live one, whatever order the
    claims were left in."""
    for _ in range(2):
        machine = IntakeModel()
        try:
            first = machine.drop([(0, DAYS[0], REFERENCES[0], 2, "valid")])
            source = first.values[0]
            for rows in (3, 1, 2):
                machine.resubmit(source, rows)
            machine.kill("mid-commit", 1)
            machine.every_file_in_one_place()
            machine.ledger_consistent()
            machine.restart()
        finally:
            machine.teardown()
