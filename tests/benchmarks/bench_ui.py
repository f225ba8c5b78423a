"""Budgets of the web UI, measured in Debian's chromium against our real viewer.

``python -m tests.benchmarks.bench_ui`` (or ``BENCH_ONLY=ui make bench``). Three figures:

1. **Bundle**: gzipped JavaScript of the main route (``/``, the experiments page): the entry chunk
   of ``frontend/dist`` and every chunk it imports statically, read from Vite's manifest. The
   lazily loaded pages (run, compare, recycle bin) are listed separately. Budget 350 KB.
2. **First chart of a 1,000,000-row run** (the run of ``bench_metrics``): milliseconds from the
   start of navigation to ``/runs/{id}`` until the first chart holds its points (read in the page
   on each animation frame, ``performance.now()`` counts from navigation start). "Cold" is the
   first visit after the viewer started (it parses the whole events.jsonl); "warm" a later visit
   (a new browser context each time, so the page's own assets are fetched again). Budget 1.5 s.
   While the viewer parses the run, the first chart is a preview (a sample of the file's lines,
   marked ``data-preview``); ``exact_ms`` is when the first chart holds the exact points.
3. **Experiments page at 100,000 runs** (``common.generated_root``; the index database is kept
   under .cache/bench so only the first run pays for indexing): milliseconds from navigation
   start until the first page of the table is rendered, then the time from a click to the
   re-rendered table for the next page, a sort by best metric and a project filter. Budget 1 s.

4. **Workspace** (``bench_ui_workspace``): 20 custom columns at 100,000 runs (budget 1 s to the
   first rows) and a run of 1,000 metrics (budget 1.5 s to the first chart).

``BENCH_UI_ROWS`` and ``BENCH_UI_RUNS`` shrink the data for a quick check; ``BENCH_UI_PARTS``
(a comma list of chart, table, workspace) measures only those; ``RUNICORN_FRONTEND_DIST``
measures a build in another folder.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.benchmarks import bench_ui_workspace
from tests.benchmarks.bench_metrics import RUN_ID, cached_run
from tests.benchmarks.common import (
    CACHE_DIR,
    REPO_ROOT,
    Server,
    generated_root,
    median,
    start_ours,
    wait_for,
    wait_idle,
)

ROWS = int(os.environ.get("BENCH_UI_ROWS", "1000000"))
RUNS = int(os.environ.get("BENCH_UI_RUNS", "100000"))
COLD_SAMPLES = 3
WARM_SAMPLES = 5
TABLE_SAMPLES = 5
CHROMIUM = "/usr/bin/chromium"
# The build the viewer serves: RUNICORN_FRONTEND_DIST (the viewer reads the same variable), so a
# build in another folder is measured without touching frontend/dist.
DIST = Path(os.environ.get("RUNICORN_FRONTEND_DIST") or REPO_ROOT / "frontend" / "dist")
BUDGETS = {"main_route_kb_gzip": 350.0, "first_chart_ms": 1500.0, "experiments_interactive_ms": 1000.0,
           **bench_ui_workspace.BUDGETS}
PARTS = set((os.environ.get("BENCH_UI_PARTS") or "chart,table,workspace").split(","))
OURS_ENV = {"RUNICORN_RATE_LIMITS": json.dumps({"default": "1000000/m"})}

# In the page: resolves with performance.now() once the predicate holds (checked every frame).
FIRST_CHART = """() => {
  const el = document.querySelector('[data-chart=uplot]');
  return el && Number(el.dataset.points) > 0 ? performance.now() : null;
}"""
EXACT_CHART = """() => {
  const el = document.querySelector('[data-chart=uplot]');
  return el && Number(el.dataset.points) > 0 && !el.closest('[data-preview=true]') ? performance.now() : null;
}"""
TABLE_ROWS = """() => document.querySelectorAll('[data-testid=experiments-table] tbody tr').length > 0
  ? performance.now() : null"""
# Clicks `selector` and resolves with the ms until the table's first row is another run.
CLICK_UNTIL_CHANGED = """async (selector) => {
  const first = () => document.querySelector('[data-testid=experiments-table] tbody tr')?.dataset.runId;
  const before = first();
  const start = performance.now();
  document.querySelector(selector).click();
  while (first() === before) await new Promise(requestAnimationFrame);
  return performance.now() - start;
}"""


# ---------------------------------------------------------------------------- bundle


def _gzip_kb(path: Path) -> float:
    return round(len(gzip.compress(path.read_bytes(), 9)) / 1024, 1)


def _closure(manifest: dict[str, Any], key: str) -> list[str]:
    """Files of chunk ``key`` and of every chunk it imports statically."""
    files: list[str] = []
    todo = [key]
    while todo:
        current = todo.pop()
        if manifest[current]["file"] in files:
            continue
        files.append(manifest[current]["file"])
        todo.extend(manifest[current].get("imports", []))
    return files


def bundle_sizes(dist: Path = DIST) -> dict[str, Any]:
    manifest = json.loads((dist / ".vite" / "manifest.json").read_text())
    entry_key = next(k for k, v in manifest.items() if v.get("isEntry"))
    main = _closure(manifest, entry_key)  # what the browser loads for the first page
    # A lazy page costs its own chunks beyond what the main route already loaded.
    lazy = {
        Path(k).stem: round(sum(_gzip_kb(dist / f) for f in _closure(manifest, k) if f not in main), 1)
        for k, v in manifest.items()
        if v.get("isDynamicEntry")
    }
    return {
        "main_route_kb_gzip": round(sum(_gzip_kb(dist / f) for f in main), 1),
        "main_route_files": main,
        "lazy_pages_extra_kb_gzip": lazy,
        "css_kb_gzip": round(sum(_gzip_kb(p) for p in (dist / "assets").glob("*.css")), 1),
    }


# ---------------------------------------------------------------------------- browser


def _visit(browser: Any, url: str, *predicates: str, timeout_ms: float = 60_000) -> list[float]:
    """Milliseconds from navigation start until each predicate first holds, in turn."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit")
        return [
            float(page.wait_for_function(predicate, polling="raf", timeout=timeout_ms).json_value())
            for predicate in predicates
        ]
    finally:
        context.close()


