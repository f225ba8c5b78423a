"""GET /api/export/{run_id}/csv: a run's metrics as CSV, streamed."""

from __future__ import annotations

import csv
import io
import json

import pytest
from runicorn import metrics_export

from tests.factories import make_run, metric_event

T0 = 1_700_000_000.0


def rows_of(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode())))


def body_of(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_it_exports_one_row_per_metrics_event(api, storage_root, reindex):
    events = [
        metric_event(0, T0, loss=1.0, stage="train"),
        {"ts": T0 + 0.5, "type": "image", "data": {"key": "sample", "path": "media/a.png", "step": 0}},
        metric_event(1, T0 + 1, loss=0.5, acc=0.25, stage="train"),
        metric_event(1, T0 + 1.5, val_loss=0.75, stage="val"),
    ]
    run_dir = make_run(storage_root, events=events, raw_events='not json\n{"ts": 1, "type": "metrics", "da')
    reindex()

    response = api.get(f"/api/export/{run_dir.name}/csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{run_dir.name}_metrics.csv"'
    assert rows_of(body_of(response)) == [
        ["step", "time", "stage", "acc", "loss", "val_loss"],
        ["0", "1700000000.0", "train", "", "1.0", ""],
        ["1", "1700000001.0", "train", "0.25", "0.5", ""],
        ["1", "1700000001.5", "val", "", "", "0.75"],
    ]


@pytest.mark.django_db
def test_values_keep_their_precision_and_odd_values_survive(api, storage_root, reindex):
    lines = [
        json.dumps({"ts": T0, "type": "metrics", "data": {"global_step": 3, "time": T0, "x": 0.1 + 0.2,
                                                          "big": 12345678901234567890, "flag": True,
                                                          "hist": [1, 2], "note": "a,b \"c\""}}),
        # The reference SDK writes NaN and Infinity literals (Python's json.dumps).
        '{"ts": 1700000001.0, "type": "metrics", "data": {"global_step": 4, "x": NaN, "big": Infinity}}',
        # No global_step: the reference's older "step" key, and no time in the data: the event's ts.
        '{"ts": 1700000002.0, "type": "metrics", "data": {"step": 5, "x": -1}}',
    ]
    run_dir = make_run(storage_root, raw_events="\n".join(lines) + "\n")
    reindex()

    rows = rows_of(body_of(api.get(f"/api/export/{run_dir.name}/csv")))

    assert rows == [
        ["step", "time", "stage", "big", "flag", "hist", "note", "x"],
        ["3", "1700000000.0", "", "12345678901234567890", "true", "[1,2]", 'a,b "c"', "0.30000000000000004"],
        ["4", "1700000001.0", "", "inf", "", "", "", "nan"],
        ["5", "1700000002.0", "", "", "", "", "", "-1"],
    ]


@pytest.mark.django_db
def test_a_run_without_metrics_exports_the_header_only(api, storage_root, reindex):
    run_dir = make_run(storage_root)
    reindex()

    response = api.get(f"/api/export/{run_dir.name}/csv")

    assert response.status_code == 200
    assert body_of(response) == b"step,time,stage\n"


@pytest.mark.django_db
@pytest.mark.parametrize("run_id", ["20250101_000000_abcdef", "not-a-run-id", "20250101_000000_ABCDEF"])
def test_an_unknown_or_malformed_run_is_404(api, storage_root, run_id):
    response = api.get(f"/api/export/{run_id}/csv")

    assert response.status_code == 404
    assert response.json() == {"detail": "Run not found"}


@pytest.mark.django_db
def test_a_deleted_run_is_not_exported(api, storage_root, reindex):
    run_dir = make_run(storage_root, events=[metric_event(0, T0, loss=1.0)],
                       deleted={"deleted_at": T0, "reason": "user_deleted", "original_status": "finished"})
    reindex()

    assert api.get(f"/api/export/{run_dir.name}/csv").status_code == 404


@pytest.mark.django_db
def test_lines_appended_during_the_export_cannot_add_a_column(api, storage_root, reindex, monkeypatch):
    run_dir = make_run(storage_root, events=[metric_event(i, T0 + i, loss=1.0 / (i + 1)) for i in range(3)])
    reindex()
    events = run_dir / "events.jsonl"
    real = metrics_export.metric_columns

    def columns_then_the_run_writes_more(path, progress=None):  # type: ignore[no-untyped-def]
        found = real(path, progress)
        with open(events, "a") as fh:  # the training process appends between the two passes
            fh.write(json.dumps(metric_event(3, T0 + 3, loss=0.1, new_metric=7.0)) + "\n")
        return found

    monkeypatch.setattr(metrics_export, "metric_columns", columns_then_the_run_writes_more)

    rows = rows_of(body_of(api.get(f"/api/export/{run_dir.name}/csv")))

    assert rows[0] == ["step", "time", "stage", "loss"]
    assert [r[0] for r in rows[1:]] == ["0", "1", "2"]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_under_asgi_a_large_export_is_streamed_in_chunks(async_client, storage_root, reindex, monkeypatch):
    from asgiref.sync import sync_to_async

    monkeypatch.setattr(metrics_export, "CHUNK_BYTES", 16 * 1024)
    lines = "".join(json.dumps(metric_event(i, T0 + i, loss=i * 0.001, acc=i / 7)) + "\n" for i in range(3_000))
    run_dir = make_run(storage_root, raw_events=lines)
    await sync_to_async(reindex)()

    response = await async_client.get(f"/api/export/{run_dir.name}/csv")

    assert response.status_code == 200
    assert response.is_async  # chunks handed over one by one, not collected by Django first
    chunks = [chunk async for chunk in response.streaming_content]
    assert len(chunks) > 4
    rows = rows_of(b"".join(chunks))
    assert len(rows) == 3_001
    assert rows[-1][:2] == ["2999", "1700002999.0"]
