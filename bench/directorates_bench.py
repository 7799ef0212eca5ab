"""Many department services writing to one PostgreSQL at once (issue 18, item 3).

    python bench/directorates_bench.py [--writers 10] [--files 200] [--directorates 10,5]
                                       [--warm 40] [--url postgresql://…] [--registers]

Each writer is a department of its own (folder, inbox, eti.toml naming its directorate
and the database), run in its own spawned process. Each first runs a warm-up batch of
``--warm`` files (not measured: its modules loaded and its worker processes started, as
in a running service), then waits; all are released together and each runs one batch
(``run_batch``: read, check, commit, file away; registers only with ``--registers``,
documents never) of its own distinct filled QF75-11 workbooks (20–60 rows). Measured in
the same run, on the same kind of files:

1. the SQLite ledger: one writer × N files (the department's own file);
2. PostgreSQL: one writer × N files (the baseline of the shared server);
3. PostgreSQL: W writers × N files at once, for each count of directorates asked for
   (10: every writer its own directorate; 5: two writers share each directorate, and
   take turns on its lock).

Printed: files/s in total (all files over the wall time from the first writer's start
to the last one's end) and per writer (its files over its own batch), the ratios
against the two baselines, and what the ledger holds afterwards (every file once, none
doubled; the exit code is 1 when not). Without ``--url`` a throwaway server is started
as the tests do (tests/postgres_server.py). All writers share this machine's cores:
W writers on 2 cores measure the server's contention and the cores' together.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from corpus import make_templates, variant  # noqa: E402
from department_factory import make_department  # noqa: E402

from automation.core.department import Department  # noqa: E402
from automation.ledger.open import open_ledger  # noqa: E402
from automation.ledger.store import Ledger  # noqa: E402
from tests import postgres_server  # noqa: E402
from tests.ledger.directorate_writer import READY, RESULT, WARM_PREFIX, point_at, write  # noqa: E402

DAY = "2026-06-01 09:00"


@dataclass
class Run:
    """One measurement: W writers, their files, the wall time and each writer's."""

    label: str
    writers: int
    files: int
    warm: int
    wall: float
    own: list[float]
    recorded: int = 0
    doubled: int = 0
    outcomes: str = ""

    @property
    def total_rate(self) -> float:
        return self.writers * self.files / self.wall

    @property
    def writer_rate(self) -> float:
        return sum(self.files / s for s in self.own) / len(self.own)


def departments(base: Path, name: str, count: int, files: int, warm: int,
                templates: list[bytes], first: int) -> list[Department]:
    """``count`` departments, each with ``warm`` + ``files`` distinct workbooks in its
    inbox (numbered from ``first``: no two writers drop the same bytes)."""
    made = []
    for w in range(count):
        dept = make_department(base / f"{name}-{w}", 40)
        for i in range(warm + files):
            number = first + w * (warm + files) + i
            prefix = WARM_PREFIX if i < warm else ""
            (dept.inbox / f"{prefix}طلب صيانة {number:06d}.xlsx").write_bytes(
                variant(templates[number % len(templates)], number))
        made.append(dept)
    return made


def run_writers(label: str, depts: list[Department], files: int, warm: int,
                registers: bool) -> Run:
    """The writers, each in its own process, released together."""
    context = mp.get_context("spawn")
    start = context.Event()
    procs = [context.Process(target=write, args=(str(d.root), DAY, start, 0, False, registers))
             for d in depts]
    for proc in procs:
        proc.start()
    deadline = time.monotonic() + 1800  # each writer runs its warm-up batch, then waits
    while not all((d.root / READY).exists() for d in depts):
        if time.monotonic() > deadline or any(p.exitcode not in (None, 0) for p in procs):
            raise SystemExit(f"{label}: the writers did not get ready")
        time.sleep(0.2)
    start.set()
    for proc in procs:
        proc.join(3600)
    if any(p.exitcode != 0 for p in procs):
        raise SystemExit(f"{label}: a writer failed: {[p.exitcode for p in procs]}")
    results = [json.loads((d.root / RESULT).read_text(encoding="utf-8")) for d in depts]
    for d, r in zip(depts, results, strict=True):
        if r["interrupted"] or len(r["files"]) != files:
            raise SystemExit(f"{label}: {d.root.name} handled {len(r['files'])} files of "
                             f"{files}; interrupted: {r['interrupted']!r}")
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    return Run(label, len(depts), files, warm, wall, [r["seconds"] for r in results])