def measure_chart(browser: Any, workdir: Path) -> dict[str, Any]:
    root = cached_run(ROWS)
    cold: list[float] = []
    cold_exact: list[float] = []
    warm: list[float] = []
    server: Server | None = None
    try:
        for sample in range(COLD_SAMPLES):
            server = start_ours(root, workdir / f"chart-{sample}", OURS_ENV)
            wait_for(server, lambda s: s.get("/api/v2/experiments").json()["total"] == 1, 60, "the run indexed")
            wait_idle(server.process.pid)
            first, exact = _visit(browser, f"{server.url}/runs/{RUN_ID}", FIRST_CHART, EXACT_CHART)
            cold.append(first)
            cold_exact.append(exact)
            if sample < COLD_SAMPLES - 1:
                server.stop()
        assert server is not None
        for _ in range(WARM_SAMPLES):
            warm.append(_visit(browser, f"{server.url}/runs/{RUN_ID}", EXACT_CHART)[0])
    finally:
        if server is not None:
            server.stop()
    return {"rows": ROWS, "cold_ms": _stats(cold), "cold_exact_ms": _stats(cold_exact), "warm_ms": _stats(warm)}


def _index_db() -> Path:
    return CACHE_DIR / f"ui-index-{RUNS}.sqlite3"


def measure_table(browser: Any, workdir: Path) -> dict[str, Any]:
    root = generated_root(RUNS)
    started = time.monotonic()
    # The index database is kept: the first run builds it (minutes at 100,000 runs), later runs
    # only check that the runs did not change.
    server = start_ours(root, workdir / "table", {**OURS_ENV, "RUNICORN_DB_PATH": str(_index_db())}, timeout=600)
    try:
        wait_for(server, lambda s: s.get("/api/v2/experiments?per_page=1").json()["total"] == RUNS, 1800,
                 f"{RUNS} runs indexed")
        index_s = time.monotonic() - started
        wait_idle(server.process.pid)
        first_rows, next_page, sort, project = [], [], [], []
        for _ in range(TABLE_SAMPLES):
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            try:
                page = context.new_page()
                page.goto(server.url + "/", wait_until="commit")
                first_rows.append(float(page.wait_for_function(TABLE_ROWS, polling="raf", timeout=60_000).json_value()))
                next_page.append(page.evaluate(CLICK_UNTIL_CHANGED, "[data-testid=pagination] button:last-child"))
                sort.append(page.evaluate(CLICK_UNTIL_CHANGED, "[data-testid=sort-best_metric_value]"))
                page.wait_for_selector("[data-testid=sidebar-project-project03]")
                project.append(page.evaluate(CLICK_UNTIL_CHANGED, "[data-testid=sidebar-project-project03]"))
            finally:
                context.close()
    finally:
        server.stop()
    return {
        "runs": RUNS,
        "viewer_ready_s": round(index_s, 1),
        "first_rows_ms": _stats(first_rows),
        "next_page_ms": _stats(next_page),
        "sort_by_best_metric_ms": _stats(sort),
        "filter_by_project_ms": _stats(project),
    }


