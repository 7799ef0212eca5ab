"""How long `eti figures` takes on a large ledger, as a whole command.

    python bench/figures_bench.py                # 100,000 rows, three runs each
    python bench/figures_bench.py --rows 200000 --runs 5

Makes the demo department (12 schools, seed 7) in a temporary folder, copies its
accepted submissions and their rows again and again (new submission ids, the same
data; the annual plan once, as a department has one) until the ledger holds ``--rows``
live rows, then times, each as a subprocess
the way staff run it: ``eti --version`` (the start-up baseline), ``eti figures
--period 2026 --json`` and ``eti figures --period 2026-Q2 --json``. Prints a Markdown
table: the median of the runs and the ratio to the baseline. The goal (issue 14):
``eti figures --period 2026 --json`` on 100,000 rows within 2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from automation.demo.run import run_demo  # noqa: E402


def grow(ledger: Path, rows: int) -> int:
    """Copy the accepted submissions and their live rows until ``rows`` live rows."""
    conn = sqlite3.connect(ledger)
    conn.execute("PRAGMA synchronous=OFF")
    seed = conn.execute(  # a department has one plan a year: QF12-1 is not copied
        "SELECT id FROM submissions WHERE outcome = 'accepted' AND form != 'QF12-1' "
        "ORDER BY id").fetchall()
    live = conn.execute("SELECT COUNT(*) FROM rows WHERE current = 1").fetchone()[0]
    copy = 0
    conn.execute("BEGIN")
    while live < rows:
        copy += 1
        for (sub,) in seed:
            new = conn.execute(
                "INSERT INTO submissions (original_name, stored_path, sha256, size, received_at,"
                " form, workbook_id, school, period, identity, outcome, row_count) "
                "SELECT original_name, stored_path, sha256 || ?, size, received_at, form, "
                "workbook_id, school, period, identity || ?, outcome, row_count "
                "FROM submissions WHERE id = ?", (f"-{copy}", f"|copy{copy}", sub)).lastrowid
            live += conn.execute(
                "INSERT INTO rows (submission_id, form, sheet, row_number, record_key, "
                "record_date, school, data, current) SELECT ?, form, sheet, row_number, "
                "record_key, record_date, school, data, 1 FROM rows "
                "WHERE submission_id = ? AND current = 1", (new, sub)).rowcount
            if live >= rows:
                break
    conn.execute("COMMIT")
    conn.close()
    return live


def timed(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the department folder")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="eti-figures-bench-"))
    try:
        dept = work / "dept"
        print("making the demo year…", file=sys.stderr)
        run_demo(dept, schools=12, seed=7)
        live = grow(dept / "data" / "ledger.sqlite", options.rows)
        eti = [sys.executable, "-m", "automation"]
        base = timed([*eti, "--version"], options.runs)
        rows = [("eti --version (baseline)", base)]
        for period in ("2026", "2026-Q2"):
            took = timed([*eti, "figures", "--root", str(dept), "--period", period, "--json"],
                         options.runs)
            rows.append((f"eti figures --period {period} --json", took))
        print(f"\n{live:,} live rows; median of {options.runs} runs; "
              f"{os.cpu_count()} cores\n")
        print("| command | seconds | ÷ baseline |")
        print("|---|---:|---:|")
        for name, took in rows:
            print(f"| {name} | {took:.2f} | {took / base:.1f}× |")
    finally:
        if options.keep:
            print(f"kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
