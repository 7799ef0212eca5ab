"""Report commands as a user runs them: whole commands, start-up included.

    python bench/reports_bench.py [--runs 9] [--schools 12] [--seed 7] [--workdir DIR]
    python bench/reports_bench.py --department DIR   # an existing demo department
    python bench/reports_bench.py --no-bytecode      # compile every module every run
    python bench/reports_bench.py --instructions     # and count them (callgrind)

Makes the demo department once (``run_demo``: 12 schools, seed 7, the year 2026)
in a temporary folder, then times whole commands in child processes, as a user
at the department PC would wait for them:

- ``eti report quarterly --period 2026-Q2`` (issue 22: want ≤ 0.5 s);
- ``eti report helpdesk --period 2026-Q2``;
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

``--instructions`` also counts the instructions of one ``eti report quarterly`` with
callgrind (valgrind), which the machine's load does not change: the command's own
process and the render worker it forks, the worker counted from the fork on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
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

GOAL_S = 0.5
"""Issue 22 point 3: ``eti report quarterly`` on the demo year, whole command (issue 14
wanted 0.8 s)."""
QUARTERLY = "eti report quarterly (2026-Q2)"


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
        "eti report helpdesk (2026-Q2)": [*eti(), "report", "helpdesk", "--period", "2026-Q2",
                                          *where],
        QUARTERLY: [*eti(), "report", "quarterly", "--period", "2026-Q2", *where],
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


def instructions(argv: list[str], env: dict[str, str]) -> tuple[int, int]:
    """Instructions of ``argv`` (callgrind): its own process, and the processes it forks
    from their fork on (the render worker), as (own, forked)."""
    with tempfile.TemporaryDirectory(prefix="eti-reports-bench-cg-") as out:
        subprocess.run(["valgrind", "--tool=callgrind", "--trace-children=yes",
                        "--dump-after=_Fork", f"--callgrind-out-file={out}/cg.%p", *argv],
                       env=env, capture_output=True, check=True)
        parts: dict[int, dict[int, int]] = {}
        for path in glob.glob(f"{out}/cg.*"):
            pid, _, part = Path(path).name.removeprefix("cg.").partition(".")
            text = Path(path).read_text(encoding="utf-8", errors="replace")
            found = re.search(r"^summary: (\d+)", text, re.M)
            # a dump at each fork: part 1 up to it; the last part carries no number
            parts.setdefault(int(pid), {})[int(part or 0) or 99] = int(found[1]) if found else 0
    first = min(parts)  # the command: valgrind gives its children later process ids
    own = sum(parts[first].values())
    forked = sum(n for pid, p in parts.items() if pid != first for k, n in p.items() if k != 1)
    return own, forked


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
    parser.add_argument("--instructions", action="store_true",
                        help="also count the instructions of one eti report quarterly "
                        "(needs valgrind)")
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
    counted = None
    try:
        times = measure(commands(root), args.runs, env)
        if args.instructions:
            counted = instructions(commands(root)[QUARTERLY], env)
    finally:
        shutil.rmtree(pycache, ignore_errors=True)
        if base is not None and not args.workdir:
            shutil.rmtree(base, ignore_errors=True)
    quarterly = statistics.median(times[QUARTERLY][0])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{dt.date.today()} · {platform.python_implementation()} {platform.python_version()} "
          f"· {platform.system()} · {os.cpu_count()} CPUs · load {load:.2f} · "
          f"{bytecode} · {args.runs} runs each, medians")
    print()
    print(table(times))
    print()
    verdict = "met" if quarterly <= GOAL_S else "NOT met"
    print(f"`eti report quarterly`: {quarterly:.2f} s, goal ≤ {GOAL_S} s: {verdict}")
    if counted is not None:
        own, forked = counted
        print(f"instructions (callgrind): the command {own / 1e6:,.0f} M, its render worker "
              f"{forked / 1e6:,.0f} M (from the fork), together {(own + forked) / 1e6:,.0f} M")


if __name__ == "__main__":
    main()
