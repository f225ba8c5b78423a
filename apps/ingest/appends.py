"""Appending to events.jsonl and logs.txt at an offset: retries are harmless, nothing tears.

The client says where its chunk starts. The server writes only when its file is exactly that
long; bytes it already holds are compared and acknowledged (a retry after a lost answer); a chunk
that starts past its end gets 409 with the length it has, so the client resends from there.
Chunks hold whole lines only, and every line of events.jsonl must be a JSON object, so the file on
the server is always a sequence of whole, valid lines.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson
from runicorn import layout

from .errors import bad_request, conflict


def check_lines(file_name: str, chunk: bytes) -> int:
    """Validate a chunk of whole lines; the number of lines."""
    if not chunk:
        return 0
    if not chunk.endswith(b"\n"):
        raise bad_request(f"Chunk for {file_name} must end with a newline: send whole lines only "
                          "(the rest goes in the next chunk)")
    lines = chunk.split(b"\n")
    lines.pop()
    if file_name != layout.EVENTS_FILE:
        if b"\x00" in chunk:
            raise bad_request(f"Chunk for {file_name} contains a NUL byte")
        return len(lines)
    loads = orjson.loads
    for number, line in enumerate(lines, 1):
        try:
            value = loads(line)
        except orjson.JSONDecodeError:
            value = _lenient(line)  # NaN / Infinity tokens, as the reference SDK wrote them
        if type(value) is not dict:
            raise bad_request(f"Line {number} of the chunk for {file_name} is not a JSON object; nothing was written",
                              line=number)
    return len(lines)


def _lenient(line: bytes) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than json recurses
        return None


def _read_at(fd: int, offset: int, size: int) -> bytes:
    parts, done = [], 0
    while done < size:
        part = os.pread(fd, size - done, offset + done)
        if not part:
            break
        parts.append(part)
        done += len(part)
    return b"".join(parts)


def do_append(path: Path, file_name: str, offset: int, chunk: bytes) -> dict[str, int]:
    """Append ``chunk`` (validated) at ``offset``; call with the run's lock held.

    Answers ``{"length": <file length now>, "written": <new bytes>}``.
    """
    # O_NOFOLLOW: a symlink planted in a run directory must not redirect appends out of the root.
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path / file_name, flags, 0o666)
    except OSError as exc:
        if os.path.islink(path / file_name):
            raise conflict(f"{file_name} of this run is a symbolic link on the server; refusing to follow it",
                           length=0) from None
        raise exc
    try:
        length = os.fstat(fd).st_size
        if offset > length:
            raise conflict(f"{file_name} on the server is {length} bytes long, not {offset}; resend from {length}",
                           length=length)
        held = min(length - offset, len(chunk))
        if held and _read_at(fd, offset, held) != chunk[:held]:
            raise conflict(f"The bytes of {file_name} from offset {offset} differ from the server's; the local file "
                           "was rewritten after it was uploaded", length=length)
        rest = memoryview(chunk)[held:]
        if not rest:
            return {"length": length, "written": 0}
        try:
            written = 0
            while written < len(rest):
                written += os.pwrite(fd, rest[written:], length + written)
        except OSError:
            os.ftruncate(fd, length)  # a full disk must not leave half a line behind
            raise
        return {"length": length + len(rest), "written": len(rest)}
    finally:
        os.close(fd)
