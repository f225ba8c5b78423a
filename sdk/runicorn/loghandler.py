"""``run.get_logging_handler()``: Python ``logging`` records into the run's logs.txt."""

from __future__ import annotations

import logging
from typing import Any

DEFAULT_FORMAT = "%(levelname)s %(name)s: %(message)s"


class RunLogHandler(logging.Handler):
    """A ``logging.Handler`` that appends each formatted record to a run's logs.txt.

    Lines go through ``run.log_text`` (the run's buffered writer, ``HH:MM:SS | ...`` lines), so the
    viewer's log view and its live tail show them. After the run finishes, records are dropped
    silently: logging must never raise into the training code.
    """

    def __init__(self, run: Any, level: int = logging.INFO, fmt: str | None = None) -> None:
        super().__init__(level)
        self._run = run
        self.setFormatter(logging.Formatter(fmt or DEFAULT_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        if self._run._closed:
            return
        try:
            self._run.log_text(self.format(record))
        except Exception:  # logging's contract: report through handleError, never raise
            self.handleError(record)
