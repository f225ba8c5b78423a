"""Metrics of a 1,000,000-row run, ours against the reference, and WebSocket latency.

``python -m tests.benchmarks.bench_metrics`` (or ``make bench``). One run with 1,000,000 metric
rows written as the reference SDK writes them (cached under .cache/bench/), a fresh copy of it for
each viewer, each viewer measured while it runs alone:

1. ``GET /api/runs/{id}/metrics_step?downsample=2000`` cold (the first request after start; a new
   viewer process per sample, ours and the reference's taking turns), then warm (unchanged file),
   then after appending 1,000 rows.
2. Peak RSS of the viewer process after all of that.
3. Ours only (the reference has no such thing or only polls): a line appended to logs.txt → the
   logs WebSocket client, and a metrics row appended to events.jsonl → the metrics WebSocket
   client; p95 over ``LATENCY_SAMPLES``.
4. Parsing alone, in this process: pyarrow vs orjson line by line on the same bytes (the choice
   ``apps.metrics.parsing`` makes by block size).

Targets (DESIGN.md): cold ≥ 7×, warm ≥ 40× faster; after append ≤ 50 ms; RSS ≤ 300 MB; logs WS
p95 ≤ 300 ms. ``BENCH_METRICS_ROWS`` shrinks the run for a quick check; ``REF_RUNICORN`` points at
the reference's ``runicorn`` (default ``.cache/ref/bin/runicorn``, then ``/tmp/ref/bin/runicorn``).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.common import (
    CACHE_DIR,
    DEFAULT_REF_DIR,
    Reference,
    Server,
    cpu_seconds,
    median,
    p95,
    start_ours,
    wait_idle,
)

ROWS = int(os.environ.get("BENCH_METRICS_ROWS", "1000000"))
COLD_SAMPLES = {"ours": 3, "reference": 2}
WARM_SAMPLES = 10
APPEND_ROUNDS = 5
APPEND_ROWS = 1000
LATENCY_SAMPLES = 40
DOWNSAMPLE = 2000
RUN_ID = "20250101_000000_abcdef"
PROJECT, NAME = "bench", "metrics"
TARGETS = {"cold_speedup": 7.0, "warm_speedup": 40.0, "append_ms": 50.0, "rss_mb": 300.0, "ws_p95_ms": 300.0}
# The store off: these figures are the parse of events.jsonl against the reference's; the store
# (which the background builder fills right after indexing) is measured by bench_store.
OURS_ENV = {"RUNICORN_RATE_LIMITS": json.dumps({"default": "1000000/m"}), "RUNICORN_METRICS_STORE_DIR": "off"}
T0 = 1_735_689_600.0


# ---------------------------------------------------------------------------- data


def _event_line(step: int, ts: float) -> str:
    # The reference SDK's json.dumps layout; f-strings are several times faster to generate.
    loss = 2.0 / math.sqrt(step) + 0.05 * math.sin(step / 37.0)
    acc = 1.0 - loss / 3.0 + 0.01 * math.cos(step / 11.0)
    lr = 0.001 * (0.5 + 0.5 * math.cos(step / 5000.0))
    stage = "warmup" if step <= 1000 else ("eval" if step % 1000 == 0 else "train")
    data = (
        f'"loss": {loss!r}, "acc": {acc!r}, "lr": {lr!r}, "global_step": {step}, "time": {ts!r}, '
        f'"stage": "{stage}"'
    )
    return f'{{"ts": {ts!r}, "type": "metrics", "data": {{{data}}}}}\n'


def _write_run(run_dir: Path, rows: int) -> None:
    run_dir.mkdir(parents=True)
    meta = {"id": RUN_ID, "project": PROJECT, "name": NAME, "created_at": T0, "python": "3.11.7",
            "platform": "Linux", "hostname": "bench-host", "pid": 4242, "storage_dir": str(run_dir.parents[3])}
    (run_dir / "meta.json").write_text(json.dumps(meta, indent=2))
    status = {"status": "finished", "started_at": T0, "ended_at": T0 + rows * 0.01}
    (run_dir / "status.json").write_text(json.dumps(status))
    with open(run_dir / "events.jsonl", "w") as fh:
        batch: list[str] = []
        for step in range(1, rows + 1):
            batch.append(_event_line(step, T0 + step * 0.01))
            if len(batch) == 10_000:
                fh.write("".join(batch))
                batch.clear()
        fh.write("".join(batch))
    (run_dir / "logs.txt").write_text("00:00:00 | started\n")


def cached_run(rows: int) -> Path:
    """A storage root holding the one big run, generated once."""
    target = CACHE_DIR / f"metrics-{rows}-v1"
    if (target / ".complete").exists():
        return target
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    _write_run(partial / PROJECT / NAME / "runs" / RUN_ID, rows)
    partial.rename(target)
    (target / ".complete").write_text(str(rows))
    return target


def fresh_copy(source: Path, dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".complete"))
    return dest


def run_dir(root: Path) -> Path:
    return root / PROJECT / NAME / "runs" / RUN_ID


def append_rows(root: Path, first_step: int, count: int) -> None:
    with open(run_dir(root) / "events.jsonl", "a") as fh:
        fh.write("".join(_event_line(s, T0 + s * 0.01) for s in range(first_step, first_step + count)))


# ---------------------------------------------------------------------------- viewers


def find_reference_cli() -> Reference:
    configured = os.environ.get("REF_RUNICORN")
    defaults = [DEFAULT_REF_DIR / "bin" / "runicorn", Path("/tmp/ref/bin/runicorn")]
    candidates = [Path(configured)] if configured else defaults
    for cli in candidates:
        if cli.exists() and (cli.parent / "python").exists():
            return Reference(cli.parent / "python")
    raise RuntimeError(f"reference runicorn==0.5.3 not found at {[str(c) for c in candidates]} (make ref)")


def start(label: str, root: Path, workdir: Path, reference: Reference) -> Server:
    if label == "reference":
        return reference.start_viewer(root, workdir, timeout=120)
    server = start_ours(root, workdir, OURS_ENV)
    deadline = time.monotonic() + 120
    while server.get(f"/api/runs/{RUN_ID}", timeout=10).status_code != 200:  # indexed
        if time.monotonic() > deadline:
            raise RuntimeError("our viewer did not index the run within 120 s")
        time.sleep(0.1)
    return server


def get_step(server: Server) -> tuple[float, dict[str, Any]]:
    """Seconds until the whole body arrived (the client's JSON decoding is not the server's time)."""
    started = time.perf_counter()
    resp = server.get(f"/api/runs/{RUN_ID}/metrics_step", params={"downsample": DOWNSAMPLE}, timeout=900)
    elapsed = time.perf_counter() - started
    body = resp.json()
    if resp.status_code != 200 or body.get("total", 0) < ROWS:
        raise RuntimeError(f"{server.label}: bad metrics_step answer {resp.status_code} {str(body)[:300]}")
    return elapsed, body


def cold_sample(
    label: str, source: Path, workdir: Path, reference: Reference, i: int
) -> tuple[float, float, Server, Path]:
    """A fresh copy of the run, a fresh viewer, idle, then its first metrics_step request:
    wall seconds and the viewer's CPU seconds for it (the latter hardly moves with the machine's
    load, which on a shared 2-core machine swings wall times by several times)."""
    root = fresh_copy(source, workdir / f"{label}-root")
    server = start(label, root, workdir / f"{label}-{i}", reference)
    try:
        wait_idle(server.process.pid)
        cpu_before = cpu_seconds(server.process.pid)
        elapsed = get_step(server)[0]
        return elapsed, cpu_seconds(server.process.pid) - cpu_before, server, root
    except BaseException:
        server.stop()
        raise


def measure_rest(label: str, server: Server, root: Path) -> dict[str, Any]:
    """Warm requests, requests after appends, memory (and for ours the WebSockets)."""
    _, body = get_step(server)
    rows = body["rows"]
    result: dict[str, Any] = {"first_row": rows[0], "last_row": rows[-1], "rows_answered": len(rows)}
    warm = [get_step(server)[0] for _ in range(WARM_SAMPLES)]
    appended: list[float] = []
    appended_cpu: list[float] = []
    next_step = ROWS + 1
    for _ in range(APPEND_ROUNDS):
        append_rows(root, next_step, APPEND_ROWS)
        next_step += APPEND_ROWS
        cpu_before = cpu_seconds(server.process.pid)
        elapsed, body = get_step(server)
        appended_cpu.append(cpu_seconds(server.process.pid) - cpu_before)
        if body["total"] != next_step - 1:
            raise RuntimeError(f"{label}: {body['total']} rows after appending, expected {next_step - 1}")
        appended.append(elapsed)
    result.update(
        warm_ms=[round(w * 1000, 2) for w in warm],
        append_ms=[round(a * 1000, 2) for a in appended],
        append_cpu_ms=[round(c * 1000, 1) for c in appended_cpu],
        **server.memory(),
    )
    if label == "ours":
        result["ws"] = measure_ws(server, root)
    return result


def measure_viewers(source: Path, workdir: Path, reference: Reference) -> dict[str, dict[str, Any]]:
    """Cold samples of the two viewers interleaved (the machine's load then weighs on both alike);
    the last viewer of each kind goes on to the warm, append and memory measurements."""
    order = [label for i in range(max(COLD_SAMPLES.values())) for label in ("ours", "reference")
             if i < COLD_SAMPLES[label]]
    results: dict[str, dict[str, Any]] = {label: {"cold_s": [], "cold_cpu_s": []} for label in COLD_SAMPLES}
    for i, label in enumerate(order):
        elapsed, cpu, server, root = cold_sample(label, source, workdir, reference, i)
        try:
            results[label]["cold_s"].append(round(elapsed, 3))
            results[label]["cold_cpu_s"].append(round(cpu, 3))
            if label not in order[i + 1 :]:
                results[label].update(measure_rest(label, server, root))
        finally:
            server.stop()
    return results


# ---------------------------------------------------------------------------- WebSocket latency


def _log_latencies(url: str, logs: Path) -> list[float]:
    """Seconds from appending a line to logs.txt to the client receiving it."""
    from websockets.sync.client import connect

    latencies: list[float] = []
    with connect(url, open_timeout=30, max_size=None) as ws:
        ws.recv(timeout=30)  # the existing line
        time.sleep(0.5)  # let the follower settle into waiting
        for i in range(LATENCY_SAMPLES):
            probe = f"latency probe {i}"
            sent = time.perf_counter()
            with open(logs, "a") as fh:
                fh.write(f"00:00:01 | {probe}\n")
            while probe not in ws.recv(timeout=30):
                pass
            latencies.append(time.perf_counter() - sent)
            time.sleep(0.05 + (i % 5) * 0.04)  # spread the writes over the followers' cycles
    return latencies


def _metric_latencies(url: str, root: Path, base: int) -> list[float]:
    """Seconds from appending a metrics row to events.jsonl to the client receiving it."""
    from websockets.sync.client import connect

    latencies: list[float] = []
    with connect(url, open_timeout=30, max_size=None) as ws:
        ws.recv(timeout=30)  # the hello
        time.sleep(0.5)
        for i in range(LATENCY_SAMPLES):
            step = base + i
            sent = time.perf_counter()
            append_rows(root, step, 1)
            while True:
                message = json.loads(ws.recv(timeout=30))
                if message.get("type") == "rows" and any(r["global_step"] == step for r in message["rows"]):
                    break
            latencies.append(time.perf_counter() - sent)
            time.sleep(0.05 + (i % 5) * 0.04)
    return latencies


def measure_ws(server: Server, root: Path) -> dict[str, Any]:
    ws_url = server.url.replace("http://", "ws://") + f"/api/runs/{RUN_ID}"
    log_lat = _log_latencies(ws_url + "/logs/ws", run_dir(root) / "logs.txt")
    metrics_lat = _metric_latencies(ws_url + "/metrics/ws", root, ROWS + APPEND_ROUNDS * APPEND_ROWS + 1)
    return {
        "logs_p95_ms": round(p95(log_lat) * 1000, 1),
        "logs_median_ms": round(median(log_lat) * 1000, 1),
        "metrics_p95_ms": round(p95(metrics_lat) * 1000, 1),
        "metrics_median_ms": round(median(metrics_lat) * 1000, 1),
    }


# ---------------------------------------------------------------------------- parsing alone


def measure_parsers(source: Path) -> dict[str, Any]:
    from apps.metrics.parsing import parse_block

    path = run_dir(source) / "events.jsonl"
    with open(path, "rb") as fh:
        block = fh.read(32 << 20)
    block = block[: block.rfind(b"\n") + 1]
    tail = b"".join(_event_line(s, T0).encode() for s in range(1, APPEND_ROWS + 1))
    out: dict[str, Any] = {"block_mb": round(len(block) / 2**20, 1)}
    for name, arrow in (("pyarrow", True), ("orjson", False)):
        big = _timed(lambda a=arrow: parse_block(block, use_arrow=a), 3)
        small = _timed(lambda a=arrow: parse_block(tail, use_arrow=a), 5)
        out[f"{name}_32mb_ms"] = round(median(big) * 1000, 1)
        out[f"{name}_1000_lines_ms"] = round(median(small) * 1000, 2)
    return out


def _timed(fn: Any, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


# ---------------------------------------------------------------------------- main


def main() -> dict[str, Any]:
    reference = find_reference_cli()
    source = cached_run(ROWS)
    workdir = Path(tempfile.mkdtemp(prefix="bench-metrics-"))
    try:
        measured = measure_viewers(source, workdir, reference)
        ours, theirs = measured["ours"], measured["reference"]
        parsers = measure_parsers(source)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    cold_ours, cold_ref = median(ours["cold_s"]), median(theirs["cold_s"])
    warm_ours, warm_ref = median(ours["warm_ms"]), median(theirs["warm_ms"])
    summary = {
        "cold_ours_s": round(cold_ours, 3),
        "cold_ref_s": round(cold_ref, 3),
        "cold_speedup": round(cold_ref / cold_ours, 1),
        "cold_cpu_ours_s": round(median(ours["cold_cpu_s"]), 3),
        "cold_cpu_ref_s": round(median(theirs["cold_cpu_s"]), 3),
        "warm_ours_ms": round(warm_ours, 2),
        "warm_ref_ms": round(warm_ref, 1),
        "warm_speedup": round(warm_ref / warm_ours, 1),
        "append_ours_ms": round(median(ours["append_ms"]), 1),
        "append_cpu_ours_ms": round(median(ours["append_cpu_ms"]), 1),
        "append_ref_ms": round(median(theirs["append_ms"]), 1),
        "peak_rss_ours_mb": ours["peak_rss_mb"],
        "peak_rss_ref_mb": theirs["peak_rss_mb"],
        "logs_ws_p95_ms": ours["ws"]["logs_p95_ms"],
        "metrics_ws_p95_ms": ours["ws"]["metrics_p95_ms"],
    }
    met = {
        "cold_speedup": summary["cold_speedup"] >= TARGETS["cold_speedup"],
        "warm_speedup": summary["warm_speedup"] >= TARGETS["warm_speedup"],
        "append_ms": summary["append_ours_ms"] <= TARGETS["append_ms"],
        "rss_mb": summary["peak_rss_ours_mb"] <= TARGETS["rss_mb"],
        "ws_p95_ms": summary["logs_ws_p95_ms"] <= TARGETS["ws_p95_ms"],
    }
    same_ends = (ours["first_row"], ours["last_row"]) == (theirs["first_row"], theirs["last_row"])
    return {"rows": ROWS, "summary": summary, "targets": TARGETS, "met": met, "same_first_and_last_row": same_ends,
            "ours": ours, "reference": theirs, "parsers": parsers}


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, default=str))
