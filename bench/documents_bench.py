"""Documents speed (issue 22, point 3): the figures bench/README.md quotes, with their
baselines measured in the same run.

    python bench/documents_bench.py [--files 600] [--demo] [--runs 5]

1. ``run_batch`` on N typical QF75-11 workbooks (20–60 rows), each accepted request owing a
   technical report (with the directorate's emblem in its letterhead): end to end
   (intake, registers, the N reports), against the same intake without the documents
   (the baseline of the same run). Files per second.
2. Each technical report inside that batch (render, file placed, ledger record, and the
   next report's values worked out meanwhile: the time from one report to the next), from
   the pipeline's own debug line: median and 90th percentile, against the old way on a
   sample of the same reports (a new render process and docxtpl for every document).
3. ``eti process`` as a whole command on another N copies (start-up included), and its
   peak memory (this process and its largest child, from ``getrusage``). Commands run
   from cached bytecode, as an installed package does (``PYTHONPYCACHEPREFIX``, even
   where ``PYTHONDONTWRITEBYTECODE`` is set), after an unmeasured run that writes it.
4. ``--demo``: ``eti demo`` as a whole command (once), then ``eti report quarterly
   --period 2026-Q2`` on that demo year (``--runs`` times, median), against
   ``eti --version``.

A batch of 100 files runs first, unmeasured (imports, disk cache). Figures move by a
third and more on a shared machine: quote the run with its load, and the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
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

CLOCK = FakeClock(dt.datetime(2026, 6, 1, 9, 0))
MADE = re.compile(r"technical-report of submission \d+ made in ([\d.]+) ms")


class Timings(logging.Handler):
    """Collects the pipeline's «made in … ms» debug lines of technical reports."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.ms: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        found = MADE.fullmatch(record.getMessage())
        if found:
            self.ms.append(float(found.group(1)))


def eti() -> list[str]:
    script = Path(sys.executable).with_name("eti")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "automation"]


def fresh(base: Path, name: str, files: list[Path]) -> Department:
    """A department with ``files`` in its inbox and its emblem (the small picture every
    document prints in its letterhead)."""
    from automation.documents.render import _tiny_png

    dept = make_department(base / name, 40)
    (dept.reference / "logo.png").write_bytes(_tiny_png())
    for path in files:
        shutil.copy2(path, dept.inbox / path.name)
    return dept


