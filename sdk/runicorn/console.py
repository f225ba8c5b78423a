"""Console capture: stdout/stderr still reach the terminal and are copied to logs.txt.

Each completed console line becomes one ``HH:MM:SS | text`` line in logs.txt, the format the
reference uses for ``log_text``.

Carriage returns: progress bars (tqdm and friends) redraw one line with ``\\r`` many times per
second. Copying every redraw would turn one bar into hundreds of log lines, so for a line that
contains ``\\r`` only the text after the last ``\\r`` is kept -- the bar's final state -- and it is
written when the line ends with ``\\n`` (or when the run finishes). A trailing ``\\r\\n`` counts as a
plain line end. While a line is still open only its last redraw is buffered, so memory stays small.

Only Python-level writes to ``sys.stdout`` / ``sys.stderr`` are captured (not output of C
extensions or child processes writing to the file descriptors directly).
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TextIO

MAX_PENDING_CHARS = 64 * 1024  # an unterminated line longer than this is written out in pieces


def format_log_line(text: str, now: float | None = None) -> str:
    """``HH:MM:SS | text`` plus the newline, the logs.txt line format."""
    return f"{time.strftime('%H:%M:%S', time.localtime(now))} | {text}\n"


def final_state(line: str) -> str:
    """What a terminal shows for ``line`` once every ``\\r`` redraw has happened."""
    if line.endswith("\r"):
        line = line.rstrip("\r")
    cut = line.rfind("\r")
    return line if cut < 0 else line[cut + 1 :]


class LineAssembler:
    """Turns arbitrary write() chunks into complete lines handed to ``emit``."""

    def __init__(self, emit: Callable[[str], None]) -> None:
        self._emit = emit
        self._pending = ""
        self._lock = threading.Lock()

    def feed(self, text: str) -> None:
        with self._lock:
            if "\n" not in text:
                pending = self._pending + text
                # Keep from the last redraw on (a "\r" as the very last char starts no redraw yet);
                # earlier redraws are invisible on a terminal anyway.
                cut = pending.rfind("\r", 0, len(pending) - 1)
                if cut > 0:
                    pending = pending[cut:]
                if len(pending) > MAX_PENDING_CHARS:
                    self._emit(final_state(pending))
                    pending = ""
                self._pending = pending
                return
            lines = (self._pending + text).split("\n")
            self._pending = lines.pop()
            for line in lines:
                self._emit(final_state(line))

    def flush_partial(self) -> None:
        """Emit an unterminated last line (at finish). Gives up rather than block on the lock."""
        if not self._lock.acquire(timeout=0.5):
            return
        try:
            if self._pending:
                text = final_state(self._pending)
                self._pending = ""
                if text:
                    self._emit(text)
        finally:
            self._lock.release()


class TeeStream:
    """A text stream that forwards everything to ``original`` and copies text to an assembler."""

    def __init__(self, original: TextIO, assembler: LineAssembler) -> None:
        self._original = original
        self._assembler = assembler
        self._active = True

    def write(self, text: Any) -> int:
        written = self._original.write(text)
        if self._active and isinstance(text, str) and text:
            # The console must keep working whatever happens to the copy.
            with contextlib.suppress(Exception):
                self._assembler.feed(text)
        return written

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._original.flush()

    def detach_copy(self) -> None:
        self._active = False

    @property
    def original(self) -> TextIO:
        return self._original

    def __getattr__(self, name: str) -> Any:
        # encoding, isatty, fileno, buffer, errors, ...: behave like the wrapped stream.
        return getattr(self._original, name)


class ConsoleCapture:
    """Installs tees on ``sys.stdout`` and ``sys.stderr``; :meth:`stop` puts things back."""

    def __init__(self, emit_line: Callable[[str], None]) -> None:
        self._emit_line = emit_line
        self._assemblers: list[LineAssembler] = []
        self._tees: dict[str, TeeStream] = {}

    def start(self) -> None:
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if stream is None:  # pythonw / daemons without a console
                continue
            assembler = LineAssembler(self._emit)
            tee = TeeStream(stream, assembler)
            self._assemblers.append(assembler)
            self._tees[name] = tee
            setattr(sys, name, tee)

    def _emit(self, text: str) -> None:
        self._emit_line(format_log_line(text))

    def stop(self) -> None:
        for name, tee in self._tees.items():
            tee.detach_copy()
            # Only unwrap if nobody wrapped our tee in the meantime; otherwise it stays in the
            # chain as a plain pass-through.
            if getattr(sys, name) is tee:
                setattr(sys, name, tee.original)
        self._tees.clear()
        for assembler in self._assemblers:
            assembler.flush_partial()
        self._assemblers.clear()
