"""ManifestSyncClient and MetadataSyncService against a real OpenSSH sshd on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from runicorn.manifest import ManifestGenerator, ManifestType

from apps.remote.sync import ManifestSyncClient, ManifestUnavailable, MetadataSyncService
from apps.remote.sync.state import STATE_DIRNAME
from apps.runs import indexer
from apps.runs.models import Run
from tests.factories import make_run, metric_event
from tests.manifest.helpers import RequestCounter, backdate, make_root


@pytest.fixture
def sftp(sshd):
    client = sshd.connect()
    sftp = client.open_sftp()
    yield sftp
    sftp.close()
    client.close()


def _client(sftp, root: Path, cache: Path) -> ManifestSyncClient:
    return ManifestSyncClient(sftp, str(root), cache, jitter_max=0)


def _run_files(base: Path) -> dict[str, bytes]:
    """Every file of the runs under ``base`` (relative path -> bytes), manifests and state excluded."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d not in (".runicorn", STATE_DIRNAME)]
        for name in filenames:
            path = Path(dirpath) / name
            out[path.relative_to(base).as_posix()] = path.read_bytes()
    return out


def test_first_sync_fetches_all_and_an_unchanged_one_costs_a_few_requests(sftp, tmp_path):
    remote, cache = tmp_path / "remote", tmp_path / "cache"
    make_root(remote, 200)
    manifest, _ = ManifestGenerator(remote).generate()
    client = _client(sftp, remote, cache)

    first = client.sync()

    assert first["skipped"] is False and first["reason"] is None
    assert first["files_synced"] == manifest.total_files == 1000
    assert first["bytes_downloaded"] == manifest.total_bytes
    assert _run_files(cache) == _run_files(remote)
    remote_events = remote / manifest.experiments[0].files[0].path
    local_events = cache / manifest.experiments[0].files[0].path
    assert os.stat(local_events).st_mtime == os.stat(remote_events).st_mtime

    # The server regenerates (new revision, same files): one manifest download, nothing else.
    ManifestGenerator(remote).generate()
    with RequestCounter().counting() as counter:
        second = client.sync()
    assert second["files_synced"] == 0 and second["bytes_downloaded"] == 0
    assert second["skipped"] is True and second["reason"] == "no_file_changes"
    assert counter.count <= 200, counter.count

    # Nothing regenerated: the snapshot id in the manifest's first bytes says so.
    with RequestCounter().counting() as counter:
        third = client.sync()
    assert third["reason"] == "no_changes" and third["files_synced"] == 0
    assert counter.count <= 10, counter.count


def test_appended_events_are_fetched_by_their_tail(sftp, tmp_path):
    remote, cache = tmp_path / "remote", tmp_path / "cache"
    run = make_run(remote, status="running", events=[metric_event(i, float(i), loss=1.0) for i in range(2000)])
    ManifestGenerator(remote).generate()
    client = _client(sftp, remote, cache)
    client.sync()
    local = cache / run.relative_to(remote) / "events.jsonl"
    inode = os.stat(local).st_ino

    appended = "".join(json.dumps(metric_event(i, float(i), loss=0.1)) + "\n" for i in range(2000, 2100))
    with open(run / "events.jsonl", "a") as fh:
        fh.write(appended)
    ManifestGenerator(remote).generate()
    stats = client.sync()

    assert stats["files_synced"] == 1 and stats["incremental_count"] == 1
    assert len(appended) <= stats["bytes_downloaded"] <= len(appended) + 64
    assert local.read_bytes() == (run / "events.jsonl").read_bytes()
    assert os.stat(local).st_ino == inode  # appended in place: readers keep their offsets


