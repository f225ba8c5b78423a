"""The experiments table as a workspace: custom columns (picked, sorted by the server, reordered,
resized), grouping with counts and statistics, tags as logged, a running run's duration counting up."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.live_server import wait_until

from .conftest import SCREENSHOTS, STEPS, UISite, screenshot_both_themes


@pytest.fixture
def shots() -> Path:
    return SCREENSHOTS


def rows(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("[data-testid=experiments-table] tbody tr[data-run-id]")


def cell(page: Page, run_id: str, column: str):  # type: ignore[no-untyped-def]
    return page.locator(f"tr[data-run-id='{run_id}'] td[data-column='{column}']")


def url_param(page: Page, name: str) -> list[str]:
    return parse_qs(urlparse(page.url).query).get(name, [])


def pick(page: Page, search: str, option: str) -> None:
    page.get_by_test_id("column-search").fill(search)
    page.get_by_test_id(f"column-option-{option}").click()


def test_picked_columns_show_config_summary_and_a_metrics_last_value(page: Page, ui_site: UISite, shots: Path):
    page.goto(ui_site.url + "/?project=vision")
    page.get_by_test_id("column-picker").click()
    pick(page, "lr", "config.lr")
    pick(page, "final", "summary.final_loss")
    pick(page, "train/loss", "metric.train/loss")
    page.keyboard.press("Escape")
    assert url_param(page, "cols") == ["config.lr,summary.final_loss,metric.train/loss"]
    headers = page.locator("[data-testid=experiments-table] thead th[data-column^='config.'], "
                           "[data-testid=experiments-table] thead th[data-column^='summary.'], "
                           "[data-testid=experiments-table] thead th[data-column^='metric.']")
    expect(headers).to_have_count(3)
    run_a = ui_site.runs["resnet_a"]
    last_loss = round(2 * math.exp(-STEPS * 0.1 / 10), 6)
    expect(cell(page, run_a, "config.lr")).to_have_text("0.1")
    expect(cell(page, run_a, "summary.final_loss")).to_have_text(str(float(f"{last_loss:.5g}")))
    expect(cell(page, run_a, "metric.train/loss").locator("span")).to_have_attribute("title", str(last_loss))
    expect(cell(page, ui_site.runs["resnet_b"], "config.lr")).to_have_text("0.01")
    # Reloading the link gives the same table.
    page.reload()
    expect(cell(page, run_a, "config.lr")).to_have_text("0.1")
    screenshot_both_themes(page, "experiments-columns", folder=shots)


def test_a_config_column_sorts_on_the_server(page: Page, ui_site: UISite):
    page.goto(ui_site.url + "/?cols=config.lr")
    with page.expect_response(lambda r: "order_by=config.lr" in r.url and r.status == 200):
        page.get_by_test_id("sort-config.lr").click()
    by_lr = ["resnet_a", "bert", "victim", "resnet_b", "live"]  # 0.1, 0.05, 0.02, 0.01, 0.001; long has none
    expect(rows(page).first).to_have_attribute("data-run-id", ui_site.runs["resnet_a"])
    order = [r.get_attribute("data-run-id") for r in rows(page).all()]
    assert order[:5] == [ui_site.runs[k] for k in by_lr] and order[5] == ui_site.runs["long"]
    page.get_by_test_id("sort-config.lr").click()
    expect(rows(page).first).to_have_attribute("data-run-id", ui_site.runs["live"])
    assert url_param(page, "order_desc") == ["false"]


def test_columns_reorder_by_drag_and_resize_and_the_width_is_saved(page: Page, ui_site: UISite):
    page.goto(ui_site.url + "/?cols=config.lr,summary.epochs")
    page.drag_and_drop("th[data-column='summary.epochs']", "th[data-column='config.lr']")
    expect(page).to_have_url(re.compile(r"cols=summary\.epochs(%2C|,)config\.lr"))
    header = page.locator("th[data-column='config.lr']")
    before = header.bounding_box()
    assert before is not None
    handle = page.get_by_test_id("resize-config.lr").bounding_box()
    assert handle is not None
    with page.expect_request(lambda r: r.url.endswith("/api/config/column-widths") and r.method == "POST") as saved:
        page.mouse.move(handle["x"] + 2, handle["y"] + 5)
        page.mouse.down()
        page.mouse.move(handle["x"] + 122, handle["y"] + 5, steps=5)
        page.mouse.up()
    body = json.loads(saved.value.post_data or "{}")
    assert body["table"] == "experiments" and body["size"] == "1440x960"
    assert abs(body["widths"]["config.lr"] - (before["width"] + 120)) <= 3
    after = header.bounding_box()
    assert after is not None and abs(after["width"] - (before["width"] + 120)) <= 3
    assert saved.value.response() is not None and saved.value.response().status == 200  # type: ignore[union-attr]
    # The viewer keeps it: a reload (a new visit) comes back at the new width.
    page.reload()
    expect(header).to_be_visible()
    wait_until(lambda: abs((header.bounding_box() or {"width": 0})["width"] - after["width"]) <= 3, timeout=10)


def test_group_by_project_shows_counts_statistics_and_folds(page: Page, ui_site: UISite, shots: Path):
    page.goto(ui_site.url + "/?cols=config.lr&group=project")
    vision = page.locator("tr[data-group='vision']")
    expect(vision.get_by_test_id("group-count")).to_have_text("2 runs")
    # Mean, min and max of lr over the two vision runs (0.1 and 0.01).
    stats = vision.get_by_test_id("group-stats")
    expect(stats).to_contain_text("0.055")
    expect(stats).to_contain_text("0.01–0.1")
    expect(page.locator("tr[data-group='zoom']").get_by_test_id("group-count")).to_have_text("1 run")
    screenshot_both_themes(page, "experiments-grouped", folder=shots)
    vision_rows = page.locator(f"tr[data-run-id='{ui_site.runs['resnet_a']}']")
    expect(vision_rows).to_have_count(1)
    vision.get_by_test_id("fold").click()
    expect(vision_rows).to_have_count(0)
    expect(vision.get_by_test_id("fold")).to_have_attribute("aria-expanded", "false")
    vision.get_by_test_id("fold").click()
    expect(vision_rows).to_have_count(1)


def test_group_by_tag_puts_runs_under_each_tag_as_logged(page: Page, ui_site: UISite):
    page.goto(ui_site.url + "/?group=tag")
    baseline = page.locator("tr[data-group='baseline']")
    expect(baseline.get_by_test_id("group-count")).to_have_text("2 runs")
    tag = page.locator(f"tr[data-run-id='{ui_site.runs['bert']}'] [data-testid=tag]").first
    expect(tag).to_have_text("baseline")
    assert tag.evaluate("el => getComputedStyle(el).textTransform") == "none"


def test_a_running_runs_duration_counts_up(page: Page, ui_site: UISite):
    page.goto(ui_site.url + "/?status=running")
    duration = page.locator(f"tr[data-run-id='{ui_site.runs['live']}'] [data-testid=duration]")
    expect(duration).not_to_have_text("—")
    first = duration.inner_text()
    page.wait_for_timeout(2100)
    expect(duration).not_to_have_text(first)
