"""The client's run, metric, config and health methods against a real viewer over SDK-written runs."""

from __future__ import annotations

import pytest
import runicorn.api as api
from runicorn.api import RunicornClient

from .conftest import Written


def ids(experiments: list[dict]) -> list[str]:
    return [e["id"] for e in experiments]


def test_connect_checks_the_viewer(client: RunicornClient, viewer) -> None:  # type: ignore[no-untyped-def]
    health = client.health_check()
    assert health["status"] == "ok" and health["storage"] == str(viewer.root)
    assert repr(client) == f"<RunicornClient {viewer.url}>"


def test_list_experiments_pages_through_everything(client: RunicornClient, written: Written) -> None:
    every = client.list_experiments()
    # Newest first: the order the runs were written, reversed.
    assert ids(every) == [written.ids[k] for k in "EDCBA"]
    # Small pages give the same list, fetched over three requests.
    assert ids(client.iter_experiments(page_size=2)) == ids(every)


@pytest.mark.parametrize(("limit", "offset"), [(2, 0), (2, 1), (3, 2), (10, 4), (None, 3), (0, 0), (1, 5)])
def test_limit_and_offset_slice_the_full_list(client: RunicornClient, limit: int | None, offset: int) -> None:
    every = ids(client.list_experiments())
    end = None if limit is None else offset + limit
    assert ids(client.list_experiments(limit=limit, offset=offset)) == every[offset:end]


def test_filters(client: RunicornClient, written: Written) -> None:
    assert ids(client.list_experiments(project="nlp")) == [written.ids["E"], written.ids["D"]]
    assert ids(client.list_experiments(project="vision", name="resnet")) == [written.ids["B"], written.ids["A"]]
    assert ids(client.list_experiments(status="failed")) == [written.ids["B"]]
    assert set(ids(client.list_experiments(status=["failed", "finished"], project="vision"))) == {
        written.ids["A"], written.ids["B"], written.ids["C"]}
    # Any other V2 filter goes through as it is: the query language, tags.
    assert ids(client.list_experiments(q="summary.test_acc > 0.9")) == [written.ids["A"]]
    assert ids(client.list_experiments(tags=["baseline"])) == [written.ids["A"]]
    assert client.list_experiments(project="nope") == []


def test_bad_filters_raise_bad_request_with_the_servers_words(client: RunicornClient) -> None:
    with pytest.raises(api.BadRequestError) as caught:
        client.list_experiments(status="sleeping")
    assert caught.value.status_code == 400
    assert caught.value.detail.startswith("status: unknown status 'sleeping'")
    with pytest.raises(api.BadRequestError) as caught:
        client.list_experiments(q="summary.acc >")
    assert caught.value.body["param"] == "q" and caught.value.body["position"] == 13


def test_get_experiment_and_get_run(client: RunicornClient, written: Written) -> None:
    run_id = written.ids["A"]
    experiment = client.get_experiment(run_id)
    assert (experiment["id"], experiment["project"], experiment["name"]) == (run_id, "vision", "resnet")
    assert experiment["status"] == "finished" and experiment["tags"] == ["baseline"]
    assert experiment["config"] == {"lr": 0.01, "layers": 50}
    assert experiment["summary"]["test_acc"] == 0.93 and experiment["best_metric_value"] == 1.0
    assert experiment["metrics_summary"]["available_metrics"] == ["acc", "loss"]

    run = client.get_run(run_id)
    assert run["id"] == run_id and run["status"] == "finished" and run["best_metric_name"] == "acc"


def test_unknown_ids_raise_not_found(client: RunicornClient) -> None:
    for call in (client.get_experiment, client.get_run, client.get_metrics, client.export_csv):
        with pytest.raises(api.NotFoundError) as caught:
            call("20200101_000000_abcdef")
        assert caught.value.status_code == 404 and "not found" in caught.value.detail
    # A path separator in an id stays inside its path segment: still a plain 404.
    with pytest.raises(api.NotFoundError):
        client.get_run("../config")


def test_get_metrics_gives_one_series_per_metric(client: RunicornClient, written: Written) -> None:
    metrics = client.get_metrics(written.ids["A"])["metrics"]

    assert sorted(metrics) == ["acc", "loss"]  # stage and time are context, not metrics
    loss = metrics["loss"]
    assert [p["step"] for p in loss] == list(range(1, 31))
    assert loss[0]["value"] == 1.0 and loss[-1]["value"] == pytest.approx(1 / 30)
    assert loss[0]["stage"] == "train" and loss[-1]["stage"] == "val"
    assert all(isinstance(p["time"], float) for p in loss)
    times = [p["time"] for p in loss]
    assert times == sorted(times)


def test_get_metrics_with_names_and_limit(client: RunicornClient, written: Written) -> None:
    only = client.get_metrics(written.ids["A"], metric_names=["acc"])
    assert list(only["metrics"]) == ["acc"] and len(only["metrics"]["acc"]) == 30

    reduced = client.get_metrics(written.ids["A"], limit=10)["metrics"]["loss"]
    assert len(reduced) <= 10
    # Reduced on the server keeping the curve's shape: the first and last points survive.
    assert reduced[0]["step"] == 1 and reduced[-1]["step"] == 30

    with pytest.raises(api.BadRequestError, match="Unknown metric name.*nope.*this run has: acc, loss"):
        client.get_metrics(written.ids["A"], metric_names=["nope"])


def test_system_metrics_of_a_monitored_run(client: RunicornClient, written: Written) -> None:
    metrics = client.get_metrics(written.ids["C"])["metrics"]

    assert {"system/cpu_pct", "system/mem_used_pct", "system/proc_rss_mib"} <= set(metrics)
    assert [p["step"] for p in metrics["loss"]] == [1, 2, 3, 4, 5]
    # Samples carry the step of the run at the time, never one of their own.
    assert {p["step"] for p in metrics["system/cpu_pct"]} <= {0, 1, 2, 3, 4, 5}
    assert all(p["value"] > 0 for p in metrics["system/proc_rss_mib"])


def test_get_config_and_gpu_info(client: RunicornClient, viewer) -> None:  # type: ignore[no-untyped-def]
    config = client.get_config()
    assert config["storage"] == str(viewer.root) and config["user_root_dir"] == ""
    assert "available" in client.get_gpu_info()
    assert client.list_projects() == ["nlp", "vision"]


def test_update_config_refuses_unknown_keys_before_sending(client: RunicornClient) -> None:
    with pytest.raises(ValueError, match="only user_root_dir"):
        client.update_config({"theme": "dark"})
    with pytest.raises(api.BadRequestError, match="Invalid path: path must be absolute"):
        client.update_config({"user_root_dir": "relative/dir"})


def test_the_reference_clients_generic_verbs(client: RunicornClient, written: Written) -> None:
    assert client.get("/api/projects") == {"projects": ["nlp", "vision"]}
    assert client.get(f"/api/runs/{written.ids['E']}")["id"] == written.ids["E"]
