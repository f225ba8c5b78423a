"""GET /api/metrics/cache/stats and the ``cache`` object of GET /api/health."""

from __future__ import annotations

import pytest

from tests.factories import metric_event
from tests.metrics.conftest import append_events

pytestmark = pytest.mark.django_db

STATS_KEYS = {"size", "max_size", "hits", "misses", "incremental_updates", "hit_rate", "incremental_rate"}


def test_it_counts_misses_hits_and_incremental_updates(api, indexed_run):
    run = indexed_run(events=[metric_event(1, 1.0, loss=1.0)])
    url = f"/api/runs/{run.name}/metrics_step"

    api.get(url)  # first read: a miss
    api.get(url)  # unchanged: a hit
    append_events(run, metric_event(2, 2.0, loss=0.5))
    api.get(url)  # appended: an incremental update

    stats = api.get("/api/metrics/cache/stats").json()
    assert STATS_KEYS <= set(stats)
    assert (stats["size"], stats["misses"], stats["hits"], stats["incremental_updates"]) == (1, 1, 1, 1)
    assert stats["hit_rate"] == pytest.approx(1 / 3)
    assert stats["incremental_rate"] == pytest.approx(1 / 3)
    assert stats["max_size"] == 100
    assert stats["bytes"] > 0 and stats["max_bytes"] == 256 * 1024 * 1024


def test_an_empty_cache_has_zero_rates(api):
    stats = api.get("/api/metrics/cache/stats").json()

    assert (stats["size"], stats["hit_rate"], stats["incremental_rate"]) == (0, 0.0, 0.0)


def test_health_carries_the_reference_cache_object(api, indexed_run):
    run = indexed_run(events=[metric_event(1, 1.0, loss=1.0)])
    api.get(f"/api/runs/{run.name}/metrics_step")
    api.get(f"/api/runs/{run.name}/metrics_step")

    cache = api.get("/api/health").json()["cache"]

    assert cache == {
        "enabled": True, "type": "incremental", "hit_rate": "50.0%", "hits": 1, "misses": 1,
        "incremental_updates": 0, "size": 1, "max_size": 100,
    }
