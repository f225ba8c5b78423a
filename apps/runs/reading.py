"""Reading many runs' files in worker processes while the indexer writes the database.

A first index of a big root spends about a third of its CPU reading and parsing the runs' small
JSON files (``runicorn.records.read_run``) and the rest writing rows. With more than one core,
worker processes read ahead in chunks while the indexer's thread writes what they read before,
so the build takes about as long as the writes alone.

A worker is ``python -m apps.runs.reading``: a fresh interpreter that imports the SDK only (no
Django), reads pickled chunks of run locations from stdin and writes the pickled records to stdout.
Not ``multiprocessing``: its spawned children re-import the parent's ``__main__``, which fails for
an embedding program without a main guard, and forking a process with threads (the viewer) is not
safe.
"""

from __future__ import annotations

import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import IO, Any

from runicorn import layout, records

log = logging.getLogger(__name__)

CHUNK = 250  # runs per task: large enough that pickling costs little, small enough to overlap
MAX_WORKERS = 4
_HEADER = struct.Struct("!Q")


def workers_for(count: int, minimum: int) -> int:
    """Worker processes worth starting for ``count`` runs (0: read them in this thread)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if count < minimum or cpus < 2:
        return 0
    return min(MAX_WORKERS, cpus - 1)


def read_runs(locations: Sequence[layout.RunLocation], workers: int) -> Iterator[records.RunRecord]:
    """The records of ``locations``, in order; read by ``workers`` processes (0: here)."""
    if workers <= 0:
        for loc in locations:
            yield records.read_run(loc)
        return
    chunks = [list(locations[i : i + CHUNK]) for i in range(0, len(locations), CHUNK)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    try:
        procs = [
            subprocess.Popen(worker_argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
            for _ in range(min(workers, len(chunks)))
        ]
    except OSError as exc:  # no processes allowed here: read in this thread
        log.warning("cannot start run-reading workers (%s); reading in the indexer's thread", exc)
        procs = []
    if not procs:
        for loc in locations:
            yield records.read_run(loc)
        return
    # Chunk i goes to worker i % n, written by a thread per worker (a pipe holds 64 KiB: writing
    # from this thread could block while the worker blocks writing an answer nobody reads yet).
    feeders = [
        threading.Thread(target=_feed, args=(proc, chunks[w :: len(procs)]), daemon=True)
        for w, proc in enumerate(procs)
    ]
    done = False
    index = 0
    try:
        for feeder in feeders:
            feeder.start()
        while index < len(chunks):
            result = _receive(procs[index % len(procs)].stdout)  # type: ignore[arg-type]
            if result is None:
                break
            yield from result
            index += 1
        done = index == len(chunks)
    finally:
        for proc in procs:
            if not done:  # stopped early: nobody reads the answers, the workers may be blocked
                proc.kill()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stdout.close()  # type: ignore[union-attr]
    if not done:
        # A worker ended early (killed, or it could not start): the rest is read here.
        log.warning("a run-reading worker ended early; reading the remaining runs in the indexer's thread")
        for chunk in chunks[index:]:
            yield from (records.read_run(loc) for loc in chunk)


def worker_argv() -> list[str]:
    return [sys.executable, "-m", __name__]


def _feed(proc: subprocess.Popen[bytes], chunks: list[list[layout.RunLocation]]) -> None:
    stdin = proc.stdin
    assert stdin is not None
    try:
        for chunk in chunks:
            _send(stdin, chunk)
        stdin.close()  # EOF: the worker exits after its last answer
    except (OSError, ValueError):  # the worker was killed: nothing more to send
        pass


def _send(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:  # the other side ended mid-answer
        return None
    # Our own worker's bytes, over a pipe this process made: not untrusted input.
    return pickle.loads(data)  # noqa: S301


def _worker() -> None:
    stdin = sys.stdin.buffer
    # The answers get the pipe for themselves: anything printed goes to stderr instead.
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    while True:
        chunk = _receive(stdin)
        if chunk is None:
            return
        _send(stdout, [records.read_run(loc) for loc in chunk])


if __name__ == "__main__":
    _worker()
