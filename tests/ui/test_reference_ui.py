"""The reference's own web UI (0.5.3, built into its wheel) served by our viewer, in Debian chromium.

Users who come from the reference keep its UI, scripts and habits; its UI is the most demanding
client of the reference API there is. Our viewer serves that build (``RUNICORN_FRONTEND_DIST``
pointed at the reference venv's ``runicorn/webui``) over a root written by both SDKs, and every
page of it is driven: the experiments list (a column resized, Check Status, the recycle bin),
the settings drawer's five tabs, a run of each SDK (live logs and its artifacts), the artifacts
list, an artifact of each SDK and their tabs, the performance monitor and the remote page. Any
API answer of 400 or more, any failed request, any console error or uncaught exception fails the
test, naming what went wrong on which page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import runicorn as rn
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, expect

from tests.benchmarks.common import Reference
from tests.compat.conftest import reference  # noqa: F401 - the shared reference fixture
from tests.fixtures.live_server import LiveViewer, start_viewer, stop_viewer, wait_until

pytestmark = pytest.mark.reference
EXPECT_TIMEOUT_MS = 15_000  # a loaded 2-core machine renders the reference's bundles slowly

# Runs inside the reference's venv: two versions of one model, each from a run with a summary.
REFERENCE_WRITER = r"""
import json, os, sys
import runicorn as rn

root, src = sys.argv[1], sys.argv[2]
ids = []
for lr, acc in ((0.1, 0.71), (0.01, 0.83)):
    run = rn.init(project="vision", name="resnet", storage=root, capture_env=False)
    run.set_primary_metric("val_acc", mode="max")
    for step in range(1, 21):
        values = {"loss": round(1.0 / step, 4)}
        if step % 5 == 0:
            values["val_acc"] = round(acc * step / 20, 4)
        run.log(values, step=step)
    run.summary({"lr": lr, "test_acc": acc})
    weights = os.path.join(src, f"resnet-{lr}.pt")
    with open(weights, "wb") as fh:
        fh.write(os.urandom(64))
    model = rn.Artifact("ref-model", type="model", description="resnet from the reference SDK")
    model.add_file(weights)
    run.log_artifact(model)
    run.finish()
    ids.append(run.id)
