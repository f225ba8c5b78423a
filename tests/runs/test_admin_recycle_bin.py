"""The Django admin: a read-only list of all runs and the recycle bin with restore / delete for good."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User

from apps.runs.models import Run
from tests.factories import make_run

pytestmark = pytest.mark.django_db

BIN = "/admin/runs/deletedrun/"
RUNS = "/admin/runs/run/"


def _marker(original_status: str = "finished") -> dict:
    return {"deleted_at": 1700000000.0, "reason": "user_deleted", "original_status": original_status}


@pytest.fixture
def admin_client(client, db):  # type: ignore[no-untyped-def]
    # pytest-django's own admin_client hashes a password (about a second on a busy 2-core box).
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", password=None))
    return client


@pytest.fixture
def runs(storage_root, reindex):  # type: ignore[no-untyped-def]
    made = {
        "live": make_run(storage_root, "vision", "resnet"),
        "deleted": make_run(storage_root, "vision", "vit", deleted=_marker("failed")),
        "deleted2": make_run(storage_root, "nlp", "bert", deleted=_marker()),
    }
    reindex()
    return made


def _pk(run_dir) -> int:  # type: ignore[no-untyped-def]
    return Run.objects.get(run_id=run_dir.name).pk


def test_it_needs_a_login(client, runs):
    resp = client.get(BIN)
    assert resp.status_code == 302 and "/admin/login/" in resp["Location"]


def test_the_recycle_bin_lists_deleted_runs_with_their_details(admin_client, runs):
    resp = admin_client.get(BIN)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert runs["deleted"].name in html and runs["deleted2"].name in html
    assert runs["live"].name not in html
    assert "vision" in html and "vit" in html and "user_deleted" in html and "failed" in html
    assert "2023-11-14 22:13:20" in html  # deleted_at, in the server's time zone (UTC)
    assert "Delete selected runs permanently" in html and "Restore selected runs" in html
    # Django's own bulk delete would drop rows and leave the directories behind.
    assert 'value="delete_selected"' not in html


def test_restore_brings_a_run_back_on_disk_and_in_the_api(admin_client, api, runs):
    run = runs["deleted"]
    resp = admin_client.post(BIN, {"action": "restore_runs", ACTION_CHECKBOX_NAME: [_pk(run)]}, follow=True)
    assert resp.status_code == 200
    assert "Restored 1 run(s)." in resp.content.decode()
    assert not (run / ".deleted").exists()
    assert not Run.objects.get(run_id=run.name).deleted
    assert run.name in [r["id"] for r in api.get("/api/runs").json()]
    assert (runs["deleted2"] / ".deleted").exists()


def test_delete_permanently_asks_first(admin_client, runs):
    run = runs["deleted"]
    resp = admin_client.post(BIN, {"action": "delete_permanently", ACTION_CHECKBOX_NAME: [_pk(run)]})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Delete runs permanently?" in html
    assert str(run) in html  # the directory that would go
    assert 'name="post" value="yes"' in html
    assert (run / "meta.json").exists()
    assert Run.objects.filter(run_id=run.name).exists()


def test_delete_permanently_removes_the_directory_once_confirmed(admin_client, api, runs):
    run = runs["deleted"]
    resp = admin_client.post(
        BIN, {"action": "delete_permanently", ACTION_CHECKBOX_NAME: [_pk(run)], "post": "yes"}, follow=True
    )
    assert resp.status_code == 200
    assert "Permanently deleted 1 run(s)." in resp.content.decode()
    assert not run.exists()
    assert not Run.objects.filter(run_id=run.name).exists()
    assert [r["id"] for r in api.get("/api/recycle-bin").json()["deleted_runs"]] == [runs["deleted2"].name]
    assert (runs["live"] / "meta.json").exists()


def test_delete_permanently_keeps_a_run_restored_on_disk_meanwhile(admin_client, runs):
    run = runs["deleted"]
    (run / ".deleted").unlink()  # restored by hand after the page was shown
    resp = admin_client.post(
        BIN, {"action": "delete_permanently", ACTION_CHECKBOX_NAME: [_pk(run)], "post": "yes"}, follow=True
    )
    assert "could not be deleted" in resp.content.decode()
    assert (run / "meta.json").exists()


def test_the_single_run_delete_page_also_removes_the_directory(admin_client, runs):
    run = runs["deleted2"]
    resp = admin_client.post(f"{BIN}{_pk(run)}/delete/", {"post": "yes"})
    assert resp.status_code == 302
    assert not run.exists()
    assert not Run.objects.filter(run_id=run.name).exists()


def test_a_deleted_run_cannot_be_edited(admin_client, runs):
    run = runs["deleted"]
    page = admin_client.get(f"{BIN}{_pk(run)}/change/")
    assert page.status_code == 200 and 'name="project"' not in page.content.decode()
    assert admin_client.post(f"{BIN}{_pk(run)}/change/", {"project": "x"}).status_code == 403
    assert admin_client.get(f"{BIN}add/").status_code == 403


def test_the_run_list_searches_and_filters(admin_client, runs):
    html = admin_client.get(RUNS, {"q": "resnet"}).content.decode()
    assert runs["live"].name in html and runs["deleted"].name not in html

    html = admin_client.get(RUNS, {"q": runs["deleted2"].name}).content.decode()
    assert runs["deleted2"].name in html and runs["live"].name not in html

    html = admin_client.get(RUNS, {"deleted__exact": "1"}).content.decode()
    assert runs["deleted"].name in html and runs["live"].name not in html

    html = admin_client.get(RUNS, {"status__exact": "finished"}).content.decode()
    assert runs["live"].name in html


def test_the_run_list_is_read_only(admin_client, runs):
    pk = _pk(runs["live"])
    assert 'value="delete_selected"' not in admin_client.get(RUNS).content.decode()
    assert admin_client.get(f"{RUNS}add/").status_code == 403
    assert admin_client.post(f"{RUNS}{pk}/change/", {"project": "x"}).status_code == 403
    assert admin_client.post(f"{RUNS}{pk}/delete/", {"post": "yes"}).status_code == 403
    assert (runs["live"] / "meta.json").exists()


def test_the_lists_do_not_query_per_run(admin_client, storage_root, reindex, django_assert_max_num_queries):
    for i in range(25):
        make_run(storage_root, name=f"exp{i}", deleted=_marker())
    reindex()
    admin_client.get(BIN)  # session and user rows cached the same way on each request
    with django_assert_max_num_queries(8):
        assert admin_client.get(BIN).status_code == 200
    with django_assert_max_num_queries(8):
        assert admin_client.get(RUNS).status_code == 200
