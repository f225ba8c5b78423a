"""Browser tests of the web UI: Debian's chromium (through Playwright) against a real viewer.

One viewer serves the whole package, over a storage root written by the SDK: finished runs in
three projects, a long run for zooming, a run to delete, and a run that stays ``running`` (its
process is this one) for the live tests. Each test gets a fresh browser context (empty
localStorage) at 1440x900; a failing test leaves a screenshot in ``SCREENSHOTS``.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import runicorn as rn
from django.conf import settings
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.fixtures.live_server import LiveViewer, start_viewer, stop_viewer, wait_until

CHROMIUM = "/usr/bin/chromium"
REPO_ROOT = Path(__file__).resolve().parents[2]
# Screenshots (of every page in both themes, and of a failing test) go to RUNICORN_SCREENSHOTS, or
# else to a temporary folder of this test session: never into the working tree.
SCREENSHOTS = Path(os.environ.get("RUNICORN_SCREENSHOTS") or tempfile.mkdtemp(prefix="runicorn-screenshots-"))
STEPS = 300
LONG_STEPS = 5000

_missing = []
if not (settings.RUNICORN_FRONTEND_DIST / "index.html").is_file():
    _missing.append("the frontend is not built (make setup builds it)")
if not os.access(CHROMIUM, os.X_OK):
    _missing.append(f"{CHROMIUM} is missing (make system-deps installs Debian's chromium)")
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Skipped with the reason where something is missing locally; under CI they must run (and fail).
    if not _missing or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason="; ".join(_missing))
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(skip)


@dataclass
class UISite:
    viewer: LiveViewer
    root: Path
    runs: dict[str, str]  # label -> run id
    live: rn.Run

    @property
    def url(self) -> str:
        return self.viewer.url

    def run_dir(self, label: str) -> Path:
        return self.live.run_dir if label == "live" else next(self.root.glob(f"*/*/runs/{self.runs[label]}"))


def _finished_run(root: Path, project: str, name: str, lr: float, tags: list[str], steps: int = STEPS) -> str:
    run = rn.init(project=project, name=name, storage=root, config={"lr": lr, "optimizer": "adam"}, tags=tags,
                  description=f"{name} with lr {lr}")
    run.set_primary_metric("val/acc", mode="max")
    for step in range(1, steps + 1):
        values = {"train/loss": round(2 * math.exp(-step * lr / 10), 6)}
        if step % 10 == 0:
            values["val/acc"] = round(1 - math.exp(-step / 100) / (1 + lr), 6)
        run.log(values, step=step)
    for step in (100, 200):
        run.log_image("samples", np.full((8, 8, 3), step % 255, dtype=np.uint8), step=step, caption=f"at {step}")
    run.log_text(f"{name}: training done")
    run.summary({"final_loss": values["train/loss"], "epochs": 3})
    run.finish()
    return run.id


def _long_run(root: Path) -> str:
    run = rn.init(project="zoom", name="long", storage=root)
    for step in range(1, LONG_STEPS + 1):
        run.log({"loss": math.sin(step / 50.0) + step / LONG_STEPS}, step=step)
    run.finish()
    return run.id


@pytest.fixture(scope="session")
def ui_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UISite]:
    root = tmp_path_factory.mktemp("ui-root")
    runs = {
        "resnet_a": _finished_run(root, "vision", "resnet50", 0.1, ["baseline"]),
        "resnet_b": _finished_run(root, "vision", "resnet50", 0.01, ["sweep"]),
        "bert": _finished_run(root, "nlp", "bert", 0.05, ["baseline"]),
        "victim": _finished_run(root, "scratch", "victim", 0.02, ["tmp"]),
        "long": _long_run(root),
    }
    # A Run of its own rather than rn.init's active run: other modules' fixtures call rn.init,
    # which finishes the active run, and this one must stay `running` for the whole session.
    live = rn.Run(project="live", name="stream", storage=root, config={"lr": 0.001})
    for step in range(1, 51):
        live.log({"loss": 1.0 / step}, step=step)
    live.log_text("live run started")
    live.flush()
    runs["live"] = live.id
    viewer = start_viewer(root, tmp_path_factory.mktemp("ui-viewer"))
    try:
        wait_until(lambda: viewer.get("/api/v2/experiments").json()["total"] == len(runs), timeout=30)
        yield UISite(viewer, root, runs, live)
    finally:
        live.finish()
        stop_viewer(viewer)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call":
        item.stash[_failed_key] = report.failed
    return report


_failed_key = pytest.StashKey[bool]()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    if request.node.stash.get(_failed_key, False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        (SCREENSHOTS / f"{name}.errors.txt").write_text("\n".join(errors))
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def chart_attr(page: Page, testid: str, name: str) -> str:
    return page.get_by_test_id(testid).get_attribute(name) or ""



def _switch_theme(page: Page, scheme: str) -> None:
    html = page.locator("html")
    if html.get_attribute("data-mantine-color-scheme") != scheme:
        page.get_by_test_id("theme-toggle").click()
    expect(html).to_have_attribute("data-mantine-color-scheme", scheme)


def screenshot_both_themes(page: Page, name: str, *, folder: Path = SCREENSHOTS, full_page: bool = False) -> None:
    """The page as it is, light then dark (``<folder>/<name>-<scheme>.png``), for a person to look
    at; the page is left in the theme it had."""
    folder.mkdir(parents=True, exist_ok=True)
    start = page.locator("html").get_attribute("data-mantine-color-scheme")
    for scheme in ("light", "dark"):
        _switch_theme(page, scheme)
        page.wait_for_timeout(300)  # charts and graphs redraw in the theme's colours, transitions settle
        page.screenshot(path=str(folder / f"{name}-{scheme}.png"), full_page=full_page)
    if start:
        _switch_theme(page, start)
