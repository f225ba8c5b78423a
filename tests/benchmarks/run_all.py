"""``make bench``: run every ``tests/benchmarks/bench_*.py`` that has ``main() -> dict``.

Each benchmark runs in turn; one that fails is reported and the rest still run. At the end one
summary table is printed and all results go to ``.cache/bench/results.json`` (merged with earlier
results when ``BENCH_ONLY`` selects a subset). A benchmark's dict may carry a ``"summary"``
mapping of headline label → value for the table; otherwise its top-level scalars are shown.

    BENCH_ONLY=runs,metrics make bench      # bench_runs.py and bench_metrics.py only
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import platform
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from tests import benchmarks
from tests.benchmarks.common import CACHE_DIR

RESULTS_PATH = CACHE_DIR / "results.json"
PREFIX = "bench_"


def discover(package: ModuleType = benchmarks) -> list[str]:
    """Short names (``runs`` for bench_runs.py) of the benchmark modules, sorted."""
    return sorted(
        info.name[len(PREFIX):] for info in pkgutil.iter_modules(package.__path__) if info.name.startswith(PREFIX)
    )


def selected(available: list[str], only: str | None) -> list[str]:
    if not only:
        return available
    wanted = [w.strip().removeprefix(PREFIX).removesuffix(".py") for w in only.split(",") if w.strip()]
    unknown = [w for w in wanted if w not in available]
    if unknown:
        raise SystemExit(f"BENCH_ONLY names unknown benchmarks {unknown}; available: {available}")
    return wanted


def run_one(name: str, package: ModuleType = benchmarks) -> dict[str, Any]:
    started = time.perf_counter()
    entry: dict[str, Any] = {"ok": False}
    try:
        module = importlib.import_module(f"{package.__name__}.{PREFIX}{name}")
        main = getattr(module, "main", None)
        if not callable(main):
            entry.update(ok=None, error="no main() — skipped")
        else:
            result = main()
            if not isinstance(result, dict):
                raise TypeError(f"main() returned {type(result).__name__}, expected dict")
            entry.update(ok=True, result=result)
    except Exception as exc:  # noqa: BLE001 - one broken benchmark must not stop the others
        traceback.print_exc()
        entry["error"] = f"{type(exc).__name__}: {exc}"
    entry["seconds"] = round(time.perf_counter() - started, 1)
    return entry


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def headline(entry: dict[str, Any]) -> str:
    if not entry.get("ok"):
        # First and last lines: "X exited with 1:" ... "ModuleNotFoundError: ..." says what happened.
        lines = [line.strip() for line in str(entry.get("error", "")).splitlines() if line.strip()]
        text = lines[0] if len(lines) < 2 else f"{lines[0]} ... {lines[-1]}"
        return text[:300]
    result = entry["result"]
    summary = result.get("summary")
    if not isinstance(summary, dict):
        summary = {k: v for k, v in result.items() if isinstance(v, (int, float, str, bool))}
    return "; ".join(f"{k}={_fmt(v)}" for k, v in summary.items())


def print_table(entries: dict[str, dict[str, Any]]) -> None:
    rows = [("benchmark", "status", "seconds", "headline")]
    for name, entry in entries.items():
        status = {True: "ok", False: "FAILED", None: "skipped"}[entry["ok"]]
        rows.append((name, status, f"{entry['seconds']:.1f}", headline(entry)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    print("\n" + "=" * 100)
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row[:3])) + "  " + row[3])
        if i == 0:
            print("-" * 100)
    print("=" * 100)


def write_results(entries: dict[str, dict[str, Any]], path: Path = RESULTS_PATH) -> None:
    previous: dict[str, Any] = {}
    if path.exists():
        try:
            previous = json.loads(path.read_text()).get("benchmarks", {})
        except (ValueError, AttributeError):
            previous = {}
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    payload = {"written_at": time.time(), "machine": machine, "benchmarks": {**previous, **entries}}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2, default=str))
    tmp.replace(path)


def run_benchmarks(
    only: str | None = None, package: ModuleType = benchmarks, results_path: Path = RESULTS_PATH
) -> int:
    """Run the selected benchmarks in turn; exit status 1 when any of them failed."""
    names = selected(discover(package), only)
    if not names:
        print(f"no benchmarks found ({package.__name__}.{PREFIX}*)")
        return 1
    entries: dict[str, dict[str, Any]] = {}
    for name in names:
        print(f"\n### {PREFIX}{name}", flush=True)
        entries[name] = run_one(name, package)
    print_table(entries)
    write_results(entries, results_path)
    print(f"results: {results_path}")
    return 0 if all(e["ok"] is not False for e in entries.values()) else 1


def main() -> int:
    return run_benchmarks(os.environ.get("BENCH_ONLY"))


if __name__ == "__main__":
    sys.exit(main())
