"""``python -m automation`` is ``eti``."""

from automation.cli import main

main()
