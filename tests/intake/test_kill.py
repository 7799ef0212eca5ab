"""Kill `eti process` at random moments, again and again: nothing is lost or doubled.

Every file must end in exactly one of processed/ or rejected/, the ledger must
pass its integrity check, and the final ledger must say what an uninterrupted
run says about the same files.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from automation.core.department import Department
from automation.ledger.open import open_ledger
from tests.department_factory import (
    drop,
    maintenance_rows,
    make_department,
    own_directorate,
    school_names,
)


def build_inbox(dept: Department, n: int = 120) -> None:
    schools = school_names(dept)
    rng = random.Random(3)
    for i in range(n):
        school = schools[i % len(schools)]
        rows = maintenance_rows(rng.randint(1, 6))
        if i % 7 == 3:
            rows[0]["status"] = "خربان"  # rejected
        header = {"school": school, "request_date": dt.date(2026, 1 + i % 3, 1 + i % 27),
                  "channel": "هاتف", "reference": f"R-{i}"}
        path = drop(dept, f"ملف {i:03d}.xlsx", "QF75-11", header, rows)
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))
        if i % 9 == 0:  # the same bytes dropped twice
            twin = dept.inbox / f"نسخة {i:03d}.xlsx"
            shutil.copyfile(path, twin)
            os.utime(twin, (1_700_000_000 + i, 1_700_000_000 + i))
    (dept.inbox / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")


def eti_process(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "automation", "process", "--root", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def ledger_summary(dept: Department) -> tuple[Counter[str], int, str]:
    with open_ledger(dept) as ledger:
        outcomes = Counter(r[0] for r in ledger.conn.execute("SELECT outcome FROM submissions"))
        live = sum(len(ledger.current_rows(f)) for f in ("QF75-11",))
        return outcomes, live, ledger.integrity()


def files_on_disk(dept: Department) -> Counter[str]:
    found: Counter[str] = Counter()
    for folder in (dept.processed, dept.rejected):
        for path in folder.rglob("*"):
            if path.is_file() and not path.name.endswith(".errors.xlsx"):
                found[folder.name] += 1
    return found


def test_random_kills_lose_and_double_nothing(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "killed")
    build_inbox(dept)
    dropped = sum(1 for p in dept.inbox.iterdir() if p.is_file())
    twin = Department.at(tmp_path / "calm")
    shutil.copytree(dept.root, twin.root)
    own_directorate(twin, "calm")  # apart from the killed one on a shared PostgreSQL

    calm = eti_process(twin.root)
    assert calm.wait(timeout=300) == 0
    expected = ledger_summary(twin)

    rng = random.Random(11)
    kills = 0
    for _ in range(25):
        proc = eti_process(dept.root)
        time.sleep(rng.uniform(0.3, 1.6))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        if not any(p.is_file() for p in dept.inbox.iterdir()) and not any(
            dept.claimed.iterdir()
        ):
            break
    final = eti_process(dept.root)
    assert final.wait(timeout=300) == 0
    assert kills >= 3, "the batch finished before it could be interrupted"

    assert not any(p.is_file() for p in dept.inbox.iterdir())
    assert not any(dept.claimed.iterdir())
    on_disk = files_on_disk(dept)
    assert sum(on_disk.values()) == dropped
    assert on_disk == files_on_disk(twin)
    assert ledger_summary(dept) == expected
    assert expected[2] == "ok"
    assert sum(expected[0].values()) == dropped
