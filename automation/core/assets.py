"""Where the files shipped inside the package live (the built Word templates)."""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
ASSET_TEMPLATES = ASSETS / "templates_docx"
"""The Word templates as built by ``eti templates build`` (copied into a department)."""
