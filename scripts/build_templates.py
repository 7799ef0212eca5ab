"""Rebuild the Word templates from automation/templates/builder.py.

    python scripts/build_templates.py

Writes every template into automation/assets/templates_docx/ (shipped with the
package) and into the repository's templates_docx/ (the department folder's
copy); the two must stay identical, and a test checks them against a fresh build.
"""

from __future__ import annotations

from pathlib import Path

from automation.templates.builder import ASSET_TEMPLATES, build_templates

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    for folder in (ASSET_TEMPLATES, REPO / "templates_docx"):
        for path in build_templates(folder):
            print(path.relative_to(REPO))


if __name__ == "__main__":
    main()
