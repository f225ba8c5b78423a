"""GET /api/v2/experiments/{id}: the run, its metrics summary, environment and file count."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import resolve

from tests.experiments.dataset import make_experiment
from tests.factories import metric_event

pytestmark = pytest.mark.django_db(transaction=True)


def _events(steps: range, ts: float = 1_700_000_000.0) -> list[dict]:
    return [metric_event(s, ts + s, loss=1 / (s + 1), val_acc=s / 100) for s in steps]


def test_it_returns_the_run_with_its_metrics_summary(api, storage_root, reindex):
    run_dir = make_experiment(
        storage_root, "vision", "resnet", tags=["baseline"], description="first try",
        config={"lr": 0.01}, summary={"best_metric_value": 0.9, "best_metric_name": "val_acc", "extra": 1},
        events=[*_events(range(3, 13)), {"ts": 1.0, "type": "image", "data": {"key": "x", "path": "media/x.png"}}],
        logs="12:00:00 | hello\n",
    )
    (run_dir / "environment.json").write_text(json.dumps({"git": {}}))
    (run_dir / "media").mkdir()
    (run_dir / "media" / "x.png").write_bytes(b"png")
    reindex()
    resp = api.get(f"/api/v2/experiments/{run_dir.name}")
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"experiment", "metrics_summary", "environment_available", "file_count"}
    exp = body["experiment"]
    assert exp["id"] == run_dir.name and exp["project"] == "vision" and exp["status"] == "finished"
    assert exp["tags"] == ["baseline"] and exp["description"] == "first try"
    assert exp["config"] == {"lr": 0.01} and exp["summary"]["extra"] == 1
    assert exp["duration"] == 10.0 and exp["ended_at"] is not None
    assert body["metrics_summary"] == {
        "total_data_points": 10,
        "available_metrics": ["loss", "val_acc"],
        "step_range": {"min": 3, "max": 12},
        # Each metric's last, smallest and largest value, over the steps 3..12 logged.
        "metric_stats": {
            "loss": {"last": 1 / 13, "min": 1 / 13, "max": 1 / 4, "count": 10},
            "val_acc": {"last": 0.12, "min": 0.03, "max": 0.12, "count": 10},
        },
    }
    assert body["environment_available"] is True
    # meta, status, summary, config, events, logs, environment, media/x.png
    assert body["file_count"] == 8


def test_the_metrics_summary_follows_appends_and_ignores_a_half_written_line(api, storage_root, reindex):
    run_dir = make_experiment(storage_root, events=_events(range(1, 4)))
    reindex()
    url = f"/api/v2/experiments/{run_dir.name}"
    assert api.get(url).json()["metrics_summary"]["total_data_points"] == 3
    with open(run_dir / "events.jsonl", "a") as fh:
        fh.write(json.dumps(metric_event(4, 5.0, loss=0.1, lr=0.5)) + "\n")
        fh.write('{"ts": 6.0, "type": "metrics", "data": {"loss": 0.0')  # still being written
    summary = api.get(url).json()["metrics_summary"]
    assert summary["total_data_points"] == 4 and summary["step_range"] == {"min": 1, "max": 4}
    assert summary["available_metrics"] == ["loss", "lr", "val_acc"]
    with open(run_dir / "events.jsonl", "a") as fh:
        fh.write(', "global_step": 9}}\n')
    assert api.get(url).json()["metrics_summary"]["step_range"] == {"min": 1, "max": 9}
    # A rewritten (shorter) file is read again from the start.
    (run_dir / "events.jsonl").write_text(json.dumps(metric_event(7, 1.0, acc=1)) + "\n")
    assert api.get(url).json()["metrics_summary"] == {
        "total_data_points": 1, "available_metrics": ["acc"], "step_range": {"min": 7, "max": 7},
        "metric_stats": {"acc": {"last": 1.0, "min": 1.0, "max": 1.0, "count": 1}},
    }


def test_a_run_without_events_has_an_empty_summary(api, storage_root, reindex):
    run_dir = make_experiment(storage_root)
    reindex()
    body = api.get(f"/api/v2/experiments/{run_dir.name}").json()
    assert body["metrics_summary"] == {"total_data_points": 0, "available_metrics": [], "step_range": None,
                                       "metric_stats": {}}
    assert body["environment_available"] is False


def test_a_soft_deleted_run_is_still_found_and_says_so(api, storage_root, reindex):
    run_dir = make_experiment(storage_root, deleted={"deleted_at": time.time(), "reason": "cleanup"})
    reindex()
    exp = api.get(f"/api/v2/experiments/{run_dir.name}").json()["experiment"]
    assert exp["deleted"] is True and exp["delete_reason"] == "cleanup"


def test_an_unknown_id_is_404_with_the_reference_message(api, storage_root, reindex):
    resp = api.get("/api/v2/experiments/20250114_999999_abcdef")
    assert resp.status_code == 404
    assert resp.json() == {"detail": "Experiment 20250114_999999_abcdef not found"}


@pytest.mark.parametrize("bad", ["not-a-run", "..", "20250114_153045_ABCDEF", "x" * 300, "%2e%2e%5c%2e%2e"])
def test_an_id_that_is_not_a_run_id_is_404_and_not_echoed(api, storage_root, bad):
    resp = api.get(f"/api/v2/experiments/{bad}")
    assert resp.status_code == 404
    assert resp.json() == {"detail": "Experiment not found"}


def test_a_path_in_place_of_an_id_is_a_json_404(api, storage_root):
    resp = api.get("/api/v2/experiments/..%2F..%2Fetc%2Fpasswd")
    assert resp.status_code == 404 and resp.json() == {"detail": "Not Found"}


def test_the_detail_route_does_not_shadow_the_fast_metrics_route():
    match = resolve("/api/v2/experiments/20250114_153045_a1b2c3/metrics/fast")
    assert match.url_name == "v2-experiment-metrics-fast"
    assert resolve("/api/v2/experiments/20250114_153045_a1b2c3").url_name == "v2-experiment-detail"
    assert resolve("/api/v2/experiments/batch-delete").url_name == "v2-experiments-batch-delete"
