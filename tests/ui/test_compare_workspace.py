"""Compare as a workspace: runs added by search or from a table group, the config/summary diff
(only differences by default), the step/time axis, and the scatter's first axes."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect

from .conftest import SCREENSHOTS, UISite, screenshot_both_themes


def compared(page: Page) -> list[str]:
    return (parse_qs(urlparse(page.url).query).get("runs") or [""])[0].split(",")


def test_runs_are_added_by_searching_their_name(page: Page, ui_site: UISite):
    a, b, bert = ui_site.runs["resnet_a"], ui_site.runs["resnet_b"], ui_site.runs["bert"]
    page.goto(f"{ui_site.url}/compare?runs={a},{b}")
    page.get_by_test_id("compare-search").fill("bert")
    option = page.locator(f"[data-testid=compare-search-results] [data-run-id='{bert}']")
    expect(option).to_contain_text("nlp / bert")
    option.click()
    expect(page.locator(f"[data-testid=compare-runs] [data-run-id='{bert}']")).to_be_visible()
    assert compared(page) == [a, b, bert]
    # Runs already compared are not offered again.
    page.get_by_test_id("compare-search").fill("resnet50")
    expect(page.get_by_test_id("compare-search-results")).to_contain_text("No other run matches.")


def test_a_table_group_goes_to_compare(page: Page, ui_site: UISite):
    page.goto(f"{ui_site.url}/?group=project")
    page.locator("tr[data-group='vision'] input[type=checkbox]").check()
    expect(page.get_by_test_id("selection-count")).to_have_text("2 selected")
    page.get_by_test_id("compare-selected").click()
    assert sorted(compared(page)) == sorted([ui_site.runs["resnet_a"], ui_site.runs["resnet_b"]])


def test_the_diff_shows_only_differences_until_asked_for_all(page: Page, ui_site: UISite, tmp_path: Path):
    a, b, bert = ui_site.runs["resnet_a"], ui_site.runs["resnet_b"], ui_site.runs["bert"]
    page.goto(f"{ui_site.url}/compare?runs={a},{b},{bert}")
    table = page.get_by_test_id("diff-table")
    lr = table.locator("tr[data-key='config.lr'] td")
    expect(lr).to_have_text(["config.lr", "0.1", "0.01", "0.05"])
    expect(table.locator("tr[data-key='config.lr']")).to_have_attribute("data-differs", "true")
    # Every run used adam: not a difference, so not shown until the filter is off.
    expect(table.locator("tr[data-key='config.optimizer']")).to_have_count(0)
    expect(table.locator("tr[data-key='summary.epochs']")).to_have_count(0)
    screenshot_both_themes(page, "compare-diff", folder=SCREENSHOTS,
                           full_page=True)
    page.get_by_test_id("only-differences").click()
    optimizer = table.locator("tr[data-key='config.optimizer']")
    expect(optimizer.locator("td")).to_have_text(["config.optimizer", "adam", "adam", "adam"])
    expect(optimizer).to_have_attribute("data-differs", "false")


def test_the_scatter_starts_at_the_primary_metric_against_the_varying_config_key(page: Page, ui_site: UISite):
    a, b, bert = ui_site.runs["resnet_a"], ui_site.runs["resnet_b"], ui_site.runs["bert"]
    page.goto(f"{ui_site.url}/compare?runs={a},{b},{bert}")
    expect(page.get_by_test_id("scatter-x")).to_have_value("config.lr")
    expect(page.get_by_test_id("scatter-y")).to_have_value("summary.best_metric_value")


def test_the_time_axis_asks_for_each_runs_time_column(page: Page, ui_site: UISite):
    a, b = ui_site.runs["resnet_a"], ui_site.runs["resnet_b"]
    page.goto(f"{ui_site.url}/compare?runs={a},{b}")
    chart = page.get_by_test_id("compare-chart-train/loss")
    expect(chart).to_have_attribute("data-series-points", "300,300")
    asks_time = ("metric_names=train%2Floss%2Ctime", "metric_names=train/loss,time")
    with page.expect_request(lambda r: any(q in r.url for q in asks_time)):
        page.get_by_test_id("compare-x-mode").get_by_text("Time (s)").click()
    expect(chart).to_have_attribute("data-series-points", "300,300")
    # Seconds since each run's first point: the first x is 0, the last a few seconds at most.
    assert float(chart.get_attribute("data-last-x") or "-1") >= 0
