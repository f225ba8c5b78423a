"""Reading ``logs.txt`` the way the logs WebSocket sends it: the last lines first, then what is
appended, one complete line at a time.

A line is sent once its newline is written. A line redrawn with carriage returns (a progress bar
copied from a terminal) is sent as its final state — the text after the last ``\\r`` — keeping a
``HH:MM:SS | `` prefix, so a client gets one line per bar, not one per redraw. Blank lines are not
sent (as in the reference). A file that shrank or was replaced is followed again from its start.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from apps.common.paths import NotContained, contained

_PREFIX = re.compile(r"^\d{2}:\d{2}:\d{2} \| ")
BACKWARD_CHUNK = 64 * 1024
MAX_READ = 4 << 20  # bytes read per call while catching up, so one call never holds much


def display_line(raw: bytes) -> str | None:
    """The text a client should see for one line (without its newline); None for a blank line."""
    text = raw.decode("utf-8", errors="replace")
    if text.endswith("\r"):
        text = text.rstrip("\r")
    cut = text.rfind("\r")
    if cut >= 0:
        prefix = _PREFIX.match(text)
        final = text[cut + 1 :]
        text = prefix.group(0) + final if prefix and cut >= prefix.end() else final
    return text if text.strip() else None


@dataclass
class TailResult:
    lines: list[str]
    restarted: bool = False  # the file shrank or was replaced: lines start from its beginning again


class LogTail:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.ident: tuple[int, int] | None = None

    def _real(self) -> Path:
        # Resolved at every open: a logs.txt replaced by a symlink to elsewhere is never read.
        return contained(self.path.parent, self.path.name)

    def exists(self) -> bool:
        try:
            return self._real().is_file()
        except NotContained:
            return False

    def start(self, last: int) -> tuple[list[str], bool]:
        """At most the ``last`` non-blank complete lines, and whether older ones were left out."""
        try:
            with open(self._real(), "rb") as fh:
                st = os.fstat(fh.fileno())
                self.ident = (st.st_dev, st.st_ino)
                end = st.st_size
                data, pos = b"", end
                # Read backwards until there are enough lines (or the file's start).
                while pos > 0 and data.count(b"\n") <= last:
                    step = min(BACKWARD_CHUNK, pos)
                    pos -= step
                    fh.seek(pos)
                    data = fh.read(step) + data
        except OSError:
            return [], False
        complete = data.rfind(b"\n") + 1
        self.offset = end - (len(data) - complete)
        raw_lines = data[:complete].split(b"\n")[:-1]
        if pos > 0:
            raw_lines = raw_lines[1:]  # the first piece may be the tail of an older line
        lines = [t for t in (display_line(r) for r in raw_lines) if t is not None]
        cut = pos > 0 or len(lines) > last
        return lines[-last:] if last else [], cut

    def read_new(self) -> TailResult:
        """Complete lines appended since the last call."""
        try:
            with open(self._real(), "rb") as fh:
                st = os.fstat(fh.fileno())
                restarted = False
                if (st.st_dev, st.st_ino) != self.ident or st.st_size < self.offset:
                    # A first open (start() found no file) is no restart for the client.
                    restarted = self.ident is not None
                    self.ident, self.offset = (st.st_dev, st.st_ino), 0
                if st.st_size == self.offset:
                    return TailResult([], restarted)
                fh.seek(self.offset)
                data = fh.read(min(MAX_READ, st.st_size - self.offset))
        except OSError:
            return TailResult([])
        complete = data.rfind(b"\n") + 1
        if complete == 0 and len(data) >= MAX_READ:
            complete = len(data)  # one enormous unterminated line: send it in pieces
        self.offset += complete
        lines = [t for t in (display_line(r) for r in data[:complete].split(b"\n")[:-1]) if t is not None]
        if complete == len(data) and not data.endswith(b"\n") and data:
            tail = display_line(data)
            if tail is not None:
                lines.append(tail)
        return TailResult(lines, restarted)
