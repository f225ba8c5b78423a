"""Who may call what in the team profile: anonymous callers, members, admins; sessions and CSRF."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from apps.accounts.access import PUBLIC, RULES

pytestmark = pytest.mark.django_db

RUN_ID = "20250101_000000_abcdef"
# A value for every path parameter name used in the URLconf, valid for its converter or regex.
EXAMPLES = {
    "run_id": RUN_ID, "exp_id": RUN_ID, "project": "proj", "name": "model", "version": "1", "path": "a.txt",
    "key": "gpu:22@me", "task_id": "00000000-0000-4000-8000-000000000000", "token_id": "1", "id": "conn_1",
    "connection_id": "conn_1", "conn_id": "conn_1", "type": "model",
}
NOT_AUTHENTICATED = {"detail": "Authentication credentials were not provided."}


def api_paths() -> list[tuple[str, str]]:
    """(URL name, a concrete path) for every route under /api/, whatever app added it."""
    found: list[tuple[str, str]] = []

    def walk(patterns, prefix):  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: EXAMPLES.get(m.group(1), "x"), route)
                route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: EXAMPLES.get(m.group(1), "x"), route)
                route = route.replace("^", "").replace("$", "").replace("\\", "")
                found.append((pattern.name or "", "/" + route))

    walk(get_resolver().url_patterns, "")
    return [(name, path) for name, path in found if path.startswith("/api/")]


PUBLIC_ROUTES = {name for (name, _method), rule in RULES.items() if rule == PUBLIC}


def test_every_api_route_refuses_anonymous_callers_with_401(team):
    client = APIClient()
    checked = []
    for name, path in api_paths():
        if name in PUBLIC_ROUTES:
            continue
        for method in ("get", "post", "delete"):
            response = getattr(client, method)(path)
            assert response.status_code == 401, (method, path, response.status_code, response.content[:200])
            body = response.json()
            # That API family's own error shape; the reference web UI's saved list answers as the reference does.
            if path.startswith("/api/remote/") and path != "/api/remote/connections/saved":
                body = {"detail": body.get("message")}
            assert body == NOT_AUTHENTICATED, (method, path)
            checked.append(path)
    assert len(set(checked)) > 30  # the whole API, not a few routes


def test_the_api_docs_need_a_login_too(team, member):
    client = APIClient()
    assert client.get("/openapi.json").status_code == 401
    client.force_login(member)
    assert client.get("/openapi.json").status_code == 200


def test_the_public_routes_answer_anonymous_callers(team):
    client = APIClient()
    assert client.get("/api/health").status_code == 200
    me = client.get("/api/auth/me").json()
    assert me["authenticated"] is False and me["auth_required"] is True and me["user"] is None


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/api/recycle-bin/empty", {"confirm": True}),
    ("delete", "/api/artifacts/model/v1?permanent=true", None),
    ("delete", "/api/artifacts/model/v1?permanent=1", None),
    ("post", "/api/config/user_root_dir", {"path": "/tmp/elsewhere"}),
])
def test_a_member_gets_403_on_admin_only_routes(as_member, method, path, body):
    response = getattr(as_member, method)(path, body, format="json")

    assert response.status_code == 403, response.content
    assert "admin" in response.json()["detail"]


def test_an_admin_passes_the_admin_only_routes(as_admin):
    # The view runs (and answers for itself: nothing to empty, no such artifact).
    assert as_admin.post("/api/recycle-bin/empty", {"confirm": True}, format="json").status_code == 200
    assert as_admin.delete("/api/artifacts/model/v1?permanent=true").status_code == 404


def test_a_member_soft_deletes_and_restores_runs(as_member, storage_root, reindex):
    from tests.factories import make_run

    run_id = make_run(storage_root).name
    reindex()

    assert as_member.post("/api/runs/soft-delete", {"run_ids": [run_id]}, format="json").status_code == 200
    assert [r["id"] for r in as_member.get("/api/recycle-bin").json()["deleted_runs"]] == [run_id]
    assert as_member.post("/api/recycle-bin/restore", {"run_ids": [run_id]}, format="json").status_code == 200
    # Soft-deleting an artifact version is a member's too; only ?permanent=true is an admin's.
    assert as_member.delete("/api/artifacts/model/v1?permanent=false").status_code == 404


def test_a_member_cannot_open_the_admin_site(team, member, admin_user):
    client = Client()
    client.force_login(member)
    assert client.get("/admin/").status_code == 302  # to the admin login page
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200


def test_plain_django_views_follow_the_same_rules(team, member, storage_root, reindex):
    # /api/runs/{id}/metrics_step is an async Django view, not DRF: guarded by the middleware.
    from tests.factories import make_run, metric_event

    run_id = make_run(storage_root, events=[metric_event(1, 1.0, loss=0.5)]).name
    reindex()
    path = f"/api/runs/{run_id}/metrics_step"
    assert Client().get(path).json() == NOT_AUTHENTICATED
    assert Client(headers={"Authorization": "Bearer rnc_000000000000_x"}).get(path).status_code == 401

    from apps.accounts import tokens

    token = tokens.issue(member, "x").token
    response = Client(headers={"Authorization": f"Bearer {token}"}).get(path)
    assert response.status_code == 200 and response.json()["total"] == 1


class TestSessions:
    def login(self, client: APIClient, username: str, password: str):  # type: ignore[no-untyped-def]
        csrf = client.get("/api/auth/me").json()["csrf_token"]
        return client.post("/api/auth/login", {"username": username, "password": password}, format="json",
                           HTTP_X_CSRFTOKEN=csrf)

    def test_login_me_and_logout(self, team, member):
        client = APIClient(enforce_csrf_checks=True)

        response = self.login(client, "mia", "member-pass-1")

        assert response.status_code == 200, response.content
        assert response.json()["user"] == {"id": member.pk, "username": "mia", "email": "", "role": "member",
                                           "is_admin": False}
        assert client.get("/api/runs").status_code == 200
        csrf = client.cookies["csrftoken"].value
        assert client.post("/api/auth/logout", HTTP_X_CSRFTOKEN=csrf).status_code == 200
        assert client.get("/api/runs").status_code == 401

    def test_a_wrong_password_gets_400_and_no_session(self, team, member):
        client = APIClient(enforce_csrf_checks=True)

        response = self.login(client, "mia", "wrong")

        assert response.status_code == 400
        assert response.json() == {"detail": "Invalid username or password."}
        assert client.get("/api/runs").status_code == 401

    def test_a_login_without_the_csrf_token_is_refused(self, team, member):
        client = APIClient(enforce_csrf_checks=True)

        response = client.post("/api/auth/login", {"username": "mia", "password": "member-pass-1"}, format="json")

        assert response.status_code == 403
        assert "CSRF" in response.json()["detail"]

    def test_writes_with_the_session_cookie_need_the_csrf_token(self, team, member, storage_root):
        client = APIClient(enforce_csrf_checks=True)
        assert self.login(client, "mia", "member-pass-1").status_code == 200

        refused = client.post("/api/runs/soft-delete", {"run_ids": [RUN_ID]}, format="json")
        assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]

        csrf = client.cookies["csrftoken"].value
        allowed = client.post("/api/runs/soft-delete", {"run_ids": [RUN_ID]}, format="json", HTTP_X_CSRFTOKEN=csrf)
        assert allowed.status_code == 200

    def test_token_requests_need_no_csrf_token(self, team, member, storage_root):
        from apps.accounts import tokens

        client = APIClient(enforce_csrf_checks=True)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.issue(member, 'x').token}")

        assert client.post("/api/runs/soft-delete", {"run_ids": [RUN_ID]}, format="json").status_code == 200


def test_cors_stays_closed_to_other_origins(as_member):
    response = as_member.get("/api/runs", HTTP_ORIGIN="https://elsewhere.example")
    preflight = as_member.options("/api/runs", HTTP_ORIGIN="https://elsewhere.example",
                                  HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")

    assert response.status_code == 200
    for answer in (response, preflight):
        assert not any(header.lower().startswith("access-control-") for header in answer.headers)
    assert response["X-Frame-Options"] == "DENY"