def check(run: Run, ledger: Ledger) -> None:
    """What the ledger holds after the run: every file once, no row twice."""
    conn = ledger.conn
    run.recorded = int(conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])
    doubled = conn.execute(
        "SELECT COUNT(*) FROM (SELECT directorate, sha256 FROM submissions "
        "GROUP BY directorate, sha256 HAVING COUNT(*) > 1) AS twice").fetchone()[0]
    rows_twice = conn.execute(
        "SELECT COUNT(*) FROM (SELECT submission_id, sheet, row_number FROM rows "
        "GROUP BY submission_id, sheet, row_number HAVING COUNT(*) > 1) AS twice").fetchone()[0]
    run.doubled = int(doubled) + int(rows_twice)
    run.outcomes = ", ".join(f"{r[0]} {r[1]}" for r in conn.execute(
        "SELECT outcome, COUNT(*) FROM submissions GROUP BY outcome ORDER BY outcome"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--files", type=int, default=200, help="files per writer")
    parser.add_argument("--directorates", default="10,5",
                        help="comma-separated counts of directorates the writers fall in")
    parser.add_argument("--url", default="", help="a PostgreSQL server to create databases on "
                        "(its maintenance database); default: a throwaway one")
    parser.add_argument("--warm", type=int, default=40,
                        help="files per writer in its warm-up batch (not measured)")
    parser.add_argument("--registers", action="store_true",
                        help="each batch regenerates its registers too")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    os.environ.pop("ETI_LEDGER_URL", None)  # the SQLite baseline uses its own file
    counts = [int(c) for c in args.directorates.split(",") if c.strip()]

    base = args.workdir or Path(tempfile.mkdtemp(prefix="eti-directorates-"))
    base.mkdir(parents=True, exist_ok=True)
    runs: list[Run] = []
    with ExitStack() as stack:
        if args.url:
            url = args.url
        else:
            reason = postgres_server.unavailable_reason()
            if reason:
                raise SystemExit(reason)
            url = stack.enter_context(postgres_server.server())
        databases = postgres_server.Databases(url)
        stack.callback(databases.close)
        print("making the files…", file=sys.stderr)
        model = make_department(base / "model", 40)
        templates = make_templates(model, 40)
        shutil.rmtree(model.root)

        def on_postgres(label: str, writers: int, directorates: int, first: int) -> None:
            name = databases.create()
            db_url = databases.url_of(name)
            depts = departments(base, label.replace(" ", "-"), writers, args.files,
                                args.warm, templates, first)
            for w, dept in enumerate(depts):
                point_at(dept.root, db_url, f"مديرية {w % directorates}")
            print(f"{label}…", file=sys.stderr)
            run = run_writers(label, depts, args.files, args.warm, args.registers)
            with Ledger.postgres(db_url, "*") as ledger:
                check(run, ledger)
            databases.drop(name)
            runs.append(run)

        print("sqlite, 1 writer…", file=sys.stderr)
        (lone,) = departments(base, "sqlite", 1, args.files, args.warm, templates, 0)
        run = run_writers("SQLite ledger, 1 writer", [lone], args.files, args.warm,
                          args.registers)
        with open_ledger(lone) as ledger:
            check(run, ledger)
        runs.append(run)
        on_postgres("PostgreSQL, 1 writer", 1, 1, 0)
        for n, directorates in enumerate(counts, start=1):
            on_postgres(f"PostgreSQL, {args.writers} writers in {directorates} directorates",
                        args.writers, directorates, n * args.writers * args.files)

    sqlite_run, pg_one = runs[0], runs[1]
    print(f"\n{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {platform.node()} · "
          f"{os.cpu_count()} cores · python {platform.python_version()} · "
          f"{args.files} files per writer (QF75-11, 20–60 rows) · registers "
          f"{'on' if args.registers else 'off'}\n")
    print("| run | files | wall s | files/s total | files/s per writer | total vs SQLite ×1 "
          "| total vs PostgreSQL ×1 | recorded | doubled |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    bad = False
    for run in runs:
        expected = run.writers * (run.files + run.warm)
        bad = bad or run.recorded != expected or run.doubled != 0
        print(f"| {run.label} | {run.writers * run.files} | {run.wall:.1f} | "
              f"{run.total_rate:.1f} | {run.writer_rate:.1f} | "
              f"{run.total_rate / sqlite_run.total_rate:.2f} | "
              f"{run.total_rate / pg_one.total_rate:.2f} | {run.recorded} ({run.outcomes}) | "
              f"{run.doubled} |")
    if not args.workdir:
        shutil.rmtree(base, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
