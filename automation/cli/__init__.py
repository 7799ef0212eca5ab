"""The `eti` command: parse, call the library, print."""

import sys


def _leave_ctrl_c_to_the_parent() -> None:
    """A process that ``eti`` spawns (a worker) imports this package first, as part of its
    parent's main module, before it unpickles its work. Ctrl+C reaches every process of
    the console: a worker leaves it to its parent, which stops cleanly with one line (a
    worker caught by it while starting would print a KeyboardInterrupt traceback)."""
    process = sys.modules.get("multiprocessing.process")  # loaded only in such a worker
    if process is not None and getattr(process.current_process(), "_inheriting", False):
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)


_leave_ctrl_c_to_the_parent()

from automation.cli.main import main  # noqa: E402

__all__ = ["main"]
