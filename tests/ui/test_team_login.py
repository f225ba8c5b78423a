"""The web UI in the team profile: the login page, the account menu, API tokens, roles.

One real viewer for the module, started with ``RUNICORN_AUTH=required`` (SQLite index, like the
API client's team tests), an admin (ada) and a member (mia) created with ``manage.py
runicorn_user``, and runs written by the SDK, one of them still running (for the live charts).
A second, embedded viewer checks that nothing of this shows without accounts.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
import runicorn as rn
from playwright.sync_api import Page, expect

from tests.api_client.servers import RestartableViewer
from tests.fixtures.live_server import start_viewer, stop_viewer, wait_until

from .conftest import SCREENSHOTS

ADMIN, ADMIN_PASSWORD = "ada", "ada-" + secrets.token_hex(8)
MEMBER, MEMBER_PASSWORD = "mia", "mia-" + secrets.token_hex(8)
LIVE_STEPS = 50


@dataclass
class TeamSite:
    url: str
    root: Path
    finished: str
    victim: str
    live: rn.Run
    member_token: str  # made by manage.py, for setting up state without the UI


@pytest.fixture(scope="module")
def team_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamSite]:
    root = tmp_path_factory.mktemp("team-ui-root")
    ids = []
    for name in ("resnet", "victim"):
        run = rn.init(project="vision", name=name, storage=root, config={"lr": 0.1})
        for step in range(1, 101):
            run.log({"train/loss": round(2 * math.exp(-step / 30), 6)}, step=step)
        run.finish()
        ids.append(run.id)
    live = rn.init(project="live", name="stream", storage=root)
    for step in range(1, LIVE_STEPS + 1):
        live.log({"loss": 1.0 / step}, step=step)
    live.log_text("live run started")
    live.flush()
    server = RestartableViewer(
        root, tmp_path_factory.mktemp("team-ui-viewer"),
        RUNICORN_AUTH="required", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1,localhost",
        ADMIN_PASSWORD=ADMIN_PASSWORD, MEMBER_PASSWORD=MEMBER_PASSWORD,
    )
    server.start()
    try:
        server.manage("runicorn_user", ADMIN, "--admin", "--password-env", "ADMIN_PASSWORD")
        member_token = server.manage("runicorn_user", MEMBER, "--member", "--password-env", "MEMBER_PASSWORD",
                                     "--token", "setup").strip()
        headers = {"Authorization": f"Bearer {member_token}"}
        wait_until(lambda: len(requests.get(server.url + "/api/runs", headers=headers, timeout=5).json()) == 3,
                   timeout=30)
        yield TeamSite(server.url, root, ids[0], ids[1], live, member_token)
    finally:
        live.finish()
        server.stop()


def sign_in(page: Page, username: str, password: str) -> None:
    """Fill the login page the browser is on and wait until it has gone."""
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-page")).to_have_count(0)
    expect(page.get_by_test_id("user-menu")).to_have_attribute("data-username", username)


def open_login(page: Page, site: TeamSite) -> None:
    page.goto(site.url + "/login")
    expect(page.get_by_test_id("login-page")).to_be_visible()


def settle(page: Page) -> None:
    """Wait until dialogs and menus have finished fading in (no half-transparent screenshots)."""
    selector = ".mantine-Modal-content, .mantine-Modal-overlay, .mantine-Menu-dropdown"
    page.wait_for_function(
        "(selector) => [...document.querySelectorAll(selector)].every((el) => getComputedStyle(el).opacity === '1')",
        arg=selector,
    )


def shot(page: Page, name: str) -> None:
    """A 1440x900 screenshot in SCREENSHOTS, in the current theme, to look at."""
    settle(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    scheme = page.locator("html").get_attribute("data-mantine-color-scheme")
    page.screenshot(path=str(SCREENSHOTS / f"team-{name}-{scheme}.png"))


def test_a_deep_link_asks_for_a_login_then_opens_the_live_run(page: Page, team_site: TeamSite):
    run_path = f"/runs/{team_site.live.id}"
    page.goto(team_site.url + run_path)
    expect(page.get_by_test_id("login-page")).to_be_visible()
    assert page.url == f"{team_site.url}/login?next={quote(run_path, safe='')}"
    expect(page.get_by_role("link", name="Experiments")).to_be_hidden()  # no navigation before login

    page.get_by_test_id("login-username").fill(ADMIN)
    page.get_by_test_id("login-password").fill("not-the-password")
    page.get_by_test_id("login-submit").click()
    error = page.get_by_test_id("login-error")
    expect(error).to_have_attribute("data-problem", "wrong")
    expect(error).to_contain_text("Wrong username or password")
    expect(page.get_by_test_id("login-page")).to_be_visible()

    page.get_by_test_id("login-password").fill(ADMIN_PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("run-title")).to_have_text("live / stream")
    assert page.url == team_site.url + run_path
    # The charts load over HTTP with the session, the live rows come over the WebSocket.
    chart = page.get_by_test_id("chart-loss")
    expect(chart).to_have_attribute("data-points", str(LIVE_STEPS))
    expect(page.get_by_test_id("live-indicator")).to_be_visible()
    team_site.live.log({"loss": 0.25}, step=LIVE_STEPS + 1)
    expect(chart).to_have_attribute("data-last-x", str(LIVE_STEPS + 1))

    # An admin's menu: role and the admin site; the recycle bin can be emptied.
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_test_id("user-role")).to_have_text("admin")
    expect(page.get_by_test_id("menu-admin")).to_have_attribute("href", "/admin/")
    page.keyboard.press("Escape")


def test_a_token_made_in_the_ui_opens_the_api_until_it_is_revoked(page: Page, team_site: TeamSite):
    page.goto(team_site.url + "/")
    sign_in(page, MEMBER, MEMBER_PASSWORD)
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_test_id("user-role")).to_have_text("member")
    expect(page.get_by_test_id("menu-admin")).to_have_count(0)  # members get no admin link
    page.get_by_test_id("menu-tokens").click()
    expect(page).to_have_url(team_site.url + "/tokens")

    page.get_by_test_id("token-name").fill("ci pipeline")
    page.get_by_test_id("token-create").click()
    expect(page.get_by_test_id("token-once-warning")).to_contain_text("you will not see it again")
    secret = page.get_by_test_id("token-secret").input_value()
    assert secret.startswith("rnc_")
    headers = {"Authorization": f"Bearer {secret}"}
    answer = requests.get(team_site.url + "/api/runs", headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    assert team_site.live.id in {run["id"] for run in answer.json()}
    page.get_by_test_id("token-done").click()
    expect(page.get_by_test_id("token-secret")).to_have_count(0)
    assert secret not in page.content()  # shown once: gone with the dialog

    row = page.get_by_test_id("token-row").filter(has_text="ci pipeline")
    expect(row).to_contain_text(secret[:16])  # the prefix rnc_<12 hex>
    page.reload()  # the list shows when the token was last used
    expect(row.get_by_test_id("token-last-used")).not_to_have_text("not used yet")

    row.get_by_test_id("token-revoke").click()
    page.get_by_test_id("revoke-confirm").click()
    expect(page.get_by_test_id("tokens-notice")).to_contain_text("ci pipeline")
    expect(page.get_by_test_id("token-row").filter(has_text="ci pipeline")).to_have_count(0)
    refused = requests.get(team_site.url + "/api/runs", headers=headers, timeout=10)
    assert refused.status_code == 401 and refused.json()["detail"] == "Invalid token."


def test_a_member_sees_why_the_recycle_bin_cannot_be_emptied(page: Page, team_site: TeamSite):
    deleted = requests.post(team_site.url + "/api/v2/experiments/batch-delete", timeout=10,
                            headers={"Authorization": f"Bearer {team_site.member_token}"},
                            json={"exp_ids": [team_site.victim], "reason": "test"})
    assert deleted.status_code == 200, deleted.text
    page.goto(team_site.url + "/recycle-bin")
    sign_in(page, MEMBER, MEMBER_PASSWORD)
    expect(page.get_by_test_id(f"bin-select-{team_site.victim}")).to_be_visible()
    empty = page.get_by_test_id("empty-bin")
    expect(empty).to_have_attribute("data-disabled", "true")
    empty.hover()
    expect(page.get_by_role("tooltip")).to_contain_text("Only admins may empty the recycle bin")
    empty.click(force=True)
    expect(page.get_by_test_id("empty-confirm-input")).to_have_count(0)  # no dialog for a member
    # Restoring is a member's right.
    page.get_by_test_id(f"bin-select-{team_site.victim}").check()
    page.get_by_test_id("restore-selected").click()
    expect(page.get_by_test_id("recycle-notice")).to_contain_text("1 runs restored")


def test_an_ended_session_sends_the_logs_tab_to_the_login_page(page: Page, team_site: TeamSite):
    page.goto(f"{team_site.url}/runs/{team_site.finished}")
    sign_in(page, ADMIN, ADMIN_PASSWORD)
    expect(page.get_by_test_id("run-title")).to_have_text("vision / resnet")
    page.get_by_test_id("tab-logs").click()
    page.wait_for_url("**tab=logs**")
    # The session ends behind the page's back (expiry, logout in another tab): the viewer closes
    # the logs WebSocket with 4401 within a second, and the page goes to the login page. (Ending
    # it first and then clicking raced with the other sockets of the page, closed the same way.)
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    ended = page.context.request.post(team_site.url + "/api/auth/logout", headers={"X-CSRFToken": csrf})
    assert ended.status == 200
    expect(page.get_by_test_id("login-page")).to_be_visible()
    assert quote(f"/runs/{team_site.finished}?tab=logs", safe="") in page.url
    sign_in(page, ADMIN, ADMIN_PASSWORD)
    assert page.url == f"{team_site.url}/runs/{team_site.finished}?tab=logs"


def test_logging_out_returns_to_the_login_page(page: Page, team_site: TeamSite):
    page.goto(team_site.url + "/")
    sign_in(page, MEMBER, MEMBER_PASSWORD)
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("menu-logout").click()
    expect(page.get_by_test_id("login-page")).to_be_visible()
    assert page.url == team_site.url + "/login"
    page.goto(f"{team_site.url}/runs/{team_site.finished}")  # the session is gone on the server too
    expect(page.get_by_test_id("login-page")).to_be_visible()


def test_screenshots_of_the_login_and_token_pages(page: Page, team_site: TeamSite):
    open_login(page, team_site)
    page.get_by_test_id("login-username").fill(ADMIN)
    page.get_by_test_id("login-password").fill("wrong")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_be_visible()
    shot(page, "login")
    page.get_by_test_id("theme-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-mantine-color-scheme", "dark")
    shot(page, "login")
    page.get_by_test_id("language-select").select_option("zh")
    expect(page.get_by_test_id("login-submit")).to_have_text("登录")
    shot(page, "login-zh")
    page.get_by_test_id("language-select").select_option("en")

    page.get_by_test_id("login-password").fill(ADMIN_PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-menu")).to_have_attribute("data-username", ADMIN)
    page.goto(team_site.url + "/tokens")
    for name in ("laptop", "training cluster"):
        page.get_by_test_id("token-name").fill(name)
        page.get_by_test_id("token-create").click()
        expect(page.get_by_test_id("token-secret")).to_be_visible()
        if name == "training cluster":
            shot(page, "token-created")
        page.get_by_test_id("token-done").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("token-row")).to_have_count(2)
    shot(page, "tokens")
    page.get_by_test_id("theme-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-mantine-color-scheme", "light")
    shot(page, "tokens")
    page.get_by_test_id("language-select").select_option("zh")
    expect(page.get_by_role("heading", name="API 令牌")).to_be_visible()
    shot(page, "tokens-zh")
    page.get_by_test_id("language-select").select_option("en")
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_test_id("menu-tokens")).to_be_visible()
    shot(page, "user-menu")


@pytest.fixture(scope="module")
def embedded_url(team_site: TeamSite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    viewer = start_viewer(team_site.root, tmp_path_factory.mktemp("embedded-viewer"))  # no RUNICORN_AUTH
    try:
        yield viewer.url
    finally:
        stop_viewer(viewer)


def test_the_embedded_profile_shows_no_login(page: Page, team_site: TeamSite, embedded_url: str):
    page.goto(f"{embedded_url}/runs/{team_site.finished}")
    expect(page.get_by_test_id("run-title")).to_have_text("vision / resnet")
    expect(page.get_by_test_id("user-menu")).to_have_count(0)
    page.goto(embedded_url + "/login")  # nothing to sign in to: on to the experiments
    expect(page).to_have_url(embedded_url + "/")
    page.goto(embedded_url + "/tokens")
    expect(page.get_by_test_id("tokens-no-accounts")).to_contain_text("without accounts")
    # Without accounts everyone may empty the bin, as before.
    deleted = requests.post(embedded_url + "/api/v2/experiments/batch-delete", json={"exp_ids": [team_site.victim]},
                            timeout=10)
    assert deleted.status_code == 200, deleted.text
    page.goto(embedded_url + "/recycle-bin")
    empty = page.get_by_test_id("empty-bin")
    expect(empty).to_be_enabled()
    expect(empty).not_to_have_attribute("data-disabled", "true")
    empty.click()
    expect(page.get_by_test_id("empty-confirm-input")).to_be_visible()
