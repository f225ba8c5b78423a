"""``make bench`` runs every benchmark, survives a broken one, and keeps earlier results."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.benchmarks import run_all

BENCHES = {
    "bench_fast.py": "def main():\n    return {'summary': {'speedup': '25x'}, 'ms': 1.5}\n",
    "bench_broken.py": "def main():\n    raise RuntimeError('viewer exited with 1:\\nModuleNotFoundError: x')\n",
    "bench_helper_only.py": "VALUE = 1\n",
    "common_stuff.py": "raise AssertionError('not a benchmark: never imported')\n",
}


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    pkg = tmp_path / "fake_benches"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name, code in BENCHES.items():
        (pkg / name).write_text(code)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module("fake_benches")
    for mod in [m for m in sys.modules if m.startswith("fake_benches")]:
        del sys.modules[mod]


def test_it_discovers_only_bench_modules(package: ModuleType):
    assert run_all.discover(package) == ["broken", "fast", "helper_only"]


def test_it_runs_the_rest_when_one_fails_and_reports_failure(package, tmp_path, capsys):
    results = tmp_path / "results.json"
    assert run_all.run_benchmarks(None, package, results) == 1
    saved = json.loads(results.read_text())["benchmarks"]
    assert saved["fast"]["ok"] is True and saved["fast"]["result"]["ms"] == 1.5
    assert saved["broken"]["ok"] is False and "RuntimeError" in saved["broken"]["error"]
    assert saved["helper_only"]["ok"] is None
    table = capsys.readouterr().out
    assert "speedup=25x" in table
    assert "FAILED" in table and "ModuleNotFoundError: x" in table


def test_bench_only_selects_and_merges_with_earlier_results(package, tmp_path):
    results = tmp_path / "results.json"
    run_all.run_benchmarks("broken", package, results)
    assert run_all.run_benchmarks("bench_fast", package, results) == 0
    saved = json.loads(results.read_text())["benchmarks"]
    assert set(saved) == {"broken", "fast"}


def test_bench_only_rejects_an_unknown_name(package, tmp_path):
    with pytest.raises(SystemExit, match="unknown benchmarks"):
        run_all.run_benchmarks("nope", package, tmp_path / "results.json")
