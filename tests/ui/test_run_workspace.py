"""The run page as a workspace: stage metrics in one chart (and the toggle back), system charts
last, a single point drawn, the picker and per-chart pin/hide/move, the layout saved per project,
shared as a link and reset; zoom shared across charts; a failed run says why."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import runicorn as rn
from playwright.sync_api import Browser, Page, expect

from tests.fixtures.live_server import wait_until

from .conftest import REPO_ROOT, SCREENSHOTS, UISite, screenshot_both_themes

PROJECT = "stages"
STEPS = 40


@pytest.fixture(scope="module")
def stage_runs(ui_site: UISite) -> Iterator[dict[str, str]]:
    run = rn.Run(project=PROJECT, name="cnn", storage=ui_site.root, capture_env=True)
    for step in range(1, STEPS + 1):
        run.log({"train/loss": 1.0 / step, "val/loss": 1.2 / step, "system/cpu": 10.0 + step % 5}, step=step)
    run.log({"lr": 0.00125}, step=STEPS)  # logged once: a single point
    run.summary({"test_acc": 0.123456789})
    run.finish()
    script = textwrap.dedent(f"""
        import runicorn as rn
        run = rn.init(project={PROJECT!r}, name="crash", storage={str(ui_site.root)!r}, capture_console=True)
        run.log({{"train/loss": 0.5}}, step=1)
        def train():
            raise ValueError("boom: lr must be positive")
        train()
    """)
    env = {**os.environ, "PYTHONPATH": f"{REPO_ROOT / 'sdk'}"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "ValueError: boom" in done.stderr, done.stderr
    crash = next(ui_site.root.glob(f"{PROJECT}/crash/runs/*")).name
    ids = {"cnn": run.id, "crash": crash}
    def listed() -> set[str]:
        return {e["id"] for e in ui_site.viewer.get(f"/api/v2/experiments?project={PROJECT}").json()["experiments"]}

    wait_until(lambda: listed() == set(ids.values()), timeout=30)
    yield ids
    requests.delete(f"{ui_site.url}/api/workspaces/run?project={PROJECT}", timeout=10)


@pytest.fixture
def shots() -> Path:
    return SCREENSHOTS


def chart_ids(page: Page) -> list[str]:
    return [c.get_attribute("data-chart-id") or "" for c in page.locator("[data-chart-id]").all()]


def open_run(page: Page, ui_site: UISite, run_id: str, query: str = "") -> None:
    page.goto(f"{ui_site.url}/runs/{run_id}{query}")
    expect(page.locator("[data-chart-id]").first).to_be_visible()


def test_stage_metrics_share_a_chart_system_last_and_a_single_point_shows_its_value(
    page: Page, ui_site: UISite, stage_runs: dict[str, str], shots: Path
):
    open_run(page, ui_site, stage_runs["cnn"])
    loss = page.get_by_test_id("chart-loss")
    expect(loss).to_have_attribute("data-series", "train/loss|val/loss")
    expect(loss).to_have_attribute("data-series-points", f"{STEPS},{STEPS}")
    expect(page.locator("[data-chart-id]")).to_have_count(3)
    assert chart_ids(page) == ["loss", "lr", "system/cpu"]
    lr = page.locator("[data-chart-id='lr']")
    expect(lr.get_by_test_id("single-value")).to_contain_text(f"0.00125 (one point, at {STEPS})")
    expect(page.get_by_test_id("chart-lr")).to_have_attribute("data-points", "1")
    screenshot_both_themes(page, "run-stages", folder=shots)
    page.get_by_test_id("group-stages").click()
    expect(page.locator("[data-chart-id]")).to_have_count(4)
    assert chart_ids(page) == ["lr", "train/loss", "val/loss", "system/cpu"]
    expect(page.get_by_test_id("chart-val/loss")).to_have_attribute("data-series", "val/loss")


def test_a_zoom_applies_to_every_chart_of_the_page(page: Page, ui_site: UISite, stage_runs: dict[str, str]):
    open_run(page, ui_site, stage_runs["cnn"])
    chart = page.get_by_test_id("chart-loss")
    expect(chart).to_have_attribute("data-points", str(STEPS))
    box = chart.locator(".u-over").bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=5)
    page.mouse.up()
    loss_zoom = page.locator("[data-chart-id='loss']")
    expect(loss_zoom).not_to_have_attribute("data-zoom", "")
    zoom = loss_zoom.get_attribute("data-zoom") or ""
    expect(page.locator("[data-chart-id='lr']")).to_have_attribute("data-zoom", zoom)
    page.locator("[data-chart-id='loss']").get_by_test_id("reset-zoom").click()
    expect(page.locator("[data-chart-id='lr']")).to_have_attribute("data-zoom", "")


def test_the_layout_is_saved_per_project_shared_as_a_link_and_reset(
    page: Page, browser: Browser, ui_site: UISite, stage_runs: dict[str, str]
):
    open_run(page, ui_site, stage_runs["cnn"])
    # Hide the loss chart through the picker's search.
    page.get_by_test_id("metric-picker").click()
    page.get_by_test_id("metric-search").fill("los")
    expect(page.locator("[data-testid^=metric-option-]")).to_have_count(1)
    page.get_by_test_id("metric-option-loss").click()
    page.keyboard.press("Escape")
    expect(page.locator("[data-chart-id]")).to_have_count(2)
    # Pin the system chart to the top.
    with page.expect_request(lambda r: "/api/workspaces/run?project=stages" in r.url and r.method == "PUT") as put:
        page.locator("[data-chart-id='system/cpu']").get_by_test_id("chart-pin").click()
    saved = json.loads(put.value.post_data or "{}")["layout"]
    assert saved["hidden"] == ["loss"] and saved["pinned"] == ["system/cpu"]
    assert chart_ids(page) == ["system/cpu", "lr"]
    # Another run of the project opens with the same layout (saved on the server).
    page.goto(f"{ui_site.url}/runs/{stage_runs['crash']}")
    expect(page.get_by_test_id("metric-picker")).to_have_text("Charts 0/1")  # its only chart, loss, is hidden
    expect(page.locator("[data-chart-id]")).to_have_count(0)
    open_run(page, ui_site, stage_runs["cnn"])
    assert chart_ids(page) == ["system/cpu", "lr"]
    # A link carries the layout; after a reset the link still shows it, the page itself does not.
    page.get_by_test_id("share-layout").click()
    expect(page).to_have_url(re.compile(r"[?&]layout="))
    link = page.url
    with page.expect_request(lambda r: "/api/workspaces/run?project=stages" in r.url and r.method == "DELETE"):
        page.get_by_test_id("reset-layout").click()
    expect(page.locator("[data-chart-id]")).to_have_count(3)
    assert chart_ids(page) == ["loss", "lr", "system/cpu"]
    assert "layout=" not in page.url
    other = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    try:
        other.goto(link)
        expect(other.locator("[data-chart-id]")).to_have_count(2)
        assert chart_ids(other) == ["system/cpu", "lr"]
    finally:
        other.context.close()


def test_a_failed_run_shows_its_exit_reason_and_traceback(
    page: Page, ui_site: UISite, stage_runs: dict[str, str], shots: Path
):
    page.goto(f"{ui_site.url}/runs/{stage_runs['crash']}")
    notice = page.get_by_test_id("failure-notice")
    expect(notice).to_contain_text("This run failed: exception")
    traceback = page.get_by_test_id("traceback")
    expect(traceback).to_contain_text("Traceback (most recent call last):")
    expect(traceback).to_contain_text("in train")
    expect(traceback).to_contain_text("ValueError: boom: lr must be positive")
    screenshot_both_themes(page, "run-failed", folder=shots)


def test_the_summary_rounds_numbers_and_lists_each_metrics_last_min_and_max(
    page: Page, ui_site: UISite, stage_runs: dict[str, str], shots: Path
):
    page.goto(f"{ui_site.url}/runs/{stage_runs['cnn']}?tab=summary")
    acc = page.get_by_test_id("summary-table").locator("[data-key='test_acc']")
    expect(acc).to_have_text("0.12346")
    expect(acc).to_have_attribute("title", "0.123456789")
    row = page.get_by_test_id("metric-stats").locator("tr[data-metric='val/loss'] td")
    expect(row).to_have_text(["val/loss", str(1.2 / STEPS), "0.03", "1.2", str(STEPS)])
    expect(row.nth(1).locator("span")).to_have_attribute("title", str(1.2 / STEPS))
    screenshot_both_themes(page, "run-summary", folder=shots, full_page=True)


def test_the_environment_shows_dates_and_sizes_in_human_units(page: Page, ui_site: UISite, stage_runs: dict[str, str]):
    env = json.loads(next(ui_site.root.glob(f"{PROJECT}/cnn/runs/*/environment.json")).read_text())
    page.goto(f"{ui_site.url}/runs/{stage_runs['cnn']}?tab=environment")
    captured = page.get_by_test_id("environment").locator("[data-key='captured_at']")
    expect(captured).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"))
    expect(captured).to_have_attribute("title", str(env["captured_at"]))
    if "memory_total_bytes" in env:
        memory = page.get_by_test_id("environment").locator("[data-key='memory_total_bytes']")
        expect(memory).to_have_text(re.compile(r"^\d+\.\d (MB|GB|TB)$"))
