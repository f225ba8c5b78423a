"""The team profile under load: two daphne viewers on PostgreSQL + Redis, with token auth.

A second process (tests/benchmarks/team_load.py, aiohttp) sends a bounded number of
authenticated GETs round-robin over both viewers and a mix of list, detail and health routes;
the rate limiter stays on (its counters in Redis) with limits far above the load. Reported:
throughput, latency percentiles, every status and connection error (the pass mark: zero 5xx).
For scale, the reference (one process, no auth, files walked per request) answers the same
routes it has (health, runs, projects) with the same client in the same run.

    BENCH_ONLY=team make bench
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.benchmarks.common import REPO_ROOT, Server, find_reference, start_ours
from tests.factories import make_run, metric_event
from tests.team.services import REDIS_URL, child_env, create_database, drop_database, redis_problem, team_env

HIGH_LIMITS = json.dumps({"default": "10000000/m", "GET /api/runs": "10000000/m"})


def mixed_paths(run_ids: list[str]) -> list[str]:
    paths = ["/api/runs", "/api/v2/experiments?per_page=50", "/api/projects", "/api/health"]
    paths += [f"/api/runs/{run_id}" for run_id in run_ids[:4]]
    return paths


def run_load(urls: list[str], paths: list[str], headers: dict[str, str], requests: int,
             concurrency: int) -> dict[str, Any]:
    """The load from a separate process; its JSON result."""
    spec = json.dumps({"urls": urls, "paths": paths, "headers": headers, "requests": requests,
                       "concurrency": concurrency})
    result = subprocess.run([sys.executable, "-m", "tests.benchmarks.team_load", spec], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{result.stderr[-4000:]}")
    return dict(json.loads(result.stdout))


def create_token(env: dict[str, str]) -> dict[str, str]:
    result = subprocess.run([sys.executable, "manage.py", "runicorn_user", "bench", "--member", "--token", "bench"],
                            cwd=REPO_ROOT, env=child_env(env), capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return {"Authorization": f"Bearer {result.stdout.strip()}"}


def _make_root(root: Path, runs: int) -> list[str]:
    ids = []
    for i in range(runs):
        run = make_run(root, project=f"p{i % 5}", name=f"n{i % 7}", summary={"acc": i / runs},
                       events=[metric_event(step, float(step), loss=1 / (step + 1)) for step in range(5)])
        ids.append(run.name)
    return ids


def main(requests: int = 5000, concurrency: int = 32, runs: int = 200, with_reference: bool = True) -> dict[str, Any]:
    problem = redis_problem()
    if problem:
        raise RuntimeError(f"Redis at {REDIS_URL}: {problem}")
    work = Path(tempfile.mkdtemp(prefix="bench-team-"))
    root = work / "root"
    run_ids = _make_root(root, runs)
    database = create_database()
    servers: list[Server] = []
    try:
        env = team_env(database, REDIS_URL, RUNICORN_RATE_LIMITS=HIGH_LIMITS, RUNICORN_RATE_LIMIT_ENABLED="1")
        servers.append(start_ours(root, work / "a", env))
        headers = create_token(env)
        servers.append(start_ours(root, work / "b", env))
        for server in servers:  # both answer from the one index the first process built
            if len(server.get("/api/runs", headers=headers).json()) != runs:
                raise RuntimeError(f"{server.label}: the index does not hold the {runs} runs")
        paths = mixed_paths(run_ids)
        load = run_load([s.url for s in servers], paths, headers, requests, concurrency)
        result: dict[str, Any] = {"runs": runs, "paths": paths, "ours_two_daphnes": load}
        summary = {
            "two daphnes req/s": load["requests_per_second"],
            "p95 ms": load["latency_ms"]["p95"],
            "5xx": load["errors_5xx"],
            "connection errors": sum(load["connection_errors"].values()),
        }
        if with_reference:
            reference, why = find_reference()
            if reference is None:
                result["reference"] = why
            else:
                common = ["/api/runs", "/api/projects", "/api/health"]
                ours = run_load([s.url for s in servers], common, headers, requests // 5, concurrency)
                ref_server = reference.start_viewer(root, work / "ref")
                try:
                    ref = run_load([ref_server.url], common, {}, requests // 5, concurrency)
                finally:
                    ref_server.stop()
                result["same_routes"] = {"ours_two_daphnes": ours, "reference_one_process": ref}
                summary["same routes: ours/ref req/s"] = round(
                    ours["requests_per_second"] / max(ref["requests_per_second"], 0.1), 2)
        result["summary"] = summary
        return result
    finally:
        for server in servers:
            server.stop()
        drop_database(database)


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
