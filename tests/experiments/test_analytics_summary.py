"""GET /api/v2/analytics/summary: counts by status and project, runs per day, best run per project."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from apps.experiments import analytics
from tests.experiments.dataset import make_experiment

pytestmark = pytest.mark.django_db(transaction=True)

DAY = 86_400.0


def _best(value: float, name: str = "val_acc", mode: str = "max") -> dict:
    return {"best_metric_value": value, "best_metric_name": name, "best_metric_mode": mode, "best_metric_step": 3}


def test_it_counts_by_status_and_project_without_deleted_runs(api, storage_root, reindex):
    make_experiment(storage_root, "vision", "a", status="finished")
    make_experiment(storage_root, "vision", "b", status="failed")
    make_experiment(storage_root, "nlp", "c", status="finished")
    make_experiment(storage_root, "nlp", "d", status="finished", deleted={"deleted_at": 1.0, "reason": "x"})
    reindex()
    body = api.get("/api/v2/analytics/summary").json()
    assert body["total"] == 3
    assert body["by_status"] == {"running": 0, "finished": 2, "failed": 1, "interrupted": 0}
    assert body["by_project"] == [
        {"project": "nlp", "total": 1, "by_status": {"finished": 1}},
        {"project": "vision", "total": 2, "by_status": {"failed": 1, "finished": 1}},
    ]


def test_runs_per_day_covers_the_window_with_zero_days(api, storage_root, reindex):
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    for days_ago in (0, 0, 2, 9):
        make_experiment(storage_root, name=f"n{days_ago}", created_at=(today - timedelta(days=days_ago)).timestamp())
    reindex()
    per_day = api.get("/api/v2/analytics/summary", {"days": 3}).json()["runs_per_day"]
    dates = [(today - timedelta(days=d)).date().isoformat() for d in (2, 1, 0)]
    assert per_day == [{"date": dates[0], "count": 1}, {"date": dates[1], "count": 0}, {"date": dates[2], "count": 2}]
    assert sum(d["count"] for d in api.get("/api/v2/analytics/summary", {"days": 10}).json()["runs_per_day"]) == 4


def test_the_best_run_of_each_project_follows_its_primary_metric_and_mode(api, storage_root, reindex):
    now = time.time()
    make_experiment(storage_root, "vision", "a", summary=_best(0.7), created_at=now - 30)
    best = make_experiment(storage_root, "vision", "b", summary=_best(0.9), created_at=now - 20)
    make_experiment(storage_root, "vision", "c", summary=_best(0.9), created_at=now - 10)  # a later tie
    make_experiment(storage_root, "vision", "d", summary=_best(5.0, "loss", "min"))  # not the primary metric
    low = make_experiment(storage_root, "nlp", "e", summary=_best(0.2, "loss", "min"))
    make_experiment(storage_root, "nlp", "f", summary=_best(0.4, "loss", "min"))
    make_experiment(storage_root, "nlp", "g", summary=_best(0.01, "loss", "min"), deleted={"deleted_at": 1.0})
    make_experiment(storage_root, "audio", "h")  # no best metric at all
    reindex()
    result = {b["project"]: b for b in api.get("/api/v2/analytics/summary").json()["best_by_project"]}
    assert set(result) == {"vision", "nlp"}
    assert result["vision"]["metric"] == "val_acc" and result["vision"]["mode"] == "max"
    assert result["vision"]["runs_with_metric"] == 3
    assert result["vision"]["best"]["id"] == best.name and result["vision"]["best"]["best_metric_value"] == 0.9
    assert result["nlp"]["mode"] == "min" and result["nlp"]["best"]["id"] == low.name


def test_it_is_cached_per_index_generation_with_an_etag(api, storage_root, reindex):
    make_experiment(storage_root)
    reindex()
    first = api.get("/api/v2/analytics/summary")
    assert api.get("/api/v2/analytics/summary", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    make_experiment(storage_root, name="second")
    reindex()
    changed = api.get("/api/v2/analytics/summary", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed.json()["total"] == 2


@pytest.mark.parametrize("days", ["0", "-1", str(analytics.DAYS_MAX + 1), "x", "1.5"])
def test_bad_days_are_400(api, storage_root, days):
    resp = api.get("/api/v2/analytics/summary", {"days": days})
    assert resp.status_code == 400 and resp.json()["detail"].startswith("days: ")
