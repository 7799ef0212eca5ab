"""Render every workbook of a folder through LibreOffice, to look at what staff will print.

    python scripts/render_check.py DIR OUT

Converts each ``DIR/*.xlsx`` to ``OUT/<name>.pdf`` with a headless LibreOffice using a
private profile, then renders the first page of each PDF to ``OUT/<name>-1.png``
(60 dpi) with pdftoppm. Exits non-zero if any conversion failed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def convert(xlsx: Path, out: Path, profile: Path) -> Path | None:
    """The PDF of ``xlsx`` in ``out``, or ``None`` when LibreOffice failed."""
    cmd = [
        "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        str(xlsx),
    ]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"FAILED {xlsx.name}: {exc}", file=sys.stderr)
        return None
    pdf = out / f"{xlsx.stem}.pdf"
    if not pdf.exists() or pdf.stat().st_size == 0:
        print(f"FAILED {xlsx.name}: no PDF written", file=sys.stderr)
        return None
    return pdf


def first_page_png(pdf: Path) -> Path | None:
    """Render page 1 of ``pdf`` beside it as ``<stem>-1.png``."""
    prefix = pdf.with_suffix("")
    try:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(prefix)],
            check=True,
            capture_output=True,
            timeout=120,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"FAILED png of {pdf.name}: {exc}", file=sys.stderr)
        return None
    found = sorted(pdf.parent.glob(f"{pdf.stem}-*1.png"))
    return found[0] if found else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder with .xlsx workbooks")
    parser.add_argument("out", type=Path, help="folder for the PDFs and PNGs")
    args = parser.parse_args(argv)
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed", file=sys.stderr)
            return 2
    workbooks = sorted(p for p in args.folder.glob("*.xlsx") if not p.name.startswith("~$"))
    if not workbooks:
        print(f"no .xlsx in {args.folder}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="eti-lo-") as profile:
        for xlsx in workbooks:
            pdf = convert(xlsx, args.out, Path(profile))
            png = first_page_png(pdf) if pdf else None
            if png is None:
                failed += 1
            else:
                print(f"ok {xlsx.name} -> {png}")
    print(f"{len(workbooks) - failed}/{len(workbooks)} rendered")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
