"""``python -m automation`` is ``eti``."""

from automation.cli import main

if __name__ == "__main__":
    main()
