"""What a rejection costs, against an acceptance measured in the same run.

    python bench/rejections_bench.py [--accepted 300] [--rounds 4] [--junk 300]

Three sets, each dropped into a fresh department and handled by ``run_batch``
(read, check, validate, then commit or reject with the errors workbook; registers
and documents left out for all three, so the sets differ only in their files), each
in a child process of its own so its peak memory is its own:

1. **accepted**: typical filled QF75-11 workbooks (20–60 rows), the baseline;
2. **hostile**: every rejected file of ``tests/hostile_cases.py`` (zip bombs, entries
   lying about their size — shared strings declaring 5,000 bytes that inflate to
   256 MB —, entity tricks, a million rows, 16,384 columns, an ``.ods`` asking for
   24 M cells …), ``--rounds`` times, each round in a fresh department (the same
   bytes twice would be a duplicate, not a rejection);
3. **junk**: what lands in an inbox by mistake, every file distinct: CSV and text,
   web pages saved as ``.xls``, photos, PDFs, Word files, truncated downloads,
   zipped folders, random bytes.

Printed: files per second of each set, the ratio of each rejected set's rate to the
accepted rate, and peak resident memory (the batch process; its largest worker).
Then, unless ``--no-baseline``, what the lying shared strings cost python-calamine
opening them alone, in its own process (whatever its zip reader does with a false
size: ours no longer depends on it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

CLOCK_DAY = dt.datetime(2026, 6, 1, 9, 0)


def _peak_mb() -> tuple[float, float]:
    """(this process's resident high-water mark, its largest finished child's), in MB."""
    own = 0.0
    status = Path("/proc/self/status")
    if status.exists():
        line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM"))
        own = int(line.split()[1]) / 1024
    else:  # pragma: no cover - not Linux
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def child(roots: list[str]) -> None:
    """Run one batch in each department, one after the other; print the totals as JSON."""
    from collections import Counter

    from automation.core.clock import FakeClock
    from automation.core.department import Department
    from automation.intake.pipeline import run_batch

    counts: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    files, seconds = 0, 0.0
    for root in roots:
        dept = Department.at(Path(root))
        started = time.perf_counter()
        batch = run_batch(dept, clock=FakeClock(CLOCK_DAY), documents=False, registers=False)
        seconds += time.perf_counter() - started
        files += len(batch.files)
        counts.update(batch.count())
        codes.update(f.problems[0].code for f in batch.files
                     if f.outcome == "rejected" and f.problems)
    own, workers = _peak_mb()
    print(json.dumps({"files": files, "seconds": seconds, "outcomes": dict(counts),
                      "codes": dict(codes), "peak_mb": own, "workers_mb": workers}))


def run_child(roots: list[Path]) -> dict[str, object]:
    done = subprocess.run([sys.executable, __file__, "--child", *map(str, roots)],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def fresh(base: Path, name: str, files: list[Path]) -> Path:
    from department_factory import make_department

    dept = make_department(base / name, 40)
    for path in files:
        shutil.copy2(path, dept.inbox / path.name)
    return dept.root


def junk_files(folder: Path, n: int, templates: list[bytes], seed: int = 7) -> list[Path]:
    """``n`` distinct files that are not forms, of the kinds that land in an inbox."""
    from hostile_cases import ole_file

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)

    def noise(size: int) -> bytes:
        return rng.randbytes(size)

    def zipped(entries: dict[str, bytes]) -> bytes:
        out = Path(folder / ".zip")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in entries.items():
                z.writestr(name, data)
        data = out.read_bytes()
        out.unlink()
        return data

    makers = [
        ("csv", lambda i: f"المدرسة,التاريخ,العدد\r\nمدرسة {i},1/3/2026,{i}\r\n".encode("cp1256")),
        ("xlsx", lambda i: f"ملاحظة رقم {i}: أرسلت النموذج بالبريد".encode()),
        ("xls", lambda i: f"<html><body><table><tr><td>{i}</td></tr></table></body></html>"
         .encode()),
        ("jpg", lambda i: b"\xff\xd8\xff\xe0\x00\x10JFIF" + noise(20_000 + i)),
        ("png", lambda i: b"\x89PNG\r\n\x1a\n" + noise(8_000 + i)),
        ("pdf", lambda i: b"%PDF-1.7\n" + noise(30_000 + i)),
        ("xlsx", lambda i: noise(4_096 + i)),
        ("docx", lambda i: zipped({"[Content_Types].xml": b"<Types/>",
                                   "word/document.xml": f"<w:document>{i}</w:document>".encode()})),
        ("doc", lambda i: ole_file({"WordDocument": f"doc {i}".encode() + bytes(5000)})),
        ("xlsx", lambda i: (t := templates[i % len(templates)])[: len(t) // 3] + i.to_bytes(4)),
        ("zip", lambda i: zipped({f"نموذج {i}.xlsx": templates[i % len(templates)],
                                  "ملاحظات.txt": b"x"})),
    ]
    paths = []
    for i in range(n):
        suffix, make = makers[i % len(makers)]
        path = folder / f"ملف {i:04d}.{suffix}"
        path.write_bytes(make(i))
        paths.append(path)
    return paths


def calamine_alone(path: Path) -> dict[str, object]:
    """Peak memory and time of python-calamine opening ``path`` (trusting the headers)."""
    code = (
        "import io, json, sys, time\n"
        "from pathlib import Path\n"
        "from python_calamine import CalamineWorkbook\n"
        "t = time.perf_counter()\n"
        "try:\n"
        "    book = CalamineWorkbook.from_filelike(io.BytesIO(Path(sys.argv[1]).read_bytes()))\n"
        "    book.get_sheet_by_index(0).to_python()\n"
        "    outcome = 'read'\n"
        "except Exception as exc:\n"
        "    outcome = type(exc).__name__\n"
        "status = Path('/proc/self/status').read_text().splitlines()\n"
        "hwm = int(next(x for x in status if x.startswith('VmHWM')).split()[1]) / 1024\n"
        "print(json.dumps({'outcome': outcome, 'peak_mb': hwm,"
        " 'seconds': time.perf_counter() - t}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=600)
    if done.returncode != 0:
        return {"outcome": f"exit {done.returncode}", "peak_mb": float("nan"), "seconds": 0.0}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accepted", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--junk", type=int, default=300)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    from corpus import make_templates, write_corpus
    from department_factory import make_department
    from hostile_cases import build_hostile_corpus

    base = Path(tempfile.mkdtemp(prefix="eti-rejections-"))
    print(f"# rejections benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}")
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    source = make_department(base / "source", 40)
    templates = make_templates(source, 40)
    accepted = write_corpus(source, base / "accepted", args.accepted, templates)
    cases = [c for c in build_hostile_corpus(base / "hostile") if c.expected_code]
    hostile = [c.path for c in cases]
    junk = junk_files(base / "junk", args.junk, templates)
    print(f"sets: {len(accepted)} accepted QF75-11 workbooks; {len(hostile)} hostile files "
          f"× {args.rounds} rounds; {len(junk)} junk files")

    run_child([fresh(base, "warm-up", accepted[:50])])  # disk cache and .pyc, unmeasured
    results = {
        "accepted": run_child([fresh(base, "accepted-run", accepted)]),
        "hostile": run_child([fresh(base, f"hostile-{r}", hostile) for r in range(args.rounds)]),
        "junk": run_child([fresh(base, "junk-run", junk)]),
    }
    rate = {name: float(r["files"]) / float(r["seconds"]) for name, r in results.items()}
    print()
    print("| set | files | seconds | files/s | ÷ accepted | outcomes | peak RSS: batch / "
          "largest worker |")
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        ratio = ("1.0× (baseline)" if name == "accepted"
                 else f"**{rate[name] / rate['accepted']:.1f}×**")
        print(f"| {name} | {r['files']} | {float(r['seconds']):.2f} | **{rate[name]:.0f}** | "
              f"{ratio} | {r['outcomes']} | {float(r['peak_mb']):.0f} / "
              f"{float(r['workers_mb']):.0f} MB |")
    print()
    for name in ("hostile", "junk"):
        print(f"{name} rejection codes: {results[name]['codes']}")
    want = all(rate[n] >= 50 for n in ("hostile", "junk"))
    print(f"\nwant ≥ 50 rejected files/s on both sets: {'yes' if want else 'NO'}; "
          f"hostile peak RSS ≤ 250 MB: "
          f"{'yes' if float(results['hostile']['peak_mb']) <= 250 else 'NO'}")
    if not args.no_baseline:
        lying = next(c.path for c in cases if c.name == "lying-shared-strings")
        alone = calamine_alone(lying)
        print(f"\nbaseline, the lying shared strings opened by python-calamine alone (no check "
              f"of ours before it): {alone['outcome']}, peak {float(alone['peak_mb']):.0f} MB, "
              f"{float(alone['seconds']):.1f} s")
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
