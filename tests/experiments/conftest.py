"""Fixtures of the V2 tests: a V2 client, and one indexed varied root per module."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from apps.runs import indexer
from apps.runs.models import IndexState, Run
from apps.runs.storage import get_storage_root, set_storage_root
from tests.experiments import dataset


@pytest.fixture
def v2(api) -> Callable[..., dict[str, Any]]:  # type: ignore[no-untyped-def]
    """GET /api/v2/experiments with these query parameters; asserts 200 and returns the body."""

    def _get(**params: Any) -> dict[str, Any]:
        resp = api.get("/api/v2/experiments", params)
        assert resp.status_code == 200, resp.content
        return resp.json()

    return _get


@pytest.fixture(scope="module")
def runs(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[list[Any]]:  # type: ignore[no-untyped-def]
    """One indexed root for the whole module (indexing it per test would dominate the run time)."""
    root = tmp_path_factory.mktemp("v2-list") / "root"
    root.mkdir()
    dataset.build(root)
    previous = get_storage_root()
    set_storage_root(root)
    with django_db_blocker.unblock():
        indexer.sync_index(root)
        yield dataset.truth(root)
        Run.objects.all().delete()
        IndexState.objects.all().delete()
    set_storage_root(previous)


@pytest.fixture(params=["few", "many"])
def paths(request, monkeypatch):  # type: ignore[no-untyped-def]
    """Both ways a facet filter is answered: every match read at once (few matches), or the sort
    index walked with a facet probe per run (many; forced here by lowering the threshold)."""
    from apps.experiments import listing

    if request.param == "many":
        monkeypatch.setattr(listing, "FEW_MATCHES", 2)
    listing.clear_caches()
    yield request.param
    listing.clear_caches()
