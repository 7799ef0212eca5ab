"""Intake speed: the figures the README quotes, and their ratios from the same run.

    python bench/intake_bench.py [--files 2000] [--growth] [--no-pandas]

1. End to end: N typical QF75-11 workbooks (20–60 rows each) dropped in inbox/,
   handled by ``run_batch`` (read, identify, validate, commit, file away) with
   the registers regenerated once at the end. Files per second, peak memory.
   A batch of 100 files runs first, unmeasured, so that both measured runs
   start with the modules loaded and the disk cache as warm.
2. Baselines on the same files, in the same process run:
   - what a user would otherwise write: ``pandas.read_excel`` (openpyxl) per
     file, ``concat``, one ``to_excel`` of the master (no checking at all);
   - the bare ``python-calamine`` read of the first sheet of every file.
   Ratios: the pandas script's time over ours (want ≥ 3), and our intake time
   without the register export over the bare calamine read (want ≤ 4).
3. ``--growth``: the per-file cost with a ledger already holding 10,000 and
   then 100,000 submissions (want it flat).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_templates, write_corpus  # noqa: E402
from department_factory import make_department  # noqa: E402

from automation.core.clock import FakeClock  # noqa: E402
from automation.core.department import Department  # noqa: E402
from automation.intake.pipeline import run_batch  # noqa: E402
from automation.ledger.open import open_ledger  # noqa: E402
from automation.ledger.store import Ledger  # noqa: E402

CLOCK = FakeClock(dt.datetime(2026, 6, 1, 9, 0))


def peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child (MB)."""
    scale = 1024 if sys.platform != "darwin" else 1024 * 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale
    return own, children


def fresh(base: Path, name: str, files: list[Path]) -> Department:
    dept = make_department(base / name, 40)
    for path in files:
        shutil.copy2(path, dept.inbox / path.name)
    return dept


def time_intake(dept: Department, *, registers: bool) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    if registers:
        batch = run_batch(dept, clock=CLOCK, documents=False)
    else:
        with open_ledger(dept):
            pass
        batch = run_batch(dept, clock=CLOCK, documents=False, registers=False)
    elapsed = time.perf_counter() - start
    return elapsed, dict(batch.count())


def time_calamine(files: list[Path]) -> float:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    for path in files:
        CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return time.perf_counter() - start


def time_pandas(files: list[Path], out: Path) -> float | None:
    try:
        import pandas as pd
    except ImportError:
        return None
    start = time.perf_counter()
    frames = [pd.read_excel(p, sheet_name=0, header=9, engine="openpyxl") for p in files]
    pd.concat(frames, ignore_index=True).to_excel(out, index=False)
    return time.perf_counter() - start


def grow_ledger(dept: Department, submissions: int) -> None:
    """Fill the ledger with earlier accepted submissions of 30 rows each, fast."""
    with Ledger.sqlite(dept.ledger_path) as ledger:  # the bench grows the SQLite file
        ledger.conn.execute("PRAGMA synchronous=OFF")
        have = ledger.conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
        ledger.conn.execute("BEGIN")
        for i in range(have, submissions):
            cur = ledger.conn.execute(
                "INSERT INTO submissions (original_name, sha256, size, received_at, form, "
                "school, period, identity, outcome, row_count) VALUES "
                "(?, ?, 1000, '2025-01-01T09:00:00', 'QF75-11', 'x', '2025-01-01', ?, "
                "'accepted', 30)",
                (f"old-{i}.xlsx", f"{i:064x}", f"old|{i}"),
            )
            ledger.conn.executemany(
                "INSERT INTO rows (submission_id, form, sheet, row_number, record_date, "
                "school, data) VALUES (?, 'QF75-11', 'QF75-11', ?, '2025-01-01', 'x', '{}')",
                [(cur.lastrowid, 10 + r) for r in range(30)],
            )
        ledger.conn.execute("COMMIT")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--growth", action="store_true")
    parser.add_argument("--no-pandas", action="store_true", help="skip the 2-minute baseline")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="eti-bench-"))
    print(f"# intake benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}")
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    source = make_department(base / "source", 40)
    templates = make_templates(source, 40)
    files = write_corpus(source, base / "corpus", args.files, templates)
    rows = "20–60"
    print(f"corpus: {len(files)} QF75-11 workbooks of {rows} rows, "
          f"{sum(p.stat().st_size for p in files) / 1e6:.1f} MB")

    calamine = time_calamine(files)
    time_intake(fresh(base, "warm-up", files[:100]), registers=True)  # imports, caches
    dept = fresh(base, "no-registers", files)
    bare, counts = time_intake(dept, registers=False)
    dept = fresh(base, "end-to-end", files)
    end_to_end, counts = time_intake(dept, registers=True)
    own, children = peak_mb()
    pandas = None if args.no_pandas else time_pandas(files, base / "master.xlsx")

    print()
    print("| measure | value |")
    print("|---|---|")
    print(f"| end to end (intake + registers), {len(files)} files | {end_to_end:.1f} s, "
          f"**{len(files) / end_to_end:.0f} workbooks/s** |")
    print(f"| outcomes | {counts} |")
    print(f"| intake without the register export | {bare:.1f} s "
          f"({len(files) / bare:.0f} workbooks/s) |")
    print(f"| bare python-calamine read of the same files | {calamine:.1f} s |")
    print(f"| intake ÷ bare calamine read | **{bare / calamine:.1f}×** (want ≤ 4) |")
    if pandas is not None:
        print(f"| pandas.read_excel + concat + to_excel (no checks) | {pandas:.1f} s |")
        print(f"| pandas script ÷ ours end to end | **{pandas / end_to_end:.1f}×** "
              f"(want ≥ 3) |")
    else:
        print("| pandas baseline | not measured (--no-pandas, or pandas not installed) |")
    print(f"| peak memory | {own:.0f} MB this process, {children:.0f} MB largest worker |")

    if args.growth:
        sample = files[: min(300, len(files))]
        print()
        print("| ledger holds | per-file cost of 300 more files |")
        print("|---|---|")
        for size in (10_000, 100_000):
            grown = fresh(base, f"grown-{size}", sample)
            grow_ledger(grown, size)
            elapsed, _ = time_intake(grown, registers=False)
            print(f"| {size:,} submissions | {elapsed / len(sample) * 1000:.2f} ms |")
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
