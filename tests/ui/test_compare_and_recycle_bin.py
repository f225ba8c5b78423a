"""Compare overlays runs picked in the table; soft delete and restore round-trip through the recycle bin."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import STEPS, UISite


def test_compare_overlays_the_selected_runs(page: Page, ui_site: UISite):
    a, b = ui_site.runs["resnet_a"], ui_site.runs["bert"]
    page.goto(ui_site.url + "/")
    page.get_by_test_id(f"select-{a}").check()
    page.get_by_test_id(f"select-{b}").check()
    page.get_by_test_id("compare-selected").click()
    expect(page).to_have_url(re.compile(rf"/compare\?runs={a}(%2C|,){b}$"))
    chart = page.get_by_test_id("compare-chart-train/loss")
    expect(chart).to_have_attribute("data-series", f"vision/resnet50 #{a[-6:]}|nlp/bert #{b[-6:]}")
    expect(chart).to_have_attribute("data-series-points", f"{STEPS},{STEPS}")
    expect(page.get_by_test_id("parallel-coordinates").locator("path[data-run]")).to_have_count(2)
    expect(page.get_by_test_id("scatter")).to_have_attribute("data-points", "2")


def test_soft_delete_then_restore_round_trips_through_the_recycle_bin(page: Page, ui_site: UISite):
    victim = ui_site.runs["victim"]
    page.goto(ui_site.url + "/")
    page.get_by_test_id(f"select-{victim}").check()
    page.get_by_test_id("delete-selected").click()
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("deleted-notice")).to_be_visible()
    expect(page.locator(f"tr[data-run-id='{victim}']")).to_have_count(0)

    page.get_by_role("link", name="Recycle bin").first.click()
    row = page.locator(f"[data-testid=recycle-table] tr[data-run-id='{victim}']")
    expect(row).to_contain_text("deleted in the web UI")
    page.get_by_test_id(f"bin-select-{victim}").check()
    page.get_by_test_id("restore-selected").click()
    expect(page.get_by_test_id("recycle-notice")).to_contain_text("1 runs restored")
    expect(row).to_have_count(0)

    page.get_by_role("link", name="Experiments").first.click()
    expect(page.locator(f"tr[data-run-id='{victim}']")).to_have_count(1)


def test_emptying_the_bin_needs_the_typed_word(page: Page, ui_site: UISite):
    page.goto(ui_site.url + "/recycle-bin")
    expect(page.get_by_test_id("recycle-empty")).to_be_visible()  # the round trip above restored everything
    expect(page.get_by_test_id("empty-bin")).to_be_disabled()
