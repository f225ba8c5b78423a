"""The charts' legend (the shared uPlot component) on the run and compare pages: with the cursor off
a chart it shows each line's last value and no empty "step: —" entry; on the chart, the step under it."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from .conftest import STEPS, UISite, screenshot_both_themes


def _check_legend(page: Page, chart: Locator) -> None:
    legend = chart.locator(".u-legend")
    x_entry = legend.locator(".u-series").first
    expect(legend).to_be_visible()
    expect(x_entry).to_be_hidden()
    expect(legend).not_to_contain_text("—")
    chart.locator(".u-over").hover()
    expect(x_entry).to_be_visible()
    expect(x_entry).to_contain_text(re.compile(r"^step\s*\d+"))
    page.mouse.move(0, 0)
    expect(x_entry).to_be_hidden()


def test_the_run_page_legend_shows_last_values_until_the_cursor_is_on_the_chart(page: Page, ui_site: UISite):
    page.goto(f"{ui_site.url}/runs/{ui_site.runs['resnet_a']}")
    loss = page.get_by_test_id("chart-loss")
    expect(loss).to_have_attribute("data-points", str(STEPS))
    expect(loss.locator(".u-legend")).to_have_count(0)  # one line needs no legend
    # Smoothing adds the smoothed line over the raw one: now there is a legend.
    slider = page.get_by_test_id("smoothing").get_by_role("slider")
    slider.focus()
    for _ in range(60):
        slider.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuenow", "0.6")
    _check_legend(page, loss)
    screenshot_both_themes(page, "legend-run")


def test_the_compare_legend_shows_last_values_until_the_cursor_is_on_the_chart(page: Page, ui_site: UISite):
    a, b = ui_site.runs["resnet_a"], ui_site.runs["bert"]
    page.goto(f"{ui_site.url}/compare?runs={a},{b}")
    chart = page.get_by_test_id("compare-chart-train/loss")
    expect(chart).to_have_attribute("data-series-points", f"{STEPS},{STEPS}")
    _check_legend(page, chart)
    screenshot_both_themes(page, "legend-compare")
