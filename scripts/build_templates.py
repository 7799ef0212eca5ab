"""Rebuild the Word templates from automation/templates/builder.py.

    python scripts/build_templates.py

Writes every template into automation/assets/templates_docx/, the one committed copy:
shipped with the package, copied into a department's templates_docx/ by `eti init`
(and `eti templates build`); a test checks it against a fresh build.
"""

from __future__ import annotations

from pathlib import Path

from automation.templates.builder import ASSET_TEMPLATES, build_templates

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    for path in build_templates(ASSET_TEMPLATES):
        print(path.relative_to(REPO))


if __name__ == "__main__":
    main()
