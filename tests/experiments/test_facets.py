"""Query facets: what of a run becomes queryable, and that they follow every change of the index."""

from __future__ import annotations

import json
import shutil

import pytest

from apps.experiments import facets
from apps.experiments.models import Facet
from apps.runs.models import Run
from tests.experiments.dataset import make_experiment

K = Facet.Kind


def test_scalars_are_typed_and_lists_hold_their_elements():
    rows = facets.value_rows(1, {
        "lr": 0.01, "steps": 10, "amp": True, "name": "adam", "none": None,
        "optim": {"beta": [0.9, 0.99], "deep": {"x": "y"}},
        "big": 10**400, "long": "x" * 2000, "list_of_dicts": [{"a": 1}],
    }, K.CONFIG, K.CONFIG_ITEM)
    assert sorted(rows, key=str) == sorted([
        (1, K.CONFIG, "lr", 0.01, None, None, False),
        (1, K.CONFIG, "steps", 10.0, None, None, False),
        (1, K.CONFIG, "amp", None, None, True, False),
        (1, K.CONFIG, "name", None, "adam", None, False),
        (1, K.CONFIG, "none", None, None, None, False),
        (1, K.CONFIG_ITEM, "optim.beta", 0.9, None, None, False),
        (1, K.CONFIG_ITEM, "optim.beta", 0.99, None, None, False),
        (1, K.CONFIG, "optim.deep.x", None, "y", None, False),
    ], key=str)


def test_search_words_come_from_project_name_description_and_tags():
    rows = facets.run_rows(1, "Vision", "resnet50_v2", "Fine-tune: ÉTÉ run", ["Mixed Case", "x"], {}, {})
    words = [key for _, kind, key, *_ in rows if kind == K.WORD]
    assert words == ["vision", "resnet50", "v2", "fine", "tune", "été", "run", "mixed", "case", "x"]
    tags = [key for _, kind, key, *_ in rows if kind == K.TAG]
    assert tags == ["Mixed Case", "x"]


def test_best_metric_keys_are_left_to_the_run_columns():
    rows = facets.run_rows(1, "p", "n", None, [], {"best_metric_value": 0.5, "acc": 1}, {})
    assert [r[2] for r in rows if r[1] == K.SUMMARY] == ["acc"]


def test_a_huge_config_is_capped():
    rows = facets.value_rows(1, {f"k{i}": i for i in range(5000)}, K.CONFIG, K.CONFIG_ITEM)
    assert len(rows) == facets.MAX_VALUES_PER_RUN


@pytest.mark.django_db(transaction=True)
def test_facets_follow_changes_and_removals_of_runs(api, storage_root, reindex):
    run = make_experiment(storage_root, config={"lr": 0.1}, tags=["old"])
    other = make_experiment(storage_root, name="other", config={"lr": 0.5})
    reindex()

    def found(q: str) -> set[str]:
        return {e["id"] for e in api.get("/api/v2/experiments", {"q": q}).json()["experiments"]}

    assert found("config.lr = 0.1") == {run.name}
    (run / "config.json").write_text(json.dumps({"lr": 0.2}))
    meta = json.loads((run / "meta.json").read_text())
    (run / "meta.json").write_text(json.dumps({**meta, "tags": ["new"]}))
    reindex()
    assert found("config.lr = 0.1") == set() and found("config.lr = 0.2") == {run.name}
    assert found('tags contains "old"') == set() and found('tags contains "new"') == {run.name}
    assert Facet.objects.filter(run_id=Run.objects.get(run_id=run.name).pk, kind=K.CONFIG).count() == 1

    shutil.rmtree(run)
    reindex()
    assert found("config.lr > 0") == {other.name}
    # The cascade took the removed run's facets with it.
    assert set(Facet.objects.values_list("run_id", flat=True)) == {Run.objects.get(run_id=other.name).pk}


@pytest.mark.django_db(transaction=True)
def test_rebuild_recreates_the_facets_of_an_existing_index(storage_root, reindex):
    make_experiment(storage_root, config={"lr": 0.1, "layers": [1, 2]}, tags=["a"], description="hello world")
    reindex()
    make_experiment(storage_root, name="gone", tags=["a"], deleted={"deleted_at": 1.0, "reason": "x"})
    reindex()
    columns = ("run_id", "kind", "key", "num", "text", "flag", "deleted")
    before = sorted(Facet.objects.values_list(*columns))
    assert {row[-1] for row in before} == {True, False}
    Facet.objects.all().delete()
    assert facets.rebuild() == len(before)
    assert sorted(Facet.objects.values_list(*columns)) == before


@pytest.mark.django_db(transaction=True)
def test_facets_carry_the_deleted_flag_of_their_run(api, storage_root, reindex):
    run = make_experiment(storage_root, tags=["t"], config={"lr": 0.1})
    reindex()
    pk = Run.objects.get(run_id=run.name).pk
    assert set(Facet.objects.filter(run_id=pk).values_list("deleted", flat=True)) == {False}
    api.post("/api/v2/experiments/batch-delete", {"exp_ids": [run.name]}, format="json")
    assert set(Facet.objects.filter(run_id=pk).values_list("deleted", flat=True)) == {True}
    assert api.get("/api/v2/experiments", {"tags": "t"}).json()["total"] == 0
    assert api.get("/api/v2/experiments", {"tags": "t", "include_deleted": "true"}).json()["total"] == 1
    api.post("/api/recycle-bin/restore", {"run_ids": [run.name]}, format="json")
    assert set(Facet.objects.filter(run_id=pk).values_list("deleted", flat=True)) == {False}
    assert api.get("/api/v2/experiments", {"q": "config.lr = 0.1"}).json()["total"] == 1
