"""``runicorn manage``: tags, the V2 search, the recycle bin and its cleanup, on real SDK runs."""

from __future__ import annotations

import json
import os
from pathlib import Path

from runicorn import layout

from .conftest import REPO, make_runs


def meta_of(root: Path, run_id: str) -> dict:
    path = next(root.glob(f"*/*/runs/{run_id}"))
    return json.loads((path / "meta.json").read_text())


def run_path(root: Path, run_id: str) -> Path:
    return next(loc.path for loc in layout.iter_run_dirs(root) if loc.run_id == run_id)


def test_tag_adds_and_removes_tags_in_meta_json(cli, sdk, root):
    [run_id] = make_runs(sdk, [{"tags": ["draft"]}])

    added = cli("manage", "--storage", str(root), "--action", "tag", "--run-id", run_id, "--tags", "baseline,paper")
    removed = cli("manage", "--storage", str(root), "--action", "tag", "--run-id", run_id, "--remove-tags", "draft")

    assert added.returncode == 0 and removed.returncode == 0, added.stderr + removed.stderr
    assert removed.stdout.strip() == f"{run_id}: tags baseline, paper"
    assert meta_of(root, run_id)["tags"] == ["baseline", "paper"]
    assert meta_of(root, run_id)["project"] == "vision"  # the rest of meta.json is kept


def test_search_answers_a_v2_query_from_the_index(cli, sdk, root):
    good, bad, other = make_runs(sdk, [
        {"summary": {"accuracy": 0.95}, "tags": ["baseline"]},
        {"summary": {"accuracy": 0.5}},
        {"project": "nlp", "name": "bert", "summary": {"accuracy": 0.99}},
    ])

    done = cli("manage", "--storage", str(root), "--action", "search",
               "--query", 'project = "vision" and summary.accuracy > 0.9')

    assert done.returncode == 0, done.stderr
    assert good in done.stdout and bad not in done.stdout and other not in done.stdout
    assert "vision/resnet" in done.stdout and "baseline" in done.stdout
    assert done.stdout.rstrip().endswith("1 run(s) match.")


def test_search_json_is_the_api_answer(cli, sdk, root):
    ids = make_runs(sdk, [{}, {}, {"name": "vit"}])

    done = cli("manage", "--storage", str(root), "--action", "search", "--name", "resnet", "--json")

    answer = json.loads(done.stdout)
    assert answer["total"] == 2
    assert {e["id"] for e in answer["experiments"]} == set(ids[:2])
    assert set(answer) >= {"experiments", "total", "page", "per_page", "has_next", "has_prev"}


def test_a_query_with_a_typo_points_at_it(cli, root):
    done = cli("manage", "--storage", str(root), "--action", "search", "--query", 'tags contians "a"')

    assert done.returncode == 2
    assert done.stderr == (
        "error: --query: expected an operator (= != < <= > >=), 'in', 'contains' or 'exists' at position 5, "
        "found 'contians'\n  tags contians \"a\"\n       ^\n"
    )


def test_search_without_the_viewer_says_what_to_do(cli, root, tmp_path):
    # An SDK-only environment: the SDK on the path, the viewer's apps not, and Django not importable
    # (the shared venv has it in site-packages, so a module on the path shadows it).
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "django.py").write_text("raise ImportError('no Django here')\n")
    env = {"PYTHONPATH": os.pathsep.join([str(bare), str(REPO / "sdk")])}

    done = cli("manage", "--storage", str(root), "--action", "search", "-q", "status = 'finished'", env=env)

    assert done.returncode == 1
    assert "--action search needs the viewer installed here" in done.stderr
    assert "GET /api/v2/experiments?q=" in done.stderr and "Traceback" not in done.stderr


def test_delete_and_restore_go_through_the_recycle_bin(cli, sdk, root):
    [run_id] = make_runs(sdk, [{}])
    path = run_path(root, run_id)

    deleted = cli("manage", "--storage", str(root), "--action", "delete", "--run-id", run_id)
    marker = json.loads((path / ".deleted").read_text())
    searched = cli("manage", "--storage", str(root), "--action", "search", "--json")
    again = cli("manage", "--storage", str(root), "--action", "delete", "--run-id", run_id)
    restored = cli("manage", "--storage", str(root), "--action", "restore", "--run-id", run_id)

    assert deleted.returncode == 0 and "moved to the recycle bin" in deleted.stdout
    assert marker["reason"] == "user_deleted" and marker["original_status"] == "finished"
    assert json.loads(searched.stdout)["total"] == 0  # hidden from the lists, as in the viewer
    assert again.returncode == 1 and "already in the recycle bin" in again.stderr
    assert restored.returncode == 0 and not (path / ".deleted").exists()


def test_cleanup_deletes_only_runs_long_in_the_bin(cli, sdk, root):
    old, recent = make_runs(sdk, [{}, {}])
    for run_id, age_days in ((old, 40), (recent, 1)):
        assert cli("manage", "--storage", str(root), "--action", "delete", "--run-id", run_id).returncode == 0
        marker = run_path(root, run_id) / ".deleted"
        data = json.loads(marker.read_text())
        data["deleted_at"] -= age_days * 86400
        marker.write_text(json.dumps(data))

    preview = cli("manage", "--storage", str(root), "--action", "cleanup", "--days", "30", "--dry-run")
    done = cli("manage", "--storage", str(root), "--action", "cleanup", "--days", "30", "--force")

    assert preview.returncode == 0 and old in preview.stdout and recent not in preview.stdout
    assert done.returncode == 0, done.stderr
    assert {loc.run_id for loc in layout.iter_run_dirs(root)} == {recent}


def test_actions_on_runs_need_a_run_id(cli, root):
    done = cli("manage", "--storage", str(root), "--action", "restore")

    assert done.returncode == 2
    assert done.stderr.strip() == "error: --action restore needs --run-id RUN_ID (repeat it for several runs)"


def test_help_lists_examples_for_every_action(cli):
    text = cli("manage", "--help").stdout

    for action in ("search", "tag", "delete", "restore", "cleanup"):
        assert f"runicorn manage --action {action}" in text


def test_a_query_whose_field_and_value_do_not_fit_is_a_usage_error(cli, sdk, root):
    make_runs(sdk, [{}])

    done = cli("manage", "--storage", str(root), "--action", "search", "--query", "status > 3")

    assert done.returncode == 2
    assert done.stderr == "error: --query: status compares with strings, not a number\n  status > 3\n         ^\n"
