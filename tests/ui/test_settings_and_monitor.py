"""The settings page (storage root, saved SSH connections, chart defaults) and the GPU monitor.

One viewer for the module, with a config directory of its own (XDG_CONFIG_HOME), started on a
first storage root; a second root waits to be switched to. Both are written by the real SDK. This
machine has no GPU, so the monitor shows NVML's reason; a second viewer, whose NVML is faked at
the pynvml boundary (``fake_nvml_site/sitecustomize.py``), shows the cards and charts of two GPUs.
Screenshots of both pages in both themes land in ``SCREENSHOTS`` (tests/ui/conftest.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import runicorn as rn
from playwright.sync_api import Page, expect

from tests.fixtures.live_server import LiveViewer, start_viewer, stop_viewer, wait_until

from .conftest import REPO_ROOT, SCREENSHOTS, screenshot_both_themes

FAKE_NVML_SITE = Path(__file__).resolve().parent / "fake_nvml_site"


def _write_run(root: Path, project: str, name: str, steps: int = 30) -> str:
    run = rn.init(project=project, name=name, storage=root)
    for step in range(1, steps + 1):
        run.log({"loss": 1.0 / step}, step=step)
    run.finish()
    return run.id


@dataclass
class SettingsSite:
    viewer: LiveViewer
    first_root: Path
    second_root: Path
    first_runs: list[str]
    second_runs: list[str]
    config_file: Path

    @property
    def url(self) -> str:
        return self.viewer.url

    def config(self) -> dict:
        return self.viewer.get("/api/config").json()

    def listed_ids(self) -> set[str]:
        return {e["id"] for e in self.viewer.get("/api/v2/experiments", params={"per_page": 100}).json()["experiments"]}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SettingsSite]:
    first = tmp_path_factory.mktemp("first-root")
    second = tmp_path_factory.mktemp("second-root")
    first_runs = [_write_run(first, "alpha", "baseline"), _write_run(first, "alpha", "sweep")]
    second_runs = [_write_run(second, "beta", "resnet"), _write_run(second, "beta", "vit"),
                   _write_run(second, "gamma", "bert")]
    config_home = tmp_path_factory.mktemp("xdg-config")
    viewer = start_viewer(first, tmp_path_factory.mktemp("settings-viewer"), {"XDG_CONFIG_HOME": str(config_home)})
    site = SettingsSite(viewer, first, second, first_runs, second_runs, config_home / "runicorn" / "config.json")
    try:
        wait_until(lambda: site.listed_ids() == set(first_runs), timeout=30)
        yield site
    finally:
        stop_viewer(viewer)




def test_an_invalid_root_shows_the_api_error_and_changes_nothing(page: Page, site: SettingsSite, tmp_path: Path):
    before_config, before_ids = site.config(), site.listed_ids()
    before_file = site.config_file.read_text() if site.config_file.exists() else None
    a_file = tmp_path / "not-a-directory.txt"
    a_file.write_text("x")
    page.goto(site.url + "/settings")
    expect(page.get_by_test_id("effective-root")).to_have_text(before_config["storage"])

    for path, reason in ((str(a_file), "exists and is not a directory"), ("runs/elsewhere", "must be absolute")):
        page.get_by_test_id("root-input").fill(path)
        page.get_by_test_id("root-save").click()
        expect(page.get_by_test_id("root-error-detail")).to_contain_text(reason)
        expect(page.get_by_test_id("root-error")).to_contain_text("Nothing was changed")
        expect(page.get_by_test_id("root-switched")).to_have_count(0)
        expect(page.get_by_test_id("effective-root")).to_have_text(before_config["storage"])
    screenshot_both_themes(page, "settings-root-refused", full_page=True)

    assert site.config() == before_config
    assert site.listed_ids() == before_ids
    assert (site.config_file.read_text() if site.config_file.exists() else None) == before_file
    # Editing the path clears the old refusal.
    page.get_by_test_id("root-input").fill("/somewhere")
    expect(page.get_by_test_id("root-error")).to_have_count(0)


def test_switching_the_root_makes_the_experiments_page_list_the_new_roots_runs(page: Page, site: SettingsSite):
    page.goto(site.url + "/")
    for run_id in site.first_runs:  # cached by the page before the switch
        expect(page.locator(f"tr[data-run-id='{run_id}']")).to_have_count(1)

    expect(page.get_by_test_id("settings-link")).not_to_have_attribute("aria-current", "page")
    page.get_by_test_id("settings-link").click()
    expect(page.get_by_test_id("config-file")).to_have_text(str(site.config_file))
    expect(page.get_by_test_id("settings-link")).to_have_attribute("data-active", "true")  # as an active nav link
    page.get_by_test_id("root-input").fill(str(site.second_root))
    page.get_by_test_id("root-save").click()
    expect(page.get_by_test_id("root-switched")).to_contain_text(str(site.second_root))
    expect(page.get_by_test_id("effective-root")).to_have_text(str(site.second_root))
    expect(page.get_by_test_id("saved-root")).to_have_text(str(site.second_root))
    assert json.loads(site.config_file.read_text())["user_root_dir"] == str(site.second_root)

    page.get_by_role("link", name="Experiments").first.click()  # in-app navigation: the cache must not win
    for run_id in site.second_runs:
        expect(page.locator(f"tr[data-run-id='{run_id}']")).to_have_count(1)
    for run_id in site.first_runs:
        expect(page.locator(f"tr[data-run-id='{run_id}']")).to_have_count(0)


def test_a_saved_ssh_connection_is_listed_without_its_secret_then_deleted(page: Page, site: SettingsSite):
    secret = "s3cret-Pa55word"
    key = "gpu-box.example:2222@alice"
    page.goto(site.url + "/settings")
    expect(page.get_by_test_id("conn-empty")).to_be_visible()

    page.get_by_test_id("conn-add").click()
    page.get_by_test_id("conn-name").fill("GPU box")
    page.get_by_test_id("conn-host").fill("bad host")
    page.get_by_test_id("conn-port").fill("2222")
    page.get_by_test_id("conn-user").fill("alice")
    page.get_by_test_id("conn-remember").check()
    page.get_by_test_id("conn-password").fill(secret)
    page.get_by_test_id("conn-save").click()
    expect(page.get_by_test_id("conn-error")).to_contain_text("host must be a host name or IP address")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "settings-ssh-form-light.png"))
    page.get_by_test_id("conn-host").fill("gpu-box.example")
    page.get_by_test_id("conn-save").click()

    row = page.locator(f"[data-conn-key='{key}']")
    expect(row).to_contain_text("GPU box")
    expect(row).to_contain_text("alice@gpu-box.example:2222")
    expect(row.get_by_test_id("conn-has-password")).to_have_text("Password: set")
    expect(page.locator("body")).not_to_contain_text(secret)
    assert secret not in site.viewer.get("/api/config/ssh_connections").text
    assert secret not in site.config_file.read_text()  # encrypted at rest
    screenshot_both_themes(page, "settings-ssh", full_page=True)

    # Editing keeps the remembered password when the field is left empty.
    row.get_by_test_id("conn-edit").click()
    expect(page.get_by_test_id("conn-password")).to_have_attribute("placeholder", "set; leave empty to keep it")
    expect(page.get_by_test_id("conn-password")).to_have_value("")
    page.get_by_test_id("conn-name").fill("GPU box (A100)")
    page.get_by_test_id("conn-save").click()
    expect(row).to_contain_text("GPU box (A100)")
    expect(row.get_by_test_id("conn-has-password")).to_have_attribute("data-set", "true")

    row.get_by_test_id("conn-delete").click()
    page.get_by_test_id("conn-delete-confirm").click()
    expect(row).to_have_count(0)
    expect(page.get_by_test_id("conn-empty")).to_be_visible()
    assert site.viewer.get("/api/config/ssh_connections").json() == {"connections": []}


def test_the_chart_default_smoothing_is_where_the_run_page_starts(page: Page, site: SettingsSite):
    run_id = sorted(site.listed_ids())[0]
    page.goto(f"{site.url}/runs/{run_id}")
    smoothing = page.get_by_test_id("smoothing").get_by_role("slider")
    expect(smoothing).to_have_attribute("aria-valuenow", "0")  # nothing chosen yet

    page.goto(site.url + "/settings")
    thumb = page.get_by_test_id("default-smoothing").get_by_role("slider")
    thumb.focus()
    page.keyboard.press("Home")
    for _ in range(35):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("default-smoothing-value")).to_have_text("0.35")
    page.get_by_test_id("default-x-axis").get_by_text("Time (s)").click()
    page.reload()  # remembered in this browser
    expect(page.get_by_test_id("default-smoothing-value")).to_have_text("0.35")

    page.goto(f"{site.url}/runs/{run_id}")
    expect(smoothing).to_have_attribute("aria-valuenow", "0.35")
    expect(page.get_by_test_id("x-mode").get_by_role("radio", name="Time (s)")).to_be_checked()
    # The page's own control changes this page only, not the defaults.
    smoothing.focus()
    page.keyboard.press("Home")
    expect(smoothing).to_have_attribute("aria-valuenow", "0")
    page.goto(site.url + "/settings")
    expect(page.get_by_test_id("default-smoothing-value")).to_have_text("0.35")


def test_the_settings_page_shows_the_server_and_its_metrics_cache(page: Page, site: SettingsSite):
    health = site.viewer.get("/api/health").json()
    stats = site.viewer.get("/api/metrics/cache/stats").json()  # reading the counters changes none
    page.goto(site.url + "/settings")
    expect(page.get_by_test_id("server-version")).to_have_text(health["version"])
    expect(page.get_by_test_id("indexed-runs")).to_have_text(str(health["index"]["runs"]))
    expect(page.get_by_test_id("cache-entries")).to_have_text(f"{stats['size']} / {stats['max_size']}")
    expect(page.get_by_test_id("cache-hits")).to_have_text(f"{stats['hits']} ({stats['hit_rate'] * 100:.1f} %)")
    expect(page.get_by_test_id("admin-link")).to_have_attribute("href", "/admin/")
    screenshot_both_themes(page, "settings", full_page=True)


def test_theme_and_language_chosen_in_settings_are_the_shells(page: Page, site: SettingsSite):
    page.goto(site.url + "/settings")
    html = page.locator("html")
    page.get_by_test_id("settings-theme").get_by_text("Dark").click()
    expect(html).to_have_attribute("data-mantine-color-scheme", "dark")
    expect(page.get_by_test_id("theme-toggle")).to_have_attribute("data-scheme", "dark")
    page.get_by_test_id("settings-language").get_by_text("中文").click()
    expect(page.get_by_role("heading", name="设置", exact=True)).to_be_visible()
    expect(page.get_by_test_id("language-select")).to_have_value("zh")
    page.reload()  # both remembered, as the header's own controls remember them
    expect(html).to_have_attribute("data-mantine-color-scheme", "dark")
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("link", name="监控")).to_be_visible()
    screenshot_both_themes(page, "settings-zh", full_page=True)


def test_without_a_gpu_the_monitor_says_why(page: Page, site: SettingsSite):
    answer = site.viewer.get("/api/gpu/telemetry").json()
    assert answer["available"] is False  # no GPU on this machine: what the page must explain
    page.goto(site.url + "/")
    page.get_by_role("link", name="Monitor").click()
    expect(page.get_by_test_id("no-gpu-reason")).to_have_text(f"No GPU: {answer['reason']}")
    expect(page.get_by_test_id("socket-state")).to_have_attribute("data-state", "open")
    expect(page.get_by_test_id("gpu-card")).to_have_count(0)
    screenshot_both_themes(page, "monitor-no-gpu", full_page=True)


# --- a viewer whose NVML is faked at the pynvml boundary ------------------------------------


@dataclass
class GpuSite:
    viewer: LiveViewer
    training_run: str


@pytest.fixture(scope="module")
def gpu_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GpuSite]:
    root = tmp_path_factory.mktemp("gpu-root")
    _write_run(root, "vision", "finished")
    # A running run of this process: the fake GPU 0 lists this pid, so the viewer links it.
    training = rn.init(project="vision", name="training", storage=root)
    training.log({"loss": 1.0}, step=1)
    training.flush()
    pythonpath = os.pathsep.join(filter(None, [str(FAKE_NVML_SITE), str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    viewer = start_viewer(
        root,
        tmp_path_factory.mktemp("gpu-viewer"),
        {
            "XDG_CONFIG_HOME": str(tmp_path_factory.mktemp("gpu-xdg")),
            "PYTHONPATH": pythonpath,
            "RUNICORN_TEST_FAKE_NVML": json.dumps({"training_pid": os.getpid()}),
        },
    )
    try:
        wait_until(lambda: viewer.get("/api/v2/experiments").json()["total"] == 2, timeout=30)
        yield GpuSite(viewer, training.id)
    finally:
        training.finish()
        stop_viewer(viewer)


def test_the_monitor_shows_each_gpu_and_links_its_processes_to_runs(page: Page, gpu_site: GpuSite):
    answer = gpu_site.viewer.get("/api/gpu/telemetry").json()
    assert answer["available"] is True
    assert [g["name"] for g in answer["gpus"]] == ["NVIDIA H100 80GB HBM3", "NVIDIA GeForce RTX 4090"]
    page.goto(gpu_site.viewer.url + "/monitor")
    cards = page.get_by_test_id("gpu-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0).get_by_test_id("gpu-name")).to_have_text("GPU 0 · NVIDIA H100 80GB HBM3")
    expect(cards.nth(0).get_by_test_id("gpu-mem-value")).to_have_text("20.0 / 80.0 GiB")
    expect(cards.nth(1).get_by_test_id("gpu-power-value")).to_contain_text("/ 450 W")
    # Samples keep coming: every chart draws both GPUs, with more than one point each.
    util = page.get_by_test_id("gpu-chart-util")
    expect(util).to_have_attribute("data-series", "GPU 0|GPU 1")
    wait_until(lambda: int(util.get_attribute("data-points") or 0) >= 5, timeout=20)
    for quantity in ("mem", "temp", "power"):
        expect(page.get_by_test_id(f"gpu-chart-{quantity}")).to_have_attribute("data-series", "GPU 0|GPU 1")
    # Percentages keep their whole 0..100 scale; temperature and power fit their data.
    expect(util).to_have_attribute("data-y-range", "0,100")
    expect(page.get_by_test_id("gpu-chart-mem")).to_have_attribute("data-y-range", "0,100")
    assert page.get_by_test_id("gpu-chart-temp").get_attribute("data-y-range") is None
    # With the cursor off the chart the legend has no "s: —": the x entry hides, lines show their last value.
    x_entry = util.locator(".u-legend .u-series").first
    expect(x_entry).to_be_hidden()
    expect(util.locator(".u-legend")).not_to_contain_text("—")
    util.locator(".u-over").hover()
    expect(x_entry).to_be_visible()
    page.mouse.move(0, 0)
    expect(x_entry).to_be_hidden()
    # The other card's process is no run of this host.
    expect(cards.nth(1).locator("tr[data-pid='4999999']")).to_contain_text("not a running run")
    screenshot_both_themes(page, "monitor-gpus", full_page=True)

    cards.nth(0).get_by_test_id("gpu-process-run").click()
    expect(page).to_have_url(f"{gpu_site.viewer.url}/runs/{gpu_site.training_run}")
    expect(page.get_by_test_id("run-title")).to_have_text("vision / training")
