"""The monitor page shows the viewer's host next to the GPUs (from GET /api/system/monitor), live."""

from __future__ import annotations

import re
from pathlib import Path

import psutil
from playwright.sync_api import Page, expect

from tests.fixtures.live_server import wait_until

from .conftest import SCREENSHOTS, UISite, screenshot_both_themes


def test_the_host_panel_shows_cores_memory_disk_and_load_and_keeps_drawing(page: Page, ui_site: UISite, tmp_path: Path):
    page.goto(ui_site.url + "/monitor")
    panel = page.get_by_test_id("host-panel")
    expect(panel).to_be_visible()
    # One bar per logical core, as psutil (the server's source) counts them.
    expect(panel.locator("[data-core]")).to_have_count(psutil.cpu_count())
    sample = ui_site.viewer.get("/api/system/monitor").json()
    assert sample["disk"]["path"] == str(ui_site.root)
    expect(page.get_by_test_id("host-disk")).to_contain_text(str(ui_site.root))
    gib = psutil.virtual_memory().total / 1024**3
    expect(page.get_by_test_id("host-memory")).to_contain_text(f"/ {gib:.1f} GB")
    for testid in ("host-cpu", "host-memory", "host-disk"):
        percent = float(page.get_by_test_id(testid).get_attribute("data-percent") or "-1")
        assert 0 <= percent <= 100
    three_loads = re.compile(r"^Load \d+\.\d\d · \d+\.\d\d · \d+\.\d\d \(1, 5, 15 min")
    expect(page.get_by_test_id("host-load")).to_have_text(three_loads)
    expect(page.get_by_test_id("host-cpu")).to_contain_text(f"{psutil.cpu_count()} threads")
    # Samples keep coming: the history chart gains points.
    chart = page.get_by_test_id("host-chart")
    wait_until(lambda: int(chart.get_attribute("data-points") or 0) >= 3, timeout=20)
    expect(chart).to_have_attribute("data-series", "CPU|Memory")
    screenshot_both_themes(page, "monitor-host", folder=SCREENSHOTS)
