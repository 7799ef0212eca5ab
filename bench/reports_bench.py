"""Report commands as a user runs them: whole commands, start-up included.

    python bench/reports_bench.py [--runs 9] [--schools 12] [--seed 7] [--workdir DIR]
    python bench/reports_bench.py --department DIR   # an existing demo department
    python bench/reports_bench.py --no-bytecode      # compile every module every run

Makes the demo department once (``run_demo``: 12 schools, seed 7, the year 2026)
in a temporary folder, then times whole commands in child processes, as a user
at the department PC would wait for them:

- ``eti report quarterly --year 2026 --quarter 2`` (issue 14: want ≤ 0.8 s);
- ``eti report helpdesk --year 2026 --quarter 2``;
- ``eti figures --period 2026 --json``;
- baselines of the same run: ``python -c pass`` (the interpreter alone) and
  ``eti --version`` (the ``eti`` entry point and click, nothing else).

Each command runs once unmeasured (disk cache), then ``--runs`` times, the
commands taking turns so that a busy moment of a shared machine falls on all of
them alike. Prints a Markdown table: median, fastest and slowest wall time, CPU
time of the command and its children (median), and the ratios of the median to
both baselines.

Modules run from cached bytecode, as from an installed package (pip compiles it
at install): the commands get ``PYTHONPYCACHEPREFIX`` pointing at a temporary
folder, which the unmeasured runs fill, even where ``PYTHONDONTWRITEBYTECODE`` is
set. ``--no-bytecode`` keeps that variable instead, so every run compiles the
product's modules again (about a fifth of the start-up of a report).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_S = 0.8
"""Issue 14 item 5: ``eti report quarterly`` on the demo year, whole command."""


def eti() -> list[str]:
    """The ``eti`` entry point installed beside this Python, else ``python -m automation``."""
    script = Path(sys.executable).with_name("eti")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "automation"]


def commands(root: Path) -> dict[str, list[str]]:
    where = ["--root", str(root)]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "eti --version": [*eti(), "--version"],
        "eti figures --period 2026 --json": [*eti(), "figures", "--period", "2026", "--json",
                                             *where],
        "eti report helpdesk (2026-Q2)": [*eti(), "report", "helpdesk", "--year", "2026",
                                          "--quarter", "2", *where],
        "eti report quarterly (2026-Q2)": [*eti(), "report", "quarterly", "--year", "2026",
                                           "--quarter", "2", *where],
    }


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, with its children) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(
    cmds: dict[str, list[str]], runs: int, env: dict[str, str]
) -> dict[str, tuple[list[float], list[float]]]:
    for argv in cmds.values():
        run_once(argv, env)  # unmeasured: bytecode written, files in the disk cache
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in cmds}
    for _ in range(runs):
        for name, argv in cmds.items():
            wall, cpu = run_once(argv, env)
            times[name][0].append(wall)
            times[name][1].append(cpu)
    return times


def table(times: dict[str, tuple[list[float], list[float]]]) -> str:
    python = statistics.median(times["python -c pass"][0])
    version = statistics.median(times["eti --version"][0])
    lines = [
        "| command | median s | fastest s | slowest s | CPU s (median) "
        "| × python -c pass | × eti --version |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, (walls, cpus) in times.items():
        median = statistics.median(walls)
        lines.append(
            f"| `{name}` | {median:.3f} | {min(walls):.3f} | {max(walls):.3f} "
            f"| {statistics.median(cpus):.3f} | {median / python:.1f} | {median / version:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="measured runs of each command")
    parser.add_argument("--schools", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, help="keep the demo department here")
    parser.add_argument("--department", type=Path,
                        help="time against this demo department instead of making one")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE: compile every module every run")
    args = parser.parse_args()

    if args.department:
        base, root = None, args.department.resolve()
    else:
        from automation.demo.run import run_demo

        base = args.workdir or Path(tempfile.mkdtemp(prefix="eti-reports-bench-"))
        root = base / "demo"
        if args.workdir and root.exists():
            shutil.rmtree(root)
        started = time.perf_counter()
        run_demo(root, schools=args.schools, seed=args.seed)
        print(f"demo department ({args.schools} schools, seed {args.seed}) made in "
              f"{time.perf_counter() - started:.0f} s: {root}", file=sys.stderr)
    pycache = Path(tempfile.mkdtemp(prefix="eti-reports-bench-pyc-"))
    env = dict(os.environ)
    if args.no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        bytecode = "modules compiled every run"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
        bytecode = "cached bytecode"
    try:
        times = measure(commands(root), args.runs, env)
    finally:
        shutil.rmtree(pycache, ignore_errors=True)
        if base is not None and not args.workdir:
            shutil.rmtree(base, ignore_errors=True)
    quarterly = statistics.median(times["eti report quarterly (2026-Q2)"][0])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{dt.date.today()} · {platform.python_implementation()} {platform.python_version()} "
          f"· {platform.system()} · {os.cpu_count()} CPUs · load {load:.2f} · "
          f"{bytecode} · {args.runs} runs each, medians")
    print()
    print(table(times))
    print()
    verdict = "met" if quarterly <= GOAL_S else "NOT met"
    print(f"`eti report quarterly`: {quarterly:.2f} s, goal ≤ {GOAL_S} s: {verdict}")


if __name__ == "__main__":
    main()
