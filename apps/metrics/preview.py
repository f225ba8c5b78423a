"""A first look at a large run before its ``events.jsonl`` is parsed: lines at evenly spaced offsets.

Parsing a 200 MB events file takes about a second, several on a busy machine, and the run page
would draw nothing until then. ``metrics/fast?preview=1`` answers from a sample instead while the
run's table is not ready: ``SAMPLE_LINES`` complete lines, the first one starting at or after each
of ``SAMPLE_LINES`` evenly spaced byte offsets, parsed into a table of their own. These are real
rows of the run, a true subsample in file order, never an estimate; the answer says
``"preview": true`` and the client asks again without ``preview`` for the exact answer (that
request parses the file, or waits for the parse under way).

Only files of at least ``RUNICORN_METRICS_PREVIEW_BYTES`` (16 MiB: below that a full parse takes
well under 0.1 s) get a preview; 0 turns previews off.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from apps.common.paths import contained

from .parsing import parse_block
from .table import MetricTable

SAMPLE_LINES = 4096  # ~15 ms to read and parse; about six points a pixel for a chart of 700 px
WINDOW = 2048  # bytes read at each offset; a longer line is read again with a larger window
MAX_WINDOW = 1 << 20  # a line longer than this at an offset is skipped (metrics lines are short)


@dataclass(frozen=True)
class FileKey:
    """What a sample was read from: a change of any part means another sample."""

    dev: int
    ino: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileKey:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _line_at(fd: int, offset: int, size: int) -> tuple[int, bytes] | None:
    """The first complete line that starts after ``offset`` (at 0: the first line) and its start."""
    window = WINDOW
    while True:
        data = os.pread(fd, min(window, size - offset), offset)
        # At offset 0 the file's first line; elsewhere the line after the one the offset cuts.
        start = 0 if offset == 0 else data.find(b"\n") + 1
        end = data.find(b"\n", start) if start or offset == 0 else -1
        if end >= 0:
            return offset + start, data[start:end]
        if offset + len(data) >= size or window >= MAX_WINDOW:
            return None  # the last, unfinished line, or a line too long to be worth it
        window *= 4


def _last_line(fd: int, size: int) -> tuple[int, bytes] | None:
    """The last complete line (a half-written one after it is not one), and its start."""
    window = WINDOW
    while True:
        start = max(0, size - window)
        data = os.pread(fd, size - start, start)
        end = data.rfind(b"\n")
        begin = data.rfind(b"\n", 0, max(end, 0)) + 1
        if end >= 0 and (begin > 0 or start == 0):
            return start + begin, data[begin:end]
        if start == 0 or window >= MAX_WINDOW:
            return None
        window *= 4


def sample_block(fd: int, size: int, lines: int) -> bytes:
    """Complete lines of the first ``size`` bytes, joined: the first line after each of ``lines``
    evenly spaced offsets, and the last line (so a preview spans the run's whole step range)."""
    picked: dict[int, bytes] = {}  # by start offset: long lines can be found from two offsets
    for k in range(lines):
        found = _line_at(fd, k * size // lines, size)
        if found is not None:
            picked.setdefault(*found)
    last = _last_line(fd, size)
    if last is not None:
        picked.setdefault(*last)
    return b"".join(line + b"\n" for _, line in sorted(picked.items()))


def min_bytes() -> int:
    """The smallest events file that gets a preview; 0: none does."""
    return int(settings.RUNICORN_METRICS_PREVIEW_BYTES)


def sample_table(path: Path) -> tuple[FileKey, MetricTable] | None:
    """A table of a sample of ``path``'s lines, or None for a file too small to need one."""
    try:
        fd = os.open(contained(path.parent, path.name), os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not hang us
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not min_bytes() or st.st_size < min_bytes():
            return None
        batch = parse_block(sample_block(fd, st.st_size, SAMPLE_LINES), use_arrow=False)
    finally:
        os.close(fd)
    table = MetricTable(capacity=batch.size + 16)
    table.add(batch)
    return FileKey.of(st), table
