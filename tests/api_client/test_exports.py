"""``export_experiment`` as JSON or CSV, with and without media; the pandas helpers."""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile

import pytest
from runicorn.api import RunicornClient, utils
from runicorn.api.series import rows_to_series, series_to_rows

from .conftest import Written


def test_csv_export_has_a_row_per_logged_event(client: RunicornClient, written: Written) -> None:
    data = client.export_experiment(written.ids["A"], format="csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))

    assert len(rows) == 30
    assert {"step", "loss", "acc", "stage", "time"} <= set(rows[0])
    assert (rows[0]["step"], float(rows[0]["loss"]), rows[0]["stage"]) == ("1", 1.0, "train")


def test_json_export_holds_the_run_its_rows_and_artifacts(client: RunicornClient, written: Written) -> None:
    doc = json.loads(client.export_experiment(written.ids["A"]))

    assert (doc["format"], doc["version"]) == ("runicorn.export", 1)
    assert doc["experiment"]["id"] == written.ids["A"] and doc["experiment"]["config"]["lr"] == 0.01
    assert len(doc["metrics"]["rows"]) == 30 and "loss" in doc["metrics"]["columns"]
    assert sorted(a["version"] for a in doc["artifacts"]["created"]
                  if a["name"] == "resnet-weights") == [1, 2]
    assert doc["artifacts"]["used"] == []


@pytest.mark.parametrize(("fmt", "member"), [("json", "{id}.json"), ("csv", "{id}_metrics.csv")])
def test_include_media_zips_the_images(client: RunicornClient, written: Written, fmt: str, member: str) -> None:
    run_id = written.ids["A"]
    archive = zipfile.ZipFile(io.BytesIO(client.export_experiment(run_id, format=fmt, include_media=True)))

    names = archive.namelist()
    assert names[0] == member.format(id=run_id) and len(names) == 2
    assert names[1].startswith("media/") and names[1].endswith(".png")
    assert archive.read(names[1]) == written.image_png


def test_an_unknown_format_is_refused(client: RunicornClient, written: Written) -> None:
    with pytest.raises(ValueError, match="format must be one of json, csv"):
        client.export_experiment(written.ids["A"], format="xml")


def test_series_round_trip() -> None:
    rows = [{"global_step": 1, "time": 10.0, "loss": 0.5, "stage": "train"},
            {"global_step": 2, "time": 11.0, "loss": 0.4, "acc": 0.7, "note": "text"},
            {"global_step": 2, "time": 11.5, "system/cpu_pct": 40.0}]
    series = rows_to_series(rows)

    assert series == {
        "loss": [{"step": 1, "value": 0.5, "time": 10.0, "stage": "train"}, {"step": 2, "value": 0.4, "time": 11.0}],
        "acc": [{"step": 2, "value": 0.7, "time": 11.0}],
        "system/cpu_pct": [{"step": 2, "value": 40.0, "time": 11.5}],
    }
    assert rows_to_series(rows, ["acc", "missing"]) == {"acc": series["acc"], "missing": []}
    assert series_to_rows(series) == [
        {"step": 1, "time": 10.0, "stage": "train", "loss": 0.5},
        {"step": 2, "time": 11.0, "loss": 0.4, "acc": 0.7},
        {"step": 2, "time": 11.5, "system/cpu_pct": 40.0},
    ]


def test_dataframes_without_pandas_say_how_to_get_it(monkeypatch: pytest.MonkeyPatch, client: RunicornClient,
                                                     written: Written) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ImportError, installed or not
    metrics = client.get_metrics(written.ids["A"])
    for call, arg in ((utils.metrics_to_dataframe, metrics), (utils.experiments_to_dataframe, [])):
        with pytest.raises(ImportError, match=r"needs pandas for DataFrames: pip install pandas"):
            call(arg)
