"""Saved SSH connections: masked in every answer, encrypted at rest, migrated from the reference."""

from __future__ import annotations

import base64
import json
import logging
import os
import stat

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from apps.config import secrets, ssh_connections

PASSWORD = "correct-horse-battery-staple-7731"
PRIVATE_KEY = (
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUtestkeybody9931\n"
    "-----END OPENSSH PRIVATE KEY-----\n"
)
PASSPHRASE = "passphrase-5521-open-sesame"
SECRETS = (PASSWORD, "testkeybody9931", PASSPHRASE)


def save(client, **fields):  # type: ignore[no-untyped-def]
    body = {"host": "gpu.example", "port": 2222, "username": "mluser", "name": "GPU", **fields}
    return client.post("/api/config/ssh_connections", body, format="json")


def config_text(config_home) -> str:  # type: ignore[no-untyped-def]
    return (config_home / "config.json").read_text()


def test_a_saved_connection_is_listed_without_its_secrets(client, config_home, caplog):
    caplog.set_level(logging.DEBUG)
    answer = save(client, auth_method="password", remember_password=True, password=PASSWORD,
                  private_key=PRIVATE_KEY, passphrase=PASSPHRASE)

    assert answer.status_code == 200
    assert answer.json()["key"] == "gpu.example:2222@mluser"
    listed = client.get("/api/config/ssh_connections")
    details = client.get("/api/config/ssh_connections/gpu.example:2222@mluser/details")
    (entry,) = listed.json()["connections"]
    assert entry["has_password"] is entry["has_private_key"] is entry["has_passphrase"] is True
    assert details.json()["connection"] == entry
    assert {"password", "private_key", "passphrase", "encrypted_password"}.isdisjoint(entry)
    for text in (answer.content.decode(), listed.content.decode(), details.content.decode(),
                 config_text(config_home), caplog.text):
        for secret in SECRETS:
            assert secret not in text


def test_secrets_are_fernet_tokens_on_disk_and_decrypt_for_the_client(client, config_home):
    save(client, auth_method="password", remember_password=True, password=PASSWORD, passphrase=PASSPHRASE)

    (stored,) = json.loads(config_text(config_home))["ssh_connections"]
    key = (config_home / "secrets.key").read_bytes().strip()
    assert Fernet(key).decrypt(stored["encrypted_password"].encode()).decode() == PASSWORD
    creds = ssh_connections.credentials_for("gpu.example:2222@mluser")
    assert (creds.password, creds.passphrase, creds.private_key) == (PASSWORD, PASSPHRASE, None)
    assert PASSWORD not in repr(creds)


def test_the_key_file_is_readable_by_its_owner_only(client, config_home):
    save(client, remember_password=True, password=PASSWORD)

    assert stat.S_IMODE((config_home / "secrets.key").stat().st_mode) == 0o600


def test_a_key_file_others_can_read_is_refused(config_home):
    config_home.mkdir(parents=True)
    (config_home / "secrets.key").write_bytes(Fernet.generate_key())
    os.chmod(config_home / "secrets.key", 0o644)

    with pytest.raises(ImproperlyConfigured, match="chmod 600"):
        secrets.encrypt("x")


def test_the_team_key_from_settings_is_used_instead_of_a_file(client, config_home, settings):
    settings.RUNICORN_SECRETS_KEY = Fernet.generate_key().decode()
    save(client, remember_password=True, password=PASSWORD)

    (stored,) = json.loads(config_text(config_home))["ssh_connections"]
    assert Fernet(settings.RUNICORN_SECRETS_KEY.encode()).decrypt(stored["encrypted_password"].encode()) == \
        PASSWORD.encode()
    assert not (config_home / "secrets.key").exists()


def test_a_malformed_team_key_fails_loudly():
    with pytest.raises(ImproperlyConfigured, match="Fernet key"):
        secrets.check_key("not-a-key")


