"""Language and theme: switchable, and remembered across reloads."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import UISite


def test_the_chinese_locale_renders_and_is_remembered(page: Page, ui_site: UISite):
    page.goto(ui_site.url + "/")
    page.get_by_test_id("language-select").select_option("zh")
    expect(page.get_by_role("link", name="实验")).to_be_visible()
    expect(page.get_by_role("columnheader", name="项目 / 名称")).to_be_visible()
    page.reload()
    expect(page.get_by_role("link", name="回收站")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.goto(f"{ui_site.url}/runs/{ui_site.runs['bert']}")
    expect(page.get_by_role("tab", name="日志")).to_be_visible()


def test_the_dark_theme_is_remembered(page: Page, ui_site: UISite):
    page.goto(ui_site.url + "/")
    html = page.locator("html")
    expect(html).to_have_attribute("data-mantine-color-scheme", "light")
    page.get_by_test_id("theme-toggle").click()
    expect(html).to_have_attribute("data-mantine-color-scheme", "dark")
    page.reload()
    expect(html).to_have_attribute("data-mantine-color-scheme", "dark")
