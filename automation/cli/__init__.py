"""The `eti` command: parse, call the library, print."""

from automation.cli.main import main

__all__ = ["main"]
