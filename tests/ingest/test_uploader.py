"""The SDK's uploader against a real embedded viewer (loopback, no accounts): resuming, torn
lines, a server that is down, and the switches that keep a job offline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import runicorn as rn
from runicorn.sync.uploader import RunUploader

from tests.fixtures.live_server import LiveViewer, free_port, start_viewer, stop_viewer

LINE = b'{"ts": 1.0, "type": "metrics", "data": {"loss": 0.5, "global_step": %d, "time": 1.0}}\n'


@pytest.fixture(scope="module")
def viewer(tmp_path_factory) -> Iterator[LiveViewer]:  # type: ignore[no-untyped-def]
    workdir = tmp_path_factory.mktemp("uploader")
    root = workdir / "server-root"
    root.mkdir()
    live = start_viewer(root, workdir)
    yield live
    stop_viewer(live)


def local_run(root: Path, run_id: str, lines: int) -> Path:
    run_dir = root / "p" / "n" / "runs" / run_id
    run_dir.mkdir(parents=True)
    (run_dir / "meta.json").write_text(json.dumps({"id": run_id, "project": "p", "name": "n"}))
    (run_dir / "events.jsonl").write_bytes(b"".join(LINE % i for i in range(lines)))
    return run_dir


def served(viewer: LiveViewer, run_dir: Path, name: str = "events.jsonl") -> bytes:
    path = viewer.root.joinpath(*run_dir.parts[-4:], name)
    return path.read_bytes() if path.exists() else b""


def catch_up(uploader: RunUploader) -> None:
    for _ in range(20):
        uploader.step(final=True)
        if uploader.caught_up:
            return
    raise AssertionError("the uploader never caught up")


def test_an_uploader_resumes_from_what_the_server_holds(viewer, tmp_path):
    run_dir = local_run(tmp_path, "20250101_000000_a00001", 1000)
    first = RunUploader(run_dir, viewer.url, None)
    catch_up(first)
    first.save()
    (run_dir / ".runicorn_sync.json").unlink()  # the state is lost: the server's lengths still count
    with open(run_dir / "events.jsonl", "ab") as fh:
        fh.write(b"".join(LINE % i for i in range(1000, 1010)))

    second = RunUploader(run_dir, viewer.url, None)
    catch_up(second)

    assert served(viewer, run_dir) == (run_dir / "events.jsonl").read_bytes()
    assert second.bytes_sent < 2000  # the ten new lines (and documents), not the whole file again


def test_a_torn_last_line_waits_for_its_newline(viewer, tmp_path):
    run_dir = local_run(tmp_path, "20250101_000000_a00002", 3)
    with open(run_dir / "events.jsonl", "ab") as fh:
        fh.write(b'{"ts": 2.0, "type": "metr')
    uploader = RunUploader(run_dir, viewer.url, None)

    catch_up(uploader)
    assert served(viewer, run_dir) == b"".join(LINE % i for i in range(3))

    with open(run_dir / "events.jsonl", "ab") as fh:
        fh.write(b'ics", "data": {"loss": 1}}\n')
    catch_up(uploader)
    assert served(viewer, run_dir) == (run_dir / "events.jsonl").read_bytes()


def test_a_job_whose_server_is_down_finishes_and_says_what_to_do(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("RUNICORN_SYNC_FINISH_TIMEOUT", "0.5")
    run = rn.init(project="p", name="down", storage=tmp_path, server=f"http://127.0.0.1:{free_port()}", token="t")
    for i in range(100):
        rn.log({"loss": i})

    rn.finish()

    err = capfd.readouterr().err
    assert err.count("cannot reach http://127.0.0.1:") == 1, err
    assert f"`runicorn sync {run.run_dir}` uploads the rest" in err
    assert json.loads((run.run_dir / "status.json").read_text())["status"] == "finished"
    assert len((run.run_dir / "events.jsonl").read_bytes().splitlines()) == 100


def test_sync_off_keeps_a_job_offline(viewer, tmp_path, monkeypatch):
    monkeypatch.setenv("RUNICORN_SYNC", "off")
    run = rn.init(project="p", name="offline", storage=tmp_path, server=viewer.url)
    rn.log({"loss": 1.0})
    rn.finish()

    assert not (run.run_dir / ".runicorn_sync.json").exists()
    assert not viewer.root.joinpath("p", "offline").exists()


def test_a_job_with_a_server_uploads_as_it_goes(viewer, tmp_path, monkeypatch):
    monkeypatch.setenv("RUNICORN_SERVER_URL", viewer.url)
    run = rn.init(project="p", name="env", storage=tmp_path)
    for i in range(500):
        rn.log({"loss": i})
    rn.log_text("hello")

    rn.finish()

    for name in ("events.jsonl", "logs.txt", "meta.json", "status.json"):
        assert served(viewer, run.run_dir, name) == (run.run_dir / name).read_bytes(), name


def test_a_malformed_server_url_is_reported_and_training_goes_on(tmp_path, caplog):
    run = rn.init(project="p", name="bad", storage=tmp_path, server="ftp://example")
    rn.log({"loss": 1.0})
    rn.finish()

    assert "server URL must look like https://runicorn.example:8443, got 'ftp://example'" in caplog.text
    assert not (run.run_dir / ".runicorn_sync.json").exists()


def test_a_kept_alive_connection_the_server_closed_is_not_an_outage(viewer, tmp_path):
    from .proxy import Proxy

    run_dir = local_run(tmp_path, "20250101_000000_a00003", 5)
    proxy = Proxy([viewer.url]).start()
    uploader = RunUploader(run_dir, proxy.url, None)
    catch_up(uploader)
    proxy.stop()  # closes the uploader's idle connection, as a server's keep-alive timeout does
    proxy = Proxy([viewer.url], port=proxy.port).start()
    try:
        with open(run_dir / "events.jsonl", "ab") as fh:
            fh.write(LINE % 5)

        uploader.step(final=True)  # no Unreachable: one retry on a fresh connection

        assert served(viewer, run_dir) == (run_dir / "events.jsonl").read_bytes()
    finally:
        proxy.stop()


def test_sync_watch_follows_a_root_until_interrupted(viewer, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from tests.fixtures.live_server import wait_until

    run_dir = local_run(tmp_path, "20250101_000000_a00004", 10)
    watcher = subprocess.Popen([sys.executable, "-m", "runicorn", "sync", str(tmp_path), "--server", viewer.url,
                                "--watch", "--interval", "0.5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        wait_until(lambda: served(viewer, run_dir) == (run_dir / "events.jsonl").read_bytes(), timeout=30)
        with open(run_dir / "events.jsonl", "ab") as fh:
            fh.write(LINE % 10)
        wait_until(lambda: served(viewer, run_dir).count(b"\n") == 11, timeout=30)
        time.sleep(0.2)
        failure = None
    except AssertionError as exc:
        failure = exc
    finally:
        watcher.send_signal(signal.SIGINT)
        out, err = watcher.communicate(timeout=30)
    assert failure is None, (failure, out, err, served(viewer, run_dir)[-300:])
    assert watcher.returncode == 0, err
    assert "uploaded 1 runs" in err


def test_a_second_sigterm_ends_the_wait_for_an_unreachable_server(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.team.services import REPO

    env = {**os.environ, "RUNICORN_DIR": str(tmp_path), "RUNICORN_SERVER_URL": f"http://127.0.0.1:{free_port()}",
           "RUNICORN_SYNC_FINISH_TIMEOUT": "120"}
    args = ["--rows", "10", "--live", str(tmp_path / "never")]  # logs, then waits for a file that never comes
    job = subprocess.Popen([sys.executable, "-m", "tests.ingest.jobs", *args],
                           cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    run_dir = Path(job.stdout.readline()[4:].strip())  # type: ignore[union-attr]
    job.send_signal(signal.SIGTERM)  # finish() now waits for the upload (up to 120 s)
    deadline = time.monotonic() + 30
    while json.loads((run_dir / "status.json").read_text())["status"] == "running":
        assert time.monotonic() < deadline, "the first SIGTERM never finished the run"
        time.sleep(0.1)

    job.send_signal(signal.SIGTERM)

    assert job.wait(timeout=30) == -signal.SIGTERM  # long before the 120 s
    assert json.loads((run_dir / "status.json").read_text())["status"] == "interrupted"
