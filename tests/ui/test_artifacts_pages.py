"""The artifact pages: list with storage figures, versions, a version's files (downloads), lineage, deletes.

The storage root is written by the real SDK: ``prep`` logs the dataset ``mnist``; ``train`` uses
it and logs the model ``resnet`` v1 (two files); ``evaluate`` uses resnet v1; ``retrain`` logs
resnet v2 with the alias ``production``. Three more artifacts exist only to be deleted (and restored).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import runicorn as rn
from playwright.sync_api import Page, expect

from tests.fixtures.live_server import LiveViewer, start_viewer, stop_viewer, wait_until

from .conftest import SCREENSHOTS, screenshot_both_themes


@dataclass
class ArtifactSite:
    viewer: LiveViewer
    runs: dict[str, str]  # label -> run id
    files: dict[str, bytes]  # path inside resnet v1 -> the bytes the SDK saved

    @property
    def url(self) -> str:
        return self.viewer.url


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _run(root: Path, name: str, uses: list[str], logs: list[tuple[rn.Artifact, list[str]]]) -> str:
    run = rn.init(project="pipeline", name=name, storage=root)
    for spec in uses:
        run.use_artifact(spec)
    for artifact, aliases in logs:
        run.log_artifact(artifact, aliases=aliases)
    run.finish()
    return run.id


@pytest.fixture(scope="module")
def artifact_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArtifactSite]:
    root = tmp_path_factory.mktemp("artifacts-root")
    src = tmp_path_factory.mktemp("artifacts-src")
    files = {
        "weights.bin": os.urandom(50_000) + b"\x00\xff end",  # binary: a text decoding would change it
        "cfg/config.json": b'{"layers": 50, "activation": "relu"}\n',
    }
    csv = _write(src / "data.csv", b"x,y\n1,2\n3,4\n")
    runs: dict[str, str] = {}
    runs["prep"] = _run(root, "prep", [], [(rn.Artifact("mnist", type="dataset").add_file(csv), ["latest"])])
    model = rn.Artifact("resnet", type="model", description="ResNet-50 trained on mnist",
                        metadata={"accuracy": 0.91, "framework": {"name": "torch", "version": "2.4"}})
    model.add_file(_write(src / "v1" / "weights.bin", files["weights.bin"]))
    model.add_file(_write(src / "v1" / "config.json", files["cfg/config.json"]), name="cfg/config.json")
    model.add_tags("baseline", "mnist")
    runs["train"] = _run(root, "train", ["mnist:latest"], [(model, ["latest"])])
    runs["evaluate"] = _run(root, "evaluate", ["resnet:v1"], [])
    model2 = rn.Artifact("resnet", type="model", description="ResNet-50, longer schedule")
    model2.add_file(_write(src / "v2" / "weights.bin", os.urandom(60_000)))
    model2.add_file(src / "v1" / "config.json", name="cfg/config.json")  # the same bytes: stored once
    runs["retrain"] = _run(root, "retrain", ["mnist:latest"], [(model2, ["latest", "production"])])
    for name in ("scratch", "old-ckpt", "draft"):
        runs[name] = _run(root, name, [], [(rn.Artifact(name, type="custom").add_file(
            _write(src / name / "notes.txt", f"{name} notes".encode())), ["latest"])])

    viewer = start_viewer(root, tmp_path_factory.mktemp("artifacts-viewer"))
    try:
        wait_until(lambda: viewer.get("/api/v2/experiments").json()["total"] == len(runs), timeout=30)
        # Consumers of a version are found through the index: wait until it has seen evaluate's use.
        wait_until(lambda: f"run:{runs['evaluate']}" in {
            n["node_id"] for n in viewer.get("/api/artifacts/resnet/v1/lineage").json()["nodes"]}, timeout=30)
        yield ArtifactSite(viewer, runs, files)
    finally:
        stop_viewer(viewer)




def test_the_list_shows_each_artifact_with_its_versions_and_storage_figures(page: Page, artifact_site: ArtifactSite):
    page.goto(artifact_site.url + "/artifacts")
    row = page.get_by_test_id("artifact-row-resnet")
    expect(row).to_have_attribute("data-versions", "2")
    expect(row.get_by_test_id("artifact-versions")).to_have_text("2")
    expect(row).to_contain_text("production → v2")
    expect(page.get_by_test_id("artifact-row-mnist")).to_have_attribute("data-versions", "1")

    stats = artifact_site.viewer.get("/api/artifacts/stats").json()
    expect(page.get_by_test_id("stats-versions")).to_contain_text(str(stats["total_versions"]))
    expect(page.get_by_test_id("stats-artifacts")).to_contain_text(str(stats["total_artifacts"]))
    expect(page.locator("[data-testid=stats-by-type] tr[data-type=model]")).to_contain_text("2")
    # v2 shares cfg/config.json with v1: the pool holds it once.
    assert stats["space_saved_bytes"] == len(artifact_site.files["cfg/config.json"])
    expect(page.get_by_test_id("stats-saved")).to_have_text(f"{stats['space_saved_bytes']} B")
    expect(page.get_by_test_id("stats-dedup-ratio")).not_to_have_text("0%")

    page.get_by_test_id("artifacts-type").get_by_text("dataset").click()
    expect(page).to_have_url(re.compile(r"type=dataset"))
    expect(page.get_by_test_id("artifact-row-mnist")).to_be_visible()
    expect(page.get_by_test_id("artifact-row-resnet")).to_have_count(0)

    page.get_by_test_id("artifacts-type").get_by_text("All types").click()
    page.get_by_test_id("artifacts-search").fill("res")
    expect(page.get_by_test_id("artifact-row-resnet")).to_be_visible()
    expect(page.get_by_test_id("artifact-row-mnist")).to_have_count(0)
    page.get_by_test_id("artifacts-search").fill("nothing-like-this")
    expect(page.get_by_test_id("artifacts-empty")).to_contain_text("nothing-like-this")


def test_the_artifact_page_lists_versions_with_aliases_and_producing_runs(page: Page, artifact_site: ArtifactSite):
    page.goto(artifact_site.url + "/artifacts")
    page.get_by_test_id("artifact-row-resnet").get_by_role("link", name="resnet").click()
    expect(page).to_have_url(re.compile(r"/artifacts/resnet\?type=model$"))
    v2 = page.get_by_test_id("version-row-2")
    expect(v2.get_by_test_id("alias")).to_have_text(["latest", "production"])
    expect(v2.get_by_test_id("version-status")).to_have_attribute("data-status", "ready")
    v1 = page.get_by_test_id("version-row-1")
    expect(v1.get_by_test_id("alias")).to_have_count(0)
    v1.get_by_test_id("version-run").click()
    expect(page).to_have_url(re.compile(rf"/runs/{artifact_site.runs['train']}$"))


def test_the_version_page_lists_files_and_downloads_the_saved_bytes(page: Page, artifact_site: ArtifactSite):
    page.goto(artifact_site.url + "/artifacts/resnet/v1?type=model")
    expect(page.get_by_test_id("version-title")).to_have_text("resnet v1")
    expect(page.get_by_test_id("version-description")).to_have_text("ResNet-50 trained on mnist")
    expect(page.get_by_test_id("version-tags")).to_contain_text("baseline")
    expect(page.get_by_test_id("version-producer")).to_contain_text(artifact_site.runs["train"])
    table = page.get_by_test_id("files-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    for path, data in artifact_site.files.items():
        expect(page.get_by_test_id(f"file-row-{path}")).to_be_visible()
        with page.expect_download() as info:
            page.get_by_test_id(f"download-{path}").click()
        download = info.value
        assert download.suggested_filename == path.rsplit("/", 1)[-1]
        assert Path(download.path()).read_bytes() == data

    page.get_by_test_id("tab-metadata").click()
    expect(page.get_by_test_id("version-metadata")).to_contain_text("framework.name")
    expect(page.get_by_test_id("version-parents")).to_contain_text("mnist:v1")


def test_the_lineage_graph_shows_runs_and_versions_and_opens_them(page: Page, artifact_site: ArtifactSite):
    runs = artifact_site.runs
    page.goto(artifact_site.url + "/artifacts/resnet/v1?type=model&tab=lineage")
    graph = page.get_by_test_id("lineage-graph")
    root = graph.get_by_test_id("lineage-node-resnet:v1")
    expect(root).to_have_attribute("data-kind", "artifact")
    expect(root).to_have_attribute("data-root", "true")
    producer = graph.get_by_test_id(f"lineage-node-run:{runs['train']}")
    consumer = graph.get_by_test_id(f"lineage-node-run:{runs['evaluate']}")
    expect(producer).to_have_attribute("data-kind", "run")
    expect(producer).to_contain_text("pipeline / train")
    expect(consumer).to_have_attribute("data-kind", "run")
    expect(graph.get_by_test_id("lineage-node-mnist:v1")).to_have_attribute("data-kind", "artifact")
    # Edges carry their kind as a label.
    expect(graph.get_by_test_id(f"rf__edge-run:{runs['train']}->resnet:v1")).to_contain_text("produces")
    expect(graph.get_by_test_id(f"rf__edge-resnet:v1->run:{runs['evaluate']}")).to_contain_text("uses")
    expect(graph.get_by_test_id(f"rf__edge-mnist:v1->run:{runs['train']}")).to_contain_text("uses")

    # Depth: mnist's producer (prep) is two steps up, so depth 1 leaves it out.
    prep = graph.get_by_test_id(f"lineage-node-run:{runs['prep']}")
    expect(prep).to_have_count(1)
    page.get_by_test_id("lineage-depth").get_by_text("1", exact=True).click()
    expect(prep).to_have_count(0)
    expect(consumer).to_be_visible()
    page.get_by_test_id("lineage-depth").get_by_text("3", exact=True).click()
    expect(prep).to_have_count(1)

    consumer.click()
    expect(page).to_have_url(re.compile(rf"/runs/{runs['evaluate']}$"))


def test_a_version_node_opens_its_version_page(page: Page, artifact_site: ArtifactSite):
    page.goto(artifact_site.url + "/artifacts/resnet/v1?type=model&tab=lineage")
    page.get_by_test_id("lineage-node-mnist:v1").click()
    expect(page).to_have_url(re.compile(r"/artifacts/mnist/v1\?type=dataset$"))
    expect(page.get_by_test_id("version-title")).to_have_text("mnist v1")


def test_the_run_page_links_its_artifacts_to_their_version_pages(page: Page, artifact_site: ArtifactSite):
    page.goto(artifact_site.url + f"/runs/{artifact_site.runs['evaluate']}?tab=artifacts")
    page.get_by_test_id("artifacts-used").get_by_role("link", name="resnet").click()
    expect(page).to_have_url(re.compile(r"/artifacts/resnet/v1\?type=model$"))
    expect(page.get_by_test_id("version-title")).to_have_text("resnet v1")


def test_soft_delete_from_the_ui_deletes_the_version_through_the_api(page: Page, artifact_site: ArtifactSite):
    viewer = artifact_site.viewer
    page.goto(artifact_site.url + "/artifacts/scratch/v1")
    expect(page.get_by_test_id("version-status")).to_have_attribute("data-status", "ready")
    page.get_by_test_id("delete-soft").click()
    page.get_by_test_id("delete-confirm").click()
    expect(page.get_by_test_id("version-notice")).to_contain_text("scratch:v1 is deleted")
    expect(page.get_by_test_id("version-status")).to_have_attribute("data-status", "deleted")
    expect(page.get_by_test_id("deleted-banner")).to_be_visible()
    expect(page.get_by_test_id("delete-soft")).to_have_count(0)

    assert viewer.get("/api/artifacts/scratch/v1").json()["status"] == "deleted"
    assert viewer.get("/api/artifacts/scratch/versions").json() == []
    assert "scratch" not in {a["name"] for a in viewer.get("/api/artifacts").json()}
    page.get_by_role("link", name="All artifacts").click()
    expect(page.get_by_test_id("artifact-row-resnet")).to_be_visible()
    expect(page.get_by_test_id("artifact-row-scratch")).to_have_count(0)


def test_a_soft_delete_is_undone_from_the_notice_and_restored_from_the_banner(page: Page, artifact_site: ArtifactSite):
    viewer = artifact_site.viewer
    page.goto(artifact_site.url + "/artifacts/draft/v1")
    page.get_by_test_id("delete-soft").click()
    page.get_by_test_id("delete-confirm").click()
    expect(page.get_by_test_id("deleted-banner")).to_contain_text("Restore it to list it again")
    assert viewer.get("/api/artifacts/draft/versions").json() == []
    screenshot_both_themes(page, "artifacts-deleted-undo")

    page.get_by_test_id("undo-delete").click()
    expect(page.get_by_test_id("version-notice")).to_contain_text("draft:v1 is restored")
    expect(page.get_by_test_id("version-status")).to_have_attribute("data-status", "ready")
    expect(page.get_by_test_id("deleted-banner")).to_have_count(0)
    assert [v["version"] for v in viewer.get("/api/artifacts/draft/versions").json()] == [1]

    # Deleted again, and found later: the banner's Restore brings it back.
    page.get_by_test_id("delete-soft").click()
    page.get_by_test_id("delete-confirm").click()
    expect(page.get_by_test_id("version-status")).to_have_attribute("data-status", "deleted")
    page.reload()
    expect(page.get_by_test_id("deleted-banner")).to_be_visible()
    expect(page.get_by_test_id("version-notice")).to_have_count(0)
    screenshot_both_themes(page, "artifacts-deleted")
    page.get_by_test_id("restore-version").click()
    expect(page.get_by_test_id("version-notice")).to_contain_text("draft:v1 is restored")
    expect(page.get_by_test_id("deleted-banner")).to_have_count(0)
    expect(page.get_by_test_id("delete-soft")).to_be_visible()

    assert viewer.get("/api/artifacts/draft/v1").json()["status"] == "ready"
    listed = {a["name"]: a for a in viewer.get("/api/artifacts").json()}
    assert listed["draft"]["aliases"] == {"latest": 1}
    with page.expect_download() as download:
        page.get_by_test_id("download-notes.txt").click()
    assert Path(download.value.path()).read_bytes() == b"draft notes"
    page.get_by_role("link", name="All artifacts").click()
    expect(page.get_by_test_id("artifact-row-draft")).to_be_visible()


def test_a_failed_restore_is_explained_in_words(page: Page, artifact_site: ArtifactSite):
    viewer = artifact_site.viewer
    assert requests.delete(viewer.url + "/api/artifacts/draft/v1", timeout=10).status_code == 200
    page.goto(artifact_site.url + "/artifacts/draft/v1")
    expect(page.get_by_test_id("deleted-banner")).to_be_visible()
    # Someone else restores it after this page loaded: the viewer answers 409, and the page says so.
    assert viewer.post("/api/artifacts/draft/v1/restore").status_code == 200
    page.get_by_test_id("restore-version").click()
    expect(page.get_by_test_id("restore-error")).to_contain_text("Could not restore draft:v1. Reload the page")
    expect(page.get_by_test_id("restore-error")).to_contain_text("draft:v1 is not deleted")
    screenshot_both_themes(page, "artifacts-restore-error")
    page.reload()
    expect(page.get_by_test_id("version-status")).to_have_attribute("data-status", "ready")
    expect(page.get_by_test_id("deleted-banner")).to_have_count(0)


def test_permanent_delete_needs_the_typed_spec_and_removes_the_version(page: Page, artifact_site: ArtifactSite):
    viewer = artifact_site.viewer
    page.goto(artifact_site.url + "/artifacts/old-ckpt/v1")
    page.get_by_test_id("delete-permanent").click()
    confirm = page.get_by_test_id("delete-confirm")
    expect(confirm).to_be_disabled()
    page.get_by_test_id("permanent-confirm-input").fill("old-ckpt:v2")
    expect(confirm).to_be_disabled()
    page.get_by_test_id("permanent-confirm-input").fill("old-ckpt:v1")
    expect(confirm).to_be_enabled()
    confirm.click()

    expect(page).to_have_url(re.compile(r"/artifacts/old-ckpt\?type=custom$"))
    expect(page.get_by_test_id("artifact-notice")).to_contain_text("old-ckpt:v1 was deleted permanently")
    expect(page.get_by_test_id("versions-empty")).to_be_visible()
    assert viewer.get("/api/artifacts/old-ckpt/v1").status_code == 404


def test_missing_artifacts_and_bad_versions_are_explained_in_words(page: Page, artifact_site: ArtifactSite):
    page.goto(artifact_site.url + "/artifacts/no-such-model")
    expect(page.get_by_test_id("error")).to_contain_text("Artifact “no-such-model” was not found")
    page.goto(artifact_site.url + "/artifacts/resnet/v99")
    expect(page.get_by_test_id("error")).to_contain_text("resnet:v99 was not found")
    page.get_by_role("link", name="resnet").click()
    expect(page.get_by_test_id("version-row-2")).to_be_visible()
    page.goto(artifact_site.url + "/artifacts/resnet/latest")
    expect(page.get_by_test_id("error")).to_contain_text("“latest” is not a version")


def test_screenshots_of_the_artifact_pages_in_both_themes(page: Page, artifact_site: ArtifactSite):
    page.goto(artifact_site.url + "/artifacts")
    expect(page.get_by_test_id("artifact-row-resnet")).to_be_visible()
    expect(page.get_by_test_id("stats-versions")).to_be_visible()
    screenshot_both_themes(page, "artifacts-list")

    page.goto(artifact_site.url + "/artifacts/resnet?type=model")
    expect(page.get_by_test_id("version-row-2")).to_be_visible()
    screenshot_both_themes(page, "artifacts-versions")

    page.goto(artifact_site.url + "/artifacts/resnet/v1?type=model")
    expect(page.get_by_test_id("files-table")).to_be_visible()
    screenshot_both_themes(page, "artifacts-version")

    page.goto(artifact_site.url + "/artifacts/resnet/v1?type=model&tab=lineage")
    expect(page.get_by_test_id(f"lineage-node-run:{artifact_site.runs['evaluate']}")).to_be_visible()
    screenshot_both_themes(page, "artifacts-lineage")

    page.get_by_test_id("language-select").select_option("zh")
    expect(page.get_by_test_id("tab-lineage")).to_have_text("血缘")
    expect(page.get_by_test_id(f"rf__edge-resnet:v1->run:{artifact_site.runs['evaluate']}")).to_contain_text("使用")
    page.screenshot(path=str(SCREENSHOTS / "artifacts-lineage-zh.png"))
    page.goto(artifact_site.url + "/artifacts")
    expect(page.get_by_test_id("storage-panel")).to_contain_text("去重率")
    page.screenshot(path=str(SCREENSHOTS / "artifacts-list-zh.png"))
