"""The Remote page end to end: a real local viewer connects to a real sshd, confirms its host key,
picks the "remote" Python environment, starts the remote viewer there, opens it through the tunnel
(the SDK's runs on the remote side are listed) and stops it; failures are explained in words.

The "remote" is the machine itself behind a second sshd whose sessions see a temporary HOME (as in
tests/remote): a venv in ``~/.venvs`` with this project's packages, a runicorn config naming a
storage root, and runs written there by the SDK. The local viewer gets its own config folder, so
its known_hosts starts empty and the host key must be confirmed in the page. Screenshots of every
step in both themes go to ``SCREENSHOTS/remote``.
"""

from __future__ import annotations

import json
import math
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import runicorn as rn
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.fixtures.live_server import LiveViewer, start_viewer, stop_viewer
from tests.fixtures.sshd import SshServer, start_sshd, stop_sshd
from tests.remote.conftest import VENV_NAME, make_remote_venv

from .conftest import SCREENSHOTS, screenshot_both_themes

SHOTS = SCREENSHOTS / "remote"
START_TIMEOUT_MS = 90_000


@dataclass
class RemoteSide:
    server: SshServer
    home: Path
    root: Path  # the storage root the remote runicorn config names
    runs: dict[str, str]  # run id -> "project / name"


@dataclass
class Site:
    viewer: LiveViewer
    remote: RemoteSide

    @property
    def url(self) -> str:
        return self.viewer.url


def _sdk_run(root: Path, project: str, name: str, steps: int = 50) -> str:
    run = rn.init(project=project, name=name, storage=root, config={"lr": 0.01})
    for step in range(1, steps + 1):
        run.log({"train/loss": round(math.exp(-step / 20), 6)}, step=step)
    run.summary({"final_loss": math.exp(-steps / 20)})
    run.finish()
    return run.id


@pytest.fixture(scope="module")
def remote_side(sshd: SshServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteSide]:
    # `sshd` first: without /usr/sbin/sshd the test skips, and under CI=true it fails.
    home = tmp_path_factory.mktemp("wizard-remote-home")
    make_remote_venv(home)
    root = home / "experiments"
    config = home / ".config" / "runicorn" / "config.json"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"user_root_dir": str(root)}))
    runs = {_sdk_run(root, "vision", "resnet50"): "vision / resnet50", _sdk_run(root, "nlp", "bert"): "nlp / bert"}
    # The remote viewer serves the build under test (its sessions see only what SetEnv gives them).
    env = f"SetEnv HOME={home} RUNICORN_FRONTEND_DIST={settings.RUNICORN_FRONTEND_DIST}"
    server = start_sshd(tmp_path_factory.mktemp("wizard-sshd"), (env,))
    try:
        yield RemoteSide(server, home, root, runs)
    finally:
        stop_sshd(server)


