"""Issue #19 in the browser: the empty experiments page says which root the viewer serves and how
runs get there; a run that logged ``epoch`` can be drawn by epoch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import runicorn as rn
from playwright.sync_api import Page, expect

from tests.fixtures.live_server import LiveViewer, start_viewer, stop_viewer, wait_until


@pytest.fixture(scope="module")
def own_viewer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveViewer]:
    work = tmp_path_factory.mktemp("where-runs-go")
    root = work / "root"
    root.mkdir()
    viewer = start_viewer(root, work)
    try:
        yield viewer
    finally:
        stop_viewer(viewer)


def test_the_empty_page_names_the_root_and_how_runs_get_there(page: Page, own_viewer: LiveViewer) -> None:
    page.goto(own_viewer.url + "/")
    empty = page.get_by_test_id("empty")
    expect(empty).to_contain_text("No runs yet.")
    expect(page.get_by_test_id("empty-root")).to_have_text(str(own_viewer.root))
    expect(empty).to_contain_text("from RUNICORN_DIR")
    expect(page.get_by_test_id("empty-example")).to_have_text(f"RUNICORN_DIR={own_viewer.root} python train.py")


def test_a_run_with_epochs_is_drawn_by_epoch(page: Page, own_viewer: LiveViewer) -> None:
    assert own_viewer.root is not None
    run = rn.init(project="epochs", name="cnn", storage=own_viewer.root)
    for epoch in range(4):
        for _ in range(5):
            run.log({"loss": 1.0 / (epoch + 1), "epoch": epoch})
    run.finish()
    wait_until(lambda: run.id in {r["id"] for r in own_viewer.get("/api/runs").json()}, timeout=20)

    page.goto(f"{own_viewer.url}/runs/{run.id}")
    mode = page.get_by_test_id("x-mode")
    expect(mode.get_by_role("radio", name="Epoch")).to_be_enabled()
    expect(page.locator('[data-metric="epoch"]')).to_be_visible()  # epoch is a chart of its own too
    mode.get_by_text("Epoch").click()
    expect(mode.get_by_role("radio", name="Epoch")).to_be_checked()
    expect(page.locator('[data-metric="loss"] canvas')).to_be_visible()
