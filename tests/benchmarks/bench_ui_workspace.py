"""The workspace budgets of ``bench_ui`` (issue #21), measured in Debian's chromium against our viewer.

1. **20 custom columns at 100,000 runs**: a root whose runs each hold 20 config and summary keys;
   milliseconds from navigation start to ``/?cols=<20 columns>&order_by=config.k00`` until the
   first page of the table is rendered with those columns (the server sorts through the facet
   index). Budget 1 s.
2. **A run of 1,000 metrics**: milliseconds from navigation start to ``/runs/{id}`` until the
   first chart holds its points, and the time from scrolling to the last chart mounted until it
   holds its points (charts are mounted in batches and fetch only when scrolled into view).
   Budget 1.5 s.

Both roots are written once under .cache/bench and reused. ``BENCH_UI_RUNS`` shrinks the first.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path
from typing import Any

from tests.benchmarks.common import CACHE_DIR, _write, run_id_for, start_ours, wait_for, wait_idle

COLUMNS_RUNS = int(os.environ.get("BENCH_UI_RUNS", "100000"))
N_COLUMNS = 20
N_METRICS = 1000
METRIC_STEPS = 50
SAMPLES = 5
VERSION = 1
BUDGETS = {"custom_columns_first_rows_ms": 1000.0, "many_metrics_first_chart_ms": 1500.0}
OURS_ENV = {"RUNICORN_RATE_LIMITS": json.dumps({"default": "1000000/m"})}
COLUMN_NAMES = [f"config.k{i:02d}" for i in range(N_COLUMNS // 2)] + [
    f"summary.s{i:02d}" for i in range(N_COLUMNS // 2)
]

TABLE_WITH_COLUMNS = """() => {
  const cell = document.querySelector('[data-testid=experiments-table] tbody tr td[data-column="summary.s09"]');
  return cell && cell.textContent !== '' ? performance.now() : null;
}"""
FIRST_CHART = """() => {
  const el = document.querySelector('[data-chart=uplot]');
  return el && Number(el.dataset.points) > 0 ? performance.now() : null;
}"""
LAST_CHART = """async () => {
  // The chart at the bottom of the page when the user scrolls there (more are mounted below it
  // as the page grows): the time until it holds its points.
  const start = performance.now();
  const cards = document.querySelectorAll('[data-chart-id]');
  const target = cards[cards.length - 1];
  target.scrollIntoView();
  for (let i = 0; i < 100000; i++) {
    const chart = target.querySelector('[data-chart=uplot]');
    if (chart && Number(chart.dataset.points) > 0) return performance.now() - start;
    await new Promise(requestAnimationFrame);
  }
  return -1;
}"""


def _complete(target: Path) -> bool:
    return (target / ".complete").exists()


def columns_root(n_runs: int = COLUMNS_RUNS) -> Path:
    """``n_runs`` runs in 10 projects, each with 10 config and 10 summary values (no metrics)."""
    target = CACHE_DIR / f"ui-columns-{n_runs}-v{VERSION}"
    if _complete(target):
        return target
    shutil.rmtree(target, ignore_errors=True)
    rng = random.Random(n_runs)
    start = 1_704_067_200.0
    for i in range(n_runs):
        created = start + 97 * i
        project, name = f"project{i % 10:02d}", f"exp{(i // 10) % 20:02d}"
        run_id = run_id_for(created, rng)
        d = target / project / name / "runs" / run_id
        d.mkdir(parents=True)
        meta = {"id": run_id, "project": project, "name": name, "created_at": created, "python": "3.11",
                "platform": "Linux", "hostname": "bench", "pid": 1, "storage_dir": str(target)}
        _write(str(d / "meta.json"), json.dumps(meta))
        _write(str(d / "status.json"), json.dumps({"status": "finished", "started_at": created,
                                                   "ended_at": created + 60}))
        config = {f"k{k:02d}": (round(rng.random(), 6) if k % 3 else rng.choice(["adam", "sgd", "adamw"]))
                  for k in range(N_COLUMNS // 2)}
        _write(str(d / "config.json"), json.dumps(config))
        summary = {f"s{k:02d}": round(rng.random(), 6) for k in range(N_COLUMNS // 2)}
        _write(str(d / "summary.json"), json.dumps(summary))
    _write(str(target / ".complete"), "1")
    return target


def many_metrics_root() -> tuple[Path, str]:
    """One run that logs ``N_METRICS`` metrics (in 10 stage-prefixed families) for ``METRIC_STEPS`` steps."""
    target = CACHE_DIR / f"ui-metrics-{N_METRICS}-v{VERSION}"
    run_id = "20250101_000000_abcdef"
    if not _complete(target):
        shutil.rmtree(target, ignore_errors=True)
        d = target / "wide" / "run" / "runs" / run_id
        d.mkdir(parents=True)
        _write(str(d / "meta.json"), json.dumps({"id": run_id, "project": "wide", "name": "run",
                                                 "created_at": 1_735_689_600.0, "storage_dir": str(target)}))
        _write(str(d / "status.json"), json.dumps({"status": "finished", "started_at": 1_735_689_600.0,
                                                   "ended_at": 1_735_690_000.0}))
        names = [f"{('train', 'val')[i % 2]}/layer{i // 2:03d}/loss" for i in range(N_METRICS)]
        lines = []
        for step in range(1, METRIC_STEPS + 1):
            data: dict[str, Any] = {name: 1.0 / (step + i) for i, name in enumerate(names)}
            data.update(global_step=step, time=1_735_689_600.0 + step)
            lines.append(json.dumps({"ts": 1_735_689_600.0 + step, "type": "metrics", "data": data}))
        _write(str(d / "events.jsonl"), "\n".join(lines) + "\n")
        _write(str(target / ".complete"), "1")
    return target, run_id


def _first(browser: Any, url: str, predicate: str, then: str | None = None) -> tuple[float, float | None]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit")
        first = float(page.wait_for_function(predicate, polling="raf", timeout=120_000).json_value())
        after = float(page.evaluate(then)) if then else None
        return first, after
    finally:
        context.close()


def measure_columns(browser: Any, workdir: Path, stats: Any) -> dict[str, Any]:
    root = columns_root()
    # The index database is kept: only the first measurement pays for indexing.
    index_db = str(CACHE_DIR / f"ui-columns-{COLUMNS_RUNS}.sqlite3")
    server = start_ours(root, workdir / "columns", {**OURS_ENV, "RUNICORN_DB_PATH": index_db}, timeout=600)
    try:
        wait_for(server, lambda s: s.get("/api/v2/experiments?per_page=1").json()["total"] == COLUMNS_RUNS, 1800,
                 f"{COLUMNS_RUNS} runs indexed")
        wait_idle(server.process.pid)
        url = f"{server.url}/?cols={','.join(COLUMN_NAMES)}&order_by=config.k01"
        samples = [_first(browser, url, TABLE_WITH_COLUMNS)[0] for _ in range(SAMPLES)]
        api = server.get(f"/api/v2/experiments?columns={','.join(COLUMN_NAMES)}&order_by=config.k01").json()
    finally:
        server.stop()
    return {"runs": COLUMNS_RUNS, "columns": N_COLUMNS, "first_rows_ms": stats(samples),
            "server_query_time_ms": api["query_time_ms"]}


def measure_many_metrics(browser: Any, workdir: Path, stats: Any) -> dict[str, Any]:
    root, run_id = many_metrics_root()
    server = start_ours(root, workdir / "metrics", OURS_ENV)
    try:
        wait_for(server, lambda s: s.get("/api/v2/experiments").json()["total"] == 1, 60, "the run indexed")
        wait_idle(server.process.pid)
        first, scroll = [], []
        for _ in range(SAMPLES):
            a, b = _first(browser, f"{server.url}/runs/{run_id}", FIRST_CHART, LAST_CHART)
            first.append(a)
            scroll.append(b or 0.0)
    finally:
        server.stop()
    return {"metrics": N_METRICS, "charts_with_stages_grouped": N_METRICS // 2, "first_chart_ms": stats(first),
            "scroll_to_last_chart_ms": stats(scroll)}
