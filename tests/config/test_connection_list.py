"""GET/POST /api/remote/connections/saved: the reference web UI's whole-list connections, with its
camelCase fields, and the password kept only encrypted (never handed back); the reference's own
connections.json brought over."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet

from apps.config import secrets

pytestmark = pytest.mark.django_db

URL = "/api/remote/connections/saved"
PASSWORD = "hunter2-but-longer-5512"
ENTRY = {"id": "conn_1736840000000_k3j5h2l1a", "name": "mluser@gpu", "host": "gpu.example", "port": 22,
         "username": "mluser", "authMethod": "password", "password": PASSWORD, "condaEnv": "system",
         "remoteRoot": "/data/runicorn", "localPort": 23301, "remotePort": 23300, "createdAt": 1736840000000}


def test_the_list_is_empty_until_saved(client):
    answer = client.get(URL)
    assert (answer.status_code, answer.json()) == (200, {"ok": True, "connections": []})


def test_a_saved_list_comes_back_without_the_password(client, config_home):
    saved = client.post(URL, [ENTRY], format="json")

    assert saved.status_code == 200
    assert saved.json() == {"ok": True, "message": "Connections saved successfully"}
    (listed,) = client.get(URL).json()["connections"]
    assert listed == {**{k: v for k, v in ENTRY.items() if k != "password"}, "hasPassword": True}
    text = (config_home / "config.json").read_text()
    assert PASSWORD not in text and json.loads(text)["remote_connections"][0]["encrypted_password"]


def test_writing_back_the_list_as_read_keeps_the_stored_password(client, config_home):
    client.post(URL, [ENTRY], format="json")
    (listed,) = client.get(URL).json()["connections"]
    second = {**ENTRY, "id": "conn_2", "host": "other.example"}
    del second["password"]

    client.post(URL, [{**listed, "remoteRoot": "/scratch"}, second], format="json")

    first, other = client.get(URL).json()["connections"]
    assert (first["remoteRoot"], first["hasPassword"]) == ("/scratch", True)
    assert other["hasPassword"] is False
    # Deleting is writing the list without it.
    client.post(URL, [other], format="json")
    assert [c["id"] for c in client.get(URL).json()["connections"]] == ["conn_2"]


@pytest.mark.parametrize(("body", "detail"), [
    ({"connections": []}, "the body must be the list of connections"),
    ([{**ENTRY, "host": ""}], "connection 0: host is required (a host name or IP address)"),
    ([{**ENTRY, "port": 70000}], "connection 0: port must be an integer between 1 and 65535"),
    ([{k: v for k, v in ENTRY.items() if k != "id"}], "connection 0: id is required"),
    ([ENTRY, ENTRY], "each connection needs an id of its own"),
    ([ENTRY] + ["x"], "connection 1 must be an object"),
    ([{**ENTRY, "id": f"c{i}"} for i in range(101)], "at most 100 connections can be saved"),
])
def test_a_malformed_list_is_422_and_changes_nothing(client, body, detail):
    client.post(URL, [ENTRY], format="json")
    answer = client.post(URL, body, format="json")
    assert (answer.status_code, answer.json()) == (422, {"detail": detail})
    assert [c["id"] for c in client.get(URL).json()["connections"]] == [ENTRY["id"]]


def test_the_reference_list_is_brought_over_once_with_its_passwords_re_encrypted(client, config_home, caplog):
    key = Fernet.generate_key()
    config_home.mkdir(parents=True)
    (config_home / ".secret.key").write_bytes(key)
    token = Fernet(key).encrypt(PASSWORD.encode()).decode()
    unreadable = Fernet(Fernet.generate_key()).encrypt(b"other key").decode()
    reference_list = [
        {**ENTRY, "password": token},
        {**ENTRY, "id": "conn_clear", "password": "in-clear-pw"},
        {**ENTRY, "id": "conn_lost", "password": unreadable},
        {"id": "conn_broken", "host": ""},
    ]
    (config_home / "connections.json").write_text(json.dumps(reference_list))

    listed = client.get(URL).json()["connections"]

    assert [(c["id"], c["hasPassword"]) for c in listed] == [
        (ENTRY["id"], True), ("conn_clear", True), ("conn_lost", False)]
    assert listed[0]["remoteRoot"] == ENTRY["remoteRoot"] and "password" not in listed[0]
    stored = json.loads((config_home / "config.json").read_text())["remote_connections"]
    assert secrets.decrypt(stored[0]["encrypted_password"]) == PASSWORD
    assert secrets.decrypt(stored[1]["encrypted_password"]) == "in-clear-pw"
    assert "cannot be decrypted" in caplog.text
    # Once: later changes to the reference's file are not ours to follow.
    (config_home / "connections.json").write_text(json.dumps([{**ENTRY, "id": "conn_new"}]))
    assert [c["id"] for c in client.get(URL).json()["connections"]] == [ENTRY["id"], "conn_clear", "conn_lost"]
