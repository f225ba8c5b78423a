"""Retries: a viewer restarted mid-session, one that stays down, and 5xx answers.

The client's waits go through ``transport.sleep``; the tests put a recorder there, which also
restarts the viewer during the first wait -- the same moment a real restart would fall into.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import runicorn.api as api
from runicorn.api import RunicornClient

from tests.fixtures.live_server import free_port

from .conftest import Written
from .servers import RestartableViewer, ScriptedServer


def recorder(client: RunicornClient, on_first_wait: Callable[[], None] | None = None) -> list[float]:
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 1 and on_first_wait is not None:
            on_first_wait()

    client.transport.sleep = sleep
    return waits


def test_a_restarted_viewer_is_waited_for(viewer: RestartableViewer, written: Written) -> None:
    with api.connect(viewer.url, max_retries=3, backoff_factor=0.25) as client:
        before = client.list_experiments()  # a pooled keep-alive connection to the old process
        viewer.stop()
        waits = recorder(client, on_first_wait=viewer.start)

        after = client.list_experiments()
        # Nothing reached the server while it was down, so even a POST may be sent again.
        config = client.update_config({"user_root_dir": str(viewer.root)})

    assert [e["id"] for e in after] == [e["id"] for e in before]
    assert waits == [0.25] and config["ok"] is True


def test_a_viewer_that_stays_down_raises_connection_error_after_the_retries() -> None:
    client = RunicornClient(f"http://127.0.0.1:{free_port()}", max_retries=3, check_connection=False)
    waits = recorder(client)

    with pytest.raises(api.ConnectionError, match="GET http://127.0.0.1:.*/api/health failed"):
        client.health_check()
    assert waits == [0.5, 1.0, 2.0]  # exponential backoff

    with pytest.raises(api.ConnectionError) as caught:
        api.connect(f"http://127.0.0.1:{free_port()}", max_retries=0)
    assert isinstance(caught.value, api.RunicornAPIError)


def test_5xx_answers_are_retried_for_reads_and_retry_after_is_respected() -> None:
    script = [(503, {"Retry-After": "0"}, {"detail": "busy"}), (502, {}, {"detail": "proxy"}),
              (200, {}, {"projects": ["p"]})]
    with ScriptedServer(script).running() as server:
        client = RunicornClient(server.url, max_retries=3, check_connection=False)
        waits = recorder(client)
        assert client.list_projects() == ["p"]
    assert waits == [0.0, 1.0]  # Retry-After: 0, then the backoff of the second attempt
    assert [path for _, path in server.requests] == ["/api/projects"] * 3


def test_5xx_after_every_retry_raises_server_error_with_the_detail() -> None:
    with ScriptedServer([(500, {}, {"detail": "database is locked"})] * 4).running() as server:
        client = RunicornClient(server.url, max_retries=3, check_connection=False)
        recorder(client)
        with pytest.raises(api.ServerError) as caught:
            client.list_projects()
    assert caught.value.status_code == 500 and caught.value.detail == "database is locked"
    assert len(server.requests) == 4


def test_a_post_is_never_sent_twice_on_a_5xx() -> None:
    with ScriptedServer([(502, {}, {"success": False, "error": "ssh_error", "message": "Broken pipe"})]).running() \
            as server:
        client = RunicornClient(server.url, max_retries=3, check_connection=False)
        waits = recorder(client)
        with pytest.raises(api.ServerError) as caught:
            client.update_config({"user_root_dir": "/data"})
    # The Remote API's error shape is read too: its message and code.
    assert caught.value.detail == "Broken pipe" and caught.value.code == "ssh_error"
    assert waits == [] and server.requests == [("POST", "/api/config/user_root_dir")]


def test_a_retry_after_date_is_understood() -> None:
    script = [(429, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, {"detail": "slow down"}),
              (200, {}, {"projects": []})]
    with ScriptedServer(script).running() as server:
        client = RunicornClient(server.url, check_connection=False)
        waits = recorder(client)
        assert client.list_projects() == []
    assert waits == [0.0]  # a date in the past: retry at once