def cpu() -> float:
    """CPU seconds of this process and its finished children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def batch(dept: Department, *, documents: bool) -> tuple[float, int, float]:
    """Wall seconds, documents made and CPU seconds (with the workers) of one batch."""
    started, used = time.perf_counter(), cpu()
    done = run_batch(dept, clock=CLOCK, documents=documents)
    return time.perf_counter() - started, len(done.documents), cpu() - used


def old_way(dept: Department, sample: int) -> list[float]:
    """Technical reports made again as before issue 22: a new render process and docxtpl's
    whole render for every document (timed per document)."""
    from automation.documents import compiled, worker
    from automation.documents.making import make
    from automation.ledger.open import open_ledger

    direct = compiled.direct_for
    compiled.direct_for = lambda version, values: False  # type: ignore[assignment]
    times: list[float] = []
    try:
        with open_ledger(dept) as ledger:
            ids = [int(r[0]) for r in ledger.conn.execute(
                "SELECT id FROM submissions WHERE outcome = 'accepted' ORDER BY id LIMIT ?",
                (sample,))]
            for sub_id in ids:
                worker.close_shared_worker()
                started = time.perf_counter()
                make("technical-report", dept, ledger, sub_id, clock=CLOCK)
                times.append((time.perf_counter() - started) * 1000)
    finally:
        compiled.direct_for = direct  # type: ignore[assignment]
        worker.close_shared_worker()
    return times


BYTECODE = Path(tempfile.mkdtemp(prefix="eti-bench-pycache-"))
"""Where the commands keep their modules' bytecode, as an installed package has it (pip
compiles it at install), even where ``PYTHONDONTWRITEBYTECODE`` is set."""


def command(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one whole command (from cached bytecode)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(BYTECODE)
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 2):
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=600)
    parser.add_argument("--sample", type=int, default=30, help="reports made the old way")
    parser.add_argument("--demo", action="store_true", help="also eti demo, eti report quarterly")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    timings = Timings()
    pending_log = logging.getLogger("automation.documents.pending")
    pending_log.setLevel(logging.DEBUG)
    pending_log.addHandler(timings)
    pending_log.propagate = False
    base = Path(tempfile.mkdtemp(prefix="eti-documents-bench-"))
    load = os.getloadavg()[0]
    print(f"# documents benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}")
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {load:.1f} at the start")
    source = make_department(base / "source", 40)
    files = write_corpus(source, base / "corpus", args.files, make_templates(source, 40))
    print(f"corpus: {len(files)} QF75-11 workbooks of 20–60 rows, "
          f"{sum(p.stat().st_size for p in files) / 1e6:.1f} MB")

    batch(fresh(base, "warm-up", files[:100]), documents=True)  # unmeasured
    timings.ms.clear()
    intake, _, intake_cpu = batch(fresh(base, "intake", files), documents=False)
    dept = fresh(base, "documents", files)
    whole, made, whole_cpu = batch(dept, documents=True)
    inside = sorted(timings.ms)
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    old = sorted(old_way(dept, args.sample))

    command([*eti(), "process", "--root", str(fresh(base, "cli-warm", files[:5]).root)])
    cli = fresh(base, "cli", files)  # (the warm-up above wrote the modules' bytecode)
    cli_wall, cli_peak = command([*eti(), "process", "--root", str(cli.root)])
    reports = len(list((cli.outbox / "technical").glob("*.docx")))

    n = len(files)
    median = statistics.median(inside) if inside else float("nan")
    p90 = inside[int(len(inside) * 0.9)] if inside else float("nan")
    print()
    print("| measure | value |")
    print("|---|---|")
    print(f"| intake without documents (baseline), {n} files | {intake:.1f} s, "
          f"{n / intake:.0f} files/s |")
    print(f"| intake with the {made} technical reports (`run_batch`) | {whole:.1f} s, "
          f"**{n / whole:.0f} files/s** ({whole / intake:.2f}× the baseline's time) |")
    print(f"| a technical report inside the batch | median **{median:.1f} ms**, "
          f"90th percentile {p90:.1f} ms ({len(inside)} reports) |")
    per_report = (whole_cpu - intake_cpu) / max(made, 1) * 1000
    print(f"| CPU of the two batches (with their workers) | {intake_cpu:.1f} s without "
          f"documents, {whole_cpu:.1f} s with: **{per_report:.1f} ms of CPU per report** |")
    print(f"| the old way (a process and docxtpl per report), {len(old)} of them | "
          f"median {statistics.median(old):.0f} ms ({statistics.median(old) / median:.0f}× "
          f"slower) |")
    print(f"| `eti process` as a whole command, {n} files, {reports} reports | "
          f"{cli_wall:.1f} s, **{n / cli_wall:.0f} files/s** |")
    print(f"| peak memory | {own_peak:.0f} MB this process (`run_batch`), {cli_peak:.0f} MB "
          "largest child (`eti process` or its workers) |")

    if args.demo:
        root = base / "demo"
        demo_wall, _ = command([*eti(), "demo", "--root", str(root)])
        quarterly = [command([*eti(), "report", "quarterly", "--period", "2026-Q2", "--root",
                              str(root)])[0] for _ in range(args.runs + 1)][1:]
        version = [command([*eti(), "--version"])[0] for _ in range(args.runs + 1)][1:]
        q = statistics.median(quarterly)
        print(f"| `eti demo` as a whole command | {demo_wall:.1f} s |")
        print(f"| `eti report quarterly --period 2026-Q2` on the demo year | median "
              f"**{q:.2f} s** ({q / statistics.median(version):.1f}× `eti --version`, "
              f"{statistics.median(version):.2f} s) |")
    print(f"\nload {os.getloadavg()[0]:.1f} at the end")
    shutil.rmtree(base, ignore_errors=True)
    shutil.rmtree(BYTECODE, ignore_errors=True)


if __name__ == "__main__":
    main()
