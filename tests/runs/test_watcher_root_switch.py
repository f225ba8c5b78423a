"""#15.13: after the storage root is switched, the watcher watches the new root first and then
scans it, so a run written at any moment after the switch is indexed without waiting for the
periodic reconcile (which these tests push out of reach)."""

from __future__ import annotations

import pytest

from tests.factories import make_run
from tests.fixtures.live_server import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_config_home(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Switching the root writes user_root_dir into the user config: a config of the test's own."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture
def watcher_thread(settings, storage_root):  # type: ignore[no-untyped-def]
    from apps.runs import watcher

    settings.RUNICORN_RECONCILE_SECONDS = 3600  # only the watch (and its first scan) can find a run
    settings.RUNICORN_LIVENESS_SECONDS = 3600
    thread = watcher.start_watcher()
    assert thread.ready.wait(10)
    yield thread
    watcher.stop_watcher()
    thread.join(timeout=10)


def _indexed(api, run_id: str) -> bool:  # type: ignore[no-untyped-def]
    return run_id in [r["id"] for r in api.get("/api/runs").json()]


def test_a_run_written_right_after_the_switch_is_indexed(api, watcher_thread, tmp_path):
    new_root = tmp_path / "switched"
    assert api.post("/api/config/user_root_dir", {"path": str(new_root)}, format="json").status_code == 200
    run_dir = make_run(new_root, "live", "exp")  # at once: before or while the watcher moves over

    wait_until(lambda: _indexed(api, run_dir.name), timeout=5)


def test_once_the_watcher_reports_the_new_root_its_watch_exists(api, watcher_thread, tmp_path):
    new_root = tmp_path / "followed"
    api.post("/api/config/user_root_dir", {"path": str(new_root)}, format="json")
    wait_until(lambda: watcher_thread.root == new_root, timeout=5)

    run_dir = make_run(new_root, "later", "exp")  # after the scan: only an event can bring it

    wait_until(lambda: _indexed(api, run_dir.name), timeout=5)