print(json.dumps(ids))
"""

EXPECTED_RUNS = 3


@dataclass
class Site:
    viewer: LiveViewer
    ours: str  # a run written by our SDK
    theirs: list[str]  # runs written by the reference SDK (creators of ref-model v1, v2)


def _our_run(root: Path, src: Path) -> str:
    run = rn.Run(project="vision", name="vit", storage=root, config={"lr": 0.05}, tags=["ours"])
    run.set_primary_metric("val/acc", mode="max")
    for step in range(1, 51):
        values = {"train/loss": round(2.0 / step, 4)}
        if step % 10 == 0:
            values["val/acc"] = step / 50
        run.log(values, step=step)
    run.log_text("vit: training done")
    run.use_artifact("ref-model:v1")
    (src / "vit.pt").write_bytes(b"vit weights")
    run.log_artifact(rn.Artifact("vit-model", type="model").add_file(src / "vit.pt"))
    run.summary({"test_acc": 0.88})
    run.finish()
    return run.id


def _reference_webui(ref: Reference) -> Path:
    found = sorted(ref.bin_dir.parent.glob("lib/python*/site-packages/runicorn/webui/index.html"))
    assert found, f"the reference venv at {ref.bin_dir.parent} carries no built web UI"
    return found[0].parent


@pytest.fixture(scope="module")
def site(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:  # noqa: F811
    work = tmp_path_factory.mktemp("reference-ui")
    root, src = work / "root", work / "src"
    src.mkdir()
    theirs = json.loads(reference.run_script(REFERENCE_WRITER, [str(root), str(src)], work).strip().splitlines()[-1])
    ours = _our_run(root, src)
    # A saved user_root_dir, as a user who set one up has: without it the reference UI opens its
    # settings drawer over every page (against its own viewer too).
    config = work / "config"
    (config / "runicorn").mkdir(parents=True)
    (config / "runicorn" / "config.json").write_text(json.dumps({"user_root_dir": str(root)}))
    viewer = start_viewer(root, work, {"RUNICORN_FRONTEND_DIST": str(_reference_webui(reference)),
                                       "XDG_CONFIG_HOME": str(config)})
    try:
        wait_until(lambda: len(viewer.get("/api/runs").json()) == EXPECTED_RUNS, timeout=30)
        yield Site(viewer, ours, theirs)
    finally:
        stop_viewer(viewer)


@dataclass
class Problems:
    """What went wrong while the reference UI talked to our API, page by page."""

    where: str = "start"
    found: list[str] = field(default_factory=list)

    def on_response(self, response: Response) -> None:
        if "/api/" in response.url and response.status >= 400:
            self.found.append(f"{self.where}: {response.status} {response.request.method} {response.url}")

    def on_request_failed(self, request: Request) -> None:
        # A navigation cancels the previous page's requests: that is the browser, not our answer.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.found.append(f"{self.where}: {request.method} {request.url} failed: {request.failure}")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.found.append(f"{self.where}: console error: {message.text[:500]}")


@pytest.fixture
def watched(browser: Browser, site: Site) -> Iterator[tuple[Page, Problems]]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = Problems()
    page.on("response", problems.on_response)
    page.on("requestfailed", problems.on_request_failed)
    page.on("console", problems.on_console)
    page.on("pageerror", lambda exc: problems.found.append(f"{problems.where}: uncaught {exc}"))
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    yield page, problems
    expect.set_options(timeout=5_000)  # Playwright's default, for the other modules' tests
    context.close()


def _visit(page: Page, problems: Problems, site: Site, path: str) -> None:
    problems.where = path
    page.goto(site.viewer.url + path)
    _settle(page)


def _settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # answers handled by the page after the last request


def _click_tab(page: Page, problems: Problems, name: str, where: str) -> None:
    problems.where = f"{where} › {name}"
    page.get_by_role("tab", name=name).first.click()
    _settle(page)


def test_every_page_of_the_reference_ui_works_against_our_api(watched, site: Site):
    page, problems = watched

    _visit(page, problems, site, "/")
    rows = page.locator(".ant-table-tbody tr.ant-table-row")
    expect(rows).to_have_count(EXPECTED_RUNS)
    # Shown as the list comes: the reference's order (project, name, newest first).
    listed = [run["id"] for run in site.viewer.get("/api/runs").json()]
    assert listed == [*reversed(site.theirs), site.ours]
    for row, run_id in zip(rows.all(), listed, strict=True):
        expect(row).to_contain_text(run_id)
    problems.where = "/ › resize a column"
    handle = page.locator("th .react-resizable-handle").first
    box = handle.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 80, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    # Saved (debounced by the UI) through POST /api/config/column-widths, for this window size.
    wait_until(lambda: site.viewer.get("/api/config/column-widths", params={
        "table": "experiments", "size": "1400x900"}).json()["widths"] != {}, timeout=10)
    problems.where = "/ › Check Status"
    page.get_by_role("button", name="Check Status").click()
    _settle(page)
    problems.where = "/ › Recycle Bin"
    page.get_by_role("button", name="Recycle Bin").click()
    expect(page.locator(".ant-modal-content")).to_be_visible()
    _settle(page)
    page.locator(".ant-modal-close").click()
    expect(page.locator(".ant-modal-content")).to_be_hidden()

    problems.where = "/ › settings"
    page.locator("header .anticon-setting").click()
    for tab in ("Layout", "Data", "Performance", "System Info", "Appearance"):
        _click_tab(page, problems, tab, "settings")
    page.locator(".ant-drawer-close").click()
    expect(page.locator(".ant-drawer-close")).to_be_hidden()

    # The artifact row comes from /api/runs/{id}/artifacts, our run's log line over the logs WebSocket.
    _visit(page, problems, site, f"/runs/{site.theirs[0]}")
    expect(page.locator(".ant-table-row", has_text="ref-model")).to_be_visible()
    _visit(page, problems, site, f"/runs/{site.ours}")
    expect(page.locator(".ant-table-row", has_text="vit-model")).to_be_visible()
    expect(page.get_by_text("vit: training done")).to_be_visible()

    _visit(page, problems, site, "/artifacts")
    expect(page.get_by_text("ref-model").first).to_be_visible()
    expect(page.get_by_text("vit-model").first).to_be_visible()

    where = "/artifacts/ref-model?type=model"
    _visit(page, problems, site, where)
    for tab in ("Files", "Version History", "Lineage Graph", "Info"):
        _click_tab(page, problems, tab, where)
    _click_tab(page, problems, "Training History", where)
    # The newest version's creating run, from training-metrics (404 there was "no information").
    expect(page.get_by_role("button", name="View Training Run")).to_be_visible()
    expect(page.get_by_text("test_acc").first).to_be_visible()
    _click_tab(page, problems, "Performance", where)
    expect(page.get_by_text("No performance data available")).to_have_count(0)

    where = "/artifacts/vit-model?type=model"  # written by our SDK
    _visit(page, problems, site, where)
    _click_tab(page, problems, "Training History", where)
    expect(page.get_by_text("test_acc").first).to_be_visible()
    _click_tab(page, problems, "Lineage Graph", where)

    _visit(page, problems, site, "/performance")
    # The CPU and memory tabs come from /api/system/monitor ("No monitoring tabs enabled" without it).
    expect(page.get_by_role("tab", name="CPU")).to_be_visible()
    _click_tab(page, problems, "Memory & Disk", "/performance")

    _visit(page, problems, site, "/remote")
    _settle(page)

    assert not problems.found, "the reference UI met errors against our API:\n" + "\n".join(problems.found)
