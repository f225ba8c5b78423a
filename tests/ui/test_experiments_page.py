"""The experiments table: it lists the SDK's runs, filters them, and keeps the filters in the URL."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect

from .conftest import UISite


def rows(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("[data-testid=experiments-table] tbody tr")


def test_it_lists_every_run_with_status_and_best_metric(page: Page, ui_site: UISite):
    page.goto(ui_site.url + "/")
    expect(rows(page)).to_have_count(len(ui_site.runs))
    expect(page.get_by_test_id("total")).to_contain_text(f"{len(ui_site.runs)} runs")
    resnet = page.locator(f"tr[data-run-id='{ui_site.runs['resnet_a']}']")
    expect(resnet).to_contain_text("vision / resnet50")
    expect(resnet.locator("[data-status]")).to_have_attribute("data-status", "finished")
    expect(resnet).to_contain_text("val/acc")
    live = page.locator(f"tr[data-run-id='{ui_site.runs['live']}'] [data-status]")
    expect(live).to_have_attribute("data-status", "running")


def test_the_sidebar_filters_by_project_and_the_filter_survives_a_reload(page: Page, ui_site: UISite):
    page.goto(ui_site.url + "/")
    page.get_by_test_id("sidebar-project-vision").click()
    expect(rows(page)).to_have_count(2)
    assert parse_qs(urlparse(page.url).query)["project"] == ["vision"]
    page.reload()
    expect(rows(page)).to_have_count(2)
    expect(page.get_by_test_id("sidebar-name-resnet50")).to_be_visible()
    for row in rows(page).all():
        expect(row).to_contain_text("vision / resnet50")


def test_status_tags_and_search_filters_come_from_a_shared_link(page: Page, ui_site: UISite):
    page.goto(ui_site.url + "/?status=running")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_have_attribute("data-run-id", ui_site.runs["live"])
    page.goto(ui_site.url + "/?tags=baseline")
    expect(rows(page)).to_have_count(2)
    page.goto(ui_site.url + "/?search=bert")
    expect(rows(page)).to_have_count(1)


def test_the_query_box_filters_and_points_at_a_syntax_error(page: Page, ui_site: UISite):
    page.goto(ui_site.url + "/")
    page.get_by_test_id("query-input").fill("config.lr > 0.05")
    page.get_by_test_id("query-apply").click()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_have_attribute("data-run-id", ui_site.runs["resnet_a"])
    assert parse_qs(urlparse(page.url).query)["q"] == ["config.lr > 0.05"]

    page.get_by_test_id("query-input").fill("project = and status = 'x'")
    page.get_by_test_id("query-apply").click()
    error = page.get_by_test_id("query-error")
    expect(error).to_have_attribute("data-position", "10")
    expect(error).to_contain_text("position 10")
    expect(page.get_by_test_id("query-caret")).to_have_text("project = and status = 'x'\n" + " " * 10 + "^")


def test_sorting_by_best_metric_asks_the_server(page: Page, ui_site: UISite):
    page.goto(ui_site.url + "/")
    with page.expect_request(lambda r: "order_by=best_metric_value" in r.url):
        page.get_by_test_id("sort-best_metric_value").click()
    expect(page).to_have_url(re.compile(r"order_by=best_metric_value"))
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Best metric")
