"""A ``metric.<name>`` column of GET /api/v2/experiments: the metric's last value, from the SDK's files."""

from __future__ import annotations

import pytest
import runicorn as rn

from apps.experiments import listing

pytestmark = pytest.mark.django_db


def test_a_metric_column_is_the_metrics_last_logged_value(api, storage_root, reindex):
    run = rn.init(project="metrics", name="mlp", storage=str(storage_root))
    for step in range(5):
        run.log({"loss": 1.0 / (step + 1)}, step=step)
    run.log({"acc": 0.5}, step=5)  # the last row holds no loss
    run.finish()
    reindex()
    listing.clear_caches()
    resp = api.get("/api/v2/experiments", {"project": "metrics", "columns": "metric.loss,metric.acc,metric.nope"})
    assert resp.status_code == 200
    assert resp.json()["experiments"][0]["columns"] == {"metric.loss": 0.2, "metric.acc": 0.5, "metric.nope": None}
