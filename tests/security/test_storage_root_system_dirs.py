"""#15.6: a storage root at or below a system directory is refused, symlinks resolved, with the rule.

The attack: ``POST /api/config/user_root_dir`` with a new folder under /etc, with /usr/lib, or with
a link that points there. Before, only the exact system paths were refused, and the viewer (root
in a container) created the folder and wrote manifests into /usr/lib/.runicorn/.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

TREE = "which is a system directory (nothing at or below it can be a storage root)"


@pytest.fixture
def client(api, storage_root):  # type: ignore[no-untyped-def]
    return api


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("/etc/runicorn-{new}", f"is at or below /etc, {TREE}"),
        ("/usr/lib", f"is at or below /usr, {TREE}"),
        ("/usr/local/share/runicorn-{new}", f"is at or below /usr, {TREE}"),
        ("/boot/runicorn-{new}", f"is at or below /boot, {TREE}"),
        ("/var", "is /var or a folder directly inside it"),
        ("/var/log", "is /var or a folder directly inside it"),
        ("/run/user", "is /run or a folder directly inside it"),
        ("/", "is the filesystem root, which is a system directory"),
    ],
)
def test_paths_at_or_below_system_directories_are_refused(client, storage_root, path, rule):
    path = path.format(new=uuid.uuid4().hex[:8])

    answer = client.post("/api/config/user_root_dir", {"path": path}, format="json")

    assert answer.status_code == 400
    assert rule in answer.json()["detail"]
    assert "choose a directory of your own" in answer.json()["detail"]
    assert not Path(path).exists() or path in ("/usr/lib", "/var", "/var/log", "/run/user", "/")
    assert client.get("/api/config").json()["storage"] == str(storage_root)


def test_a_symlink_to_a_system_directory_is_resolved_and_refused(client, tmp_path):
    link = tmp_path / "innocent"
    link.symlink_to("/etc")

    answer = client.post("/api/config/user_root_dir", {"path": str(link / f"new-{uuid.uuid4().hex[:8]}")},
                         format="json")

    assert answer.status_code == 400
    assert f"is at or below /etc, {TREE}" in answer.json()["detail"]


@pytest.mark.parametrize("path", ["/var/lib/runicorn", "/srv/runicorn", "/data/runicorn", "/home/ada/runs", "/tmp/x"])
def test_ordinary_places_for_data_pass_the_rule(path):
    from apps.config.storage_root import system_dir_rule

    assert system_dir_rule(Path(path)) is None


def test_a_directory_of_your_own_is_accepted(client, tmp_path):
    answer = client.post("/api/config/user_root_dir", {"path": str(tmp_path / "mine")}, format="json")

    assert answer.status_code == 200
    assert (tmp_path / "mine").is_dir()
