"""The service's log: ``data/logs/eti.log`` (UTF-8, rotated) and a brief console.

One line per file handled and per job run. The file is UTF-8 so Arabic file and
school names stay readable in Notepad; the console falls back to escapes where
its code page cannot show a character instead of failing.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

from automation.core.department import Department
from automation.core.settings import Settings

LOGGER = "automation"
"""The product's loggers all live under the package's name."""

LOG_FILE = "eti.log"
MAX_BYTES = 2_000_000
BACKUP_COUNT = 5
FILE_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
CONSOLE_FORMAT = "%(asctime)s %(message)s"

_OURS = "_eti_service_handler"


class ConsoleHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A console handler that never fails on a character its code page lacks."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream or sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            super().emit(record)
        except UnicodeEncodeError:
            encoding = getattr(self.stream, "encoding", None) or "ascii"
            text = self.format(record).encode(encoding, "backslashreplace").decode(encoding)
            self.stream.write(text + self.terminator)
            self.flush()


def log_path(dept: Department) -> Path:
    return dept.logs / LOG_FILE


def setup_logging(
    dept: Department, settings: Settings, console: bool = True, stream: TextIO | None = None
) -> logging.Logger:
    """Send the product's log lines to ``data/logs/eti.log`` (and the console).

    Calling it again replaces the handlers it added before, so a restart in the
    same process (tests) does not double every line.
    """
    logger = logging.getLogger(LOGGER)
    teardown_logging()
    level = getattr(logging, settings.logging.level, logging.INFO)
    logger.setLevel(level)
    dept.logs.mkdir(parents=True, exist_ok=True)
    file_handler = RotatingFileHandler(
        log_path(dept), maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8",
        delay=True,
    )
    file_handler.setFormatter(logging.Formatter(FILE_FORMAT))
    file_handler.setLevel(level)
    handlers: list[logging.Handler] = [file_handler]
    if console:
        console_handler = ConsoleHandler(stream)
        console_handler.setFormatter(logging.Formatter(CONSOLE_FORMAT, datefmt="%H:%M:%S"))
        console_handler.setLevel(max(level, logging.INFO))
        handlers.append(console_handler)
    for handler in handlers:
        setattr(handler, _OURS, True)
        logger.addHandler(handler)
    # The CLI's basicConfig root handler would print every line a second time.
    logger.propagate = False
    return logger


def teardown_logging() -> None:
    """Remove and close the handlers :func:`setup_logging` added."""
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        if getattr(handler, _OURS, False):
            logger.removeHandler(handler)
            handler.close()
    logger.propagate = True