@pytest.fixture(scope="module")
def site(remote_side: RemoteSide, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    work = tmp_path_factory.mktemp("wizard-viewer")
    local_root = work / "local-root"
    local_root.mkdir()
    # Its own config folder: an empty known_hosts (the page must ask) and its own saved connections.
    viewer = start_viewer(local_root, work, {"XDG_CONFIG_HOME": str(work / "config")})
    try:
        yield Site(viewer, remote_side)
    finally:
        # Whatever a failing test left running on the "remote" is stopped with the viewer (atexit).
        stop_viewer(viewer)




def fill_connect_form(page: Page, server: SshServer, *, port: int | None = None, user: str | None = None) -> None:
    page.get_by_test_id("remote-host").fill(server.host)
    page.get_by_test_id("remote-port").fill(str(port or server.port))
    page.get_by_test_id("remote-username").fill(user or server.user)
    page.get_by_test_id("remote-key-path").fill(str(server.key_path))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # bound, never listening: connections are refused


def test_a_wrong_port_or_user_is_explained_with_what_to_try(page: Page, site: Site):
    server = site.remote.server
    page.goto(site.url + "/remote")
    expect(page.get_by_test_id("remote-page")).to_have_attribute("data-step", "connect")

    fill_connect_form(page, server, port=closed_port())
    page.get_by_test_id("remote-connect").click()
    error = page.get_by_test_id("remote-error")
    expect(error).to_have_attribute("data-kind", "unreachable")
    expect(error).to_contain_text("Cannot reach the server")
    expect(error).to_contain_text("Connection refused")
    expect(page.get_by_test_id("remote-error-advice")).to_contain_text("check the host name and the port")
    screenshot_both_themes(page, "error-wrong-port", folder=SHOTS)

    # A wrong user is refused only after the host key is trusted (nothing is sent before that).
    key = server.host_key()
    accepted = site.viewer.post("/api/remote/known-hosts/accept", json={
        "host": server.host, "port": server.port, "key_type": key.get_name(),
        "public_key": f"{key.get_name()} {key.get_base64()}", "fingerprint_sha256": key.fingerprint,
    })
    assert accepted.status_code == 200, accepted.text
    try:
        fill_connect_form(page, server, user="no-such-user")
        page.get_by_test_id("remote-connect").click()
        expect(error).to_have_attribute("data-kind", "authKey")
        expect(error).to_contain_text("The server refused the key")
        expect(page.get_by_test_id("remote-error-advice")).to_contain_text("authorized_keys")
        expect(page.get_by_test_id("known-host")).to_contain_text(key.fingerprint)
        screenshot_both_themes(page, "error-wrong-user", folder=SHOTS)
        # Translated, advice included.
        page.get_by_test_id("language-select").select_option("zh")
        expect(error).to_contain_text("服务器拒绝了密钥")
        expect(page.get_by_test_id("remote-error-advice")).to_contain_text("可以尝试")
        screenshot_both_themes(page, "error-wrong-user-zh", folder=SHOTS)
        page.get_by_test_id("language-select").select_option("en")
    finally:
        requests.delete(f"{site.url}/api/remote/known-hosts",
                        params={"host": server.host, "port": server.port}, timeout=10).raise_for_status()


def test_the_wizard_connects_starts_opens_and_stops_the_remote_viewer(page: Page, site: Site):
    remote = site.remote
    server = remote.server
    page.goto(site.url + "/")
    page.get_by_role("link", name="Remote").click()
    wizard = page.get_by_test_id("remote-page")
    expect(wizard).to_have_attribute("data-step", "connect")
    expect(page.get_by_test_id("known-hosts")).to_contain_text("No host key trusted yet")

    # 1. Connect, saving the connection.
    fill_connect_form(page, server)
    page.get_by_test_id("remote-save").check()
    page.get_by_test_id("remote-save-name").fill("lab box")
    screenshot_both_themes(page, "1-connect", folder=SHOTS)
    page.get_by_test_id("remote-connect").click()

    # 2. The host key is unknown: its fingerprint is shown until the user trusts it.
    expect(wizard).to_have_attribute("data-step", "hostKey")
    key = server.host_key()
    expect(page.get_by_test_id("host-key-fingerprint")).to_have_text(key.fingerprint)
    expect(page.get_by_test_id("host-key-type")).to_have_text("ssh-ed25519")
    screenshot_both_themes(page, "2-host-key", folder=SHOTS)
    page.get_by_test_id("host-key-accept").click()

    # 3. The environments of the remote side; the venv with runicorn is preselected.
    expect(wizard).to_have_attribute("data-step", "environment")
    expect(page.get_by_test_id("save-notice")).to_contain_text(f"{server.host}:{server.port}@{server.user}")
    row = page.locator(f"[data-testid=environment-row][data-env='{VENV_NAME}']")
    expect(row).to_be_visible(timeout=60_000)
    expect(row).to_contain_text(rn.__version__)
    expect(row.get_by_test_id("environment-root")).to_have_text(str(remote.root))
    expect(row).to_contain_text("config file")
    expect(row.get_by_test_id("environment-default")).to_be_visible()
    expect(row.get_by_role("radio")).to_be_checked()
    screenshot_both_themes(page, "3-environment", folder=SHOTS)
    page.get_by_test_id("env-next").click()

    # 4. Review (the storage root filled in from the remote config) and start, with a spinner.
    expect(wizard).to_have_attribute("data-step", "review")
    expect(page.get_by_test_id("remote-root")).to_have_value(str(remote.root))
    screenshot_both_themes(page, "4-review", folder=SHOTS)
    page.get_by_test_id("viewer-start").click()
    expect(page.get_by_test_id("viewer-starting")).to_be_visible()
    page.screenshot(path=str(SHOTS / "4-starting-light.png"))

    # 5. The panel: running, healthy, latency, uptime, logs.
    expect(wizard).to_have_attribute("data-step", "panel", timeout=START_TIMEOUT_MS)
    expect(page.get_by_test_id("viewer-status")).to_have_attribute("data-status", "running")
    expect(page.locator("[data-health]")).to_have_attribute("data-health", "healthy", timeout=20_000)
    for check in ("ssh_connection", "viewer_process", "tunnel_active"):
        expect(page.get_by_test_id(f"check-{check}")).to_have_attribute("data-result", "pass")
    expect(page.get_by_test_id("viewer-latency")).to_have_text(re.compile(r"^\d+\.\d ms$"))
    expect(page.get_by_test_id("viewer-uptime")).to_have_text(re.compile(r"^\d+s$|^\d+m \d\ds$"))
    expect(page.get_by_test_id("viewer-logs")).to_contain_text("Runicorn viewer: storage root")
    url = page.get_by_test_id("viewer-url").inner_text().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url), url
    assert url != site.url

    # A page opened while the session runs goes straight to its panel.
    page.reload()
    expect(wizard).to_have_attribute("data-step", "panel")
    expect(page.get_by_test_id("viewer-status")).to_have_attribute("data-status", "running")
    screenshot_both_themes(page, "5-panel", folder=SHOTS)

    # The tunnelled URL opens the remote viewer in a new tab: the remote runs are listed there.
    with page.context.expect_page() as opened:
        page.get_by_test_id("open-remote-viewer").click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url.rstrip("/") == url
    tab_rows = tab.locator("[data-testid=experiments-table] tbody tr")
    expect(tab_rows).to_have_count(len(remote.runs), timeout=30_000)
    for run_id, label in remote.runs.items():
        expect(tab.locator(f"tr[data-run-id='{run_id}']")).to_contain_text(label)
    api_runs = tab.request.get(url + "/api/runs").json()
    assert {r["id"] for r in api_runs} == set(remote.runs)
    tab.screenshot(path=str(SHOTS / "6-remote-viewer-tab.png"))
    tab.close()
    # The output refreshes: the request just made shows up in the panel's log.
    expect(page.get_by_test_id("viewer-logs")).to_contain_text('"GET /api/runs', timeout=15_000)

    # Stop: the status says stopped, the tunnel is closed.
    page.get_by_test_id("viewer-stop").click()
    expect(page.get_by_test_id("viewer-status")).to_have_attribute("data-status", "stopped")
    expect(page.get_by_test_id("viewer-stopped")).to_be_visible()
    expect(page.get_by_test_id("open-remote-viewer")).to_have_count(0)
    expect(page.get_by_test_id("check-viewer_process")).to_have_attribute("data-result", "fail")
    expect(page.get_by_test_id("health-overall")).to_have_text("connected, no viewer")
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/api/health", timeout=5)
    screenshot_both_themes(page, "7-stopped", folder=SHOTS)

    # Disconnect: back to the form, which now lists the saved connection and the trusted key.
    page.get_by_test_id("panel-disconnect").click()
    expect(wizard).to_have_attribute("data-step", "connect")
    expect(page.get_by_test_id("known-host")).to_contain_text(key.fingerprint)
    page.get_by_test_id("remote-host").fill("")
    page.get_by_test_id("saved-connection").click()
    page.get_by_role("option", name=re.compile("lab box")).click()
    expect(page.get_by_test_id("remote-host")).to_have_value(server.host)
    expect(page.get_by_test_id("remote-port")).to_have_value(str(server.port))
    expect(page.get_by_test_id("remote-key-path")).to_have_value(str(server.key_path))
    assert requests.get(f"{site.url}/api/remote/connections", timeout=10).json()["total"] == 0
    screenshot_both_themes(page, "8-saved-connection", folder=SHOTS)