def _stats(samples: list[float]) -> dict[str, Any]:
    rounded = [round(s, 1) for s in samples]
    return {"median": round(median(samples), 1), "max": max(rounded), "samples": rounded}


def main() -> dict[str, Any]:
    if not (DIST / ".vite" / "manifest.json").is_file():
        raise RuntimeError("frontend/dist has no .vite/manifest.json: run `make setup` (npm run build) first")
    if not os.access(CHROMIUM, os.X_OK):
        raise RuntimeError(f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    report: dict[str, Any] = {"load_avg_1m_at_start": round(os.getloadavg()[0], 2), "budgets": BUDGETS}
    report["bundle"] = bundle_sizes()
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            if "chart" in PARTS:
                report["first_chart"] = measure_chart(browser, Path(tmp))
            if "table" in PARTS:
                report["experiments"] = measure_table(browser, Path(tmp))
            if "workspace" in PARTS:
                report["custom_columns"] = bench_ui_workspace.measure_columns(browser, Path(tmp), _stats)
                report["many_metrics"] = bench_ui_workspace.measure_many_metrics(browser, Path(tmp), _stats)
        finally:
            browser.close()
    report["load_avg_1m_at_end"] = round(os.getloadavg()[0], 2)
    if "workspace" in PARTS:
        columns_ms = report["custom_columns"]["first_rows_ms"]["median"]
        metrics_ms = report["many_metrics"]["first_chart_ms"]["median"]
        report["workspace_within_budget"] = {
            "custom_columns": columns_ms <= BUDGETS["custom_columns_first_rows_ms"],
            "many_metrics": metrics_ms <= BUDGETS["many_metrics_first_chart_ms"],
        }
    if not {"chart", "table"} <= PARTS:
        return report
    chart_cold = report["first_chart"]["cold_ms"]["median"]
    chart_warm = report["first_chart"]["warm_ms"]["median"]
    table = report["experiments"]["first_rows_ms"]["median"]
    report["summary"] = {
        "main route JS (KB gzip, budget 350)": report["bundle"]["main_route_kb_gzip"],
        f"first chart, {ROWS:,} rows, cold (ms, budget 1500)": chart_cold,
        f"exact chart, {ROWS:,} rows, cold (ms)": report["first_chart"]["cold_exact_ms"]["median"],
        f"first chart, {ROWS:,} rows, warm (ms, budget 1500)": chart_warm,
        f"experiments at {RUNS:,} runs, first rows (ms, budget 1000)": table,
        "next page / sort / filter (ms)": "/".join(
            str(report["experiments"][k]["median"])
            for k in ("next_page_ms", "sort_by_best_metric_ms", "filter_by_project_ms")
        ),
    }
    report["within_budget"] = {
        "bundle": report["bundle"]["main_route_kb_gzip"] <= BUDGETS["main_route_kb_gzip"],
        "first_chart_cold": chart_cold <= BUDGETS["first_chart_ms"],
        "first_chart_warm": chart_warm <= BUDGETS["first_chart_ms"],
        "experiments": table <= BUDGETS["experiments_interactive_ms"],
    }
    return report


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
