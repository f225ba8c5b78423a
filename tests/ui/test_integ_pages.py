"""The Histograms tab of the run page, and Export / Import (with its preview) on the experiments
page, in Chromium against a viewer of their own (so the shared UI root keeps its run counts)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import runicorn as rn
from playwright.sync_api import Page, expect
from runicorn import lifecycle

from tests.fixtures.live_server import LiveViewer, start_viewer, stop_viewer, wait_until


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveViewer, str]]:
    root = tmp_path_factory.mktemp("integ-ui-root")
    run = rn.init(project="vision", name="histo", storage=root)
    for step in range(1, 6):
        run.log({"loss": 1.0 / step})
        run.log_histogram("weights", [step + i / 10 for i in range(50)], step=step, bins=8)
        run.log_histogram("grads", [0.0, 1.0, 1.0], step=step)
    run.finish()
    lifecycle.active = None
    viewer = start_viewer(root, tmp_path_factory.mktemp("integ-ui-viewer"))
    try:
        wait_until(lambda: viewer.get("/api/v2/experiments").json()["total"] == 1, timeout=30)
        yield viewer, run.id
    finally:
        stop_viewer(viewer)


def test_the_histograms_tab_draws_one_heat_map_per_key(page: Page, site):
    viewer, run_id = site
    page.goto(f"{viewer.url}/runs/{run_id}?tab=histograms")
    weights = page.get_by_test_id("histogram-weights")
    expect(weights).to_be_visible()
    expect(page.get_by_test_id("histogram-grads")).to_be_visible()
    # 5 steps x 8 buckets, every bucket holding values: 40 cells; grads has 2 non-empty buckets a step.
    expect(weights.locator("rect[fill-opacity]")).to_have_count(40)
    expect(page.get_by_test_id("histogram-grads").locator("rect[fill-opacity]")).to_have_count(10)
    expect(weights.get_by_test_id("histogram-steps")).to_have_text("5 of 5 steps shown")


def test_export_downloads_the_selection_and_import_previews_it(page: Page, site, tmp_path: Path):
    viewer, run_id = site
    page.goto(f"{viewer.url}/")
    expect(page.get_by_test_id("export-selected")).to_be_disabled()
    page.locator(f"[data-run-id='{run_id}'] input[type=checkbox]").first.check()
    with page.expect_download() as download:
        page.get_by_test_id("export-selected").click()
    archive = tmp_path / "runs.zip"
    download.value.save_as(archive)
    assert f"vision/histo/runs/{run_id}/histograms.jsonl" in zipfile.ZipFile(archive).namelist()

    page.get_by_test_id("import-archive").click()
    page.locator("input[type=file]").set_input_files(str(archive))
    page.get_by_test_id("import-preview-button").click()
    preview = page.get_by_test_id("import-preview")
    expect(preview).to_contain_text("0 new run(s), 1 already here, 0 new artifact version(s)")
    expect(preview).to_contain_text(f"{run_id}: a run with this id is already in the root; skipped")
    expect(page.get_by_test_id("import-confirm")).to_be_disabled()  # nothing to add
