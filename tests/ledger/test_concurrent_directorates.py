"""Ten department services writing to one PostgreSQL at once (issue 18, item 3).

Five directorates of two departments each: every department its own folder, inbox and
eti.toml pointing at the test database, run in its own spawned process, all released
together. What was dropped is counted by hand below; the ledger, the folders and each
writer's own account must show every file exactly once, each directorate's accepted
set, no row twice, one live submission per identity, and outgoing numbers 1..n per
directorate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import multiprocessing as mp
import os
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from automation.catalog.reference import load_references
from automation.core.department import Department
from automation.core.inbox_listing import waiting_files
from automation.documents.letters import LETTER_KIND
from automation.intake.pipeline import run_batch
from automation.ledger.store import Ledger
from tests.department_factory import clock, filled_workbook, make_department, school_names
from tests.ledger.directorate_writer import RESULT, point_at, write

pytestmark = pytest.mark.postgres

DIRECTORATES = 5
FREE_LETTERS = 2
"""Free letters each writer numbers after its batch."""
FORM = "QF70-2-7"
"""Educational devices: identity (school, request date), no document per accepted file."""


def _workbook(dept: Department, day: dt.date, rows: int, *, school: int = 0,
              priority: str = "عادي") -> bytes:
    devices = load_references(dept).device_type_names
    header = {"school": school_names(dept)[school], "request_date": day,
              "requested_by": "منسق المختبر"}
    body = [{"device_type": devices[i % len(devices)], "asset_no": f"EDU-{day:%m%d}-{i}",
             "quantity": i + 1, "fault": "لا يعمل", "priority": priority}
            for i in range(rows)]
    buffer = io.BytesIO()
    filled_workbook(dept, FORM, header, body).save(buffer)
    return buffer.getvalue()


def _day(n: int) -> dt.date:
    return dt.date(2026, 2, 1) + dt.timedelta(days=n)


class Dropped:
    """What one test dropped where, and what each directorate must end with."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[str, bytes, str]] = {}  # name -> (dept, bytes, kind)
        self.rows: dict[str, int] = {}  # name -> its rows

    def put(self, dept: Department, name: str, data: bytes, kind: str, rows: int) -> None:
        (dept.inbox / name).write_bytes(data)
        self.files[name] = (dept.root.name, data, kind)
        self.rows[name] = rows


def _drop_all(depts: dict[tuple[int, str], Department]) -> Dropped:
    """Per directorate d, departments A and B (six files each):

    - U: two files of their own each (accepted);
    - X: the same bytes in A and B (one accepted, the other a duplicate of it);
    - Z: B's file Z_d is also, byte for byte, A's of the next directorate (accepted in
      both directorates: exactly-once is per directorate);
    - V: A's V1 and B's V2 are two versions of one identity (one supersedes the other);
    - R: one rejected file each, its school known (a rejection letter, numbered).
    """
    dropped = Dropped()
    model = depts[(0, "A")]
    z = {d: _workbook(model, _day(20 + d), 2, school=5) for d in range(DIRECTORATES)}
    for d in range(DIRECTORATES):
        a, b = depts[(d, "A")], depts[(d, "B")]
        x = _workbook(a, _day(3), 3, school=1)
        for i, (dept, side) in enumerate(((a, "A"), (b, "B"))):
            for u in range(2):
                dropped.put(dept, f"d{d}{side}-U{u}.xlsx",
                            _workbook(dept, _day(10 + 2 * i + u), 1 + u, school=2), "U", 1 + u)
            dropped.put(dept, f"d{d}{side}-X.xlsx", x, "X", 3)
            dropped.put(dept, f"d{d}{side}-R.xlsx",
                        _workbook(dept, _day(6 + i), 2, school=3, priority="فوري"), "R", 0)
        dropped.put(a, f"d{d}A-Z.xlsx", z[(d - 1) % DIRECTORATES], "Z", 2)
        dropped.put(b, f"d{d}B-Z.xlsx", z[d], "Z", 2)
        dropped.put(a, f"d{d}A-V1.xlsx", _workbook(a, _day(5), 3, school=4), "V", 3)
        dropped.put(b, f"d{d}B-V2.xlsx", _workbook(b, _day(5), 4, school=4), "V", 4)
    return dropped


