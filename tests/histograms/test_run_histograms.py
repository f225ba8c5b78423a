"""GET /api/runs/{run_id}/histograms: what run.log_histogram wrote, by key over the steps."""

from __future__ import annotations

from pathlib import Path

import pytest
import runicorn as rn
from runicorn import lifecycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_with_histograms(storage_root: Path, reindex):  # type: ignore[no-untyped-def]
    run = rn.init(project="p", name="n", storage=storage_root)
    for step in range(1, 11):
        run.log_histogram("weights", [step, step + 1, step + 2, step + 2], step=step, bins=2)
    run.log_histogram("grads", [0.0, 1.0], step=3)
    run.finish()
    lifecycle.active = None
    reindex()
    return run


def test_it_serves_each_key_in_step_order(api, run_with_histograms) -> None:
    response = api.get(f"/api/runs/{run_with_histograms.id}/histograms")
    assert response.status_code == 200
    body = response.json()
    assert [h["key"] for h in body["histograms"]] == ["grads", "weights"]
    weights = body["histograms"][1]
    assert weights["total_steps"] == 10
    assert [e["step"] for e in weights["entries"]] == list(range(1, 11))
    first = weights["entries"][0]
    assert first["edges"] == [1.0, 2.0, 3.0] and first["counts"] == [1, 3] and first["count"] == 4


def test_it_filters_by_key_and_thins_the_steps(api, run_with_histograms) -> None:
    body = api.get(f"/api/runs/{run_with_histograms.id}/histograms?key=weights&max_steps=4").json()
    assert [h["key"] for h in body["histograms"]] == ["weights"]
    assert [e["step"] for e in body["histograms"][0]["entries"]] == [1, 4, 7, 10]


def test_a_run_without_histograms_has_an_empty_list(api, storage_root, reindex) -> None:
    run = rn.init(project="p", name="plain", storage=storage_root)
    run.finish()
    lifecycle.active = None
    reindex()
    assert api.get(f"/api/runs/{run.id}/histograms").json() == {"run_id": run.id, "histograms": []}


@pytest.mark.parametrize("value", ["0", "1001", "many"])
def test_it_rejects_a_bad_max_steps(api, run_with_histograms, value) -> None:
    response = api.get(f"/api/runs/{run_with_histograms.id}/histograms?max_steps={value}")
    assert response.status_code == 400
    assert response.json() == {"detail": f"max_steps must be an integer between 1 and 1000, got '{value}'"}


@pytest.mark.parametrize("run_id", ["20250101_000000_abcdef", "..%2E%2E", "bad id"])
def test_an_unknown_or_malformed_run_is_404(api, run_id) -> None:
    response = api.get(f"/api/runs/{run_id}/histograms")
    assert response.status_code == 404
    assert response.json() == {"detail": "Run not found"}