def test_without_remember_password_no_secret_is_stored(client, config_home):
    save(client, auth_method="key", password=PASSWORD, private_key=PRIVATE_KEY, private_key_path="~/.ssh/id_ed25519")

    (entry,) = client.get("/api/config/ssh_connections").json()["connections"]
    assert entry["has_password"] is entry["has_private_key"] is False
    assert entry["private_key_path"] == "~/.ssh/id_ed25519"
    assert "encrypted" not in config_text(config_home)


def test_saving_again_updates_in_place_and_keeps_an_omitted_secret(client):
    save(client, remember_password=True, password=PASSWORD)
    save(client, remember_password=True, name="renamed")

    (entry,) = client.get("/api/config/ssh_connections").json()["connections"]
    assert entry["name"] == "renamed"
    assert ssh_connections.credentials_for(entry["key"]).password == PASSWORD


def test_turning_remember_off_forgets_the_secrets(client):
    save(client, remember_password=True, password=PASSWORD)
    save(client, remember_password=False)

    assert ssh_connections.credentials_for("gpu.example:2222@mluser").password is None


def test_delete_removes_the_connection(client):
    save(client)

    deleted = client.delete("/api/config/ssh_connections/gpu.example:2222@mluser")
    again = client.delete("/api/config/ssh_connections/gpu.example:2222@mluser")

    assert deleted.status_code == 200 and deleted.json()["ok"] is True
    assert again.status_code == 404
    assert client.get("/api/config/ssh_connections").json() == {"connections": []}


def test_details_of_an_unknown_connection_is_404(client):
    answer = client.get("/api/config/ssh_connections/nowhere:22@me/details")

    assert answer.status_code == 404
    assert answer.json() == {"detail": "Connection not found: nowhere:22@me"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"host": ""}, "host is required"),
        ({"host": "bad host"}, "host must be"),
        ({"port": 70000}, "port must be"),
        ({"port": "ssh"}, "port must be"),
        ({"username": None}, "username is required"),
        ({"auth_method": "telepathy"}, "auth_method must be"),
        ({"remember_password": "maybe"}, "remember_password must be"),
    ],
)
def test_malformed_fields_are_refused(client, fields, message):
    answer = save(client, **fields)

    assert answer.status_code == 400
    assert message in answer.json()["detail"]


def test_a_wrong_password_value_is_never_echoed(client):
    answer = save(client, remember_password=True, password={"nested": PASSWORD})

    assert answer.status_code == 400
    assert PASSWORD not in answer.content.decode()


def test_reference_entries_are_re_encrypted_on_first_read(client, config_home):
    # What runicorn 0.5.3 writes: its own key file, and secrets XORed with it ("ENC:") or in clear.
    config_home.mkdir(parents=True)
    xor_key = os.urandom(32)
    (config_home / ".credential_key").write_bytes(xor_key)
    obfuscated = bytes(b ^ xor_key[i % 32] for i, b in enumerate(PASSWORD.encode()))
    legacy = {"key": "old.example:22@me", "host": "old.example", "port": 22, "username": "me",
              "auth_method": "password", "password": "ENC:" + base64.b64encode(obfuscated).decode(),
              "passphrase": PASSPHRASE}
    (config_home / "config.json").write_text(json.dumps({"user_root_dir": "/data", "ssh_connections": [legacy]}))

    (entry,) = client.get("/api/config/ssh_connections").json()["connections"]

    assert entry["has_password"] is entry["has_passphrase"] is True
    on_disk = config_text(config_home)
    assert PASSPHRASE not in on_disk and "ENC:" not in on_disk
    assert json.loads(on_disk)["user_root_dir"] == "/data"
    creds = ssh_connections.credentials_for("old.example:22@me")
    assert (creds.password, creds.passphrase) == (PASSWORD, PASSPHRASE)


def test_a_secret_from_another_key_is_reported_not_crashed(client, config_home):
    save(client, remember_password=True, password=PASSWORD)
    (config_home / "secrets.key").write_bytes(Fernet.generate_key())  # the key was replaced

    with pytest.raises(secrets.SecretUnreadable):
        ssh_connections.credentials_for("gpu.example:2222@mluser")
