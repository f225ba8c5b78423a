"""GET /api/export/{run_id}/report: a Markdown report of one run."""

from __future__ import annotations

import json

import pytest

from tests.factories import make_run, metric_event, write_json

T0 = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC

ENVIRONMENT = {
    "python_version": "3.11.7",
    "platform": "Linux-6.1.0-x86_64-with-glibc2.36",
    "hostname": "trainer-01",
    "cpu_count": 32,
    "memory_total_bytes": 64 * 2**30,
    "git_info": {"commit": "0123abcd" * 5, "branch": "main", "has_changes": True, "remote": "https://example.org/r.git"},
    "gpu_info": [{"index": 0, "name": "NVIDIA H100 80GB HBM3"}],
    "packages": {"numpy": "2.4.6", "torch": "2.9.0", "tqdm": "4.67.1"},
}


def make_reported_run(root, **kwargs):  # type: ignore[no-untyped-def]
    events = [
        metric_event(1, T0 + 1, loss=1.0, stage="train"),
        metric_event(2, T0 + 2, loss=0.4, val_acc=0.7, stage="val"),
        metric_event(3, T0 + 3, loss=0.25, val_acc=0.9, stage="val"),
    ]
    summary = {"best_metric_name": "val_acc", "best_metric_value": 0.9, "best_metric_step": 3,
               "best_metric_mode": "max", "epochs": 3, "notes": "first|try\nsecond line"}
    return make_run(root, "vision", "resnet", created_at=T0, events=events, summary=summary, **kwargs)


@pytest.mark.django_db
def test_the_report_tells_the_runs_story(api, storage_root, reindex):
    run_dir = make_reported_run(storage_root)
    write_json(run_dir / "environment.json", ENVIRONMENT)
    reindex()

    response = api.get(f"/api/export/{run_dir.name}/report")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{run_dir.name}_report.md"'
    text = response.content.decode()
    assert text.startswith(f"# Run report: vision / resnet / {run_dir.name}\n")
    assert "- **Status**: finished\n" in text
    assert "- **Created**: 2023-11-14 22:13:20 UTC\n" in text
    assert "- **Duration**: 0m 10s\n" in text
    assert "## Best metric\n\n**val_acc** (max): 0.9 at step 3\n" in text
    # Final values: last value, its step, min, max and count of every metric.
    assert "| loss | 0.25 | 3 | 0.25 | 1 | 3 |" in text
    assert "| val_acc | 0.9 | 3 | 0.7 | 0.9 | 2 |" in text
    # The summary without the best-metric keys already shown above; cell text escaped.
    assert "| epochs | 3 |" in text
    assert "| notes | first\\|try second line |" in text
    assert "best_metric_value" not in text
    assert "- **Git commit**: " + "0123abcd" * 5 in text
    assert "- **Uncommitted changes**: true" in text
    assert "- **Memory**: 64.0 GiB" in text
    assert "- **GPUs**: NVIDIA H100 80GB HBM3" in text
    assert "| torch | 2.9.0 |" in text
    assert "3 packages installed in all" in text


@pytest.mark.django_db
def test_a_run_without_environment_or_metrics_still_gets_a_report(api, storage_root, reindex):
    run_dir = make_run(storage_root, status="running", pid=4242, hostname="elsewhere")
    reindex()

    text = api.get(f"/api/export/{run_dir.name}/report").content.decode()

    assert "- **Status**: running" in text
    assert "## Best metric" not in text
    assert "## Final values\n\nNo metrics were logged.\n" in text
    assert "## Environment\n\nNot available: this run did not capture it (capture_env=True).\n" in text


@pytest.mark.django_db
def test_the_reference_sdks_environment_shape_is_read_too(api, storage_root, reindex):
    run_dir = make_reported_run(storage_root)
    (run_dir / "environment.json").write_text(json.dumps({
        "python_version": "3.10.12", "platform": "Windows-10", "conda_env": "torch",
        "pip_packages": ["torch==2.1.0", "numpy==1.26.0"], "git_info": None, "gpu_info": None,
    }))
    reindex()

    text = api.get(f"/api/export/{run_dir.name}/report").content.decode()

    assert "- **Conda env**: torch" in text
    assert "| torch | 2.1.0 |" in text
    assert "Git commit" not in text


@pytest.mark.django_db
def test_only_markdown_is_offered(api, storage_root, reindex):
    run_dir = make_reported_run(storage_root)
    reindex()

    response = api.get(f"/api/export/{run_dir.name}/report", {"format": "pdf"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Format must be markdown"}


@pytest.mark.django_db
def test_an_unknown_run_has_no_report(api, storage_root):
    response = api.get("/api/export/20250101_000000_abcdef/report")

    assert response.status_code == 404
    assert response.json() == {"detail": "Run not found"}
