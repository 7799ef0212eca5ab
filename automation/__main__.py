"""``python -m automation`` is ``eti``."""

from automation.cli.main import main

if __name__ == "__main__":
    main()
