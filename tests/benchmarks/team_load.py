"""``python -m tests.benchmarks.team_load SPEC_JSON``: a bounded HTTP load from its own process.

SPEC: ``{"urls": [...viewer base URLs...], "paths": [...], "headers": {...}, "requests": N,
"concurrency": C}``. Requests go round-robin over the viewers and the paths, ``concurrency`` at a
time over keep-alive connections (aiohttp); the result (JSON on stdout) counts every status and
connection error and gives throughput and latency percentiles. A separate process, so the client's
CPU is not the viewers' (on a 2-core machine they still share the cores: say so with the figures).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from typing import Any

import aiohttp


def _percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def run_load(urls: list[str], paths: list[str], headers: dict[str, str], total: int,
                   concurrency: int) -> dict[str, Any]:
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    failures: Counter[str] = Counter()
    counter = iter(range(total))
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)

    async def worker(session: aiohttp.ClientSession) -> None:
        for i in counter:
            url = urls[i % len(urls)] + paths[(i // len(urls)) % len(paths)]
            started = time.perf_counter()
            try:
                async with session.get(url, headers=headers) as response:
                    await response.read()
                    statuses[str(response.status)] += 1
            except (aiohttp.ClientError, TimeoutError) as exc:
                failures[type(exc).__name__] += 1
                continue
            latencies.append(time.perf_counter() - started)

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    latencies.sort()
    done = sum(statuses.values())
    return {
        "requests": total,
        "concurrency": concurrency,
        "viewers": len(urls),
        "seconds": round(seconds, 3),
        "requests_per_second": round(done / seconds, 1) if seconds else 0.0,
        "statuses": dict(sorted(statuses.items())),
        "errors_5xx": sum(n for code, n in statuses.items() if code.startswith("5")),
        "non_2xx": sum(n for code, n in statuses.items() if not code.startswith(("2", "304"))),
        "connection_errors": dict(failures),
        "latency_ms": {name: round(1000 * _percentile(latencies, q), 2)
                       for name, q in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99))},
    }


def main() -> int:
    spec = json.loads(sys.argv[1])
    result = asyncio.run(run_load(spec["urls"], spec["paths"], spec.get("headers", {}), int(spec["requests"]),
                                  int(spec["concurrency"])))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
