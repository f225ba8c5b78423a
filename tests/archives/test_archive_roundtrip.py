"""runicorn export / runicorn import FILE: round trip, selection, modes, and refused archives."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from runicorn.archives import apply, check, export
from runicorn.archives.members import InvalidArchive
from runicorn.cli import main

from .conftest import make_runs, tree


def test_export_then_import_into_an_empty_root_gives_identical_files(source_root, tmp_path, capsys):
    make_runs(source_root)
    archive = tmp_path / "all.zip"
    assert main(["export", "-o", str(archive), "--storage", str(source_root)]) == 0
    assert "Exported 3 run(s) and 1 artifact version(s)" in capsys.readouterr().out
    target = tmp_path / "target"
    assert main(["import", str(archive), "--storage", str(target)]) == 0
    assert "Imported 3 run(s) and 1 artifact version(s)" in capsys.readouterr().out
    assert tree(target) == tree(source_root)
    names = zipfile.ZipFile(archive).namelist()
    assert sum(n.startswith("blobs/") for n in names) == 1  # two files, one content
    assert not any("/files/" in n for n in names)


def test_importing_again_skips_every_run_and_reports_it(source_root, tmp_path, capsys):
    ids = make_runs(source_root)
    archive = tmp_path / "all.zip"
    main(["export", "-o", str(archive), "--storage", str(source_root)])
    before = tree(source_root)
    assert main(["import", str(archive), "--storage", str(source_root)]) == 0
    out = capsys.readouterr().out
    assert f"skipped: {ids['train']}: a run with this id is already in the root; skipped" in out
    assert "Imported 0 run(s) and 0 artifact version(s)" in out
    assert tree(source_root) == before


def test_a_selection_takes_the_artifact_versions_its_runs_used(source_root, tmp_path):
    ids = make_runs(source_root)
    runs = export.select_runs(source_root, run_ids=[ids["evaluate"]])
    plan = export.plan_export(source_root, runs)
    assert plan.versions == {("model", "resnet-model", 1)}
    buffer = io.BytesIO()
    export.write_archive(plan, buffer)
    names = set(zipfile.ZipFile(buffer).namelist())
    assert f"vision/eval/runs/{ids['evaluate']}/meta.json" in names
    assert not any(ids["train"] in n for n in names)
    assert "artifacts/model/resnet-model/v1/manifest.json" in names
    assert [loc.project for loc in export.select_runs(source_root, project="nlp")] == ["nlp"]


def test_streamed_archive_is_the_same_archive(source_root, tmp_path):
    make_runs(source_root)
    plan = export.plan_export(source_root, export.select_runs(source_root))
    streamed = b"".join(export.stream_archive(plan))
    target = tmp_path / "streamed.zip"
    target.write_bytes(streamed)
    contents = check.check_archive(target)
    assert len(contents.runs) == 3 and len(contents.versions) == 1


def test_isolate_mode_puts_the_runs_into_a_project_of_their_own(source_root, tmp_path):
    ids = make_runs(source_root)
    archive = tmp_path / "team-a.zip"
    main(["export", "-o", str(archive), "--storage", str(source_root), "--project", "vision"])
    target = tmp_path / "target"
    assert main(["import", str(archive), "--mode", "isolate", "--storage", str(target)]) == 0
    assert (target / "imported-team-a" / "resnet" / "runs" / ids["train"] / "meta.json").is_file()
    assert not (target / "vision").exists()


def _zip(path: Path, members: dict[str, bytes], symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("runicorn-archive.json", json.dumps({"format": "runicorn-archive", "format_version": 1}))
        for name, data in members.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            zf.writestr(info, "/etc/passwd")
    return path


RUN = "p/n/runs/20250101_000000_abcdef"


@pytest.mark.parametrize(("members", "symlink", "message"), [
    ({"../evil.txt": b"x"}, None, "'../evil.txt': empty, '.', '..' or unsafe path segments are not allowed"),
    ({"/abs/path": b"x"}, None, "'/abs/path': absolute or non-POSIX member names are not allowed"),
    ({f"{RUN}/meta.json": b"{}"}, f"{RUN}/link", f"'{RUN}/link' is a symlink; archives hold regular files only"),
    ({"etc/passwd": b"x"}, None, "'etc/passwd': not <project>/<name>/runs/<run_id>/<file>"),
    ({f"{RUN}/status.json": b"{}"}, None, "run p/n/20250101_000000_abcdef has no meta.json"),
    ({f"{RUN}/meta.json": b"not json"}, None, f"'{RUN}/meta.json' is not valid JSON"),
    ({"blobs/" + "0" * 64: b"x"}, None, "does not hash to its name: the archive is damaged"),
    ({"artifacts/model/m/v1/metadata.json": b"{}", "artifacts/model/m/v1/manifest.json": b"{}"}, None,
     "artifact model/m has versions but no versions.json"),
])
def test_a_bad_archive_is_refused_and_the_root_stays_untouched(tmp_path, capsys, members, symlink, message):
    archive = _zip(tmp_path / "bad.zip", members, symlink)
    target = tmp_path / "target"
    target.mkdir()
    assert main(["import", str(archive), "--storage", str(target)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Nothing was written." in err
    assert list(target.iterdir()) == []


def test_a_zip_bomb_and_an_oversized_archive_are_refused(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("runicorn-archive.json", json.dumps({"format": "runicorn-archive"}))
        zf.writestr(f"{RUN}/events.jsonl", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(InvalidArchive, match="refusing a likely ZIP bomb"):
        check.check_archive(bomb)
    small = _zip(tmp_path / "big.zip", {f"{RUN}/meta.json": b"{}" * 100})
    with pytest.raises(InvalidArchive, match="unpacks to more than 50 bytes, the limit"):
        check.check_archive(small, max_bytes=50)


def test_not_a_zip_is_refused_with_advice(tmp_path):
    path = tmp_path / "x.zip"
    path.write_text("hello")
    with pytest.raises(InvalidArchive, match="give a file made by `runicorn export`"):
        check.check_archive(path)


def test_a_different_artifact_version_with_the_same_number_is_a_conflict(source_root, tmp_path):
    make_runs(source_root)
    plan = export.plan_export(source_root, export.select_runs(source_root))
    archive = tmp_path / "a.zip"
    with open(archive, "wb") as fh:
        export.write_archive(plan, fh)
    target = tmp_path / "target"
    target.mkdir()
    import runicorn as rn

    run = rn.init(project="x", name="y", storage=target)
    other = tmp_path / "other.bin"
    other.write_bytes(b"different")
    run.log_artifact(rn.Artifact("resnet-model", type="model").add_file(other))
    run.finish()
    result = apply.preview(target, check.check_archive(archive))
    assert result.new_versions == [] and len(result.new_runs) == 3
    assert result.conflicts == [{"artifact": "resnet-model:v1", "type": "model",
                                 "reason": "a different version with this number is already in the root; "
                                           "kept the root's, skipped the archive's"}]


def test_import_reports_progress_per_version_and_run(source_root, tmp_path):
    make_runs(source_root)
    archive = tmp_path / "a.zip"
    with open(archive, "wb") as fh:
        export.write_archive(export.plan_export(source_root, export.select_runs(source_root)), fh)
    contents = check.check_archive(archive)
    target = tmp_path / "target"
    target.mkdir()
    calls: list[tuple[int, int]] = []
    apply.apply(target, archive, contents, apply.preview(target, contents), lambda d, t: calls.append((d, t)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]  # one artifact version, then three runs
