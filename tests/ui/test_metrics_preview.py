"""A large run's page draws a sample of its rows at once, says it is refining, then the exact charts.

The viewer here gives a preview to events files of 64 KiB and more (``RUNICORN_METRICS_PREVIEW_BYTES``)
instead of 16 MiB. The request that parses the run (the exact column list, sent by the page right
after the first look) is held in the browser until the test lets it go: until then the viewer has
nothing but samples to give, whatever the machine's speed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, Route, expect

from tests.factories import make_run, metric_event
from tests.fixtures.live_server import LiveViewer, start_viewer, stop_viewer, wait_until

from .conftest import screenshot_both_themes

ROWS = 20_000  # ~2.5 MB of events: far more rows than a sample (4,096 lines) holds


@dataclass
class BigRun:
    viewer: LiveViewer
    run_id: str

    @property
    def url(self) -> str:
        return f"{self.viewer.url}/runs/{self.run_id}"


@pytest.fixture(scope="module")
def big_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BigRun]:
    root = tmp_path_factory.mktemp("preview-root")
    # Files written as the SDK writes them (rn.init here would finish the UI suite's live run).
    t0 = 1_700_000_000.0
    events = (
        metric_event(step, t0 + step, loss=1.0 / math.sqrt(step) + 0.05 * math.sin(step / 40.0), acc=step / ROWS)
        for step in range(1, ROWS + 1)
    )
    run_id = make_run(root, "big", "long", created_at=t0, events=events).name
    viewer = start_viewer(root, tmp_path_factory.mktemp("preview-viewer"), {
        "RUNICORN_METRICS_PREVIEW_BYTES": "65536",
        # A run nobody opened is stored by the viewer's background builder, after which its first
        # chart needs no preview: these tests are about a run that is not parsed yet.
        "RUNICORN_METRICS_STORE_DIR": "off",
    })
    try:
        wait_until(lambda: viewer.get("/api/v2/experiments").json()["total"] == 1, timeout=30)
        yield BigRun(viewer, run_id)
    finally:
        stop_viewer(viewer)


def hold_exact_requests(page: Page) -> list[Route]:
    """Requests for exact metrics stay unanswered until the test continues them."""
    held: list[Route] = []

    def route(r: Route) -> None:
        if "preview=1" in r.request.url:
            r.continue_()
        else:
            held.append(r)

    page.route("**/metrics/fast?*", route)
    return held




def test_a_sample_is_drawn_first_then_replaced_by_the_exact_chart(page: Page, big_run: BigRun):
    held = hold_exact_requests(page)
    page.goto(big_run.url)

    card = page.locator("[data-metric=loss]")
    chart = page.get_by_test_id("chart-loss")
    expect(card).to_have_attribute("data-preview", "true")
    expect(card.get_by_test_id("chart-refining")).to_have_text("Sample · refining")
    assert int(chart.get_attribute("data-points") or 0) > 100
    expect(chart).to_have_attribute("data-last-x", str(ROWS))  # the sample reaches the last row
    screenshot_both_themes(page, "run-page-preview")
    assert held, "the page asked for the exact column list"

    for route in held:
        route.continue_()
    page.unroute("**/metrics/fast?*")

    expect(card).not_to_have_attribute("data-preview", "true")
    expect(card.get_by_test_id("chart-refining")).to_have_count(0)
    exact = big_run.viewer.get(
        f"/api/v2/experiments/{big_run.run_id}/metrics/fast", params={"metric_names": "loss", "downsample": 700}
    ).json()
    expect(chart).to_have_attribute("data-points", str(len(exact["rows"])))
    expect(chart).to_have_attribute("data-last-y", str(exact["rows"][-1]["loss"]))


def test_a_run_the_viewer_holds_is_drawn_exactly_at_once(page: Page, big_run: BigRun):
    big_run.viewer.get(f"/api/v2/experiments/{big_run.run_id}/metrics/fast", params={"downsample": 3})  # parsed
    first_looks: list[bool] = []
    page.on(
        "response",
        lambda r: first_looks.append(r.json()["preview"]) if "preview=1" in r.url and r.ok else None,
    )

    page.goto(big_run.url)

    expect(page.get_by_test_id("chart-loss")).to_have_attribute("data-last-x", str(ROWS))
    expect(page.locator("[data-metric=loss]")).not_to_have_attribute("data-preview", "true")
    assert first_looks and not any(first_looks)
