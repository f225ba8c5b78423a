"""``runicorn artifacts``: artifacts saved by the real SDK, listed, inspected, downloaded, aliased
and deleted through the command."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def weights(sdk, root, tmp_path) -> dict:  # type: ignore[no-untyped-def]
    """Two versions of model ``resnet`` (v2 is ``latest``) and one dataset, saved by one run."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "w1.bin").write_bytes(b"a" * 2048)
    (src / "w2.bin").write_bytes(b"b" * 4096)
    (src / "data.csv").write_text("x,y\n1,2\n")
    return sdk(f"""
        run = rn.init(project="vision", name="resnet")
        for f in ("w1.bin", "w2.bin"):
            art = rn.Artifact("resnet", type="model", description="weights " + f)
            art.add_file({str(src)!r} + "/" + f, name="weights.bin")
            run.log_artifact(art)
        data = rn.Artifact("cifar", type="dataset")
        data.add_file({str(src)!r} + "/data.csv")
        run.log_artifact(data)
        rn.finish()
        print(json.dumps({{"run": run.id}}))
    """)


def test_list_shows_each_artifact_once_with_its_latest_version(cli, root, weights):
    done = cli("artifacts", "--storage", str(root), "--action", "list")

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["TYPE", "NAME", "VERSIONS", "LATEST", "SIZE", "UPDATED"]
    assert lines[1].split()[:4] == ["model", "resnet", "2", "v2"]
    assert lines[2].split()[:4] == ["dataset", "cifar", "1", "v1"]
    listed = json.loads(cli("artifacts", "--storage", str(root), "--action", "list", "--json").stdout)
    assert {(a["type"], a["name"], a["num_versions"]) for a in listed} == {
        ("model", "resnet", 2), ("dataset", "cifar", 1)}


def test_versions_and_info_describe_what_was_saved(cli, root, weights):
    versions = json.loads(cli("artifacts", "--storage", str(root), "--action", "versions", "--name", "resnet",
                              "--json").stdout)
    info = cli("artifacts", "--storage", str(root), "--action", "info", "--name", "resnet", "--version", "v1")

    assert [(v["version"], v["aliases"], v["created_by_run"]) for v in versions] == [
        (1, [], weights["run"]), (2, ["latest"], weights["run"])]
    assert info.returncode == 0, info.stderr
    assert info.stdout.startswith("model/resnet:v1\n")
    assert "description:  weights w1.bin" in info.stdout and "weights.bin  2.00 KB" in info.stdout


def test_download_copies_the_verified_files(cli, root, weights, tmp_path):
    out = tmp_path / "got"

    done = cli("artifacts", "--storage", str(root), "--action", "download", "--name", "resnet", "--output", str(out))

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Downloaded resnet:v2 to {out}"
    assert (out / "weights.bin").read_bytes() == b"b" * 4096


def test_download_notices_a_damaged_file(cli, root, weights, tmp_path):
    stored = next(root.glob("artifacts/model/resnet/v2/files/weights.bin"))
    stored.unlink()
    stored.write_bytes(b"tampered")

    done = cli("artifacts", "--storage", str(root), "--action", "download", "--name", "resnet",
               "--output", str(tmp_path / "got"))

    assert done.returncode == 1
    assert "does not match its manifest" in done.stderr and "Traceback" not in done.stderr


def test_an_alias_moves_and_then_resolves(cli, root, weights, tmp_path):
    moved = cli("artifacts", "--storage", str(root), "--action", "aliases", "--name", "resnet",
                "--alias", "production", "--version", "1")
    shown = cli("artifacts", "--storage", str(root), "--action", "aliases", "--name", "resnet")
    fetched = cli("artifacts", "--storage", str(root), "--action", "download", "--name", "resnet",
                  "--alias", "production", "--output", str(tmp_path / "prod"))

    assert moved.returncode == 0 and moved.stdout.strip() == "resnet:production -> v1"
    assert shown.stdout.splitlines() == ["latest -> v2", "production -> v1"]
    assert fetched.returncode == 0 and (tmp_path / "prod" / "weights.bin").read_bytes() == b"a" * 2048


def test_delete_hides_restore_brings_back_permanent_frees(cli, root, weights):
    vdir = root / "artifacts" / "model" / "resnet" / "v1"
    args = ("artifacts", "--storage", str(root), "--name", "resnet", "--version", "1")

    soft = cli(*args, "--action", "delete")
    listed = json.loads(cli("artifacts", "--storage", str(root), "--action", "list", "--json").stdout)
    restored = cli(*args, "--action", "restore")
    permanent = cli(*args, "--action", "delete", "--permanent")

    assert soft.returncode == 0 and "files kept" in soft.stdout
    assert [a["num_versions"] for a in listed if a["name"] == "resnet"] == [1]
    assert restored.returncode == 0 and restored.stdout.strip() == "Restored model/resnet:v1"
    assert permanent.returncode == 0 and "2.00 KB freed" in permanent.stdout
    assert not vdir.exists()


def test_delete_needs_an_explicit_version(cli, root, weights):
    done = cli("artifacts", "--storage", str(root), "--action", "delete", "--name", "resnet")

    assert done.returncode == 2
    assert done.stderr.strip() == "error: --action delete needs --version N"


def test_unknown_names_and_versions_say_how_to_look(cli, root, weights):
    missing = cli("artifacts", "--storage", str(root), "--action", "info", "--name", "nope")
    bad_version = cli("artifacts", "--storage", str(root), "--action", "info", "--name", "resnet", "--version", "9")
    bad_name = cli("artifacts", "--storage", str(root), "--action", "info", "--name", "../etc")

    assert missing.returncode == 1
    assert missing.stderr.strip() == (
        "error: Artifact not found: nope; `runicorn artifacts --action list` shows what there is")
    assert bad_version.returncode == 1 and "Version not found: resnet:v9" in bad_version.stderr
    assert bad_name.returncode == 2 and "Traceback" not in bad_name.stderr


def test_an_empty_root_has_no_artifacts(cli, root):
    done = cli("artifacts", "--storage", str(root), "--action", "list")

    assert done.returncode == 0
    assert done.stdout.startswith("No artifacts found.")


def test_stats_sum_up_each_type(cli, root, weights):
    done = cli("artifacts", "--storage", str(root), "--action", "stats")

    assert done.stdout.splitlines() == ["dataset   1 artifact(s), 1 version(s), 8 B",
                                        "model     1 artifact(s), 2 version(s), 6.00 KB"]


def test_help_lists_examples(cli):
    assert "runicorn artifacts --action download --name resnet50" in cli("artifacts", "--help").stdout


def test_download_reports_progress_per_file(root, weights, tmp_path):
    from runicorn.artifacts import store

    calls: list[tuple[int, int]] = []
    store.download(root, "model", "resnet", 2, tmp_path / "got", progress=lambda *call: calls.append(call))

    assert calls == [(1, 1)]
