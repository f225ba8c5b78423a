"""The run page: charts drawn from the API (read back from uPlot's data), zoom, live rows and logs."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import LONG_STEPS, STEPS, UISite, chart_attr


def test_charts_hold_the_logged_metrics(page: Page, ui_site: UISite):
    page.goto(f"{ui_site.url}/runs/{ui_site.runs['resnet_a']}")
    expect(page.get_by_test_id("run-title")).to_have_text("vision / resnet50")
    expect(page.get_by_test_id("run-best")).to_contain_text("val/acc")
    # train/loss shares the chart "loss" (with any other stage's loss), val/acc is in "acc".
    loss = page.get_by_test_id("chart-loss")
    expect(loss).to_have_attribute("data-series", "train/loss")
    # Every point: the chart is wider than 300 pixels, so nothing is downsampled away.
    expect(loss).to_have_attribute("data-points", str(STEPS))
    expect(loss).to_have_attribute("data-last-x", str(STEPS))
    expect(page.get_by_test_id("chart-acc")).to_have_attribute("data-points", str(STEPS // 10))
    expect(page.locator("[data-chart-id]")).to_have_count(2)
    # CSV export of a chart: every point at full resolution.
    with page.expect_download() as download:
        page.locator("[data-chart-id='loss']").get_by_test_id("export-csv").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0] == "step,time,train/loss"
    assert len(lines) == STEPS + 1
    assert lines[-1].startswith(f"{STEPS},")


def test_a_drag_zooms_into_a_step_range_fetched_at_full_resolution(page: Page, ui_site: UISite):
    page.goto(f"{ui_site.url}/runs/{ui_site.runs['long']}")
    chart = page.get_by_test_id("chart-loss")
    expect(chart).to_have_attribute("data-last-x", str(LONG_STEPS))
    overview = int(chart_attr(page, "chart-loss", "data-points"))
    assert 100 <= overview < LONG_STEPS  # about one point per pixel
    box = chart.locator(".u-over").bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    with page.expect_request(lambda r: "metrics/fast" in r.url and "step_range=" in r.url):
        page.mouse.move(box["x"] + box["width"] * 0.40, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=5)
        page.mouse.up()
    card = page.locator("[data-metric=loss]")
    expect(card).not_to_have_attribute("data-zoom", "")
    low, high = (int(v) for v in (card.get_attribute("data-zoom") or "").split(":"))
    # Every step of the range: full resolution.
    expect(chart).to_have_attribute("data-points", str(high - low + 1))
    page.get_by_test_id("reset-zoom").click()
    expect(chart).to_have_attribute("data-points", str(overview))


def test_a_row_logged_by_the_sdk_appears_without_reload(page: Page, ui_site: UISite):
    page.goto(f"{ui_site.url}/runs/{ui_site.runs['live']}")
    expect(page.get_by_test_id("live-indicator")).to_be_visible()
    chart = page.get_by_test_id("chart-loss")
    expect(chart).to_have_attribute("data-points", "50")
    for step in (51, 52):
        ui_site.live.log({"loss": 0.5}, step=step)
    expect(chart).to_have_attribute("data-last-x", "52")
    expect(chart).to_have_attribute("data-points", "52")
    expect(chart).to_have_attribute("data-last-y", "0.5")


def test_a_line_appended_to_the_log_file_appears_in_the_logs_tab(page: Page, ui_site: UISite):
    page.goto(f"{ui_site.url}/runs/{ui_site.runs['live']}?tab=logs")
    log = page.get_by_test_id("log-view")
    expect(log).to_contain_text("live run started")
    with open(ui_site.run_dir("live") / "logs.txt", "a") as fh:
        fh.write("12:00:00 | appended by the test\n")
    started = time.monotonic()
    expect(log).to_contain_text("appended by the test", timeout=5000)
    print(f"log line shown after {(time.monotonic() - started) * 1000:.0f} ms")
    page.get_by_test_id("log-search").fill("APPENDED")
    expect(page.get_by_test_id("log-matches")).to_have_text("1 matching lines")


def test_summary_images_and_config_tabs(page: Page, ui_site: UISite):
    run_id = ui_site.runs["resnet_b"]
    page.goto(f"{ui_site.url}/runs/{run_id}?tab=summary")
    expect(page.get_by_test_id("config-table")).to_contain_text("0.01")
    expect(page.get_by_test_id("summary-table")).to_contain_text("final_loss")
    page.get_by_test_id("tab-images").click()
    card = page.get_by_test_id("image-key-samples")
    expect(card.get_by_test_id("image-step")).to_contain_text("200")
    image = card.locator("img")
    expect(image).to_have_attribute("src", re.compile(rf"^/api/runs/{run_id}/media/media/\d+_\w+_samples\.png$"))
    assert page.evaluate("img => img.complete && img.naturalWidth", image.element_handle()) == 8