def test_a_rewritten_append_only_file_is_fetched_whole(sftp, tmp_path):
    remote, cache = tmp_path / "remote", tmp_path / "cache"
    run = make_run(remote, status="running", logs="12:00:00 | first line\n" * 50)
    ManifestGenerator(remote).generate()
    client = _client(sftp, remote, cache)
    client.sync()

    (run / "logs.txt").write_text("12:00:01 | something else entirely\n" * 80)  # longer, different
    ManifestGenerator(remote).generate()
    stats = client.sync()

    assert stats["full_count"] == 1 and stats["incremental_count"] == 0
    assert (cache / run.relative_to(remote) / "logs.txt").read_bytes() == (run / "logs.txt").read_bytes()


def test_an_interrupted_sync_leaves_whole_files_and_the_next_one_finishes(sftp, tmp_path):
    remote, cache = tmp_path / "remote", tmp_path / "cache"
    make_root(remote, 40, events=400)
    manifest, _ = ManifestGenerator(remote).generate()
    client = _client(sftp, remote, cache)
    remote_files = _run_files(remote)

    def stop_after_30(completed, total, current_file):
        assert total == manifest.total_files and current_file in remote_files
        if completed == 30:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        client.sync(progress_callback=stop_after_30)

    partial = _run_files(cache)
    assert 30 <= len(partial) < len(remote_files)
    assert all(remote_files[path] == data for path, data in partial.items())  # no half-written file
    assert not list((cache / STATE_DIRNAME / "tmp").iterdir())

    seen = []
    stats = client.sync(progress_callback=lambda c, t, f: seen.append((c, t)))
    assert stats["files_synced"] == len(remote_files) - len(partial)
    assert seen[-1] == (stats["files_synced"], stats["files_synced"])
    assert _run_files(cache) == remote_files


def test_the_synced_cache_is_a_storage_root_the_viewer_opens(sftp, tmp_path, db):
    remote, cache = tmp_path / "remote", tmp_path / "cache"
    runs = make_root(remote, 12)
    ManifestGenerator(remote).generate()
    _client(sftp, remote, cache).sync()

    indexer.sync_index(cache)

    rows = {r.run_id: r for r in Run.objects.all()}
    assert set(rows) == {p.name for p in runs}
    sample = rows[runs[3].name]
    assert (sample.project, sample.status) == ("proj0", "finished")
    assert sample.best_metric_value == pytest.approx(3 / 12)


def test_deletions_on_the_server_are_mirrored(sftp, tmp_path):
    remote, cache = tmp_path / "remote", tmp_path / "cache"
    runs = make_root(remote, 3)
    ManifestGenerator(remote).generate()
    client = _client(sftp, remote, cache)
    client.sync()
    marker = runs[0] / ".deleted"
    marker.write_text(json.dumps({"deleted_at": 1.0, "reason": "user_deleted", "original_status": "finished"}))
    ManifestGenerator(remote).generate()
    client.sync()
    assert (cache / marker.relative_to(remote)).exists()

    marker.unlink()  # restored on the server
    for path in sorted(runs[1].iterdir()):
        path.unlink()
    runs[1].rmdir()  # deleted permanently on the server
    ManifestGenerator(remote).generate()
    stats = client.sync()

    assert stats["files_removed"] == 1 + 5
    assert not (cache / marker.relative_to(remote)).exists()
    assert not (cache / runs[1].relative_to(remote)).exists()
    assert _run_files(cache) == _run_files(remote)


def test_the_active_manifest_brings_recent_changes_between_full_ones(sftp, tmp_path):
    remote, cache = tmp_path / "remote", tmp_path / "cache"
    make_root(remote, 5)
    live = make_run(remote, "proj0", "live", status="running", logs="12:00:00 | start\n")
    ManifestGenerator(remote).generate(ManifestType.FULL)
    client = _client(sftp, remote, cache)
    client.sync()
    with open(live / "logs.txt", "a") as fh:
        fh.write("12:00:01 | more\n")
    ManifestGenerator(remote).generate(ManifestType.ACTIVE)

    stats = client.sync()

    assert stats["files_synced"] == 1 and stats["incremental_count"] == 1
    assert stats["files_removed"] == 0  # the active listing never removes runs it does not mention
    assert _run_files(cache) == _run_files(remote)


