"""GET /api/v2/experiments/{id}/metrics/fast: a step range and a subset of metrics."""

from __future__ import annotations

import pytest

from tests.factories import metric_event

pytestmark = pytest.mark.django_db

T0 = 1_700_000_000.0


@pytest.fixture
def run(indexed_run):  # type: ignore[no-untyped-def]
    events = [metric_event(s, T0 + s, loss=1.0 / s, acc=s / 100, stage="train") for s in range(1, 101)]
    events += [metric_event(s, T0 + s + 0.5, val_acc=s / 100) for s in range(10, 101, 10)]
    return indexed_run(events=events)


def fast(api, run, **params):  # type: ignore[no-untyped-def]
    return api.get(f"/api/v2/experiments/{run.name}/metrics/fast", params)


def test_without_filters_it_returns_every_row(api, run):
    body = fast(api, run).json()

    assert body["columns"] == ["global_step", "acc", "loss", "stage", "time", "val_acc"]
    assert body["total_points"] == len(body["rows"]) == 100
    assert body["applied_filters"] == {"metrics": None, "step_range": None, "downsampled": False}
    assert isinstance(body["query_time_ms"], float)


def test_metric_names_and_step_range_filter_rows_and_keys(api, run):
    body = fast(api, run, metric_names="val_acc,loss", step_range="20:45").json()

    assert body["columns"] == ["global_step", "val_acc", "loss"]
    assert [r["global_step"] for r in body["rows"]] == list(range(20, 46))
    assert body["rows"][0] == {"global_step": 20, "val_acc": 0.2, "loss": 0.05}
    assert body["rows"][1] == {"global_step": 21, "loss": 1 / 21}
    assert body["applied_filters"] == {"metrics": ["val_acc", "loss"], "step_range": [20, 45], "downsampled": False}


@pytest.mark.parametrize(("step_range", "expected"), [("95:", [95, 96, 97, 98, 99, 100]), (":3", [1, 2, 3])])
def test_either_side_of_the_step_range_may_be_left_open(api, run, step_range, expected):
    body = fast(api, run, metric_names="loss", step_range=step_range).json()

    assert [r["global_step"] for r in body["rows"]] == expected


def test_rows_without_any_asked_for_metric_are_left_out(api, run):
    body = fast(api, run, metric_names="val_acc").json()

    assert [r["global_step"] for r in body["rows"]] == list(range(10, 101, 10))


def test_downsample_reduces_each_metric(api, run):
    body = fast(api, run, metric_names="loss", downsample="10").json()

    assert len(body["rows"]) == 10
    assert body["rows"][0]["global_step"] == 1 and body["rows"][-1]["global_step"] == 100
    assert body["applied_filters"]["downsampled"] is True


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"step_range": "abc"}, "min:max"),
        ({"step_range": "1:x"}, "max 'x'"),
        ({"step_range": "y:5"}, "min 'y'"),
        ({"step_range": "1:2:3"}, "min:max"),
        ({"step_range": "9:1"}, "greater than"),
        ({"metric_names": "loss,nope,also_nope"}, "nope, also_nope"),
        ({"metric_names": " , "}, "at least one"),
        ({"downsample": "many"}, "downsample"),
        ({"downsample": "9" * 5000}, "downsample"),
        ({"step_range": "1:" + "9" * 30}, "max '99"),
    ],
)
def test_bad_parameters_are_400_naming_the_bad_part(api, run, params, says):
    resp = fast(api, run, **params)

    assert resp.status_code == 400
    assert says in resp.json()["detail"]


def test_an_unknown_experiment_is_404(api, storage_root):
    resp = api.get("/api/v2/experiments/20250101_000000_abcdef/metrics/fast")

    assert resp.status_code == 404
    assert resp.json() == {"detail": "Experiment 20250101_000000_abcdef not found"}