def _run_writers(roots: list[Path]) -> list[dict[str, object]]:
    context = mp.get_context("spawn")
    start = context.Event()
    writers = [context.Process(target=write, args=(str(root), "2026-03-10 09:00", start,
                                                     FREE_LETTERS))
               for root in roots]
    for writer in writers:
        writer.start()
    start.set()  # all at once, each as soon as it has imported the product
    for writer in writers:
        writer.join(180)
    codes = [writer.exitcode for writer in writers]
    assert codes == [0] * len(writers), codes
    return [json.loads((root / RESULT).read_text(encoding="utf-8")) for root in roots]


def test_ten_writers_every_file_exactly_once(tmp_path: Path, postgres_url: str) -> None:
    depts = {}
    for d in range(DIRECTORATES):
        for side in "AB":
            dept = make_department(tmp_path / f"d{d}{side}")
            point_at(dept.root, postgres_url, f"مديرية {d}")
            depts[(d, side)] = dept
    dropped = _drop_all(depts)
    roots = [dept.root for dept in depts.values()]
    results = dict(zip([r.name for r in roots], _run_writers(roots), strict=True))

    # each writer's own account: its six files, nothing interrupted, held or failed
    for name, result in results.items():
        assert result["interrupted"] == "" and result["held"] == [], (name, result)
        mine = sorted(f for f, (owner, _, _) in dropped.files.items() if owner == name)
        assert sorted(f["file"] for f in result["files"]) == mine  # type: ignore[union-attr]
        for f in result["files"]:  # type: ignore[union-attr]
            kind = dropped.files[f["file"]][2]
            expected = {"U": {"accepted"}, "Z": {"accepted"}, "R": {"rejected"},
                        "X": {"accepted", "duplicate"}, "V": {"accepted", "superseded"}}[kind]
            assert f["outcome"] in expected, (name, f)

    with Ledger(Path(os.devnull), url=postgres_url, directorate="*") as ledger:
        subs = list(ledger.conn.execute(
            "SELECT id, directorate, original_name, sha256, outcome, duplicate_of, "
            "superseded_by, row_count, stored_path FROM submissions ORDER BY id"))
        rows = list(ledger.conn.execute(
            "SELECT r.id, r.submission_id, r.sheet, r.row_number, r.current, r.directorate, "
            "s.directorate FROM rows r JOIN submissions s ON s.id = r.submission_id"))
        outgoing = list(ledger.conn.execute(
            "SELECT directorate, number, sequence, kind FROM outgoing ORDER BY id"))
        letters = list(ledger.conn.execute(
            "SELECT d.submission_id, d.directorate FROM documents d WHERE d.kind = ?",
            (LETTER_KIND,)))
        assert ledger.integrity() == "ok"

    # every file recorded exactly once, in its own department's directorate
    assert Counter(s["original_name"] for s in subs) == Counter(list(dropped.files))
    sha = {name: hashlib.sha256(data).hexdigest()
           for name, (_, data, _) in dropped.files.items()}
    by_name = {s["original_name"]: s for s in subs}
    for name, s in by_name.items():
        assert s["directorate"] == f"مديرية {name[1]}", name
        assert s["sha256"] == sha[name], name

    for d in range(DIRECTORATES):
        directorate = f"مديرية {d}"
        mine = {n: s for n, s in by_name.items() if s["directorate"] == directorate}
        assert Counter(s["outcome"] for s in mine.values()) == Counter(
            accepted=8, superseded=1, duplicate=1, rejected=2)
        # the accepted set: every distinct file once; X's second copy a duplicate of its first
        kept = {n for n, s in mine.items() if s["outcome"] in ("accepted", "superseded")}
        assert {sha[n] for n in kept} == {sha[n] for n in mine if dropped.files[n][2] != "R"}
        assert len(kept) == len({sha[n] for n in kept}) == 9
        x = [mine[f"d{d}{side}-X.xlsx"] for side in "AB"]
        (first,) = [s for s in x if s["outcome"] == "accepted"]
        (copy,) = [s for s in x if s["outcome"] == "duplicate"]
        assert copy["duplicate_of"] == first["id"] and copy["row_count"] == 0
        # V1 and V2: one supersedes the other, whichever writer committed last
        v = [mine[f"d{d}A-V1.xlsx"], mine[f"d{d}B-V2.xlsx"]]
        (live,) = [s for s in v if s["outcome"] == "accepted"]
        (old,) = [s for s in v if s["outcome"] == "superseded"]
        assert old["superseded_by"] == live["id"] and old["id"] < live["id"]
        live_rows = Counter(r["submission_id"] for r in rows if r["current"] == 1)
        assert live_rows[live["id"]] == live["row_count"] and live_rows[old["id"]] == 0
        # live rows: exactly those of the accepted submissions, each file's count
        for n, s in mine.items():
            want = dropped.rows[n] if s["outcome"] == "accepted" else 0
            assert live_rows[s["id"]] == want, n
        # the same bytes as Z in the next directorate: accepted there too
        z = mine[f"d{d}B-Z.xlsx"]
        other = by_name[f"d{(d + 1) % DIRECTORATES}A-Z.xlsx"]
        assert z["sha256"] == other["sha256"] and other["outcome"] == "accepted"

        # outgoing numbers: unique, 1..n without a gap, one letter per rejected file
        numbers = [o for o in outgoing if o["directorate"] == directorate]
        assert len({o["number"] for o in numbers}) == len(numbers)
        assert sorted(o["sequence"] for o in numbers) == list(range(1, len(numbers) + 1))
        rejected = sorted(s["id"] for s in mine.values() if s["outcome"] == "rejected")
        assert sorted(sub for sub, where in letters if where == directorate) == rejected
        assert len(numbers) == len(rejected) + 2 * FREE_LETTERS
        given = [n for root, r in results.items() if root.startswith(f"d{d}")
                 for n in r["letters"]]  # type: ignore[union-attr]
        assert sorted(given) == sorted(o["number"] for o in numbers if o["kind"] == "letter-free")

    # no row twice; each row in its submission's directorate
    assert len({(r["submission_id"], r["sheet"], r["row_number"]) for r in rows}) == len(rows)
    assert all(r[5] == r[6] for r in rows)
    assert len(rows) == sum(s["row_count"] for s in subs)

    # every inbox empty, nothing left claimed, each file filed away once where it says
    for dept in depts.values():
        assert waiting_files(dept) == [] and list(dept.claimed.iterdir()) == []
        stored = {s["stored_path"]: s["original_name"] for s in subs
                  if s["original_name"].startswith(dept.root.name + "-")}
        assert len(stored) == 6
        filed = [p for folder in (dept.processed, dept.rejected) for p in folder.rglob("*")
                 if p.is_file() and not p.name.endswith(".errors.xlsx")]
        assert sorted(p.relative_to(dept.root).as_posix() for p in filed) == sorted(stored)
        for path, name in stored.items():
            assert (dept.root / path).read_bytes() == dropped.files[name][1]


def _register_rows(dept: Department) -> int:
    path = next(dept.registers.glob("P1 *.xlsx"))
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return sum(1 for row in workbook[FORM].iter_rows(min_row=2, values_only=True)
                   if any(v is not None for v in row))
    finally:
        workbook.close()


def test_two_departments_of_one_directorate_keep_their_registers_whole(
    tmp_path: Path, postgres_url: str
) -> None:
    """A department's registers are the directorate's live rows whichever of its
    departments committed them, and stay so after the other department's batch."""
    a, b = (make_department(tmp_path / side) for side in "AB")
    for dept in (a, b):
        point_at(dept.root, postgres_url, "مديرية 0")
    (a.inbox / "a.xlsx").write_bytes(_workbook(a, _day(1), 2))
    run_batch(a, clock=clock(), documents=False)
    (b.inbox / "b.xlsx").write_bytes(_workbook(b, _day(2), 3))
    run_batch(b, clock=clock(), documents=False)
    assert _register_rows(b) == 5
    run_batch(a, clock=clock("2026-03-11 09:00"), documents=False)  # nothing new for A
    assert _register_rows(a) == 5  # B's rows too, not the register of A's last batch