def test_entries_outside_run_directories_are_refused(sftp, tmp_path):
    remote, cache = tmp_path / "remote", tmp_path / "cache"
    run = make_run(remote, "p", "n")
    backdate(remote, 10)
    manifest, path = ManifestGenerator(remote).generate()
    data = manifest.to_dict()
    (remote / "secret.txt").write_text("not for you")
    rid = run.name
    for bad in ("../secret.txt", f"p/n/runs/{rid}/../../../../secret.txt", "/etc/passwd",
                f"p/n/runs/{rid}/.ssh/authorized_keys", "secret.txt", f"p/n/runs/{rid}/media/../../x"):
        data["experiments"][0]["files"].append({"path": bad, "size": 11, "mtime": 1.0})
    body = json.dumps(data).encode()
    path.write_bytes(body)
    (path.parent / (path.name + ".gz")).write_bytes(gzip.compress(body))

    stats = _client(sftp, remote, cache).sync()

    assert stats["rejected_count"] == 6
    assert stats["files_synced"] == manifest.total_files
    assert not (tmp_path / "secret.txt").exists() and not (cache / "secret.txt").exists()


def test_service_walks_the_directories_when_there_is_no_manifest(sftp, tmp_path):
    remote, cache = tmp_path / "remote", tmp_path / "cache"
    make_root(remote, 20)
    service = MetadataSyncService(sftp, str(remote), cache, manifest_sync_jitter=0)

    with RequestCounter().counting():
        walked = service.sync_all()
    assert walked["mode"] == "walk" and "no usable full manifest" in walked["fallback_reason"]
    assert walked["files_synced"] == 100
    assert _run_files(cache) == _run_files(remote)

    # Once the server publishes a manifest the service uses it, and the cache is already current.
    ManifestGenerator(remote).generate()
    with RequestCounter().counting() as manifest_counter:
        by_manifest = service.sync_all()
    assert by_manifest["mode"] == "manifest" and by_manifest["fallback_reason"] is None
    assert by_manifest["files_synced"] == 0
    with RequestCounter().counting() as walk_again:
        MetadataSyncService(sftp, str(remote), cache, use_manifest_sync=False).sync_all()
    assert manifest_counter.count < walk_again.count


def test_client_raises_manifest_unavailable_without_a_manifest(sftp, tmp_path):
    remote = tmp_path / "remote"
    make_run(remote)
    with pytest.raises(ManifestUnavailable):
        _client(sftp, remote, tmp_path / "cache").sync()


def test_sshd_fixture_accepts_password_logins(sshd):
    user, password = sshd.password_user()
    client = sshd.connect(username=user, password=password)
    try:
        _, stdout, _ = client.exec_command("id -un")
        assert stdout.read().decode().strip() == user
    finally:
        client.close()


class _CallCounter:
    """A wrapper around an SFTP client: counts the client's method calls, forwards everything."""

    def __init__(self, sftp):
        self._sftp = sftp
        self.calls = 0

    def __getattr__(self, name):
        attr = getattr(self._sftp, name)
        if not callable(attr):
            return attr

        def counted(*args, **kwargs):
            self.calls += 1
            return attr(*args, **kwargs)

        return counted


def test_a_wrapped_client_is_used_alone_and_still_syncs(sftp, tmp_path):
    remote, cache = tmp_path / "remote", tmp_path / "cache"
    make_root(remote, 10)
    ManifestGenerator(remote).generate()
    wrapped = _CallCounter(sftp)  # not a paramiko SFTPClient: no extra channels, one worker

    stats = ManifestSyncClient(wrapped, str(remote), cache, jitter_max=0).sync()

    assert stats["files_synced"] == 50 and stats["failed_count"] == 0
    assert _run_files(cache) == _run_files(remote)
    ManifestGenerator(remote).generate()
    before = wrapped.calls
    assert ManifestSyncClient(wrapped, str(remote), cache, jitter_max=0).sync()["files_synced"] == 0
    assert wrapped.calls - before == 3  # heads of the full and active manifests, the full one's download
