"""The images tab's lightbox: the image large, the step slider and the arrow keys."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import SCREENSHOTS, UISite


def test_the_lightbox_steps_through_a_keys_images_with_the_arrow_keys(page: Page, ui_site: UISite, tmp_path: Path):
    page.goto(f"{ui_site.url}/runs/{ui_site.runs['resnet_a']}?tab=images")
    # Tags as logged, not upper-cased.
    tag = page.get_by_test_id("run-tag")
    expect(tag).to_have_text("baseline")
    assert tag.evaluate("el => getComputedStyle(el).textTransform") == "none"
    card = page.get_by_test_id("image-key-samples")
    card.get_by_test_id("open-lightbox").click()
    box = page.get_by_role("dialog")
    # The SDK logged "samples" at steps 100 and 200; the lightbox opens on the latest.
    expect(box.get_by_test_id("lightbox-step")).to_have_text("Step 200 · at 200")
    src_200 = box.locator("img").get_attribute("src")
    page.keyboard.press("ArrowLeft")
    expect(box.get_by_test_id("lightbox-step")).to_have_text("Step 100 · at 100")
    assert box.locator("img").get_attribute("src") != src_200
    page.keyboard.press("ArrowLeft")  # the first image: stays
    expect(box.get_by_test_id("lightbox-step")).to_have_text("Step 100 · at 100")
    # The modal's overlay covers the theme button: switch themes from the page's script instead.
    folder = SCREENSHOTS
    for scheme in ("light", "dark"):
        if page.locator("html").get_attribute("data-mantine-color-scheme") != scheme:
            page.get_by_test_id("theme-toggle").evaluate("button => button.click()")
        expect(page.locator("html")).to_have_attribute("data-mantine-color-scheme", scheme)
        page.wait_for_timeout(300)
        page.screenshot(path=str(folder / f"run-lightbox-{scheme}.png"))
    page.keyboard.press("ArrowRight")
    expect(box.get_by_test_id("lightbox-step")).to_have_text("Step 200 · at 200")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    # The card follows the step chosen in the lightbox.
    expect(card.get_by_test_id("image-step")).to_contain_text("200")
